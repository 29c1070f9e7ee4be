import pytest
from django.http import Http404

from marelle.families.selectors import enfant_for, enfants_for, famille_for


def test_famille_for_is_the_users_family(world):
    assert famille_for(world.alice.user) == world.famille


def test_enfant_for_refuses_another_familys_child(world):
    assert enfant_for(world.alice.user, world.enfant.pk) == world.enfant
    with pytest.raises(Http404):
        enfant_for(world.alice.user, world.other_enfant.pk)


def test_agents_have_no_family(world):
    with pytest.raises(Http404):
        famille_for(world.agent.user)


def test_children_who_left_are_not_listed(world):
    world.enfant.left_on = world.school_year.start_date
    world.enfant.save()
    assert list(enfants_for(world.alice.user)) == []
