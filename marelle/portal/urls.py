from django.urls import include, path

app_name = "portal"

urlpatterns = [
    # The planning's routes (grid, cell actions, rhythm, demandes) live in their own module.
    path("portail/", include("marelle.portal.urls_planning")),
]
