"""Admin: régies, prices (editable); invoices, lines, runs (read-only: an issued invoice is
never edited nor deleted — corrections are credit notes, from the back office)."""

from django.contrib import admin

from marelle.billing.models import (
    Facture,
    FactureLine,
    InvoiceRun,
    Payment,
    PaymentAllocation,
    Regie,
    SepaBatch,
    SepaDebit,
    SepaMandat,
    ServiceBilling,
    Tarif,
    TarifTranche,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Regie)
class RegieAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "code", "invoice_prefix", "due_days", "payment_backend"]
    list_filter = ["commune"]
    search_fields = ["name", "code"]


@admin.register(ServiceBilling)
class ServiceBillingAdmin(admin.ModelAdmin):
    list_display = ["service", "regie"]
    list_filter = ["regie"]


class TarifTrancheInline(admin.TabularInline):
    model = TarifTranche
    extra = 1


@admin.register(Tarif)
class TarifAdmin(admin.ModelAdmin):
    list_display = ["service", "valid_from", "valid_until", "unit"]
    list_filter = ["service__etablissement__commune", "unit"]
    inlines = [TarifTrancheInline]


class FactureLineInline(ReadOnlyInline):
    model = FactureLine
    fields = ["enfant", "service", "label", "quantity", "unit_price", "amount", "price_explanation"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["received_on", "amount", "method"]
    readonly_fields = fields


@admin.register(Facture)
class FactureAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "famille", "responsable", "issued_on", "due_on", "total", "status"]
    list_filter = ["status", "kind", "regie", "famille__commune"]
    search_fields = ["number", "famille__numero", "responsable__nom"]
    date_hierarchy = "issued_on"
    raw_id_fields = ["famille", "responsable"]
    inlines = [FactureLineInline, PaymentInline]


@admin.register(InvoiceRun)
class InvoiceRunAdmin(ReadOnlyAdmin):
    list_display = ["regie", "month", "status", "invoice_count", "total", "issued_at"]
    list_filter = ["regie", "status"]


class PaymentAllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    raw_id_fields = ["facture"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["received_on", "famille", "amount", "method", "status", "facture"]
    list_filter = ["method", "status", "famille__commune"]
    search_fields = ["famille__numero", "facture__number", "reference"]
    date_hierarchy = "received_on"
    raw_id_fields = ["famille", "facture", "responsable"]
    inlines = [PaymentAllocationInline]


@admin.register(SepaMandat)
class SepaMandatAdmin(admin.ModelAdmin):
    list_display = ["rum", "responsable", "signed_on", "revoked_on"]
    search_fields = ["rum", "responsable__nom"]
    raw_id_fields = ["responsable"]


class SepaDebitInline(admin.TabularInline):
    model = SepaDebit
    extra = 0
    raw_id_fields = ["facture", "mandat"]


@admin.register(SepaBatch)
class SepaBatchAdmin(admin.ModelAdmin):
    list_display = ["regie", "collection_date", "created_at"]
    inlines = [SepaDebitInline]
