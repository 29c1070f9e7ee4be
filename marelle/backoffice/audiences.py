"""Who a group message reaches: the families of a commune, a school, a service, or those
with a booking on a day. Resolved here, in the back office (which reads planning), so that
messaging itself depends on families only: it receives famille ids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from marelle.core.dates import day_format
from marelle.families.models import Enfant, Famille
from marelle.messaging.models import Broadcast
from marelle.planning.models import OCCUPYING_STATES, Cell, Inscription, Service
from marelle.territory.models import Commune, Etablissement

Audience = Broadcast.Audience


@dataclass(frozen=True)
class Recipients:
    audience: str
    label: str
    famille_ids: list[int]
    etablissement: Etablissement | None = None


def resolve(
    *,
    commune: Commune,
    audience: str,
    today: dt.date,
    famille: Famille | None = None,
    etablissement: Etablissement | None = None,
    service: Service | None = None,
    day: dt.date | None = None,
) -> Recipients:
    """The families of `commune` the audience names (the caller has scoped every object)."""
    familles = Famille.objects.filter(commune=commune)
    if audience == Audience.FAMILLE:
        ids = [famille.pk] if famille is not None and famille.commune_id == commune.pk else []
        label = _("Famille %(numero)s") % {"numero": famille.numero} if famille else ""
        return Recipients(audience, label, ids)
    if audience == Audience.COMMUNE:
        return Recipients(
            audience,
            _("Toutes les familles de %(c)s") % {"c": commune.name},
            list(familles.values_list("pk", flat=True)),
        )
    if audience == Audience.ETABLISSEMENT and etablissement is not None and etablissement.commune_id == commune.pk:
        ids = (
            Enfant.objects.filter(etablissement=etablissement, left_on__isnull=True, famille__commune=commune)
            .values_list("famille_id", flat=True)
            .distinct()
        )
        return Recipients(audience, _("Familles de %(e)s") % {"e": etablissement.name}, list(ids), etablissement)
    if audience == Audience.SERVICE and service is not None and service.etablissement.commune_id == commune.pk:
        ids = (
            Inscription.objects.filter(service=service, end_date__gte=today, enfant__famille__commune=commune)
            .values_list("enfant__famille_id", flat=True)
            .distinct()
        )
        label = _("Familles inscrites à %(s)s (%(e)s)") % {"s": service.name, "e": service.etablissement.name}
        return Recipients(audience, label, list(ids), service.etablissement)
    if audience == Audience.JOUR and day is not None:
        ids = (
            Cell.objects.filter(date=day, state__in=OCCUPYING_STATES, service__etablissement__commune=commune)
            .values_list("enfant__famille_id", flat=True)
            .distinct()
        )
        label = _("Familles ayant une réservation le %(day)s") % {"day": day_format(day, "l j F Y")}
        return Recipients(audience, label, list(ids))
    return Recipients(audience, "", [])
