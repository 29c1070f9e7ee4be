"""Who reaches the parents' pages: every portal URL is in one list below, and the lists are
compared with the URL resolver (tests/url_matrix.py), so a new page cannot ship without its
refusal tests. Public pages open to anyone; parent pages send the anonymous to the login and
agents to the back office; a URL with an id gives 404 for another family's object, and the
owner reaches it (the positive control)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from marelle.documents.services import family_document_upload, published_document_create
from marelle.messaging.models import Attachment, Message
from marelle.messaging.services import broadcast_send
from marelle.planning.models import Demande
from tests.documents.conftest import pdf_bytes, upload
from tests.url_matrix import check_matrix

PUBLIC_URLS = {
    "portal:landing": lambda w: reverse("portal:landing"),
    "portal:accessibilite": lambda w: reverse("portal:accessibilite"),
    "portal:donnees_personnelles": lambda w: reverse("portal:donnees_personnelles"),
    "portal:commune": lambda w: reverse("portal:commune", args=[w.commune.slug]),
    "portal:login": lambda w: reverse("portal:login"),
    "portal:password_reset": lambda w: reverse("portal:password_reset"),
    "portal:password_reset_done": lambda w: reverse("portal:password_reset_done"),
    "portal:password_reset_confirm": lambda w: reverse("portal:password_reset_confirm", args=["MQ", "bad-token"]),
    "portal:password_reset_complete": lambda w: reverse("portal:password_reset_complete"),
}

# Parent pages without an id: the logged-in family's own data.
PARENT_URLS = [
    "portal:accueil",
    "portal:compte",
    "portal:export",
    "portal:enfants",
    "portal:releve",
    "portal:messages",
    "portal:message_write",
    "portal:infos",
    "portal:demandes",
]

# Any logged-in user (a parent or an agent changes their own password).
LOGIN_URLS = ["portal:password_change", "portal:password_change_done"]


def _their_demande(w, **fields):
    return Demande.objects.create(
        famille=w.other_famille,
        enfant=w.other_enfant,
        kind=Demande.Kind.ABSENCE,
        reason="medical",
        created_at=timezone.now(),
        created_by=w.bob.user,
        **fields,
    )


def _their_justificatif(w):
    demande = _their_demande(w)
    demande.document.save("certificat.pdf", ContentFile(pdf_bytes()))
    return demande


def _their_published(w):
    return published_document_create(
        commune=w.other_commune,
        etablissement=None,
        kind="menu",
        title="Menu de Têche",
        upload=upload(pdf_bytes()),
        valid_from=dt.date(2020, 1, 1),
        valid_until=None,
        actor=w.other_agent.user,
        now=timezone.now(),
    )


def _their_document(w):
    return family_document_upload(
        famille=w.other_famille,
        responsable=w.bob,
        kind="assurance",
        upload=upload(pdf_bytes()),
        actor=w.bob.user,
        now=timezone.now(),
    )


# Parent URLs with an id, built from bob's family (commune Têche).
def _their_attachment(w):
    """A file attached to a message the commune sent to Bob's family."""
    broadcast = broadcast_send(
        actor=w.other_agent.user,
        commune=w.other_commune,
        audience="famille",
        audience_label="Bob",
        famille_ids=[w.other_famille.pk],
        subject="Menu",
        body="…",
        files=[upload(pdf_bytes())],
        now=timezone.now(),
    )
    return Attachment.objects.get(message__broadcast=broadcast)


PARENT_OBJECT_URLS = {
    "portal:enfant": lambda w: reverse("portal:enfant", args=[w.other_enfant.pk]),
    "portal:message": lambda w: reverse(
        "portal:message", args=[Message.objects.create(famille=w.other_famille, subject="À Bob", body="…").pk]
    ),
    "portal:attachment": lambda w: reverse("portal:attachment", args=[_their_attachment(w).pk]),
    "portal:planning": lambda w: reverse("portal:planning", args=[w.other_enfant.pk]),
    "portal:planning_action": lambda w: reverse("portal:planning_action", args=[w.other_enfant.pk]),
    "portal:planning_price": lambda w: reverse("portal:planning_price", args=[w.other_enfant.pk]),
    "portal:rythme": lambda w: reverse("portal:rythme", args=[w.other_enfant.pk]),
    "portal:demande_cancel": lambda w: reverse("portal:demande_cancel", args=[_their_demande(w).pk]),
    "portal:document_famille": lambda w: reverse("portal:document_famille", args=[_their_document(w).pk]),
    "portal:document_publie": lambda w: reverse("portal:document_publie", args=[_their_published(w).pk]),
    "portal:document_justificatif": lambda w: reverse("portal:document_justificatif", args=[_their_justificatif(w).pk]),
}

# URLs whose refusals are tested by a dedicated test (a path::name that must exist).
TESTED_ELSEWHERE = {
    "<unnamed favicon.ico>": "tests/portal/test_favicon.py::test_favicon_ico_leads_to_the_svg_icon",
    "portal:facture_pdf": "tests/billing/test_portal_account.py::test_another_familys_invoice_pdf_is_a_404",
    "portal:payer": "tests/billing/test_payments_online.py::test_another_familys_invoice_cannot_be_paid",
    "portal:paiement_retour": "tests/billing/test_payments_online.py::test_another_familys_payment_return_page_is_a_404",
    "portal:paiement_notification": "tests/billing/test_payments_online.py::test_forged_notification_pays_nothing",
    "standin_bank:pay": "tests/billing/test_payments_online.py::TestStandinBank",
    "portal:logout": "tests/portal/test_auth.py::test_logout_needs_a_post_and_ends_the_session",
    "portal:planning_cell": "tests/portal_planning/test_actions.py::test_cell_page_404s_for_unknown_cells",
}


def test_the_matrix_lists_every_portal_url():
    """A new URL outside /gestion/ must be added to one of the lists above."""
    problems = check_matrix(
        covered=[*PUBLIC_URLS, *PARENT_URLS, *LOGIN_URLS, *PARENT_OBJECT_URLS],
        elsewhere=TESTED_ELSEWHERE,
        belongs=lambda name: not name.startswith("backoffice:"),
        where="tests/portal/test_access.py",
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(PUBLIC_URLS))
def test_public_pages_open_to_anyone(client, world, name):
    assert client.get(PUBLIC_URLS[name](world)).status_code == 200


@pytest.mark.parametrize("name", PARENT_URLS + LOGIN_URLS)
def test_anonymous_is_sent_to_the_login(client, world, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={url}"


@pytest.mark.parametrize("name", PARENT_URLS)
def test_an_agent_is_sent_to_the_back_office(agent_client, name):
    response = agent_client.get(reverse(name))
    assert response.status_code == 302 and response["Location"] == "/gestion/"


@pytest.mark.parametrize("name", PARENT_URLS + LOGIN_URLS)
def test_a_parent_reaches_their_pages(alice_client, name):
    assert alice_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", sorted(PARENT_OBJECT_URLS))
def test_another_familys_object_is_a_404(alice_client, world, name):
    """GET and POST: 404, or 405 for the method the page does not serve (never both 405)."""
    url = PARENT_OBJECT_URLS[name](world)
    statuses = {alice_client.get(url).status_code, alice_client.post(url, {"action": "book"}).status_code}
    assert 404 in statuses and statuses <= {404, 405}


@pytest.mark.parametrize("name", sorted(PARENT_OBJECT_URLS))
def test_the_owner_reaches_the_same_objects(client, world, name):
    client.force_login(world.bob.user)
    assert client.get(PARENT_OBJECT_URLS[name](world)).status_code in (200, 405)
