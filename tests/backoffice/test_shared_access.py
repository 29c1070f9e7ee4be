"""The agent lets both parents act on everything, or keeps separated parents apart: one box
on the family's edit page, audited like the family's other fields."""

from __future__ import annotations

from django.urls import reverse

from marelle.families.models import Famille
from tests.backoffice.test_fiches import famille_post, logs_of, shown


def test_the_agent_keeps_separated_parents_apart_and_it_is_audited(agent_client, world, shared):
    famille = shared.famille
    page = agent_client.get(reverse("backoffice:famille", args=[famille.pk])).content.decode()
    assert "partagé — chaque responsable agit sur tous les services de la famille." in page
    form = agent_client.get(reverse("backoffice:famille_edit", args=[famille.pk])).content.decode()
    assert 'name="shared_access"' in form and "Accès des responsables" in form

    data = famille_post(famille)
    del data["shared_access"]  # the box unticked
    response = agent_client.post(reverse("backoffice:famille_edit", args=[famille.pk]), data)
    assert response.status_code == 302
    famille.refresh_from_db()
    assert famille.shared_access is False
    [entry] = logs_of(famille)
    assert entry.actor == world.agent.user and entry.action == "famille.updated"
    assert entry.data["changes"] == {"shared_access": [True, False]}
    assert shown(entry)["accès partagé entre les responsables"] == ("oui", "non")
    page = agent_client.get(reverse("backoffice:famille", args=[famille.pk])).content.decode()
    assert "séparé" in page and "chaque responsable n'agit que sur les services qu'il paie" in page

    # And back: both parents act on everything again.
    agent_client.post(reverse("backoffice:famille_edit", args=[famille.pk]), famille_post(famille, shared_access="on"))
    assert Famille.objects.get(pk=famille.pk).shared_access is True
    assert len(logs_of(famille)) == 2


def test_another_communes_agent_cannot_change_it(client, world, separated):
    client.force_login(world.other_agent.user)
    data = famille_post(separated.famille, shared_access="on")
    assert client.post(reverse("backoffice:famille_edit", args=[separated.famille.pk]), data).status_code == 404
    assert Famille.objects.get(pk=separated.famille.pk).shared_access is False


def test_a_new_family_shares_access():
    assert Famille._meta.get_field("shared_access").default is True
