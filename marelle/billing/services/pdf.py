"""The invoice (and credit note) PDF: written once, at issue, and stored; never regenerated.

French, A4: the commune (and its logo), the régie, the numéro famille and the payer, the
lines per child and service with their count of days and how each price was found, the
total, the due date and how to pay. A Unicode TrueType font (DejaVu Sans, shipped by
Debian's fonts-dejavu-core) is embedded when present; otherwise the PDF core font
Helvetica (Windows-1252: French accents and € are covered) is used.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from marelle.billing.formatting import money, month_label, quantity
from marelle.billing.models import Facture, FactureLine

log = logging.getLogger(__name__)

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
GREY = (90, 90, 90)


@functools.cache
def _font_paths() -> dict[str, Path] | None:
    for folder in FONT_DIRS:
        paths = {style: folder / name for style, name in FONT_FILES.items()}
        if all(p.is_file() for p in paths.values()):
            return paths
    return None


@dataclass(frozen=True)
class PdfLine:
    enfant: str
    label: str
    explanation: str
    days: int
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


def _lines_of(facture: Facture) -> list[PdfLine]:
    drafts = getattr(facture, "draft_lines", None)
    if drafts is not None:  # at issue: the lines just computed, without reading them back
        return [
            PdfLine(d.enfant_name, d.label, d.explanation, d.days, d.quantity, d.unit, d.unit_price, d.amount)
            for d in drafts
        ]
    rows: Iterable[FactureLine] = facture.lines.select_related("enfant", "service").order_by("position", "pk")
    return [
        PdfLine(
            f"{r.enfant.nom} {r.enfant.prenom}" if r.enfant_id else "",
            r.label,
            r.price_explanation,
            r.days,
            r.quantity,
            "half_hour" if "demi-heure" in r.price_explanation else "day",
            r.unit_price,
            r.amount,
        )
        for r in rows
    ]


class _Doc(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        paths = _font_paths()
        if paths:
            for style, path in paths.items():
                self.add_font("Marelle", style, str(path))
            self.family = "Marelle"
        else:
            self.core_fonts_encoding = "windows-1252"
            self.family = "Helvetica"
        self.set_auto_page_break(True, margin=18)
        self.set_margins(15, 15, 15)

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self) -> None:
        self.set_y(-13)
        self.use(7)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text} — {_('page')} {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _date(day) -> str:
    return formats.date_format(day, "j F Y") if day else ""


def render_invoice(facture: Facture) -> bytes:
    with translation.override("fr"):
        return _render(facture, _lines_of(facture))


def _render(facture: Facture, lines: list[PdfLine]) -> bytes:
    regie = facture.regie
    commune = regie.commune if regie else facture.famille.commune
    famille = facture.famille
    payer = facture.responsable
    credit = facture.kind == Facture.Kind.CREDIT_NOTE
    title = _("AVOIR") if credit else _("FACTURE")
    doc = _Doc(f"{title} {facture.number} — {commune.name}")
    doc.set_title(f"{title} {facture.number}")
    doc.set_author(commune.name)
    doc.add_page()

    # Header: the commune (logo), the régie; on the right the document's number and dates.
    top = doc.get_y()
    x_text = doc.l_margin
    if commune.logo:
        try:
            doc.image(commune.logo.path, x=doc.l_margin, y=top, h=18)
            x_text += 24
        except Exception:  # noqa: BLE001 - a missing or unreadable logo must not stop an invoice
            log.warning("logo of %s could not be drawn", commune.pk)
    doc.set_xy(x_text, top)
    doc.use(15, bold=True)
    doc.cell(95, 8, commune.name, new_x="LEFT", new_y="NEXT")
    doc.use(9)
    if regie:
        doc.multi_cell(95, 4.5, regie.name + ("\n" + regie.address if regie.address else ""), new_x="LEFT", align="L")
    doc.set_xy(120, top)
    doc.use(14, bold=True)
    doc.cell(75, 8, f"{title} N° {facture.number}", align="R", new_x="LEFT", new_y="NEXT")
    doc.use(9)
    facts = [(_("Date d'émission"), _date(facture.issued_on))]
    if facture.month:
        facts.append((_("Période"), month_label(facture.month)))
    if not credit:
        facts.append((_("Date d'échéance"), _date(facture.due_on)))
    if credit and facture.credit_of_id:
        facts.append((_("Avoir sur la facture"), facture.credit_of.number))
    facts.append((_("N° famille"), famille.numero))
    for label, value in facts:
        doc.set_x(120)
        doc.cell(75, 5, f"{label} : {value}", align="R", new_x="LEFT", new_y="NEXT")

    # The payer, where a window envelope shows it.
    doc.set_xy(110, max(doc.get_y(), top + 32) + 4)
    doc.use(10, bold=True)
    doc.cell(85, 5.5, payer.display_name, new_x="LEFT", new_y="NEXT")
    doc.use(10)
    for part in [famille.address, f"{famille.postal_code} {famille.city}".strip()]:
        if part:
            doc.set_x(110)
            doc.cell(85, 5, part, new_x="LEFT", new_y="NEXT")
    doc.ln(8)
    doc.set_x(doc.l_margin)

    # Lines, per child.
    widths = (92, 16, 22, 24, 26)
    headers = (_("Prestation"), _("Jours"), _("Quantité"), _("Prix unitaire"), _("Montant"))
    doc.use(9, bold=True)
    doc.set_fill_color(230, 230, 230)
    for w, h in zip(widths, headers, strict=True):
        doc.cell(w, 7, h, border="B", fill=True, align="L" if h == headers[0] else "R")
    doc.ln()
    current = None
    for line in lines:
        if line.enfant != current:
            current = line.enfant
            if current:
                doc.use(9.5, bold=True)
                doc.cell(sum(widths), 7, current, new_x="LMARGIN", new_y="NEXT")
        doc.use(9)
        unit = _("demi-h.") if line.unit == "half_hour" else ""
        cells = (
            line.label,
            str(line.days) if line.days else "",
            f"{quantity(line.quantity)} {unit}".strip(),
            money(line.unit_price),
            money(line.amount),
        )
        rows = doc.multi_cell(widths[0], 5, cells[0], dry_run=True, output="LINES", align="L")
        height = 5 * max(1, len(rows))
        if doc.get_y() + height + 5 > doc.page_break_trigger:
            doc.add_page()
        y = doc.get_y()
        doc.multi_cell(widths[0], 5, cells[0], new_x="RIGHT", new_y="TOP", align="L")
        for w, text in zip(widths[1:], cells[1:], strict=True):
            doc.cell(w, 5, text, align="R")
        doc.set_xy(doc.l_margin, y + height)
        if line.explanation:
            doc.set_text_color(*GREY)
            doc.use(7.5)
            doc.set_x(doc.l_margin + 4)
            doc.multi_cell(widths[0] - 4, 4, line.explanation, new_x="LMARGIN", new_y="NEXT", align="L")
            doc.set_text_color(0, 0, 0)
        doc.set_draw_color(220, 220, 220)
        doc.line(doc.l_margin, doc.get_y() + 0.5, doc.l_margin + sum(widths), doc.get_y() + 0.5)
        doc.set_draw_color(0, 0, 0)
        doc.ln(1.5)

    doc.ln(2)
    doc.use(11, bold=True)
    total_label = _("Total de l'avoir") if credit else _("Total à payer")
    doc.cell(sum(widths[:-1]), 8, total_label, align="R")
    doc.cell(widths[-1], 8, money(facture.total), align="R", border="T", new_x="LMARGIN", new_y="NEXT")
    if not credit:
        doc.use(9)
        doc.cell(
            sum(widths),
            6,
            _("À régler avant le %(day)s.") % {"day": _date(facture.due_on)},
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if facture.reason:
        doc.use(9)
        doc.multi_cell(
            0, 5, _("Motif : %(reason)s") % {"reason": facture.reason}, new_x="LMARGIN", new_y="NEXT", align="L"
        )

    # How to pay.
    doc.ln(6)
    if not credit:
        doc.use(10, bold=True)
        doc.cell(0, 6, _("Comment payer"), new_x="LMARGIN", new_y="NEXT")
        doc.use(9)
        ways = [
            _("En ligne : sur le portail famille, Relevé de compte ou Accueil, « Payer en ligne » (carte bancaire)."),
            _("Par prélèvement automatique : si vous avez signé un mandat SEPA, le montant sera prélevé à l'échéance."),
            _(
                "En mairie, auprès de la régie (%(regie)s) : chèque à l'ordre du Trésor public, espèces ou CESU, en rappelant le n° de facture."
            )
            % {"regie": regie.name if regie else commune.name},
        ]
        for way in ways:
            doc.multi_cell(0, 4.8, f"•  {way}", new_x="LMARGIN", new_y="NEXT", align="L")
    if regie and regie.invoice_text:
        doc.ln(3)
        doc.use(8.5)
        doc.multi_cell(0, 4.5, regie.invoice_text, new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(doc.output())


def pdf_name(facture: Facture) -> str:
    return f"{facture.number}.pdf"


def store_pdfs(factures: list[Facture]) -> None:
    """Write each invoice's PDF once and record its path (one UPDATE for all)."""
    for facture in factures:
        content = render_invoice(facture)
        facture.pdf.save(pdf_name(facture), ContentFile(content), save=False)
    if factures:
        Facture.objects.bulk_update(factures, ["pdf"], batch_size=1000)


def facture_pdf(facture: Facture):
    """The stored PDF, opened for reading. An invoice issued before PDFs existed gets its
    PDF written once, on first reading, from its (immutable) lines."""
    if not facture.pdf:
        store_pdfs([facture])
    return facture.pdf.open("rb")
