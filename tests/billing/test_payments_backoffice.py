"""Back office Facturation pages of the payments side: scoped to the agent's communes,
bank and treasury files only with the billing permission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from lxml import etree

from marelle.billing.models import InvoiceRun, Payment, SepaDebit
from marelle.billing.services import sepa
from marelle.billing.services.sepa_xml import schema_path
from tests.billing.payments_setup import make_facture, make_regie

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def theirs(world):
    """Commune B's régie, invoice, mandate, direct-debit batch and issued run."""
    regie = make_regie(world.other_commune)
    run = InvoiceRun.objects.create(
        regie=regie, month=dt.date(2026, 11, 1), status=InvoiceRun.Status.ISSUED, created_at=NOW
    )
    make_facture(world.bob, regie, "12.00", run=run)
    mandat = sepa.mandat_create(
        responsable=world.bob, iban="FR7630006000011234567890189", signed_on=dt.date(2026, 9, 1), actor=None, now=NOW
    )
    batch = sepa.sepa_batch_create(regie=regie, collection_date=dt.date(2026, 12, 10), actor=None, now=NOW)
    return {"regie": regie, "run": run, "mandat": mandat, "batch": batch, "debit": SepaDebit.objects.get()}


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="issue_invoices"))


@pytest.mark.parametrize(
    "name",
    [
        "paiement_create",
        "mandat_create",
        "mandat_revoke",
        "sepa_batch",
        "sepa_download",
        "sepa_reject",
        "export_csv",
        "export_pes",
    ],
)
def test_another_communes_objects_are_a_404(agent_client, world, theirs, name):
    grant(world.agent.user)
    args = {
        "paiement_create": world.other_famille.pk,
        "mandat_create": world.other_famille.pk,
        "mandat_revoke": theirs["mandat"].pk,
        "sepa_batch": theirs["batch"].pk,
        "sepa_download": theirs["batch"].pk,
        "sepa_reject": theirs["debit"].pk,
        "export_csv": theirs["run"].pk,
        "export_pes": theirs["run"].pk,
    }[name]
    url = reverse(f"backoffice:{name}", args=[args])
    assert agent_client.get(url).status_code in (404, 405)
    assert (
        agent_client.post(url, {"reason": "AM04", "rejected_on": "2026-12-14", "revoked_on": "2026-12-14"}).status_code
        == 404
    )
    theirs["debit"].refresh_from_db()
    assert theirs["debit"].rejected_on is None


def test_lookups_find_only_the_agents_families(agent_client, world):
    response = agent_client.get(reverse("backoffice:paiement_lookup"), {"numero": world.other_famille.numero})
    assert response["Location"] == reverse("backoffice:paiements")
    response = agent_client.get(reverse("backoffice:mandat_lookup"), {"numero": world.famille.numero})
    assert response["Location"] == reverse("backoffice:mandat_create", args=[world.famille.pk])


def test_agent_records_a_payment_and_sees_it_in_the_journal(agent_client, world):
    regie = make_regie(world.commune)
    facture = make_facture(world.alice, regie, "38.40")
    response = agent_client.post(
        reverse("backoffice:paiement_create", args=[world.famille.pk]),
        {"regie": regie.pk, "amount": "38.40", "method": "cheque", "received_on": "2026-12-02", "note": "Chq 42"},
    )
    assert response.status_code == 302
    assert Payment.objects.get().allocations.get().facture == facture
    page = agent_client.get(reverse("backoffice:paiements"), {"day": "2026-12-02"})
    assert facture.number in page.content.decode()
    csv = agent_client.get(reverse("backoffice:paiements_csv"), {"day": "2026-12-02"})
    assert "38,40" in csv.content.decode()


def test_sepa_file_needs_the_billing_permission(agent_client, world):
    regie = make_regie(world.commune)
    make_facture(world.alice, regie, "38.40")
    sepa.mandat_create(
        responsable=world.alice, iban="FR7630006000011234567890189", signed_on=dt.date(2026, 9, 1), actor=None, now=NOW
    )
    data = {"regie": regie.pk, "collection_date": (dt.date.today() + dt.timedelta(days=5)).isoformat()}
    assert agent_client.post(reverse("backoffice:sepa"), data).status_code == 403
    grant(world.agent.user)
    response = agent_client.post(reverse("backoffice:sepa"), data)
    assert response.status_code == 302
    batch_url = response["Location"]
    assert agent_client.get(batch_url).status_code == 200
    download = agent_client.get(reverse("backoffice:sepa_download", args=[SepaDebit.objects.get().batch_id]))
    xml = b"".join(download.streaming_content)
    assert etree.XMLSchema(etree.parse(str(schema_path()))).validate(etree.fromstring(xml))


@pytest.mark.parametrize("name", ["paiements", "mandats", "sepa", "exports"])
def test_list_pages_render(agent_client, name):
    assert agent_client.get(reverse(f"backoffice:{name}")).status_code == 200
