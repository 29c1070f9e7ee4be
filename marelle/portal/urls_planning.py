"""The planning's routes, included under "portail/" by marelle/portal/urls.py (app "portal")."""

from django.urls import path

from marelle.portal.views import planning, planning_demandes, planning_rythme

urlpatterns = [
    path("enfants/<int:pk>/planning/", planning.PlanningView.as_view(), name="planning"),
    path("enfants/<int:pk>/planning/case/", planning.PlanningCellView.as_view(), name="planning_cell"),
    path("enfants/<int:pk>/planning/action/", planning.PlanningActionView.as_view(), name="planning_action"),
    path("enfants/<int:pk>/planning/rythme/", planning_rythme.RythmeView.as_view(), name="rythme"),
    path("demandes/", planning_demandes.DemandesView.as_view(), name="demandes"),
    path("demandes/<int:pk>/annuler/", planning_demandes.DemandeCancelView.as_view(), name="demande_cancel"),
]
