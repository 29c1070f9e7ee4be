from django.contrib import admin

from marelle.billing.models import Facture, Payment


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["received_on", "amount", "method"]


@admin.register(Facture)
class FactureAdmin(admin.ModelAdmin):
    list_display = ["number", "famille", "responsable", "issued_on", "due_on", "total", "status"]
    list_filter = ["status", "famille__commune"]
    search_fields = ["number", "famille__numero", "responsable__nom"]
    date_hierarchy = "issued_on"
    raw_id_fields = ["famille", "responsable"]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["received_on", "famille", "amount", "method", "facture"]
    list_filter = ["method", "famille__commune"]
    search_fields = ["famille__numero", "facture__number"]
    date_hierarchy = "received_on"
    raw_id_fields = ["famille", "facture"]
