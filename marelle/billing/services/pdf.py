"""The invoice (and credit note) PDF: written once, at issue, and stored; never regenerated.

French, A4: the commune (and its logo), the régie, the numéro famille and the payer, the
lines per child and service with their count of days and how each price was found, the
total, the due date and how to pay.

Most invoices are drawn in the PDF core font Helvetica, which every reader has: nothing
is embedded, a PDF is 2 KB and takes about 7 ms. Embedding and subsetting a Unicode
TrueType font (DejaVu Sans, from Debian's fonts-dejavu-core) costs about 40 ms and 25 KB
an invoice, so it is used only when the text needs a character beyond Windows-1252 (a
name in another script); French accents, œ, « », € are all in Windows-1252. Without
DejaVu on the machine, such a character prints as "?".
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
from fpdf.errors import FPDFUnicodeEncodingException

from marelle.billing.formatting import money, month_label, quantity
from marelle.billing.models import Facture, FactureLine

log = logging.getLogger(__name__)

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
GREY = (90, 90, 90)
# What the core font lacks but has a near twin in Windows-1252.
CORE_SUBSTITUTES = str.maketrans({"→": "»", "\u202f": "\u00a0", "\u2009": " ", "\u2212": "-"})


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
    """An A4 invoice in the PDF core font Helvetica (`paths` None: nothing to embed; text
    limited to Windows-1252) or in the TrueType fonts of `paths`, embedded."""

    def __init__(self, footer_text: str, paths: dict[str, Path] | None, *, lossy: bool = False):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.lossy = lossy
        if paths:
            for style, path in paths.items():
                self.add_font("Marelle", style, str(path))
            self.family = "Marelle"
        else:
            self.core_fonts_encoding = "windows-1252"
            self.family = "Helvetica"
        self.set_auto_page_break(True, margin=18)
        self.set_margins(15, 15, 15)

    def normalize_text(self, text: str) -> str:
        if self.family != "Helvetica":
            return super().normalize_text(text)
        text = text.translate(CORE_SUBSTITUTES)
        if self.lossy:  # no Unicode font on this machine: better a "?" than no invoice
            text = text.encode("windows-1252", "replace").decode("windows-1252")
        return super().normalize_text(text)

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


def _wrap(doc: FPDF, width: float, text: str) -> list[str]:
    """`text` broken into lines that fit `width` in the current font: greedy, one width
    measure per word (fpdf2's multi_cell measures the line again at every character, which
    was most of an invoice's time). A word longer than the width stays whole."""
    font, size_pt, k = doc.current_font, doc.font_size_pt, doc.k

    def measure(word: str) -> float:  # FPDF.get_string_width, without its bidi and markdown passes
        return font.get_text_width(doc.normalize_text(word), size_pt, None)[1] / k

    space = measure(" ")
    limit = width - 2 * doc.c_margin
    lines = []
    for paragraph in text.split("\n"):
        words: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            size = measure(word)
            if words and used + space + size > limit:
                lines.append(" ".join(words))
                words, used = [word], size
            else:
                used = used + space + size if words else size
                words.append(word)
        lines.append(" ".join(words))
    return lines


def _paragraph(doc: FPDF, width: float, height: float, text: str, rows: list[str] | None = None) -> None:
    """`text` wrapped to `width` (0: to the right margin) from the current position down;
    the cursor ends under it, at the same left edge."""
    left = doc.get_x()
    width = width or doc.w - doc.r_margin - left
    for row in rows if rows is not None else _wrap(doc, width, text):
        doc.set_x(left)
        doc.cell(width, height, row, new_x="LEFT", new_y="NEXT")


def render_invoice(facture: Facture) -> bytes:
    with translation.override("fr"):
        lines = _lines_of(facture)
        try:
            doc = _render(facture, lines, None)
        except FPDFUnicodeEncodingException:  # a name beyond Windows-1252: the Unicode font
            paths = _font_paths()
            doc = _render(facture, lines, paths, lossy=paths is None)
        return bytes(doc.output())


def _render(facture: Facture, lines: list[PdfLine], fonts: dict[str, Path] | None, *, lossy: bool = False) -> _Doc:
    regie = facture.regie
    commune = regie.commune if regie else facture.famille.commune
    famille = facture.famille
    payer = facture.responsable
    credit = facture.kind == Facture.Kind.CREDIT_NOTE
    title = _("AVOIR") if credit else _("FACTURE")
    doc = _Doc(f"{title} {facture.number} — {commune.name}", fonts, lossy=lossy)
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
        _paragraph(doc, 95, 4.5, regie.name + ("\n" + regie.address if regie.address else ""))
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
        rows = _wrap(doc, widths[0], cells[0])
        height = 5 * max(1, len(rows))
        if doc.get_y() + height + 5 > doc.page_break_trigger:
            doc.add_page()
        y = doc.get_y()
        _paragraph(doc, widths[0], 5, cells[0], rows=rows)
        doc.set_xy(doc.l_margin + widths[0], y)
        for w, text in zip(widths[1:], cells[1:], strict=True):
            doc.cell(w, 5, text, align="R")
        doc.set_xy(doc.l_margin, y + height)
        if line.explanation:
            doc.set_text_color(*GREY)
            doc.use(7.5)
            doc.set_x(doc.l_margin + 4)
            _paragraph(doc, widths[0] - 4, 4, line.explanation)
            doc.set_x(doc.l_margin)
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
        _paragraph(doc, 0, 5, _("Motif : %(reason)s") % {"reason": facture.reason})

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
            _paragraph(doc, 0, 4.8, f"•  {way}")
    if regie and regie.invoice_text:
        doc.ln(3)
        doc.use(8.5)
        _paragraph(doc, 0, 4.5, regie.invoice_text)
    return doc


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
