"""Territory services: day types with a unique letter, and audited calendar imports."""

import pytest
from django.core.exceptions import ValidationError

from marelle.audit.models import LogEntry
from marelle.territory.models import Closure, DayType
from marelle.territory.services import calendar_import, day_type_create


def test_a_day_type_is_created_and_audited_on_the_commune(world):
    day_type = day_type_create(
        actor=world.agent.user, commune=world.commune, code=" G ", label="Grève", colour="#aa3300"
    )
    assert (day_type.code, day_type.label) == ("G", "Grève")
    entry = LogEntry.objects.get(action="daytype.created")
    assert entry.object_id == str(world.commune.pk)
    assert entry.data == {"day_type": day_type.pk, "code": "G", "label": "Grève"}


def test_a_letter_already_used_in_the_commune_is_refused(world):
    day_type_create(actor=world.agent.user, commune=world.commune, code="G", label="Grève", colour="#aa3300")
    with pytest.raises(ValidationError) as exc:
        day_type_create(actor=world.agent.user, commune=world.commune, code="G", label="Autre", colour="#aa3300")
    assert set(exc.value.message_dict) == {"code"}
    assert DayType.objects.filter(code="G").count() == 1
    assert LogEntry.objects.filter(action="daytype.created").count() == 1


def test_the_same_letter_is_free_in_another_commune(world):
    day_type_create(actor=world.agent.user, commune=world.commune, code="G", label="Grève", colour="#aa3300")
    day_type_create(
        actor=world.other_agent.user, commune=world.other_commune, code="G", label="Grève", colour="#aa3300"
    )
    assert DayType.objects.filter(code="G").count() == 2


def test_a_bad_colour_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        day_type_create(actor=world.agent.user, commune=world.commune, code="G", label="Grève", colour="red")
    assert "colour" in exc.value.message_dict
    assert not DayType.objects.filter(code="G").exists()


def test_a_calendar_import_is_audited_and_hands_each_closure_to_the_caller(world):
    seen = []
    result = calendar_import(
        actor=world.agent.user,
        commune=world.commune,
        school_year=world.school_year,
        public=False,
        close_days=lambda closure: seen.append(closure.label) or 2,
    )
    periods = Closure.objects.filter(commune=world.commune, source=Closure.Source.SCHOOL_HOLIDAYS).count()
    assert result.created == periods == len(seen) and result.cells_closed == 2 * periods
    entry = LogEntry.objects.get(action="calendar.school_holidays_imported")
    assert (entry.data["created"], entry.data["updated"], entry.data["year"]) == (periods, 0, world.school_year.label)


def test_a_failed_step_of_the_planning_undoes_the_import(world):
    def fail(closure):
        raise RuntimeError("planning refused")

    with pytest.raises(RuntimeError):
        calendar_import(
            actor=world.agent.user, commune=world.commune, school_year=world.school_year, public=True, close_days=fail
        )
    assert not Closure.objects.exists()
    assert not LogEntry.objects.exists()
