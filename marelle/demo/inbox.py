"""The demo's inbox and documents: a question from the ZTEST family that the commune has not
answered yet, and the commune's published documents (menu, règlement, tarifs) as real PDFs
made with fpdf2 and published through the documents service."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from marelle.documents.services import published_document_create
from marelle.families.models import Responsable
from marelle.messaging.services.conversations import family_write
from marelle.territory.models import Commune

WEEKDAYS = ("Lundi", "Mardi", "Jeudi", "Vendredi")
MENUS = (
    "Carottes râpées, poulet basquaise, riz, yaourt",
    "Potage de légumes, poisson pané, haricots verts, fruit",
    "Salade de lentilles, lasagnes, fromage blanc",
    "Betteraves, omelette, pommes sautées, compote",
)


def _pdf(title: str, lines: list[str]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # French accents and €
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _upload(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _pdf(title, lines), content_type="application/pdf")


def load_demo_inbox(*, now: dt.datetime, commune: Commune, parent: Responsable, agent) -> None:
    today = now.date()
    month_start = today.replace(day=1)
    family_write(
        responsable=parent,
        subject="Sortie scolaire du vendredi",
        body=(
            "Bonjour, l'école organise une sortie vendredi prochain avec pique-nique. "
            "Faut-il annuler la restauration ce jour-là ou est-ce fait par la mairie ? Merci."
        ),
        now=now,
    )
    documents = [
        (
            "menu",
            f"Menus de la restauration - {month_start:%m/%Y}",
            "menu.pdf",
            [f"{day} : {menu}" for day, menu in zip(WEEKDAYS, MENUS, strict=True)],
        ),
        (
            "reglement",
            "Règlement intérieur des services périscolaires",
            "reglement.pdf",
            [
                "Les réservations et annulations se font sur le portail famille, au plus tard 2 jours avant, 23h59.",
                "Une absence non signalée dans ce délai est facturée, sauf justificatif médical.",
                "Le paiement se fait en ligne, par prélèvement ou à la mairie.",
            ],
        ),
        (
            "tarifs",
            "Tarifs de l'année scolaire",
            "tarifs.pdf",
            [
                "Restauration : de 1,20 € à 4,10 € le repas selon le quotient familial.",
                "Garderies : de 0,80 € à 2,40 € le créneau selon le quotient familial.",
            ],
        ),
    ]
    for kind, title, name, lines in documents:
        published_document_create(
            commune=commune,
            etablissement=None,
            kind=kind,
            title=title,
            upload=_upload(name, title, lines),
            valid_from=month_start,
            valid_until=None,
            actor=agent,
            now=now,
        )
