"""Every date an agent submits is checked against what it belongs to (the enrolment, the
commune's school years, a sane range) in the service, whoever calls it, and the form shows
the message (400, nothing saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marelle.attendance import services as attendance
from marelle.attendance.models import AttendanceSheet
from marelle.billing.models import Payment, SepaMandat
from marelle.billing.services import payments as payment_services
from marelle.billing.services import sepa
from marelle.billing.services.runs import BillingError, invoice_run_preview
from marelle.families import services as family_services
from marelle.families.models import Enfant, Famille
from marelle.planning import services as planning_services
from marelle.planning.models import Cell, CellChange, ContratRegulier
from marelle.planning.services import PlanningError
from marelle.territory.models import Closure
from tests import factories as f
from tests.billing.factories import RegieFactory

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
IBAN = "FR76 3000 6000 0112 3456 7890 189"
FAR = [dt.date(1, 1, 1), dt.date(9999, 12, 31)]
RANGE_MESSAGE = "Choisissez une date entre le 01/01/2000 et le 31/12/2100."


@pytest.fixture
def contrat(world, cantine):
    inscription = cantine.inscriptions.get(enfant=world.enfant)
    return ContratRegulier.objects.create(
        inscription=inscription, weekdays="01", start_date=inscription.start_date, end_date=inscription.end_date
    )


# ------------------------------------------------------------------ agent mode planning


@pytest.mark.parametrize("day", [*FAR, dt.date(2026, 8, 15), dt.date(2027, 8, 16)])
def test_an_agent_cannot_set_a_state_outside_the_enrolment(world, cantine, day):
    with pytest.raises(PlanningError):
        planning_services.cell_set_state(
            actor=world.agent.user,
            enfant=world.enfant,
            service=cantine,
            day=day,
            to_state="booked",
            reason="essai",
            now=NOW,
        )
    assert not Cell.objects.exists() and not CellChange.objects.exists()


def test_an_agent_still_sets_a_state_within_the_enrolment(world, cantine):
    cell = planning_services.cell_set_state(
        actor=world.agent.user,
        enfant=world.enfant,
        service=cantine,
        day=dt.date(2026, 12, 7),
        to_state="booked",
        reason="essai",
        now=NOW,
    )
    assert cell.state == "booked"


@pytest.mark.parametrize(
    ("day", "message"),
    [("9999-12-31", RANGE_MESSAGE), ("0001-01-01", RANGE_MESSAGE), ("2026-08-17", "inscrit(e) à ce service")],
)
def test_agent_planning_page_refuses_a_day_outside_the_enrolment(agent_client, world, cantine, day, message):
    url = reverse("backoffice:enfant_planning", args=[world.enfant.pk])
    response = agent_client.post(url, {"service": cantine.pk, "date": day, "state": "booked", "reason": "essai"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Cell.objects.exists()


@pytest.mark.parametrize("day", FAR)
def test_pointage_refuses_a_day_out_of_range(world, cantine, day):
    with pytest.raises(PlanningError) as exc:
        attendance.add_unbooked(actor=world.agent.user, service=cantine, day=day, enfant=world.enfant, now=NOW)
    assert exc.value.code == "out_of_range"
    assert not Cell.objects.exists()


def test_a_sheet_of_year_one_cannot_be_closed(world, cantine):
    with pytest.raises(PlanningError) as exc:
        attendance.close_sheet(actor=world.agent.user, service=cantine, day=dt.date(1, 1, 1), now=NOW)
    assert exc.value.code == "out_of_range"
    assert not AttendanceSheet.objects.exists()


# ------------------------------------------------------------------ closures


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(1, 1, 1), dt.date(2026, 12, 7)),
        (dt.date(2026, 12, 7), dt.date(9999, 12, 31)),
        (dt.date(2030, 1, 7), dt.date(2030, 1, 8)),  # no school year of the commune
        (dt.date(2026, 12, 8), dt.date(2026, 12, 7)),
    ],
)
def test_a_closure_outside_the_communes_school_years_is_refused(world, cantine, start, end):
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 7), state="booked")
    day_type = f.DayTypeFactory(commune=world.commune)
    with pytest.raises(ValidationError):
        planning_services.closure_create(
            actor=world.agent.user,
            commune=world.commune,
            label="Pont",
            start_date=start,
            end_date=end,
            day_type=day_type,
            now=NOW,
        )
    assert not Closure.objects.exists()
    assert Cell.objects.get().state == "booked"


def test_the_closure_form_shows_the_school_year_message(agent_client, world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 7), state="booked")
    url = reverse("backoffice:calendrier_commune", args=[world.commune.pk])
    day_type = f.DayTypeFactory(commune=world.commune)
    for start, end, message in [
        ("0001-01-01", "2026-12-07", RANGE_MESSAGE),
        ("2030-01-07", "2030-01-08", "années scolaires de la commune"),
    ]:
        response = agent_client.post(
            url,
            {
                "form": "closure",
                "cl-label": "Pont",
                "cl-start_date": start,
                "cl-end_date": end,
                "cl-day_type": day_type.pk,
            },
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Closure.objects.exists()
    assert Cell.objects.get().state == "booked"


# ------------------------------------------------------------------ contracts and enrolments


@pytest.mark.parametrize(("start", "end"), [(dt.date(1, 1, 1), dt.date(2026, 12, 31)), (dt.date(2026, 8, 1), None)])
def test_a_contract_outside_its_enrolment_is_refused(world, cantine, start, end):
    inscription = cantine.inscriptions.get(enfant=world.enfant)
    with pytest.raises(PlanningError):
        planning_services.contrat_create(
            actor=world.agent.user,
            inscription=inscription,
            weekdays="01",
            start_date=start,
            end_date=end or inscription.end_date,
            now=NOW,
        )
    assert not ContratRegulier.objects.exists() and not Cell.objects.exists()


@pytest.mark.parametrize("day", [*FAR, dt.date(2026, 8, 1)])
def test_a_contract_change_from_a_day_outside_its_enrolment_is_refused(world, contrat, day):
    with pytest.raises(PlanningError):
        planning_services.contrat_change(actor=world.agent.user, contrat=contrat, weekdays="0", from_date=day, now=NOW)
    contrat.refresh_from_db()
    assert contrat.weekdays == "01" and ContratRegulier.objects.count() == 1


def test_the_contract_change_form_refuses_year_one(agent_client, world, contrat):
    url = reverse("backoffice:contrat_change", args=[contrat.pk])
    response = agent_client.post(url, {"weekdays": ["0"], "from_date": "0001-01-01"})
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()
    contrat.refresh_from_db()
    assert contrat.weekdays == "01"


def test_the_enrolment_form_refuses_year_one(agent_client, world, cantine):
    service = f.ServiceFactory(etablissement=world.etablissement, name="ÉTUDE")
    url = reverse("backoffice:inscription_create", args=[world.enfant.pk])
    response = agent_client.post(
        url,
        {
            "service": service.pk,
            "school_year": world.school_year.pk,
            "responsable": world.alice.pk,
            "start_date": "0001-01-01",
        },
    )
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()
    assert not service.inscriptions.exists()


# ------------------------------------------------------------------ families


@pytest.mark.parametrize("field", ["qf_valid_from", "qf_valid_until", "mandate_signed_on"])
@pytest.mark.parametrize("day", FAR)
def test_family_dates_out_of_range_are_refused(world, field, day):
    values = {"quotient_familial": 500, "qf_valid_from": dt.date(2026, 9, 1), field: day}
    with pytest.raises(ValidationError) as exc:
        family_services.famille_update(actor=world.agent.user, famille=world.famille, values=values)
    assert field in exc.value.message_dict
    famille = Famille.objects.get(pk=world.famille.pk)
    assert famille.quotient_familial is None and getattr(famille, field) in (None, world.famille.mandate_signed_on)


@pytest.mark.parametrize("day", [*FAR, dt.date(2010, 1, 1)])
def test_a_childs_departure_out_of_range_or_before_birth_is_refused(world, day):
    world.enfant.birth_date = dt.date(2019, 5, 1)
    world.enfant.save()
    with pytest.raises(ValidationError) as exc:
        family_services.enfant_update(actor=world.agent.user, enfant=world.enfant, values={"left_on": day})
    assert "left_on" in exc.value.message_dict
    assert Enfant.objects.get(pk=world.enfant.pk).left_on is None


def test_the_child_form_refuses_a_departure_in_year_one(agent_client, world):
    url = reverse("backoffice:enfant_edit", args=[world.enfant.pk])
    data = {
        name: value
        for name, value in agent_client.get(url).context["form"].initial.items()
        if value is not None and not hasattr(value, "pk")
    }
    data.update(etablissement=world.enfant.etablissement_id, left_on="0001-01-01")
    response = agent_client.post(url, data)
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()
    assert Enfant.objects.get(pk=world.enfant.pk).left_on is None


# ------------------------------------------------------------------ billing


@pytest.mark.parametrize("day", FAR)
def test_a_mandate_signed_out_of_range_is_refused(world, day):
    with pytest.raises(ValidationError) as exc:
        sepa.mandat_create(responsable=world.alice, iban=IBAN, signed_on=day, actor=world.agent.user, now=NOW)
    assert "signed_on" in exc.value.message_dict
    assert not SepaMandat.objects.exists()


def test_a_mandate_revoked_in_year_9999_is_refused(world):
    mandat = sepa.mandat_create(
        responsable=world.alice, iban=IBAN, signed_on=dt.date(2026, 9, 1), actor=world.agent.user, now=NOW
    )
    with pytest.raises(ValidationError):
        sepa.mandat_revoke(mandat=mandat, revoked_on=dt.date(9999, 12, 31), actor=world.agent.user)
    mandat.refresh_from_db()
    assert mandat.revoked_on is None


def test_the_mandate_form_refuses_year_one(agent_client, world):
    response = agent_client.post(
        reverse("backoffice:mandat_create", args=[world.famille.pk]),
        {"responsable": world.alice.pk, "iban": IBAN, "signed_on": "0001-01-01"},
    )
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()
    assert not SepaMandat.objects.exists()


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1999, 12, 31)])
def test_a_payment_received_out_of_range_is_refused(world, day):
    regie = RegieFactory(commune=world.commune)
    with pytest.raises(ValidationError) as exc:
        payment_services.payment_record(
            famille=world.famille,
            regie=regie,
            amount=Decimal("10.00"),
            method="cheque",
            received_on=day,
            actor=world.agent.user,
            now=NOW,
        )
    assert "received_on" in exc.value.message_dict
    assert not Payment.objects.exists()


def test_a_run_of_year_one_is_refused(world):
    with pytest.raises(BillingError):
        invoice_run_preview(regie=RegieFactory(commune=world.commune), month=dt.date(1, 1, 1))


# ------------------------------------------------------------------ forms


def _form_classes():
    import inspect

    from django import forms

    from marelle.backoffice import forms as bo_forms
    from marelle.backoffice import forms_documents, forms_messagerie, forms_paiements
    from marelle.portal.planning import forms as planning_forms

    for module in (bo_forms, forms_documents, forms_messagerie, forms_paiements, planning_forms):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and not issubclass(cls, forms.BaseModelForm):
                yield f"{module.__name__}.{name}", cls


@pytest.mark.parametrize(("name", "cls"), list(_form_classes()))
def test_every_date_field_of_a_form_is_bounded(name, cls):
    from django import forms

    from marelle.core.forms import BoundedDateField

    loose = [
        field
        for field, obj in cls.base_fields.items()
        if isinstance(obj, forms.DateField) and not isinstance(obj, BoundedDateField)
    ]
    assert not loose, f"{name}: {loose} accept year 1 or 9999"
