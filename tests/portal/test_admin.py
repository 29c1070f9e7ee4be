import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from marelle.audit.services import log_action
from tests.billing.factories import FactureFactory

MODELS = [
    "territory_territory",
    "territory_commune",
    "territory_etablissement",
    "territory_schoolyear",
    "territory_daytype",
    "territory_closure",
    "territory_agent",
    "families_famille",
    "families_responsable",
    "families_enfant",
    "billing_facture",
    "billing_payment",
    "messaging_message",
    "audit_logentry",
]


@pytest.fixture
def admin_client_fr(client, world):
    admin = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "x")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_answer_in_french(admin_client_fr, model):
    response = admin_client_fr.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_famille_admin_has_responsables_and_enfants_inline(admin_client_fr, world):
    FactureFactory(famille=world.famille, responsable=world.alice)
    html = admin_client_fr.get(reverse("admin:families_famille_change", args=[world.famille.pk])).content.decode()
    assert "ZTEST" in html and "COMMUNE" in html and "Responsables" in html and "Enfants" in html


def test_audit_log_is_read_only(admin_client_fr, world):
    entry = log_action(obj=world.famille, action="test", actor=None)
    assert admin_client_fr.get(reverse("admin:audit_logentry_add")).status_code == 403
    assert (
        admin_client_fr.post(reverse("admin:audit_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
