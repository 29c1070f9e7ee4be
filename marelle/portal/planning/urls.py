"""The planning's routes, included under "portail/" by marelle/portal/urls.py (app "portal")."""

from django.urls import path

from marelle.portal.planning.views import demandes, grid, rythme

urlpatterns = [
    path("enfants/<int:pk>/planning/", grid.PlanningView.as_view(), name="planning"),
    path("enfants/<int:pk>/planning/case/", grid.PlanningCellView.as_view(), name="planning_cell"),
    path("enfants/<int:pk>/planning/prix/", grid.PlanningPriceView.as_view(), name="planning_price"),
    path("enfants/<int:pk>/planning/action/", grid.PlanningActionView.as_view(), name="planning_action"),
    path("enfants/<int:pk>/planning/rythme/", rythme.RythmeView.as_view(), name="rythme"),
    path("demandes/", demandes.DemandesView.as_view(), name="demandes"),
    path("demandes/<int:pk>/annuler/", demandes.DemandeCancelView.as_view(), name="demande_cancel"),
]
