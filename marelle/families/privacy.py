"""This app's part of the family's RGPD export (the contract: marelle/privacy/__init__.py)."""

from __future__ import annotations

from marelle.families.models import Enfant, Famille, Responsable

# The export's first table, one row: the family itself.
FAMILLE_FIELDS = (
    "id",
    "numero",
    "commune__name",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "quotient_familial",
    "qf_valid_from",
    "qf_valid_until",
    "direct_debit",
    "iban",
    "bic",
    "mandate_reference",
    "mandate_signed_on",
    "created_at",
)


def export_tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, tuple]:
    responsables = Responsable.objects.filter(famille=famille)
    if responsable is not None:  # a separated parent: their own details, not the other's
        responsables = responsables.filter(pk=responsable.pk)
    return {
        "responsables": (
            responsables.order_by("id"),
            # The login's identifiant and dates, never its password hash.
            (
                "id",
                "civilite",
                "nom",
                "prenom",
                "email",
                "phone",
                "notify_by_email",
                "language",
                "user__username",
                "user__date_joined",
                "user__last_login",
            ),
        ),
        "enfants": (
            Enfant.objects.filter(famille=famille).order_by("id"),
            (
                "id",
                "nom",
                "prenom",
                "birth_date",
                "birth_place",
                "etablissement__name",
                "classe",
                "allergies",
                "pai",
                "authorized_pickup",
                "photo_consent",
                "left_on",
            ),
        ),
    }
