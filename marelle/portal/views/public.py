from __future__ import annotations

from django.shortcuts import render

from marelle.territory.models import Territory


def landing(request):
    """The territory's communes as the guide lists them: open, prochainement, portail propre."""
    territories = Territory.objects.prefetch_related("communes").order_by("name")
    return render(request, "portal/landing.html", {"territories": territories})
