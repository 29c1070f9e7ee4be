"""Treasury exports of an issued run: a CSV for accounting (one row per invoice line) and
the PES V2 PES_Aller ORMC file for Hélios (exports_pes builds the XML)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.billing.models import Facture, FactureLine, InvoiceRun, PesExport, SepaDebit
from marelle.billing.services import exports_pes as pes

ZERO = Decimal("0.00")


def run_invoices(run: InvoiceRun):
    """The run's issued invoices (credit notes are exported with the correction bordereaux, not here)."""
    return (
        Facture.objects.filter(run=run, kind=Facture.Kind.INVOICE)
        .exclude(status=Facture.Status.CANCELLED)
        .select_related("famille", "responsable", "regie")
        .prefetch_related(
            Prefetch(
                "lines", queryset=FactureLine.objects.select_related("enfant", "service").order_by("position", "pk")
            )
        )
        .order_by("number")
    )


def _amount(value: Decimal) -> str:
    """French spreadsheets read a decimal comma."""
    return f"{value:.2f}".replace(".", ",")


def run_csv(run: InvoiceRun) -> bytes:
    header = [
        _("Numéro"),
        _("Émise le"),
        _("Échéance"),
        _("Mois facturé"),
        _("Régie"),
        _("N° famille"),
        _("Payeur"),
        _("Adresse"),
        _("Code postal"),
        _("Ville"),
        _("Enfant"),
        _("Service"),
        _("Libellé"),
        _("Quantité"),
        _("Prix unitaire"),
        _("Montant de la ligne"),
        _("Total de la facture"),
    ]
    buffer = io.StringIO()
    # Semicolons and a BOM: what French spreadsheets open without an import dialog.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    total = ZERO
    count = 0
    for facture in run_invoices(run):
        count += 1
        total += facture.total
        famille = facture.famille
        for line in facture.lines.all():
            writer.writerow(
                [
                    facture.number,
                    facture.issued_on.isoformat(),
                    facture.due_on.isoformat(),
                    facture.month.strftime("%Y-%m") if facture.month else "",
                    facture.regie.code if facture.regie else "",
                    famille.numero,
                    str(facture.responsable),
                    famille.address,
                    famille.postal_code,
                    famille.city,
                    str(line.enfant) if line.enfant else "",
                    line.service.name if line.service else "",
                    line.label,
                    f"{line.quantity:g}".replace(".", ","),
                    _amount(line.unit_price),
                    _amount(line.amount),
                    _amount(facture.total),
                ]
            )
    writer.writerow(
        [_("Total"), "", "", "", "", "", _("%(count)s factures") % {"count": count}, *[""] * 9, _amount(total)]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_filename(run: InvoiceRun) -> str:
    return f"factures_{run.regie.code}_{run.month:%Y-%m}.csv"


def pes_filename(run: InvoiceRun, export: PesExport) -> str:
    return f"PES_{run.regie.code}_{export.year}_{export.number:05d}.xml"


def _check_pes_settings(regie) -> None:
    missing = [
        label
        for label, value in (
            (_("code collectivité"), regie.pes_collectivite),
            (_("code budget"), regie.pes_budget),
            (_("poste comptable"), regie.pes_poste_comptable),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            _("La régie n'a pas ses codes PES : %(missing)s (à renseigner dans l'administration).")
            % {"missing": ", ".join(missing)}
        )


def pes_export_for(*, run: InvoiceRun, actor, now: dt.datetime) -> PesExport:
    """The run's bordereau number, given once per régie and year (kept on a new download)."""
    existing = PesExport.objects.filter(run=run).first()
    if existing is not None:
        return existing
    year = now.year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                last = PesExport.objects.filter(regie=run.regie, year=year).aggregate(m=Max("number"))["m"] or 0
                export = PesExport.objects.create(
                    run=run,
                    regie=run.regie,
                    year=year,
                    number=last + 1,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    created_at=now,
                )
                log_action(
                    obj=run, action="export.pes_created", actor=actor, data={"number": export.number, "year": year}
                )
                return export
        except IntegrityError:  # another export took the number (or this run) meanwhile
            existing = PesExport.objects.filter(run=run).first()
            if existing is not None:
                return existing
    raise ValidationError(_("Le numéro de bordereau n'a pas pu être attribué, réessayez."))


def collectivite_codes(value: str) -> tuple[str, str]:
    """The régie's `pes_collectivite`: "SIRET/CodCol" (e.g. "21380095000017/095") gives both
    the IdColl and the CodCol of EnTetePES; a single code serves as both."""
    value = (value or "").replace(" ", "")
    if "/" in value:
        siret, code = value.split("/", 1)
        return siret, code
    return value, value[:3]


def _civilite(responsable) -> str:
    return {"Mme": "MME", "M.": "M"}.get(responsable.civilite, "")


def _pdf_bytes(facture: Facture) -> bytes | None:
    if not facture.pdf:
        return None
    try:
        with facture.pdf.open("rb") as fh:
            return fh.read()
    except OSError:
        return None


def run_pes(*, run: InvoiceRun, actor, now: dt.datetime | None = None) -> tuple[bytes, str]:
    """The PES_Aller ORMC file of the run, and its file name."""
    now = now or timezone.now()
    if run.status != InvoiceRun.Status.ISSUED:
        raise ValidationError(_("Seule une facturation émise s'exporte vers la trésorerie."))
    regie = run.regie
    _check_pes_settings(regie)
    factures = list(run_invoices(run))
    if not factures:
        raise ValidationError(_("Cette facturation n'a aucune facture à exporter."))
    export = pes_export_for(run=run, actor=actor, now=now)
    live_debits = {
        d.facture_id: d
        for d in SepaDebit.objects.filter(facture__in=factures, rejected_on__isnull=True).select_related(
            "mandat", "batch"
        )
    }
    pieces = []
    for facture in factures:
        responsable = facture.responsable
        famille = facture.famille
        sepa_info = None
        debit = live_debits.get(facture.pk)
        if debit is not None:
            sepa_info = pes.SepaInfo(
                collection_date=debit.batch.collection_date,
                sequence=debit.sequence,
                rum=debit.mandat.rum,
                signed_on=debit.mandat.signed_on,
                iban=debit.mandat.iban,
                bic=debit.mandat.bic,
                holder=f"{responsable.nom} {responsable.prenom}",
            )
        pieces.append(
            pes.Piece(
                number=facture.number,
                issued_on=facture.issued_on,
                label=_("Facture %(number)s %(month)s")
                % {"number": facture.number, "month": date_format(facture.month or run.month, "F Y")},
                total=facture.total,
                tiers=pes.Tiers(
                    civilite=_civilite(responsable),
                    nom=responsable.nom,
                    prenom=responsable.prenom,
                    address=famille.address,
                    postal_code=famille.postal_code,
                    city=famille.city,
                    reference=famille.numero,
                ),
                lignes=[pes.Ligne(line.label, line.amount) for line in facture.lines.all()],
                pdf=_pdf_bytes(facture),
                sepa=sepa_info,
            )
        )
    id_coll, cod_col = collectivite_codes(regie.pes_collectivite)
    bordereau = pes.Bordereau(
        id_poste=regie.pes_poste_comptable,
        id_collectivite=id_coll,
        code_collectivite=cod_col,
        code_budget=regie.pes_budget,
        code_produit=regie.pes_code_produit,
        exercice=export.year,
        number=export.number,
        issued_on=timezone.localdate(now),
        month=run.month.month,
        label=_("%(regie)s — %(month)s") % {"regie": regie.name, "month": date_format(run.month, "F Y")},
        file_name=pes_filename(run, export),
        pieces=pieces,
    )
    return pes.build_pes_aller(bordereau), pes_filename(run, export)
