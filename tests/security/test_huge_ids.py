"""An id no column can hold, in a list of ids from a request, matches nothing (never a 500)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from marelle.planning.models import Demande, Service
from tests.backoffice.conftest import make_pending_demande

HUGE = "99999999999999999999999999"


def test_an_in_lookup_with_a_huge_id_matches_nothing(world, cantine):
    assert list(Service.objects.filter(pk__in=[int(HUGE)])) == []
    assert list(Service.objects.filter(pk__in=[int(HUGE), cantine.pk])) == [cantine]
    assert list(Service.objects.filter(pk__in=[-int(HUGE)])) == []


def test_a_model_multiple_choice_with_a_huge_id_is_invalid(world, cantine):
    field = forms.ModelMultipleChoiceField(queryset=Service.objects.all())
    with pytest.raises(forms.ValidationError):
        field.clean([HUGE])


@pytest.mark.parametrize("data", [{"ids": [HUGE], "decision": "accept"}, {"accept_one": HUGE}])
def test_deciding_a_huge_demande_id_is_no_500(agent_client, world, cantine, data):
    demande = make_pending_demande(world.enfant, cantine)
    response = agent_client.post(reverse("backoffice:demandes_decide"), data)
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.status == Demande.Status.PENDING
