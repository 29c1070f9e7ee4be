from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render

from marelle.backoffice.access import agent_view
from marelle.backoffice.scoping import agent_commune_ids, scoped
from marelle.backoffice.selectors import unpaid_summary
from marelle.backoffice.views.common import school_days, today
from marelle.planning.headcounts import headcounts
from marelle.planning.models import Demande, Service

DAYS_AHEAD = 6  # today and the next five school days


@agent_view
def dashboard(request):
    pending = scoped(Demande.objects.filter(status=Demande.Status.PENDING), request.user, "famille__commune")
    counts = {row["kind"]: row["n"] for row in _count_by_kind(pending)}
    days = school_days(today(), DAYS_AHEAD)  # on a weekend: the next school days
    services = list(scoped(Service.objects.select_related("etablissement"), request.user, "etablissement__commune"))
    heads = headcounts(services=services, first=days[0], last=days[-1])
    table = [(s, [heads.count(d, s.pk) for d in days]) for s in heads.services]
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "pending_total": sum(counts.values()),
            "pending_bookings": counts.get(Demande.Kind.RESERVATION, 0),
            "late_absences": counts.get(Demande.Kind.ABSENCE, 0),
            "days": days,
            "today": today(),
            "table": table,
            "day_totals": [heads.by_day.get(d, 0) for d in days],
            "unpaid": unpaid_summary(agent_commune_ids(request.user)),
        },
    )


def _count_by_kind(queryset):
    return queryset.order_by().values("kind").annotate(n=Count("id"))
