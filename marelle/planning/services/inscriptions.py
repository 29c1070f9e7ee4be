"""Enrolments: a child in a service for a school year, with the responsable who pays."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.families.models import Enfant, Responsable
from marelle.planning.models import Inscription, Service
from marelle.territory.models import SchoolYear


def inscription_create(
    *,
    actor,
    enfant: Enfant,
    service: Service,
    school_year: SchoolYear,
    responsable: Responsable,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Inscription:
    """Enrol `enfant`; the period defaults to the school year and must lie within it.
    Raises ValidationError (nothing saved) for a period outside the year, a service or a
    year of another commune, a payer of another family, or a second enrolment in the
    same service and year."""
    start_date = start_date or school_year.start_date
    end_date = end_date or school_year.end_date
    commune_id = enfant.famille.commune_id
    if service.etablissement.commune_id != commune_id or school_year.commune_id != commune_id:
        raise ValidationError(_("Ce service ou cette année scolaire n'est pas celui de la commune de l'enfant."))
    if responsable.famille_id != enfant.famille_id:
        raise ValidationError(_("Le responsable payeur doit appartenir à la famille de l'enfant."))
    if not (school_year.contains(start_date) and school_year.contains(end_date)):
        raise ValidationError(_("La période doit être comprise dans l'année scolaire."))
    if end_date < start_date:
        raise ValidationError(_("La fin précède le début."))
    already = _("L'enfant est déjà inscrit à ce service pour cette année.")
    if Inscription.objects.filter(enfant=enfant, service=service, school_year=school_year).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            inscription = Inscription.objects.create(
                enfant=enfant,
                service=service,
                school_year=school_year,
                responsable=responsable,
                start_date=start_date,
                end_date=end_date,
            )
            log_action(
                obj=enfant,
                action="inscription.created",
                actor=actor,
                data={
                    "inscription": inscription.pk,
                    "responsable": responsable.pk,
                    "service": service.name,
                    "year": school_year.label,
                    "start_date": start_date.isoformat(),
                    "end_date": end_date.isoformat(),
                },
            )
    except IntegrityError:  # the same enrolment saved at the same moment by someone else
        raise ValidationError(already) from None
    return inscription
