"""The inbox and the documents as their users click them, in Chromium: an agent writes to
one family; the parent sees it unread on Accueil, opens it (the count drops) and replies;
the agent finds the reply in the commune's inbox; the parent sends an attestation, the
agent validates it and the parent sees it validated. axe on every page; screenshots at
1280 and 375 px."""

from __future__ import annotations

import pytest

from marelle.documents.models import FamilyDocument
from marelle.messaging.models import Message
from tests.backoffice.test_browser import login, serious_violations, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def parent_page(browser, live_server, world, request):
    context = browser.new_context(viewport={"width": request.param, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, live_server, world.alice.user)
    page.width = request.param
    yield page
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.width


@pytest.mark.parametrize("parent_page", [1280, 375], indirect=True)
def test_agent_writes_parent_reads_and_replies(page, parent_page, live_server, world):
    parent = parent_page
    width = parent.width
    # The agent writes to the family, by its numéro.
    login(page, live_server, world.agent.user)
    page.goto(f"{live_server.url}/gestion/messagerie/ecrire/")
    page.get_by_label("Une famille").check()
    page.get_by_label("Numéro famille").fill(world.famille.numero)
    page.get_by_label("Objet").fill("Menu de décembre")
    page.get_by_label("Message", exact=True).fill("Le repas de Noël est le jeudi 17.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/gestion/messagerie/**")
    assert Message.objects.filter(famille=world.famille, subject="Menu de décembre").count() == 1

    # The parent: 1 unread on Accueil, opened, the count drops, a reply.
    parent.goto(f"{live_server.url}/portail/accueil/")
    parent.get_by_role("link", name="1 message non lu").click()
    assert serious_violations(parent) == []
    shot(parent, f"inbox_list_{width}")
    parent.get_by_role("link", name="Menu de décembre").click()
    parent.get_by_text("Le repas de Noël est le jeudi 17.").wait_for()
    assert no_sideways_scroll(parent)
    assert serious_violations(parent) == []
    shot(parent, f"inbox_message_{width}")
    parent.goto(f"{live_server.url}/portail/accueil/")
    parent.get_by_role("link", name="Aucun message non lu").wait_for()
    parent.go_back()
    parent.get_by_label("Votre réponse").fill("Merci, mon fils est allergique aux noix.")
    parent.get_by_role("button", name="Envoyer ma réponse").click()
    parent.get_by_text("Merci, mon fils est allergique aux noix.").wait_for()

    # The agent: the reply in the commune's inbox, unread.
    page.goto(f"{live_server.url}/gestion/messagerie/")
    page.get_by_role("link", name="Re : Menu de décembre").first.click()
    page.get_by_text("mon fils est allergique aux noix").wait_for()
    assert serious_violations(page) == []
    shot(page, f"messagerie_reply_{width}")


@pytest.mark.parametrize("parent_page", [1280, 375], indirect=True)
def test_parent_sends_an_attestation_and_the_agent_validates_it(page, parent_page, live_server, world, tmp_path):
    parent = parent_page
    width = parent.width
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(PDF)
    parent.goto(f"{live_server.url}/portail/infos/")
    assert serious_violations(parent) == []
    parent.get_by_label("Type de document").select_option(label="Attestation d'assurance")
    parent.get_by_label("Fichier").set_input_files(str(attestation))
    parent.get_by_role("button", name="Envoyer le document").click()
    parent.get_by_text("En attente").first.wait_for()
    assert no_sideways_scroll(parent)
    shot(parent, f"documents_sent_{width}")
    doc = FamilyDocument.objects.get(famille=world.famille)
    assert doc.status == FamilyDocument.Status.PENDING

    login(page, live_server, world.agent.user)
    page.goto(f"{live_server.url}/gestion/documents/")
    assert serious_violations(page) == []
    page.get_by_role("button", name=f"Valider Attestation d'assurance {world.famille.numero}").click()
    page.get_by_text("Validé").first.wait_for()
    doc.refresh_from_db()
    assert doc.status == FamilyDocument.Status.VALIDATED

    parent.reload()
    parent.get_by_text("Validé").first.wait_for()
    assert serious_violations(parent) == []
    shot(parent, f"documents_validated_{width}")
    parent.goto(f"{live_server.url}/portail/compte/")
    parent.get_by_role("heading", name="Mon compte").wait_for()
    assert no_sideways_scroll(parent)
    assert serious_violations(parent) == []
    shot(parent, f"account_{width}")
