"""purge_departed: children who left more than N years ago go, with what hangs on them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.audit.services import log_action
from marelle.billing.models import Facture, FactureLine
from marelle.families.models import Enfant, Famille, Responsable
from marelle.messaging.models import Message
from marelle.planning.models import Cell, CellChange, Demande, DemandeLine, Inscription
from marelle.privacy.purge import purge_departed, retention_cutoff
from tests import factories as f
from tests.billing.factories import FactureFactory, PaymentFactory

# 1 December 2029 in Paris: the cut-off for 3 years is 1 December 2026.
NOW = dt.datetime(2029, 12, 1, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2029, 12, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def with_history(enfant, responsable):
    """An inscription, a cell, its change and a demande with a line."""
    inscription = f.InscriptionFactory(enfant=enfant, responsable=responsable, service__name=f"S{enfant.pk}")
    demande = Demande.objects.create(
        famille=enfant.famille, enfant=enfant, kind=Demande.Kind.RESERVATION, created_at=timezone.now()
    )
    DemandeLine.objects.create(
        demande=demande, service=inscription.service, date=dt.date(2026, 5, 4), from_state="free", to_state="booked"
    )
    f.CellFactory(enfant=enfant, service=inscription.service, date=dt.date(2026, 5, 4), demande=demande)
    CellChange.objects.create(
        enfant=enfant,
        service=inscription.service,
        date=dt.date(2026, 5, 4),
        from_state="free",
        to_state="booked",
        at=timezone.now(),
    )


@pytest.fixture
def departed(db):
    """A family whose only child left in 2025 (purged), one whose child left in 2027 (kept)."""
    old = f.ResponsableFactory(user__username="old@example.org")
    old_child = f.EnfantFactory(famille=old.famille, prenom="Ancien", left_on=dt.date(2025, 7, 4))
    with_history(old_child, old)
    Message.objects.create(famille=old.famille, subject="Au revoir", body="…")
    log_action(obj=old, action="responsable.contact_updated", data={"email": ["a@x", "old@example.org"]})
    recent = f.ResponsableFactory(user__username="recent@example.org")
    recent_child = f.EnfantFactory(famille=recent.famille, prenom="Recent", left_on=dt.date(2027, 7, 3))
    with_history(recent_child, recent)
    return old, old_child, recent, recent_child


def test_cutoff_is_n_years_back_and_29_february_falls_back():
    assert retention_cutoff(dt.date(2029, 12, 1), 3) == dt.date(2026, 12, 1)
    assert retention_cutoff(dt.date(2028, 2, 29), 3) == dt.date(2025, 2, 28)


def test_dry_run_by_default_deletes_nothing(departed):
    old, old_child, *_ = departed
    out = io.StringIO()
    call_command("purge_departed", stdout=out)
    assert "enfants à effacer (simulation, --apply pour effacer) : 1" in out.getvalue()
    assert "familles à effacer (simulation, --apply pour effacer) : 1" in out.getvalue()
    assert Enfant.objects.filter(pk=old_child.pk).exists()
    assert Famille.objects.filter(pk=old.famille_id).exists()


def test_apply_deletes_the_child_with_cells_demandes_and_the_emptied_family(departed):
    old, old_child, recent, recent_child = departed
    out = io.StringIO()
    call_command("purge_departed", "--apply", stdout=out)
    assert "enfants effacé(e)s : 1" in out.getvalue()
    assert not Enfant.objects.filter(pk=old_child.pk).exists()
    for model in [Cell, CellChange, Demande, Inscription]:
        assert not model.objects.filter(enfant_id=old_child.pk).exists(), model
        assert model.objects.filter(enfant=recent_child).exists(), model
    assert not DemandeLine.objects.filter(demande__famille_id=old.famille_id).exists()
    assert not Famille.objects.filter(pk=old.famille_id).exists()
    assert not Responsable.objects.filter(pk=old.pk).exists()
    assert not Message.objects.filter(subject="Au revoir").exists()
    assert not get_user_model().objects.filter(username="old@example.org").exists()
    assert Enfant.objects.filter(pk=recent_child.pk).exists()
    assert get_user_model().objects.filter(username="recent@example.org").exists()


def test_the_purge_is_logged_without_names_and_old_audit_lines_go(departed):
    old, old_child, *_ = departed
    purge_departed(today=TODAY, years=3, apply=True)
    assert not LogEntry.objects.filter(action="responsable.contact_updated").exists()
    (child_line,) = LogEntry.objects.filter(action="enfant.purged")
    assert child_line.content_object == old.famille.commune
    assert child_line.data == {"enfant": old_child.pk, "left_on": "2025-07-04", "cutoff": "2026-12-01"}
    (family_line,) = LogEntry.objects.filter(action="famille.purged")
    assert family_line.data == {"famille": old.famille_id}
    assert "Ancien" not in str(child_line.data)


def test_the_retention_period_is_a_setting_and_an_option(departed, settings):
    *_, recent_child = departed
    assert purge_departed(today=TODAY, years=2, apply=False).enfants == [departed[1].pk, recent_child.pk]
    out = io.StringIO()
    call_command("purge_departed", "--years", "5", stdout=out)
    assert "enfants à effacer (simulation, --apply pour effacer) : 0" in out.getvalue()


def test_a_sibling_still_attending_keeps_the_family(departed):
    old, old_child, *_ = departed
    sibling = f.EnfantFactory(famille=old.famille, prenom="Cadet")
    report = purge_departed(today=TODAY, years=3, apply=True)
    assert report.enfants == [old_child.pk] and report.familles == []
    assert Enfant.objects.filter(pk=sibling.pk).exists()
    assert Responsable.objects.filter(pk=old.pk).exists()


def test_a_family_with_invoices_is_kept_as_accounting_records(departed):
    old, old_child, *_ = departed
    Famille.objects.filter(pk=old.famille_id).update(created_at=dt.datetime(2020, 9, 1, tzinfo=dt.UTC))
    FactureFactory(famille=old.famille, responsable=old)
    report = purge_departed(today=TODAY, years=3, apply=True)
    assert report.familles_kept_unpaid == [old.famille_id] and report.familles == []
    assert not Enfant.objects.filter(pk=old_child.pk).exists()
    assert Famille.objects.filter(pk=old.famille_id).exists()
    # Paid later, on a later run: still the commune's accounting records, so the family stays.
    Facture.objects.filter(famille=old.famille).update(status=Facture.Status.PAID)
    PaymentFactory(famille=old.famille)
    report = purge_departed(today=TODAY, years=3, apply=True)
    assert report.familles_kept_accounting == [old.famille_id]


def test_a_childless_family_is_purged_on_a_later_run_once_old_enough(db):
    with time_machine.travel(dt.datetime(2025, 1, 10, tzinfo=dt.UTC), tick=False):
        empty_old = f.FamilleFactory()
    new_family = f.FamilleFactory()  # created today: an agent is still filling it in
    report = purge_departed(today=TODAY, years=3, apply=True)
    assert report.familles == [empty_old.pk]
    assert Famille.objects.filter(pk=new_family.pk).exists()


def test_children_still_attending_or_left_recently_are_never_touched(world):
    report = purge_departed(today=TODAY, years=3, apply=True)
    assert report.enfants == [] and report.familles == []
    assert Enfant.objects.filter(pk=world.enfant.pk).exists()


def test_a_staff_login_is_never_deleted(departed):
    old, *_ = departed
    get_user_model().objects.filter(pk=old.user_id).update(is_staff=True)
    purge_departed(today=TODAY, years=3, apply=True)
    assert get_user_model().objects.filter(pk=old.user_id).exists()


def test_years_must_be_positive(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("purge_departed", "--years", "0", stdout=io.StringIO())


def test_justificatifs_files_are_deleted_after_commit(departed, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    old, old_child, recent, recent_child = departed
    gone = Demande.objects.get(enfant=old_child)
    gone.document.save("certificat.pdf", ContentFile(b"%PDF"))
    kept = Demande.objects.get(enfant=recent_child)
    kept.document.save("certificat.pdf", ContentFile(b"%PDF"))
    with django_capture_on_commit_callbacks(execute=True):
        purge_departed(today=TODAY, years=3, apply=True)
    assert not default_storage.exists(gone.document.name)
    assert default_storage.exists(kept.document.name)


def test_a_billed_child_is_kept_with_the_family_as_accounting_records(departed):
    """Invoice lines PROTECT the child they name: the purge keeps that child instead of
    stopping on ProtectedError, and says so."""
    old, old_child, *_ = departed
    facture = FactureFactory(famille=old.famille, responsable=old)
    FactureLine.objects.create(
        facture=facture, enfant=old_child, label="Cantine", quantity=4, unit_price="3.20", amount="12.80"
    )
    out = io.StringIO()
    call_command("purge_departed", "--apply", stdout=out)
    assert "enfants partis gardés, facturés (comptabilité) : 1" in out.getvalue()
    assert Enfant.objects.filter(pk=old_child.pk).exists()
    assert Famille.objects.filter(pk=old.famille_id).exists()
    report = purge_departed(today=TODAY, years=3, apply=False)
    assert report.kept_enfants == {"accounting": [old_child.pk]} and report.enfants == []
