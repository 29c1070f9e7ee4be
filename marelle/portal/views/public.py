from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views.generic import TemplateView

from marelle.portal.access import is_responsable
from marelle.territory.models import Territory


def landing(request):
    """The territory's communes as the guide lists them: open, prochainement, portail propre."""
    territories = Territory.objects.prefetch_related("communes").order_by("name")
    return render(request, "portal/landing.html", {"territories": territories})


class LegalPageView(TemplateView):
    """Public pages; a logged-in parent reads them inside the portal's navigation."""

    def get_context_data(self, **kwargs):
        parent = is_responsable(self.request.user)
        return super().get_context_data(
            layout="portal/layout.html" if parent else "base.html",
            is_parent=parent,
            contact_email=settings.CONTACT_EMAIL,
            accessibility_audit=settings.ACCESSIBILITY_AUDIT,
            audit_missing=settings.ACCESSIBILITY_STATUS == "non" and not settings.ACCESSIBILITY_AUDIT,
            retention_years=settings.RETENTION_YEARS,
            **kwargs,
        )


class AccessibiliteView(LegalPageView):
    template_name = "portal/accessibilite.html"


class DonneesPersonnellesView(LegalPageView):
    template_name = "portal/donnees_personnelles.html"
