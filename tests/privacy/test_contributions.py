"""The contract between the privacy app and the domain apps (marelle/privacy/__init__.py)."""

from __future__ import annotations

import datetime as dt
import io
import types
import zipfile

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from marelle.billing.models import Facture
from marelle.families.models import Famille
from marelle.privacy import contributions, export, purge
from tests import factories as f
from tests.billing.factories import FactureFactory


def test_each_domain_app_contributes_in_installed_apps_order():
    names = [module.__name__ for module in contributions.modules()]
    assert names[:4] == [
        "marelle.families.privacy",
        "marelle.planning.privacy",
        "marelle.billing.privacy",
        "marelle.messaging.privacy",
    ]
    assert "marelle.privacy.privacy" not in names


def test_the_export_keeps_its_table_order(world):
    assert list(export.tables(world.famille))[:11] == [
        "responsables",
        "enfants",
        "inscriptions",
        "contrats_reguliers",
        "demandes",
        "demandes_lignes",
        "planning",
        "planning_historique",
        "factures",
        "paiements",
        "messages",
    ]


def with_contribution(monkeypatch, module_of_use, **functions):
    """Add a fake app's privacy module after the real ones."""
    fake = types.ModuleType("marelle.fake.privacy")
    for name, function in functions.items():
        setattr(fake, name, function)
    real = contributions.providing
    monkeypatch.setattr(
        module_of_use,
        "providing",
        lambda name: real(name) + ([(fake, getattr(fake, name))] if hasattr(fake, name) else []),
    )


def test_two_apps_cannot_export_the_same_table(world, monkeypatch):
    with_contribution(monkeypatch, export, export_tables=lambda famille, responsable=None: {"messages": ()})
    with pytest.raises(ImproperlyConfigured, match="marelle.fake.privacy: export table 'messages'"):
        export.tables(world.famille)


def test_a_contributed_table_and_file_land_in_the_zip(world, monkeypatch):
    with_contribution(
        monkeypatch,
        export,
        export_tables=lambda famille, responsable=None: {
            "communes": (Famille.objects.filter(pk=famille.pk), ("commune__slug",))
        },
        export_files=lambda tables: [(f"pieces/{tables['communes'][0]['commune_slug']}.txt", b"ok")],
    )
    data = export.family_data(world.famille)
    assert data["communes"] == [{"commune_slug": "chatte"}]
    with zipfile.ZipFile(io.BytesIO(export.family_export_zip(world.famille, now=dt.datetime.now(dt.UTC)))) as z:
        assert z.read("pieces/chatte.txt") == b"ok"
        assert z.read("communes.csv").decode("utf-8-sig") == "commune_slug\r\nchatte\r\n"


@pytest.fixture
def old_empty_family(db):
    with time_machine.travel(dt.datetime(2020, 1, 10, tzinfo=dt.UTC), tick=False):
        return f.FamilleFactory()


def test_a_hold_from_any_app_keeps_the_family_under_its_reason(old_empty_family, monkeypatch):
    with_contribution(
        monkeypatch, purge, purge_holds=lambda familles: dict.fromkeys(familles.values_list("pk", flat=True), "dossier")
    )
    report = purge.purge_departed(today=dt.date(2029, 12, 1), years=3, apply=True)
    assert report.familles == [] and report.kept == {"dossier": [old_empty_family.pk]}
    assert Famille.objects.filter(pk=old_empty_family.pk).exists()
    out = io.StringIO()
    call_command("purge_departed", stdout=out)
    assert "familles sans enfant gardées (dossier) : 1" in out.getvalue()


def test_a_billing_reason_wins_over_another_apps_reason(old_empty_family, monkeypatch):
    with_contribution(monkeypatch, purge, purge_holds=lambda familles: {old_empty_family.pk: "dossier"})
    facture = FactureFactory(famille=old_empty_family, responsable=f.ResponsableFactory(famille=old_empty_family))
    report = purge.purge_departed(today=dt.date(2029, 12, 1), years=3, apply=False)
    assert report.kept == {"unpaid": [old_empty_family.pk]}
    Facture.objects.filter(pk=facture.pk).update(status=Facture.Status.PAID)
    report = purge.purge_departed(today=dt.date(2029, 12, 1), years=3, apply=False)
    assert report.kept == {"accounting": [old_empty_family.pk]}


def test_each_app_purge_hook_runs_before_the_deletion(old_empty_family, monkeypatch):
    seen = []

    def hook(*, enfants, familles):
        seen.append((enfants, familles, Famille.objects.filter(pk__in=familles).count()))

    with_contribution(monkeypatch, purge, purge=hook)
    purge.purge_departed(today=dt.date(2029, 12, 1), years=3, apply=True)
    assert seen == [([], [old_empty_family.pk], 1)]
    assert not Famille.objects.filter(pk=old_empty_family.pk).exists()
