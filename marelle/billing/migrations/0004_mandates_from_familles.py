"""A SepaMandat for the paying responsable of each family that had "Prélèvement : Oui" on
its card (families.Famille's direct_debit, iban, bic, mandate_reference, mandate_signed_on).
The old columns stay where they are: the families app owns them."""

from django.db import migrations


def forwards(apps, schema_editor):
    Famille = apps.get_model("families", "Famille")
    Inscription = apps.get_model("planning", "Inscription")
    SepaMandat = apps.get_model("billing", "SepaMandat")
    for famille in Famille.objects.filter(direct_debit=True).exclude(iban=""):
        payer_id = (
            Inscription.objects.filter(enfant__famille=famille).order_by("pk").values_list("responsable_id", flat=True)
        ).first() or famille.responsables.order_by("pk").values_list("pk", flat=True).first()
        if payer_id is None:
            continue
        rum = famille.mandate_reference or f"MARELLE-{famille.numero}-1"
        if SepaMandat.objects.filter(rum=rum).exists():
            continue
        SepaMandat.objects.create(
            responsable_id=payer_id,
            iban=famille.iban.replace(" ", "").upper(),
            bic=famille.bic.replace(" ", "").upper(),
            rum=rum,
            signed_on=famille.mandate_signed_on or famille.created_at.date(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_payments_online_sepa_pes"),
        ("families", "0002_initial"),
        ("planning", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
