from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marelle.families.models import Enfant, Famille, Responsable


class ResponsableInline(admin.StackedInline):
    model = Responsable
    extra = 0
    fields = [("civilite", "nom", "prenom"), ("email", "phone", "notify_by_email"), "user"]
    raw_id_fields = ["user"]


class EnfantInline(admin.StackedInline):
    model = Enfant
    extra = 0
    fields = [
        ("nom", "prenom"),
        ("birth_date", "birth_place"),
        ("etablissement", "classe"),
        ("pai", "allergies"),
        "authorized_pickup",
        ("photo_consent", "left_on"),
    ]
    show_change_link = True


@admin.register(Famille)
class FamilleAdmin(admin.ModelAdmin):
    list_display = ["numero", "commune", "city", "email", "direct_debit"]
    list_filter = ["commune", "direct_debit"]
    search_fields = ["numero", "responsables__nom", "responsables__email", "enfants__nom"]
    fieldsets = [
        (None, {"fields": ["commune", "numero"]}),
        (_("Coordonnées"), {"fields": ["address", ("postal_code", "city"), ("phone", "email")]}),
        (_("Quotient familial"), {"fields": ["quotient_familial", ("qf_valid_from", "qf_valid_until")]}),
        (_("Prélèvement"), {"fields": ["direct_debit", ("iban", "bic"), ("mandate_reference", "mandate_signed_on")]}),
    ]
    inlines = [ResponsableInline, EnfantInline]


@admin.register(Responsable)
class ResponsableAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "famille", "email", "phone"]
    list_filter = ["famille__commune"]
    search_fields = ["nom", "prenom", "email", "famille__numero"]
    raw_id_fields = ["famille", "user"]


@admin.register(Enfant)
class EnfantAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "birth_date", "famille", "etablissement", "classe"]
    list_filter = ["etablissement__commune", "etablissement"]
    search_fields = ["nom", "prenom", "famille__numero"]
    raw_id_fields = ["famille"]
