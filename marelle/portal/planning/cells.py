"""The planning grid's cell markup, built in Python.

A month has up to 31 × services cells: rendered through a template `{% include %}` each,
they were most of the page's CPU time. The same function serves the full grid and the
fragments returned after an action, so both always match. What a cell shows (class,
symbol, label, hint) comes from `marelle.planning.presentation`.

A cell says its state once, in its button's aria-label (no `title` repeating it), with the
letters it shows. Its
selection checkbox is written only on the no-JavaScript selection page (`?selection=1`):
elsewhere planning.js adds the checkboxes itself, so the page carries about half the bytes.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from marelle.planning.presentation import parent_look
from marelle.planning.selectors import GridCell, GridDay


def cell_html(
    cell: GridCell,
    day: GridDay,
    service_name: str,
    pick_format: str | None = None,
    language: str | None = None,
    *,
    with_pick: bool = False,
) -> SafeString:
    look = parent_look(cell, language)
    classes = ["cell", look.css]
    if day.is_weekend:
        classes.append("is-weekend")
    if day.is_today:
        classes.append("is-today")
    key = escape(cell.key)
    pick = ""
    if with_pick:
        label = (pick_format or _("Sélectionner %(name)s, %(day)s")) % {"name": service_name, "day": day.long_label}
        pick = (
            f'<input type="checkbox" form="bulk-form" name="cells" value="{key}" class="cell__pick"'
            f'{"" if cell.actions else " disabled"} aria-label="{escape(label)}">'
        )
    return mark_safe(  # noqa: S308 - every interpolated value is escaped above or here
        f'<td class="{escape(" ".join(classes))}" data-key="{key}" data-date="{cell.date.isoformat()}">'
        f'<button type="submit" form="cell-form" name="cellule" value="{key}" class="cell__btn" '
        f'data-actions="{escape(" ".join(cell.actions))}" '
        f'aria-label="{escape(service_name)}, {escape(day.long_label)} : {escape(look.spoken)}">'
        f'<span aria-hidden="true">{escape(look.symbol)}</span></button>{pick}</td>'
    )


def row_html(cells: list[tuple[GridDay, GridCell]], service_name: str, *, with_pick: bool = False) -> SafeString:
    pick_format = _("Sélectionner %(name)s, %(day)s")  # translated once for the row
    language = translation.get_language() or ""
    return mark_safe(  # noqa: S308
        "".join(cell_html(cell, day, service_name, pick_format, language, with_pick=with_pick) for day, cell in cells)
    )
