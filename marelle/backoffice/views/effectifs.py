"""Effectifs prévisionnels: what the kitchen orders, on screen, in CSV and XLSX, and a printable list."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms import EffectifsForm
from marelle.backoffice.scoping import agent_commune_ids, get_scoped_or_404, scoped
from marelle.backoffice.views.common import parse_day, today
from marelle.core.dates import day_format
from marelle.planning.headcounts import Headcounts, expected_children, headcounts
from marelle.planning.models import Service

DEFAULT_DAYS = 7


def _form(request) -> EffectifsForm:
    start = today()
    data = request.GET.copy()
    data.setdefault("du", start.isoformat())
    data.setdefault("au", (start + dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    return EffectifsForm(data, commune_ids=agent_commune_ids(request.user))


def _headcounts(request, form: EffectifsForm) -> Headcounts | None:
    if not form.is_valid():
        return None
    services = scoped(Service.objects.select_related("etablissement"), request.user, "etablissement__commune")
    if form.cleaned_data["commune"]:
        services = services.filter(etablissement__commune=form.cleaned_data["commune"])
    if form.cleaned_data["etablissement"]:
        services = services.filter(etablissement=form.cleaned_data["etablissement"])
    return headcounts(services=list(services), first=form.cleaned_data["du"], last=form.cleaned_data["au"])


def _header() -> list[str]:
    return [_("Date"), _("Établissement"), _("Service"), _("Effectif")]


def _rows(heads: Headcounts) -> list[list]:
    """The export: one line per day × service with children, a total per day, the grand total."""
    rows: list[list] = []
    current = None
    for row in heads.rows:
        if current is not None and row.date != current:
            rows.append([current, "", _("Total du jour"), heads.by_day[current]])
        current = row.date
        rows.append([row.date, row.service.etablissement.name, row.service.name, row.count])
    if current is not None:
        rows.append([current, "", _("Total du jour"), heads.by_day[current]])
    rows.append(["", "", _("Total de la période"), heads.total])
    return rows


def _filename(heads: Headcounts, ext: str) -> str:
    return f"effectifs_{heads.first:%Y-%m-%d}_{heads.last:%Y-%m-%d}.{ext}"


@agent_view
def index(request):
    form = _form(request)
    heads = _headcounts(request, form)
    table = []
    if heads:
        day = heads.first
        while day <= heads.last:
            table.append((day, [(s, heads.count(day, s.pk)) for s in heads.services], heads.by_day.get(day, 0)))
            day += dt.timedelta(days=1)
    return render(
        request,
        "backoffice/effectifs.html",
        {
            "form": form,
            "heads": heads,
            "table": table,
            "service_totals": [heads.by_service.get(s.pk, 0) for s in heads.services] if heads else [],
            "query": request.GET.urlencode(),
        },
    )


@agent_view
def export_csv(request):
    form = _form(request)
    heads = _headcounts(request, form)
    if heads is None:
        return HttpResponse(_("Période invalide."), status=400, content_type="text/plain; charset=utf-8")
    buffer = io.StringIO()
    # Semicolons and a BOM: what French spreadsheets open without an import dialog.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_header())
    for row in _rows(heads):
        writer.writerow([row[0].isoformat() if isinstance(row[0], dt.date) else row[0], *row[1:]])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(heads, "csv")}"'
    return response


@agent_view
def export_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    form = _form(request)
    heads = _headcounts(request, form)
    if heads is None:
        return HttpResponse(_("Période invalide."), status=400, content_type="text/plain; charset=utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Effectifs")[:31]
    sheet.append(_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(heads):
        sheet.append(row)
        if row[2] in (_("Total du jour"), _("Total de la période")):
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_col=1):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(heads, "xlsx")}"'
    return response


@agent_view
def children_list(request, service_pk: int, day: str):
    """The printable list of one service and day, with allergies and PAI (health data: kept
    to this page and the pointage, for the staff who serve)."""
    service = get_scoped_or_404(
        Service.objects.select_related("etablissement"), request.user, "etablissement__commune", pk=service_pk
    )
    day = parse_day(day)
    return render(
        request,
        "backoffice/effectifs_liste.html",
        {
            "service": service,
            "day": day,
            "day_label": day_format(day, "l j F Y"),
            "children": expected_children(service=service, day=day),
        },
    )
