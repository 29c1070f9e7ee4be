"""What a family sees: its commune's documents and its children's schools', valid today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marelle.documents.selectors import family_document_rows, published_for_famille
from marelle.planning.models import Demande
from tests import factories as f

DAY = dt.date(2026, 12, 2)


def titles(famille, day=DAY) -> set[str]:
    return {d.title for d in published_for_famille(famille, day)}


def test_commune_wide_documents_reach_every_family_of_the_commune_only(world, make_published):
    make_published(title="Règlement intérieur", kind="reglement")
    make_published(commune=world.other_commune, title="Règlement de Têche", kind="reglement")
    assert titles(world.famille) == {"Règlement intérieur"}
    assert titles(world.other_famille) == {"Règlement de Têche"}


def test_a_schools_document_is_not_shown_to_another_schools_families(world, make_published):
    other_school = f.EtablissementFactory(commune=world.commune, name="École du Bourg")
    bourg = f.FamilleFactory(commune=world.commune)
    f.EnfantFactory(famille=bourg, etablissement=other_school)
    make_published(etablissement=world.etablissement, title="Menus de l'école de Chatte")
    make_published(etablissement=other_school, title="Menus du Bourg")
    assert titles(world.famille) == {"Menus de l'école de Chatte"}
    assert titles(bourg) == {"Menus du Bourg"}


def test_a_child_who_left_no_longer_brings_the_schools_documents(world, make_published):
    make_published(etablissement=world.etablissement, title="Menus")
    world.enfant.left_on = dt.date(2026, 10, 1)
    world.enfant.save()
    assert titles(world.famille) == set()


def test_validity_dates_are_inclusive_and_an_open_end_never_expires(world, make_published):
    make_published(title="Menus de décembre", valid_from=dt.date(2026, 12, 1), valid_until=dt.date(2026, 12, 31))
    make_published(title="Tarifs", kind="tarifs", valid_from=dt.date(2026, 9, 1))
    assert titles(world.famille, dt.date(2026, 11, 30)) == {"Tarifs"}
    assert titles(world.famille, dt.date(2026, 12, 1)) == {"Menus de décembre", "Tarifs"}
    assert titles(world.famille, dt.date(2026, 12, 31)) == {"Menus de décembre", "Tarifs"}
    assert titles(world.famille, dt.date(2027, 1, 1)) == {"Tarifs"}
    assert titles(world.famille, dt.date(2030, 1, 1)) == {"Tarifs"}


def test_family_rows_add_absences_justificatifs_read_only(world, make_family_document):
    document = make_family_document(kind="quotient")
    demande = Demande.objects.create(
        famille=world.famille,
        enfant=world.enfant,
        kind=Demande.Kind.ABSENCE,
        created_at=timezone.now(),
        document="justificatifs/2026/12/justificatif-abc.pdf",
    )
    Demande.objects.create(
        famille=world.famille, enfant=world.enfant, kind=Demande.Kind.ABSENCE, created_at=timezone.now()
    )
    Demande.objects.create(
        famille=world.other_famille,
        enfant=world.other_enfant,
        kind=Demande.Kind.ABSENCE,
        created_at=timezone.now(),
        document="justificatifs/2026/12/justificatif-bob.pdf",
    )
    rows = family_document_rows(world.famille)
    assert [(r.pk, r.read_only) for r in rows] == [(demande.pk, True), (document.pk, False)]
    assert rows[0].url_name == "portal:document_justificatif"
    assert "COMMUNE" in rows[0].label
    assert rows[1].status == "pending" and rows[1].label == "Justificatif de quotient familial"
