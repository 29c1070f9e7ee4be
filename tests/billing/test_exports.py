"""Treasury exports of an issued run: the accounting CSV and the PES V2 PES_Aller ORMC file."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import gzip
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from lxml import etree

from marelle.billing.models import InvoiceRun, PesExport
from marelle.billing.services import sepa
from marelle.billing.services.exports import collectivite_codes, run_csv, run_pes
from marelle.billing.services.exports_pes import NS_ALLER, key_modulo_11, key_modulo_23
from tests import factories as f
from tests.billing.payments_setup import make_facture, make_regie

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n% facture de test\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def regie(world):
    return make_regie(world.commune, pes_collectivite="21380095000017/095")


@pytest.fixture
def run(world, regie):
    run = InvoiceRun.objects.create(
        regie=regie, month=dt.date(2026, 11, 1), status=InvoiceRun.Status.ISSUED, created_at=NOW, issued_at=NOW
    )
    world.famille.address, world.famille.postal_code, world.famille.city = "1 rue de l'Église", "38160", "Chatte"
    world.famille.save()
    first = make_facture(
        world.alice,
        regie,
        "38.40",
        run=run,
        lines=[("RESTAURATION — COMMUNE ZTEST : 12 jours × 3,20 €", "38.40")],
    )
    first.pdf.save("facture.pdf", ContentFile(PDF), save=False)
    first.save(update_fields=["pdf"])
    other = f.ResponsableFactory(famille=world.famille, nom="MARTIN", prenom="Julien", civilite="M.")
    make_facture(other, regie, "21.10", run=run, lines=[("GARDERIE MATIN", "15.00"), ("GARDERIE SOIR", "6.10")])
    return run


def parse(content: bytes):
    return etree.fromstring(content)


def test_pes_aller_structure_and_totals(run, regie):
    content, name = run_pes(run=run, actor=None, now=NOW)
    assert name == f"PES_{regie.code}_2026_00001.xml"
    root = parse(content)
    assert root.tag == f"{{{NS_ALLER}}}PES_Aller"
    assert root.find("Enveloppe/Parametres/TypFic").get("V") == "PESORMC"
    head = root.find("EnTetePES")
    assert head.find("IdColl").get("V") == "21380095000017"
    assert head.find("CodCol").get("V") == "095"
    assert head.find("CodBud").get("V") == "01"
    assert head.find("IdPost").get("V") == "038001"
    bordereau = root.find("PES_RecetteAller/Bordereau")
    bloc = bordereau.find("BlocBordereau")
    assert bloc.find("IdBord").get("V") == "1"
    assert bloc.find("NbrPce").get("V") == "2"
    assert Decimal(bloc.find("MtBordHt").get("V")) == Decimal("59.50")
    pieces = bordereau.findall("Piece")
    assert len(pieces) == 2
    total = Decimal("0")
    for piece in pieces:
        lines = piece.findall("LigneDePiece")
        assert lines
        amounts = [Decimal(line.find("BlocLignePiece/InfoLignePiece/MtHT").get("V")) for line in lines]
        total += sum(amounts)
        for line in lines:  # each line names its debtor: the paying responsable
            assert line.find("Tiers/InfoTiers/Nom").get("V")
            assert line.find("Tiers/InfoTiers/RefTiers").get("V") == run.factures.first().famille.numero
            assert line.find("BlocLignePiece/InfoLignePiece/CodProdLoc").get("V") == "7067"
    assert total == Decimal("59.50")
    martin = next(p for p in pieces if p.find("LigneDePiece/Tiers/InfoTiers/Nom").get("V") == "MARTIN")
    assert martin.find("LigneDePiece/Tiers/InfoTiers/Civilite").get("V") == "M"
    assert [line.find("BlocLignePiece/InfoLignePiece/MtHT").get("V") for line in martin.findall("LigneDePiece")] == [
        "15.00",
        "6.10",
    ]
    ztest = next(p for p in pieces if p.find("LigneDePiece/Tiers/InfoTiers/Nom").get("V") == "ZTEST")
    assert ztest.find("LigneDePiece/Tiers/Adresse/Ville").get("V") == "CHATTE"
    assert ztest.find("LigneDePiece/Tiers/Adresse/Adr2").get("V") == "1 RUE DE L'EGLISE"  # ASCII capitals


def test_the_invoice_pdf_travels_as_a_piece_justificative(run):
    root = parse(run_pes(run=run, actor=None, now=NOW)[0])
    pjs = root.findall("PES_PJ/PJ")
    assert len(pjs) == 1  # the other invoice has no PDF
    pj = pjs[0]
    assert gzip.decompress(base64.b64decode(pj.find("Contenu/Fichier").text)) == PDF
    assert pj.find("Contenu/Fichier").get("MIMEType") == "application/pdf"
    referenced = [ref.find("IdUnique").get("V") for ref in root.iter("PJRef")]
    assert referenced == [pj.find("IdUnique").get("V")]


def test_the_bordereau_number_is_kept_and_the_next_run_gets_the_next(run, regie, world):
    run_pes(run=run, actor=None, now=NOW)
    again = parse(run_pes(run=run, actor=None, now=NOW)[0])
    assert again.find(".//BlocBordereau/IdBord").get("V") == "1"
    december = InvoiceRun.objects.create(
        regie=regie, month=dt.date(2026, 12, 1), status=InvoiceRun.Status.ISSUED, created_at=NOW
    )
    make_facture(world.alice, regie, "10.00", run=december, issued_on=dt.date(2026, 12, 1))
    assert parse(run_pes(run=december, actor=None, now=NOW)[0]).find(".//IdBord").get("V") == "2"
    assert PesExport.objects.count() == 2


def test_a_debited_invoice_carries_its_sepa_mandate(run, regie, world):
    sepa.mandat_create(
        responsable=world.alice, iban="FR7630006000011234567890189", signed_on=dt.date(2026, 9, 1), actor=None, now=NOW
    )
    sepa.sepa_batch_create(regie=regie, collection_date=dt.date(2026, 12, 10), actor=None, now=NOW)
    root = parse(run_pes(run=run, actor=None, now=NOW)[0])
    infos = list(root.iter("InfoPrelevementSEPA"))
    assert len(infos) == 1
    assert infos[0].find("SequencePres").get("V") == "02"  # FRST
    assert infos[0].find("DtePrel").get("V") == "2026-12-10"


def test_a_draft_run_or_missing_codes_cannot_be_exported(world, regie, run):
    draft = InvoiceRun.objects.create(regie=regie, month=dt.date(2026, 12, 1), created_at=NOW)
    with pytest.raises(ValidationError):
        run_pes(run=draft, actor=None, now=NOW)
    regie.pes_poste_comptable = ""
    regie.save()
    run.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        run_pes(run=run, actor=None, now=NOW)
    assert "poste comptable" in str(exc.value)
    assert not PesExport.objects.exists()


def test_accounting_csv_has_a_row_per_line_and_the_total(run):
    text = run_csv(run).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Numéro"
    assert len(rows) == 1 + 3 + 1
    assert rows[1][12].startswith("RESTAURATION") and rows[1][15] == "38,40"
    assert rows[-1][0] == "Total" and rows[-1][-1] == "59,50"
    assert {r[5] for r in rows[1:-1]} == {run.factures.first().famille.numero}


def test_ormc_keys():
    assert 1 <= key_modulo_11(["095", "1", "26", "11", "0000202600001"]) <= 9
    assert key_modulo_23(["26", "11", "00", "0000202600001"]) in "ABCDEFGHJKLMNPQRSTUVWXY"
    assert collectivite_codes("21380095000017/095") == ("21380095000017", "095")
    assert collectivite_codes("095") == ("095", "095")
