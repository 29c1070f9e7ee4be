"""SEPA direct debit: mandates of paying responsables, the monthly pain.008 file, rejects.

A mandate belongs to the responsable who pays (separated parents each sign their own),
with an IBAN and BIC checked by schwifty and a unique RUM. The first debit under a mandate
is FRST, the next ones RCUR (a rejected first debit makes the next one FRST again). A debit
is a direct-debit Payment allocated to the invoice on the collection date; its reject
(entered by an agent with the bank's reason code) fails that payment, re-opens the invoice
and tells the family.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from marelle.audit.services import log_action
from marelle.billing.models import Facture, Payment, PaymentAllocation, Regie, SepaBatch, SepaDebit, SepaMandat
from marelle.billing.services import sepa_xml
from marelle.billing.services.payments import (
    ZERO,
    _lock_factures,
    _mark_paid_or_open,
    allocate_payment,
    money,
    with_remaining,
)
from marelle.core.dates import in_range, out_of_range_message
from marelle.families.models import Responsable

# The reason codes a bank gives for a returned direct debit (R-transactions), as agents
# read them on the bank statement.
REJECT_REASONS = {
    "AC01": gettext_lazy("AC01 — IBAN incorrect"),
    "AC04": gettext_lazy("AC04 — compte clôturé"),
    "AC06": gettext_lazy("AC06 — compte bloqué"),
    "AG01": gettext_lazy("AG01 — prélèvement interdit sur ce compte"),
    "AM04": gettext_lazy("AM04 — provision insuffisante"),
    "MD01": gettext_lazy("MD01 — pas de mandat valide"),
    "MD02": gettext_lazy("MD02 — données du mandat incorrectes ou manquantes"),
    "MD06": gettext_lazy("MD06 — contestation par le débiteur"),
    "MS02": gettext_lazy("MS02 — refus du débiteur"),
    "MS03": gettext_lazy("MS03 — raison non communiquée"),
    "RR01": gettext_lazy("RR01 — identification du débiteur manquante"),
    "SL01": gettext_lazy("SL01 — service spécifique de la banque du débiteur"),
}


def mask_iban(iban: str) -> str:
    return f"{iban[:4]} •••• {iban[-4:]}" if len(iban) > 8 else "••••"


def clean_bank_account(iban: str, bic: str = "") -> tuple[str, str]:
    """(IBAN, BIC) in their compact form, or ValidationError in French. Without a BIC, the one
    schwifty knows for the IBAN's bank."""
    errors: dict[str, list[str]] = {}
    try:
        parsed = IBAN(iban or "")
    except SchwiftyException:
        raise ValidationError({"iban": [_("IBAN invalide : vérifiez sa longueur et sa clé.")]}) from None
    bic_value = (bic or "").replace(" ", "").upper()
    if bic_value:
        try:
            bic_value = str(BIC(bic_value))
        except SchwiftyException:
            errors["bic"] = [_("BIC invalide : 8 ou 11 caractères, ex. AGRIFRPP.")]
    else:
        derived = parsed.bic
        if derived is None:
            errors["bic"] = [_("Indiquez le BIC de la banque.")]
        else:
            bic_value = str(derived)
    if errors:
        raise ValidationError(errors)
    return parsed.compact, bic_value


def new_rum(responsable: Responsable) -> str:
    return f"MARELLE-{responsable.famille.numero}-{secrets.token_hex(3).upper()}"


def active_mandats(*, on: dt.date) -> Q:
    return Q(signed_on__lte=on) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))


def mandat_for(*, responsable_id: int, regie: Regie, on: dt.date) -> SepaMandat | None:
    """The responsable's mandate valid at the régie on that day (a mandate without régie is
    valid at every régie of the family's commune)."""
    return (
        SepaMandat.objects.filter(active_mandats(on=on), responsable_id=responsable_id)
        .filter(Q(regie__isnull=True) | Q(regie=regie))
        .order_by("-signed_on", "-pk")
        .first()
    )


def mandat_create(
    *,
    responsable: Responsable,
    iban: str,
    bic: str = "",
    signed_on: dt.date,
    actor,
    now: dt.datetime,
    rum: str = "",
    regie: Regie | None = None,
) -> SepaMandat:
    iban, bic = clean_bank_account(iban, bic)
    if not in_range(signed_on):
        raise ValidationError({"signed_on": [out_of_range_message()]})
    if signed_on > now.date():
        raise ValidationError({"signed_on": [_("La date de signature est dans le futur.")]})
    if regie is not None and regie.commune_id != responsable.famille.commune_id:
        raise ValidationError({"regie": [_("La régie n'est pas celle de la commune de la famille.")]})
    rum = (rum or "").strip().upper() or new_rum(responsable)
    if len(rum) > 35 or not all(c.isalnum() or c in "-+?/:().,' " for c in rum):
        raise ValidationError({"rum": [_("La RUM compte au plus 35 lettres, chiffres ou tirets.")]})
    with transaction.atomic():
        current = SepaMandat.objects.select_for_update().filter(
            active_mandats(on=now.date()), responsable=responsable, regie=regie
        )
        if current.exists():
            raise ValidationError(_("Ce responsable a déjà un mandat actif : révoquez-le d'abord."))
        if SepaMandat.objects.filter(rum=rum).exists():
            raise ValidationError({"rum": [_("Cette RUM est déjà utilisée par un autre mandat.")]})
        try:
            with transaction.atomic():
                mandat = SepaMandat.objects.create(
                    responsable=responsable,
                    regie=regie,
                    iban=iban,
                    bic=bic,
                    rum=rum,
                    signed_on=signed_on,
                    created_at=now,
                )
        except IntegrityError:
            raise ValidationError({"rum": [_("Cette RUM est déjà utilisée par un autre mandat.")]}) from None
        log_action(
            obj=mandat,
            action="mandat.created",
            actor=actor,
            data={
                "rum": rum,
                "responsable": str(responsable),
                "iban": mask_iban(iban),
                "signed_on": signed_on.isoformat(),
            },
        )
    return mandat


def mandat_revoke(*, mandat: SepaMandat, revoked_on: dt.date, actor) -> SepaMandat:
    if not in_range(revoked_on):
        raise ValidationError({"revoked_on": [out_of_range_message()]})
    with transaction.atomic():
        locked = SepaMandat.objects.select_for_update().get(pk=mandat.pk)
        if locked.revoked_on is not None:
            raise ValidationError(_("Ce mandat est déjà révoqué."))
        if revoked_on < locked.signed_on:
            raise ValidationError({"revoked_on": [_("La révocation précède la signature.")]})
        SepaMandat.objects.filter(pk=locked.pk).update(revoked_on=revoked_on)
        log_action(
            obj=locked, action="mandat.revoked", actor=actor, data={"rum": locked.rum, "on": revoked_on.isoformat()}
        )
    mandat.revoked_on = revoked_on
    return mandat


@dataclass(frozen=True)
class PlannedDebit:
    facture: Facture
    mandat: SepaMandat
    amount: Decimal
    sequence: str


def _has_live_debit(mandat: SepaMandat) -> bool:
    return mandat.debits.filter(rejected_on__isnull=True).exists()


def planned_debits(*, regie: Regie, collection_date: dt.date, month: dt.date | None = None) -> list[PlannedDebit]:
    """What the next file would hold: each open invoice of the régie, issued by the collection
    date, whose payer has a valid mandate and which no live debit already covers."""
    factures = (
        Facture.objects.filter(regie=regie, kind=Facture.Kind.INVOICE, status=Facture.Status.ISSUED)
        .filter(issued_on__lte=collection_date)
        .exclude(pk__in=SepaDebit.objects.filter(rejected_on__isnull=True).values("facture"))
        .select_related("responsable__famille")
    )
    if month is not None:
        factures = factures.filter(month=month)
    rows = open_invoices_for_regie(regie).filter(pk__in=factures.values("pk")).values_list("pk", "remaining")
    remaining = {pk: money(value) for pk, value in rows}
    planned: list[PlannedDebit] = []
    first_seen: dict[int, str] = {}
    for facture in factures.order_by("responsable_id", "due_on", "number"):
        amount = remaining.get(facture.pk, ZERO)
        if amount <= 0:
            continue
        mandat = mandat_for(responsable_id=facture.responsable_id, regie=regie, on=collection_date)
        if mandat is None:
            continue
        if mandat.pk not in first_seen:
            first_seen[mandat.pk] = "RCUR" if _has_live_debit(mandat) else "FRST"
        planned.append(PlannedDebit(facture, mandat, amount, first_seen[mandat.pk]))
    return planned


def open_invoices_for_regie(regie: Regie):
    return with_remaining(
        Facture.objects.filter(regie=regie, kind=Facture.Kind.INVOICE).exclude(status=Facture.Status.CANCELLED)
    )


def _check_creditor(regie: Regie) -> sepa_xml.Creditor:
    missing = [
        label
        for label, value in (
            (_("ICS"), regie.sepa_ics),
            (_("nom du créancier"), regie.sepa_creditor_name or regie.name),
            (_("IBAN du créancier"), regie.sepa_iban),
            (_("BIC du créancier"), regie.sepa_bic),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            _("La régie n'est pas configurée pour le prélèvement : %(missing)s.") % {"missing": ", ".join(missing)}
        )
    iban, bic = clean_bank_account(regie.sepa_iban, regie.sepa_bic)
    return sepa_xml.Creditor(name=regie.sepa_creditor_name or regie.name, iban=iban, bic=bic, ics=regie.sepa_ics)


def sepa_batch_create(
    *, regie: Regie, collection_date: dt.date, actor, now: dt.datetime, month: dt.date | None = None
) -> SepaBatch:
    """The pain.008.001.02 file of the invoices due from responsables under mandate; each debit
    pays its invoice (a direct-debit payment dated on the collection day)."""
    creditor = _check_creditor(regie)
    if not in_range(collection_date):
        raise ValidationError({"collection_date": [out_of_range_message()]})
    if collection_date <= now.date():
        raise ValidationError({"collection_date": [_("La date de prélèvement doit être postérieure à aujourd'hui.")]})
    with transaction.atomic():
        candidates = planned_debits(regie=regie, collection_date=collection_date, month=month)
        _lock_factures(p.facture.pk for p in candidates)
        # Recomputed under the locks: an invoice paid meanwhile is left out.
        planned = planned_debits(regie=regie, collection_date=collection_date, month=month)
        if not planned:
            raise ValidationError(_("Aucune facture à prélever pour cette régie et cette date."))
        batch = SepaBatch.objects.create(
            regie=regie,
            month=month,
            collection_date=collection_date,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
        )
        debits: list[sepa_xml.Debit] = []
        for item in planned:
            responsable = item.facture.responsable
            payment = Payment.objects.create(
                famille=item.facture.famille,
                responsable=responsable,
                regie=regie,
                amount=item.amount,
                method=Payment.Method.DIRECT_DEBIT,
                status=Payment.Status.CONFIRMED,
                received_on=collection_date,
                recorded_by=batch.created_by,
                created_at=now,
                confirmed_at=now,
                note=item.mandat.rum,
            )
            allocate_payment(payment=payment, factures=[item.facture])
            end_to_end = f"{item.facture.number}"[:35]
            SepaDebit.objects.create(
                batch=batch,
                facture=item.facture,
                mandat=item.mandat,
                amount=item.amount,
                sequence=item.sequence,
                payment=payment,
                end_to_end_id=end_to_end,
            )
            if item.mandat.first_collected_on is None:
                SepaMandat.objects.filter(pk=item.mandat.pk, first_collected_on__isnull=True).update(
                    first_collected_on=collection_date
                )
            debits.append(
                sepa_xml.Debit(
                    name=f"{responsable.nom} {responsable.prenom}".strip(),
                    iban=item.mandat.iban,
                    bic=item.mandat.bic,
                    amount=item.amount,
                    sequence=item.sequence,
                    rum=item.mandat.rum,
                    signed_on=item.mandat.signed_on,
                    description=_("Facture %(number)s") % {"number": item.facture.number},
                    endtoend_id=end_to_end,
                )
            )
        content = sepa_xml.build_pain008(creditor=creditor, debits=debits, collection_date=collection_date)
        total = sum((d.amount for d in debits), ZERO)
        batch.count = len(debits)
        batch.total = total
        batch.message_id = _message_id(content)
        batch.file.save(
            f"pain008_{regie.code}_{collection_date:%Y%m%d}_{batch.pk}.xml", ContentFile(content), save=False
        )
        batch.save(update_fields=["count", "total", "message_id", "file"])
        log_action(
            obj=batch,
            action="sepa.batch_created",
            actor=actor,
            data={
                "regie": regie.code,
                "collection_date": collection_date.isoformat(),
                "count": len(debits),
                "total": str(total),
                "frst": sum(1 for d in debits if d.sequence == "FRST"),
            },
        )
    return batch


def _message_id(content: bytes) -> str:
    start = content.find(b"<MsgId>")
    end = content.find(b"</MsgId>")
    return content[start + 7 : end].decode()[:35] if start >= 0 and end > start else ""


def sepa_debit_reject(*, debit: SepaDebit, reason: str, rejected_on: dt.date, actor, now: dt.datetime) -> SepaDebit:
    """The bank returned the debit: its payment fails, the invoice is open again, the family is told."""
    reason = (reason or "").strip().upper()
    if reason not in REJECT_REASONS:
        raise ValidationError({"reason": [_("Choisissez le motif du rejet donné par la banque.")]})
    if not in_range(rejected_on):
        raise ValidationError({"rejected_on": [out_of_range_message()]})
    with transaction.atomic():
        locked = (
            SepaDebit.objects.select_for_update(of=("self",))
            .select_related("facture", "mandat", "payment")
            .get(pk=debit.pk)
        )
        if locked.rejected_on is not None:
            raise ValidationError(_("Ce prélèvement est déjà enregistré comme rejeté."))
        if rejected_on < locked.batch.collection_date - dt.timedelta(days=7):
            raise ValidationError({"rejected_on": [_("Un rejet ne peut précéder le prélèvement.")]})
        _lock_factures([locked.facture_id])
        SepaDebit.objects.filter(pk=locked.pk).update(rejected_on=rejected_on, reject_reason=reason)
        if locked.payment_id:
            Payment.objects.filter(pk=locked.payment_id).update(status=Payment.Status.FAILED)
            PaymentAllocation.objects.filter(payment_id=locked.payment_id).delete()
        _mark_paid_or_open([locked.facture_id])
        if locked.sequence == SepaDebit.Sequence.FRST and not _has_live_debit(locked.mandat):
            # The bank never collected under this mandate: the next debit is a first one again.
            SepaMandat.objects.filter(pk=locked.mandat_id).update(first_collected_on=None)
        log_action(
            obj=locked.facture,
            action="payment.rejected",
            actor=actor,
            data={
                "number": locked.facture.number,
                "amount": str(locked.amount),
                "reason": reason,
                "rejected_on": rejected_on.isoformat(),
            },
        )
        _tell_family(locked, str(REJECT_REASONS[reason]))
    debit.refresh_from_db()
    return debit


def _tell_family(debit: SepaDebit, reason_label: str) -> None:
    facture = debit.facture
    subject = _("Prélèvement rejeté : facture %(number)s") % {"number": facture.number}
    body = _(
        "Le prélèvement de %(amount)s € pour la facture %(number)s a été rejeté par votre banque "
        "(%(reason)s). La facture est de nouveau à régler : payez-la en ligne depuis votre espace "
        "ou à la régie."
    ) % {"amount": f"{debit.amount:.2f}".replace(".", ","), "number": facture.number, "reason": reason_label}
    notify_responsable(responsable=facture.responsable, subject=subject, body=body, related=facture)


def notify_responsable(*, responsable: Responsable, subject: str, body: str, related=None) -> None:
    """A message in the family's inbox (and an email after commit) through messaging."""
    try:
        from marelle.messaging.services import notify
    except ImportError:  # messaging without notices: a plain inbox message and an email
        _message_and_email(responsable=responsable, subject=subject, body=body)
        return
    notify(responsable=responsable, kind="paiement", subject=subject, body=body, related=related)


def _message_and_email(*, responsable: Responsable, subject: str, body: str) -> None:
    from django.conf import settings
    from django.core.mail import send_mail

    from marelle.messaging.models import Message

    Message.objects.create(famille=responsable.famille, subject=subject, body=body, from_commune=True)
    if responsable.email and responsable.notify_by_email:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [responsable.email], fail_silently=True)
        )
