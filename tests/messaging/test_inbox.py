"""Boîte de réception (parent) and Messagerie (agent): isolation, read state, threads, groups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marelle.messaging.models import Attachment, Broadcast, Message
from marelle.messaging.services import broadcast_send, family_write, notify
from marelle.planning.models import CellState
from tests import factories as f

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="menu.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def send(world, famille_ids, *, commune=None, files=(), audience="famille", subject="Menu de décembre"):
    return broadcast_send(
        actor=world.agent.user,
        commune=commune or world.commune,
        audience=audience,
        audience_label="test",
        famille_ids=famille_ids,
        subject=subject,
        body="Bon appétit",
        files=files,
        now=timezone.now(),
    )


def unread_on_accueil(client) -> str:
    return client.get(reverse("portal:accueil")).content.decode()


def test_the_list_does_not_mark_read_the_detail_does(alice_client, world):
    send(world, [world.famille.pk])
    message = Message.objects.get(famille=world.famille)
    assert "1 message non lu" in unread_on_accueil(alice_client)
    assert alice_client.get(reverse("portal:messages")).status_code == 200
    assert "1 message non lu" in unread_on_accueil(alice_client)
    assert alice_client.get(reverse("portal:message", args=[message.pk])).status_code == 200
    assert "Aucun message non lu" in unread_on_accueil(alice_client)
    message.refresh_from_db()
    assert message.read_at is not None


def test_another_familys_message_and_attachment_are_404(alice_client, world):
    send(world, [world.famille.pk], files=[pdf()])
    theirs = send(world, [world.other_famille.pk], commune=world.other_commune, files=[pdf("secret.pdf")])
    other_message = theirs.messages.get()
    other_attachment = Attachment.objects.get(message=other_message)
    assert alice_client.get(reverse("portal:message", args=[other_message.pk])).status_code == 404
    assert alice_client.get(reverse("portal:attachment", args=[other_attachment.pk])).status_code == 404
    mine = Attachment.objects.get(message__famille=world.famille)
    response = alice_client.get(reverse("portal:attachment", args=[mine.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "private" in response["Cache-Control"]
    # Stored outside the web root under a random name.
    assert mine.file.name.startswith("messages/") and "menu" not in mine.file.name


def test_a_message_to_one_school_reaches_none_of_another_schools_families(agent_client, world):
    other_school = f.EtablissementFactory(commune=world.commune, name="École du Village")
    village = f.FamilleFactory(commune=world.commune)
    f.ResponsableFactory(famille=village)
    f.EnfantFactory(famille=village, etablissement=other_school)
    response = agent_client.post(
        reverse("backoffice:messagerie_compose"),
        {
            "commune": world.commune.pk,
            "audience": "etablissement",
            "etablissement": world.etablissement.pk,
            "subject": "Sortie scolaire",
            "body": "Prévoir un pique-nique",
        },
    )
    assert response.status_code == 302
    assert list(Message.objects.filter(subject="Sortie scolaire").values_list("famille", flat=True)) == [
        world.famille.pk
    ]
    assert not Message.objects.filter(famille=village).exists()
    assert not Message.objects.filter(famille=world.other_famille).exists()
    assert Broadcast.objects.get().recipients == 1


def test_a_message_to_the_families_booked_on_a_day(agent_client, world, cantine):
    day = dt.date(2026, 12, 7)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    unbooked = f.FamilleFactory(commune=world.commune)
    f.EnfantFactory(famille=unbooked, etablissement=world.etablissement)
    response = agent_client.post(
        reverse("backoffice:messagerie_compose"),
        {"commune": world.commune.pk, "audience": "jour", "day": "2026-12-07", "subject": "Grève", "body": "…"},
    )
    assert response.status_code == 302
    assert list(Message.objects.filter(subject="Grève").values_list("famille", flat=True)) == [world.famille.pk]


def test_an_agent_cannot_send_to_another_communes_family(agent_client, world):
    response = agent_client.post(
        reverse("backoffice:messagerie_compose"),
        {
            "commune": world.other_commune.pk,
            "audience": "famille",
            "famille": world.other_famille.numero,
            "subject": "x",
            "body": "x",
        },
    )
    assert response.status_code == 400
    assert not Message.objects.exists()
    response = agent_client.post(
        reverse("backoffice:messagerie_compose"),
        {
            "commune": world.commune.pk,
            "audience": "famille",
            "famille": world.other_famille.numero,
            "subject": "x",
            "body": "x",
        },
    )
    assert response.status_code == 400 and "Aucune famille" in response.content.decode()
    assert not Message.objects.exists()


def test_reply_threads_and_reaches_the_commune_inbox(alice_client, world):
    agent_client = Client()
    agent_client.force_login(world.agent.user)
    send(world, [world.famille.pk])
    root = Message.objects.get(famille=world.famille)
    alice_client.get(reverse("portal:message", args=[root.pk]))
    assert "Aucun message non lu" in unread_on_accueil(alice_client)
    response = alice_client.post(reverse("portal:message", args=[root.pk]), {"body": "Merci, mon fils est allergique"})
    assert response.status_code == 302
    reply = Message.objects.get(thread=root)
    assert not reply.from_commune and reply.famille == world.famille and reply.subject.startswith("Re")
    page = agent_client.get(reverse("backoffice:messagerie")).content.decode()
    assert "Re : Menu de décembre" in page and "non lu" in page
    detail = agent_client.get(reverse("backoffice:messagerie_message", args=[reply.pk])).content.decode()
    assert "mon fils est allergique" in detail
    reply.refresh_from_db()
    assert reply.agent_read_at is not None and reply.handled_at is None
    response = agent_client.post(reverse("backoffice:messagerie_message", args=[reply.pk]), {"body": "C'est noté."})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.handled_at is not None
    answer = Message.objects.filter(thread=root, from_commune=True).get()
    assert answer.read_at is None
    assert "1 message non lu" in unread_on_accueil(alice_client)


def test_ecrire_a_la_mairie_with_a_pdf_and_refused_fake(alice_client, world):
    fake = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = alice_client.post(
        reverse("portal:message_write"), {"subject": "Attestation", "body": "Ci-joint", "files": [fake]}
    )
    assert response.status_code == 400 and "PDF" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    response = alice_client.post(
        reverse("portal:message_write"),
        {"subject": "Attestation", "body": "Ci-joint", "files": [pdf("attestation.pdf")]},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert not message.from_commune and message.attachments.get().original_name == "attestation.pdf"
    response = alice_client.post(reverse("portal:message_write"), {"subject": "", "body": ""})
    assert response.status_code == 400


def test_agent_isolation_for_messages_attachments_and_emails(client, world):
    mine = family_write(responsable=world.alice, subject="Question", body="…", files=[pdf()], now=timezone.now())
    client.force_login(world.other_agent.user)
    assert client.get(reverse("backoffice:messagerie_message", args=[mine.pk])).status_code == 404
    assert client.post(reverse("backoffice:messagerie_handled", args=[mine.pk]), {"traite": "1"}).status_code == 404
    attachment = mine.attachments.get()
    assert client.get(reverse("backoffice:messagerie_attachment", args=[attachment.pk])).status_code == 404
    assert "Question" not in client.get(reverse("backoffice:messagerie")).content.decode()
    client.force_login(world.agent.user)
    assert client.get(reverse("backoffice:messagerie_attachment", args=[attachment.pk])).status_code == 200
    response = client.post(reverse("backoffice:messagerie_handled", args=[mine.pk]), {"traite": "1"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.handled_at is not None


def test_system_notices_land_in_the_inbox_without_reply(alice_client, world):
    notice = notify(famille=world.famille, kind="fermeture", subject="Marelle : fermeture du service", body="Grève")
    page = alice_client.get(reverse("portal:message", args=[notice.pk])).content.decode()
    assert "Grève" in page and "Envoyer ma réponse" not in page
    assert alice_client.post(reverse("portal:message", args=[notice.pk]), {"body": "x"}).status_code == 404


def test_a_notice_for_one_responsable_is_hidden_from_the_other(client, world):
    julien = f.ResponsableFactory(famille=world.famille, prenom="Julien")
    notice = notify(responsable=julien, kind="facture", subject="Votre facture", body="12 €")
    client.force_login(world.alice.user)
    assert client.get(reverse("portal:message", args=[notice.pk])).status_code == 404
    client.force_login(julien.user)
    assert client.get(reverse("portal:message", args=[notice.pk])).status_code == 200


@pytest.mark.parametrize("name", ["messagerie", "messagerie_compose", "messagerie_courriels"])
def test_parents_get_404_on_the_messagerie(alice_client, name):
    assert alice_client.get(reverse(f"backoffice:{name}")).status_code == 404


def test_failed_emails_page_is_scoped_and_retry_works(agent_client, world, django_capture_on_commit_callbacks):
    from marelle.messaging.models import OutboxEmail

    with django_capture_on_commit_callbacks(execute=False):
        notify(famille=world.famille, kind="message", subject="Mine", body="x")
        notify(famille=world.other_famille, kind="message", subject="Theirs", body="x")
    OutboxEmail.objects.update(status=OutboxEmail.Status.FAILED, attempts=9, last_error="SMTPServerDisconnected")
    page = agent_client.get(reverse("backoffice:messagerie_courriels")).content.decode()
    assert "Mine" in page and "Theirs" not in page
    theirs = OutboxEmail.objects.get(subject="Theirs")
    assert agent_client.post(reverse("backoffice:messagerie_email_retry", args=[theirs.pk])).status_code == 404
    mine = OutboxEmail.objects.get(subject="Mine")
    with django_capture_on_commit_callbacks(execute=True):
        assert agent_client.post(reverse("backoffice:messagerie_email_retry", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.status == OutboxEmail.Status.SENT


@pytest.mark.parametrize("header", ["HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ"])
def test_a_prefetch_of_the_message_does_not_mark_it_read(alice_client, world, header):
    send(world, [world.famille.pk])
    message = Message.objects.get(famille=world.famille)
    response = alice_client.get(reverse("portal:message", args=[message.pk]), **{header: "prefetch"})
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.read_at is None  # only an explicit open marks it read
    alice_client.get(reverse("portal:message", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at is not None
