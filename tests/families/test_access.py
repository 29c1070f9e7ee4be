"""The rules of marelle/families/access.py: who acts on what, who sees whose contact, what
an export is limited to. A family with one responsable, or sharing access, is unaffected."""

from __future__ import annotations

from marelle.families.access import acting_responsable, contact_visible, records_scope, responsable_may_act
from marelle.planning.models import Inscription
from tests import factories as f


def inscriptions(family):
    return {
        i.service.name: i
        for i in Inscription.objects.filter(enfant=family.lea).select_related("service", "responsable")
    }


def test_separated_parents_act_only_on_what_they_pay(separated):
    mine = inscriptions(separated)
    assert responsable_may_act(separated.julien, mine["RESTAURATION"])
    assert not responsable_may_act(separated.julien, mine["GARDERIE SOIR"])
    assert responsable_may_act(separated.sophie, mine["GARDERIE SOIR"])
    assert not responsable_may_act(separated.sophie, mine["RESTAURATION"])


def test_with_shared_access_both_act_on_everything(shared):
    for inscription in inscriptions(shared).values():
        assert responsable_may_act(shared.julien, inscription) and responsable_may_act(shared.sophie, inscription)


def test_shared_access_never_opens_another_familys_inscription(world, shared):
    theirs = f.InscriptionFactory(enfant=world.other_enfant, responsable=world.bob)
    assert not responsable_may_act(shared.julien, theirs)


def test_a_single_responsable_acts_on_everything_even_kept_apart(world, cantine):
    world.famille.shared_access = False
    world.famille.save()
    assert responsable_may_act(world.alice, Inscription.objects.select_related("responsable").get(service=cantine))
    assert records_scope(world.alice) == world.alice


def test_separated_parents_see_their_own_contact_and_export_only_their_own(separated):
    assert contact_visible(separated.julien, separated.julien)
    assert not contact_visible(separated.julien, separated.sophie)
    assert records_scope(separated.julien) == separated.julien
    assert records_scope(None) is None  # an agent's or a command's export: the whole family


def test_a_household_sees_each_other_s_contact_and_exports_all(shared, world):
    assert contact_visible(shared.julien, shared.sophie)
    assert not contact_visible(shared.julien, world.bob)
    assert records_scope(shared.julien) is None


def test_the_acting_responsable_of_a_user(world, separated):
    assert acting_responsable(separated.julien.user) == separated.julien
    assert acting_responsable(world.agent.user) is None
    assert acting_responsable(None) is None
