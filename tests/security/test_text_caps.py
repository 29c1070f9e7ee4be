"""Free text is capped, in the forms and again in the services: 100 kB of « allergies » or of
a message is refused with a French message, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.core.text import COMMENT_MAX_CHARS, MESSAGE_MAX_CHARS, NOTE_MAX_CHARS
from marelle.families import services as family_services
from marelle.families.contact_changes import contact_change_submit
from marelle.families.models import ContactChangeRequest, Enfant, Famille
from marelle.messaging.models import Message
from marelle.messaging.services import MessagingError, broadcast_send, family_reply, family_write
from marelle.messaging.services.conversations import agent_reply
from marelle.planning.models import CellState, Demande
from marelle.planning.rules import Action
from marelle.planning.services import PlanningError, demande_submit, demandes_decide
from tests import factories as f
from tests.backoffice.conftest import make_pending_demande

HUGE = "A" * 100_000  # 100 kB
TOO_LONG = "trop long : "


def enfant_post(**overrides) -> dict:
    return {"etablissement": "", "classe": "CP", "allergies": "", "authorized_pickup": "", **overrides}


# Allergies and pickup persons (the back office's child form and families.enfant_update)


@pytest.mark.parametrize("field", ["allergies", "authorized_pickup"])
def test_the_child_form_refuses_100_kb(agent_client, world, field):
    url = reverse("backoffice:enfant_edit", args=[world.enfant.pk])
    form_page = agent_client.get(url).content.decode()
    assert f'maxlength="{NOTE_MAX_CHARS}"' in form_page
    response = agent_client.post(url, enfant_post(**{field: HUGE}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "2000 caractères" in str(response.context["form"].errors[field])
    enfant = Enfant.objects.get(pk=world.enfant.pk)
    assert getattr(enfant, field) == "" and enfant.classe != "CP"
    assert not LogEntry.objects.filter(action="enfant.updated").exists()


def test_the_child_form_takes_the_cap_exactly(agent_client, world):
    url = reverse("backoffice:enfant_edit", args=[world.enfant.pk])
    response = agent_client.post(url, enfant_post(allergies="a" * NOTE_MAX_CHARS))
    assert response.status_code == 302
    assert len(Enfant.objects.get(pk=world.enfant.pk).allergies) == NOTE_MAX_CHARS


@pytest.mark.parametrize("field", ["allergies", "authorized_pickup"])
def test_the_child_service_refuses_100_kb_whoever_calls(world, field):
    with pytest.raises(ValidationError) as caught:
        family_services.enfant_update(actor=world.agent.user, enfant=world.enfant, values={"classe": "CP", field: HUGE})
    assert field in caught.value.message_dict
    assert TOO_LONG in caught.value.message_dict[field][0]
    enfant = Enfant.objects.get(pk=world.enfant.pk)
    assert getattr(enfant, field) == "" and enfant.classe != "CP"
    assert not LogEntry.objects.exists()


def test_the_family_service_holds_char_fields_to_their_column(world):
    with pytest.raises(ValidationError) as caught:
        family_services.famille_update(
            actor=world.agent.user, famille=world.famille, values={"city": HUGE}, today=dt.date(2026, 12, 1)
        )
    assert "city" in caught.value.message_dict
    assert Famille.objects.get(pk=world.famille.pk).city != HUGE


def test_a_contact_change_request_is_held_to_the_columns(world):
    with pytest.raises(ValidationError) as caught:
        contact_change_submit(
            responsable=world.alice, values={"address": HUGE}, actor=world.alice.user, now=timezone.now()
        )
    assert "address" in caught.value.message_dict
    assert not ContactChangeRequest.objects.exists()
    assert Famille.objects.get(pk=world.famille.pk).address != HUGE


# Messages (parent's Écrire à la mairie and reply; agent's reply and broadcast)


def test_a_parent_message_of_100_kb_is_refused_by_the_form(alice_client, world):
    response = alice_client.post(reverse("portal:message_write"), {"subject": "Allergie", "body": HUGE})
    assert response.status_code == 400
    assert "10000 caractères" in str(response.context["form"].errors["body"])
    assert not Message.objects.exists()


def test_the_agent_compose_form_refuses_100_kb(agent_client, world):
    response = agent_client.post(
        reverse("backoffice:messagerie_compose"),
        {
            "commune": world.commune.pk,
            "audience": "famille",
            "famille": world.famille.numero,
            "subject": "x",
            "body": HUGE,
        },
    )
    assert response.status_code in (200, 400)
    assert "body" in response.context["form"].errors
    assert not Message.objects.exists()


def test_the_messaging_services_refuse_100_kb(world):
    now = timezone.now()
    with pytest.raises(MessagingError) as caught:
        family_write(responsable=world.alice, subject="Allergie", body=HUGE, now=now)
    assert TOO_LONG in caught.value.message_dict["body"][0]
    assert not Message.objects.exists()
    root = family_write(responsable=world.alice, subject="Allergie", body="a" * MESSAGE_MAX_CHARS, now=now)
    with pytest.raises(MessagingError):
        family_reply(responsable=world.alice, message=root, body=HUGE, now=now)
    with pytest.raises(MessagingError):
        agent_reply(actor=world.agent.user, message=root, body=HUGE, now=now)
    with pytest.raises(MessagingError):
        broadcast_send(
            actor=world.agent.user,
            commune=world.commune,
            audience="famille",
            audience_label="test",
            famille_ids=[world.famille.pk],
            subject="Menu",
            body=HUGE,
            now=now,
        )
    assert list(Message.objects.all()) == [root]


# Comments on demandes (a parent's absence, an agent's decision)


def test_a_demande_comment_of_100_kb_is_refused_by_the_service(world, cantine):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    with pytest.raises(PlanningError) as caught:
        demande_submit(
            actor=world.alice.user,
            enfant=world.enfant,
            action=Action.ABSENCE,
            cells=[(cantine.pk, day)],
            now=timezone.now(),
            reason="medical",
            comment=HUGE,
        )
    assert TOO_LONG in caught.value.message
    assert not Demande.objects.exists()


def test_a_demande_comment_of_100_kb_is_refused_by_the_page(alice_client, world, cantine):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    response = alice_client.post(
        reverse("portal:planning_action", args=[world.enfant.pk]),
        {"action": "absence", "cells": [f"{cantine.pk}:{day}"], "reason": "medical", "comment": HUGE},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert not Demande.objects.exists()


def test_a_decision_comment_of_100_kb_is_refused(agent_client, world, bo):
    demande = make_pending_demande(world.enfant, bo.cantine)
    with pytest.raises(PlanningError) as caught:
        demandes_decide(
            actor=world.agent.user, demande_ids=[demande.pk], accept=False, now=timezone.now(), comment=HUGE
        )
    assert TOO_LONG in caught.value.message
    response = agent_client.post(
        reverse("backoffice:demandes_decide"), {"ids": [demande.pk], "decision": "refuse", "comment": HUGE}, follow=True
    )
    assert f"au plus {COMMENT_MAX_CHARS} caractères" in response.content.decode()
    demande.refresh_from_db()
    assert demande.status == Demande.Status.PENDING and demande.agent_comment == ""
