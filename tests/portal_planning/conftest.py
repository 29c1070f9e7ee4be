import datetime as dt

import pytest
import time_machine

from tests.planning.conftest import PARIS, paris  # noqa: F401 - re-exported to this package's tests

# Friday 4 December 2026, 10:00 in Paris: Monday 7 is bookable until Saturday 5 at 23:59.
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
