"""The pointage sheet of one service on one day, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marelle.attendance.models import AttendanceSheet
from marelle.families.models import Enfant
from marelle.planning.models import Cell, CellState, Inscription, Service

# Who is on the sheet: the expected children, and what became of them.
SHEET_STATES = (
    CellState.BOOKED,
    CellState.ABSENCE_PENDING,
    CellState.PRESENT,
    CellState.OUT_OF_CONTRACT,
    CellState.ERROR,
    CellState.ABSENCE_BILLED,
    CellState.ABSENCE_EXCUSED,
)


@dataclass(frozen=True)
class SheetLine:
    cell: Cell
    enfant: Enfant

    @property
    def is_there(self) -> bool:
        return self.cell.state in (CellState.PRESENT, CellState.OUT_OF_CONTRACT)


@dataclass(frozen=True)
class Sheet:
    service: Service
    date: dt.date
    lines: list[SheetLine]
    addable: list[Enfant]  # enrolled that day, free or excused: may come unbooked
    closed: AttendanceSheet | None

    @property
    def expected(self) -> int:
        return sum(1 for line in self.lines if line.cell.state != CellState.ABSENCE_EXCUSED)

    @property
    def present(self) -> int:
        return sum(1 for line in self.lines if line.is_there)


def attendance_sheet(service: Service, day: dt.date) -> Sheet:
    """Three queries: the sheet's cells with children, the enrolled children, the closing record."""
    all_cells = list(
        Cell.objects.filter(service=service, date=day)
        .select_related("enfant")
        .order_by("enfant__nom", "enfant__prenom", "enfant_id")
    )
    cells = [c for c in all_cells if c.state in SHEET_STATES]
    taken = {c.enfant_id for c in all_cells if c.state != CellState.ABSENCE_EXCUSED}
    enrolled = (
        Inscription.objects.filter(service=service, start_date__lte=day, end_date__gte=day)
        .select_related("enfant")
        .order_by("enfant__nom", "enfant__prenom")
    )
    addable = [i.enfant for i in enrolled if i.enfant_id not in taken and i.enfant.left_on is None]
    return Sheet(
        service=service,
        date=day,
        lines=[SheetLine(c, c.enfant) for c in cells],
        addable=addable,
        closed=AttendanceSheet.objects.filter(service=service, date=day).select_related("closed_by").first(),
    )
