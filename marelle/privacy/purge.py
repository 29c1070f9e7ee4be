"""Purge of the records of children who left (docs/domain.md#personal-data), after the retention period.

A child whose `left_on` is older than the retention period is deleted with everything that
hangs on them (inscriptions and contracts, planning cells and their history, demandes).
Then a family is deleted when no child is left and no domain app holds it (`purge_holds`,
see privacy/__init__.py): billing holds a family with an invoice due or any invoice or
payment, the commune's accounting records, which the database protects and which outlive
the family (public accounting keeps them for years).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from marelle.audit.models import LogEntry
from marelle.audit.services import log_action
from marelle.families.models import Enfant, Famille, Responsable
from marelle.privacy.contributions import providing
from marelle.territory.models import Commune

logger = logging.getLogger(__name__)

# When several apps hold one family, the first reason of this list is reported.
HOLD_REASONS = ("unpaid", "accounting")


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """The day `years` years before `today` (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@dataclass
class PurgeReport:
    cutoff: dt.date
    applied: bool
    enfants: list[int] = field(default_factory=list)
    familles: list[int] = field(default_factory=list)
    # Families with no child left that are kept, by reason ("unpaid": an invoice is due;
    # "accounting": invoices or payments exist).
    kept: dict[str, list[int]] = field(default_factory=dict)
    # Departed children kept by reason ("accounting": invoice lines name them).
    kept_enfants: dict[str, list[int]] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def familles_kept_unpaid(self) -> list[int]:
        return self.kept.get("unpaid", [])

    @property
    def familles_kept_accounting(self) -> list[int]:
        return self.kept.get("accounting", [])


def _childless_familles(*, purged_familles: set[int], cutoff: dt.date, excluded_enfants: list[int]):
    """Families left with no child: those this purge empties, and old ones already empty.

    A family created recently with no child yet (an agent filling it in) is never touched.
    """
    remaining = Enfant.objects.filter(famille=OuterRef("pk")).exclude(pk__in=excluded_enfants)
    return Famille.objects.filter(Q(pk__in=purged_familles) | Q(created_at__date__lt=cutoff)).exclude(Exists(remaining))


def _holds(rows, contribution: str = "purge_holds") -> dict[int, str]:
    """Each held family (or child) with its reason, whichever apps hold it."""
    rank = {reason: i for i, reason in enumerate(HOLD_REASONS)}
    holds: dict[int, str] = {}
    for _module, purge_holds in providing(contribution):
        for pk, reason in purge_holds(rows).items():
            if pk not in holds or rank.get(reason, len(rank)) < rank.get(holds[pk], len(rank)):
                holds[pk] = reason
    return holds


@transaction.atomic
def purge_departed(*, today: dt.date, years: int, apply: bool, actor=None) -> PurgeReport:
    """Find (and with `apply`, delete) what the retention period no longer allows to keep."""
    cutoff = retention_cutoff(today, years)
    report = PurgeReport(cutoff=cutoff, applied=apply)
    candidates = Enfant.objects.filter(left_on__lt=cutoff)
    enfant_holds = _holds(candidates, "enfant_purge_holds")
    for pk, reason in sorted(enfant_holds.items()):
        report.kept_enfants.setdefault(reason, []).append(pk)
    departed = list(
        candidates.exclude(pk__in=enfant_holds)
        .order_by("pk")
        .values_list("pk", "famille_id", "famille__commune_id", "left_on")
    )
    report.enfants = [pk for pk, *_ in departed]
    familles = _childless_familles(
        purged_familles={famille for _, famille, _, _ in departed}, cutoff=cutoff, excluded_enfants=report.enfants
    )
    holds = _holds(familles)
    famille_communes = {}
    for pk, commune_id in familles.order_by("pk").values_list("pk", "commune_id"):
        if pk in holds:
            report.kept.setdefault(holds[pk], []).append(pk)
        else:
            report.familles.append(pk)
            famille_communes[pk] = commune_id
    if not apply:
        logger.info("purge_departed (dry run): %s", _summary(report))
        return report

    enfant_type = ContentType.objects.get_for_model(Enfant)
    famille_type = ContentType.objects.get_for_model(Famille)
    responsable_type = ContentType.objects.get_for_model(Responsable)
    responsables = list(Responsable.objects.filter(famille__in=report.familles).values_list("pk", "user_id"))
    # Their audit lines hold names and contact details: they go too, replaced by one line
    # per deleted record that says only what was deleted and when.
    stale_log = (
        LogEntry.objects.filter(content_type=enfant_type, object_id__in=[str(pk) for pk in report.enfants])
        | LogEntry.objects.filter(content_type=famille_type, object_id__in=[str(pk) for pk in report.familles])
        | LogEntry.objects.filter(content_type=responsable_type, object_id__in=[str(pk) for pk, _ in responsables])
    )
    report.deleted["audit"] = stale_log.delete()[0]
    # Each app cleans up what a cascade does not (files, once the deletion is committed).
    for _module, purge in providing("purge"):
        purge(enfants=report.enfants, familles=report.familles)
    _count(report, Enfant.objects.filter(pk__in=report.enfants).delete())
    _count(report, Famille.objects.filter(pk__in=report.familles).delete())
    # Logins of the deleted responsables; staff accounts are never removed by a purge.
    users = get_user_model().objects.filter(pk__in=[u for _, u in responsables if u], is_staff=False)
    _count(report, users.delete())

    by_pk = Commune.objects.in_bulk({c for *_, c, _ in departed} | set(famille_communes.values()))
    for pk, _, commune_id, left_on in departed:
        log_action(
            obj=by_pk[commune_id],
            action="enfant.purged",
            actor=actor,
            data={"enfant": pk, "left_on": left_on.isoformat(), "cutoff": cutoff.isoformat()},
        )
    for pk in report.familles:
        log_action(obj=by_pk[famille_communes[pk]], action="famille.purged", actor=actor, data={"famille": pk})
    logger.info("purge_departed: %s", _summary(report))
    return report


def _count(report: PurgeReport, result: tuple[int, dict[str, int]]) -> None:
    for label, n in result[1].items():
        report.deleted[label] = report.deleted.get(label, 0) + n


def _summary(report: PurgeReport) -> str:
    return (
        f"cutoff {report.cutoff.isoformat()}, {len(report.enfants)} enfant(s), {len(report.familles)} famille(s), "
        f"kept {len(report.familles_kept_unpaid)} with unpaid invoices and "
        f"{len(report.familles_kept_accounting)} with accounting records, "
        f"{sum(map(len, report.kept_enfants.values()))} billed child(ren) kept"
    )
