"""Every back-office page renders for an agent of the commune."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande


@pytest.mark.parametrize(
    "name",
    ["dashboard", "demandes", "familles", "calendrier", "pointage", "effectifs"],
)
def test_list_pages_render(agent_client, world, bo, name):
    make_pending_demande(world.enfant, bo.cantine)
    response = agent_client.get(reverse(f"backoffice:{name}"), follow=True)
    assert response.status_code == 200


def test_object_pages_render(agent_client, world, bo):
    demande = make_pending_demande(world.enfant, bo.cantine)
    contrat = bo.inscription.contrats.create(weekdays="01", start_date=DAY, end_date=DAY)
    urls = [
        reverse("backoffice:demande", args=[demande.pk]),
        reverse("backoffice:famille", args=[world.famille.pk]),
        reverse("backoffice:enfant_planning", args=[world.enfant.pk]) + "?mois=2026-12",
        reverse("backoffice:inscription_create", args=[world.enfant.pk]),
        reverse("backoffice:contrat_create", args=[bo.inscription.pk]),
        reverse("backoffice:contrat_change", args=[contrat.pk]),
        reverse("backoffice:calendrier_commune", args=[world.commune.pk]),
        reverse("backoffice:pointage_sheet", args=[bo.cantine.pk, DAY.isoformat()]),
        reverse("backoffice:effectifs_liste", args=[bo.cantine.pk, DAY.isoformat()]),
        reverse("backoffice:effectifs") + "?du=2026-12-01&au=2026-12-31",
        reverse("backoffice:familles") + "?q=ztest",
        reverse("backoffice:famille_edit", args=[world.famille.pk]),
        reverse("backoffice:responsable_edit", args=[world.alice.pk]),
        reverse("backoffice:enfant_edit", args=[world.enfant.pk]),
        reverse("backoffice:closure_delete", args=[f.ClosureFactory(commune=world.commune).pk]),
    ]
    for url in urls:
        response = agent_client.get(url)
        assert response.status_code == 200, url
