"""`allowed_actions` is `judge` computed once per cell for the grid: they must never disagree."""

import datetime as dt

import pytest

from marelle.families.models import Enfant
from marelle.planning.context import ENFANT_RELATED, load_child_context
from marelle.planning.models import CellState
from marelle.planning.rules import Action, allowed_actions, judge
from tests import factories as f
from tests.planning.conftest import paris

FIRST, LAST = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
STATES = [None, *CellState.values]
CLOCKS = [paris(2026, 12, 4, 10, 0), paris(2026, 12, 5, 23, 59, 59), paris(2026, 12, 6, 0, 0), paris(2026, 12, 14, 8)]


@pytest.mark.parametrize("now", CLOCKS)
def test_allowed_actions_agree_with_judge_on_every_state_and_day(world, cantine, garderie, now):
    f.ClosureFactory(commune=world.commune, start_date=dt.date(2026, 12, 21), end_date=dt.date(2026, 12, 22))
    days = [FIRST + dt.timedelta(days=i) for i in range(31)]
    # Every state on some day of each service, so that states meet deadlines, closures and weekends.
    for i, day in enumerate(days):
        for service, offset in ((cantine, 0), (garderie, 5)):
            state = STATES[(i + offset) % len(STATES)]
            if state:
                f.CellFactory(enfant=world.enfant, service=service, date=day, state=state)
    enfant = Enfant.objects.select_related(*ENFANT_RELATED).get(pk=world.enfant.pk)
    ctx = load_child_context(enfant, FIRST, LAST)
    for service in (cantine, garderie):
        service = ctx.service(service.pk)
        for day in days:
            expected = [a for a in Action if judge(ctx, a, service, day, now).allowed]
            assert allowed_actions(ctx, service, day, now) == expected, (service.name, day, ctx.state(service, day))
