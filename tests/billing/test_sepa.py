"""SEPA direct debit: mandates of paying responsables, the pain.008.001.02 file validated
against the XSD shipped in sepaxml, FRST then RCUR, a reject re-opening the invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from marelle.audit.models import LogEntry
from marelle.billing.models import Facture, Payment, PaymentAllocation, SepaDebit, SepaMandat
from marelle.billing.services import sepa
from marelle.billing.services.sepa_xml import schema_path
from marelle.messaging.models import Message
from tests import factories as f
from tests.billing.payments_setup import make_facture, make_regie

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
COLLECT = dt.date(2026, 12, 10)
IBAN = "FR76 3000 6000 0112 3456 7890 189"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


@pytest.fixture
def regie(world):
    return make_regie(world.commune)


@pytest.fixture
def mandat(world):
    return sepa.mandat_create(
        responsable=world.alice, iban=IBAN, signed_on=dt.date(2026, 9, 1), actor=world.agent.user, now=NOW
    )


def parse(batch):
    with batch.file.open("rb") as fh:
        return etree.fromstring(fh.read())


def xsd():
    return etree.XMLSchema(etree.parse(str(schema_path("pain.008.001.02"))))


class TestMandates:
    def test_iban_and_bic_are_checked_and_normalised(self, world, mandat):
        assert mandat.iban == "FR7630006000011234567890189"
        assert mandat.bic == "AGRIFRPPXXX"  # derived by schwifty from the bank code
        assert mandat.rum.startswith(f"MARELLE-{world.famille.numero}-")
        entry = LogEntry.objects.get(action="mandat.created")
        assert "7890189" not in str(entry.data)  # the IBAN is masked in the audit

    @pytest.mark.parametrize(
        ("iban", "bic", "field"),
        [("FR76 3000 6000 0112 3456 7890 188", "", "iban"), ("FR7630006000011234567890189", "NOTABIC!", "bic")],
    )
    def test_a_wrong_iban_or_bic_is_refused(self, world, iban, bic, field):
        with pytest.raises(ValidationError) as exc:
            sepa.mandat_create(
                responsable=world.alice, iban=iban, bic=bic, signed_on=dt.date(2026, 9, 1), actor=None, now=NOW
            )
        assert field in exc.value.message_dict
        assert not SepaMandat.objects.exists()

    def test_the_rum_is_unique(self, world, mandat):
        other = f.ResponsableFactory(famille=world.famille)
        with pytest.raises(ValidationError) as exc:
            sepa.mandat_create(
                responsable=other, iban=IBAN, signed_on=dt.date(2026, 9, 1), rum=mandat.rum, actor=None, now=NOW
            )
        assert "rum" in exc.value.message_dict

    def test_separated_parents_each_sign_their_own(self, world, mandat):
        other = f.ResponsableFactory(famille=world.famille, nom="MARTIN")
        theirs = sepa.mandat_create(
            responsable=other, iban="FR7630004000031234567890143", signed_on=dt.date(2026, 9, 2), actor=None, now=NOW
        )
        assert theirs.rum != mandat.rum
        with pytest.raises(ValidationError):  # one active mandate per responsable
            sepa.mandat_create(responsable=world.alice, iban=IBAN, signed_on=dt.date(2026, 9, 3), actor=None, now=NOW)

    def test_a_revoked_mandate_is_not_debited(self, world, regie, mandat):
        make_facture(world.alice, regie, "12.00")
        sepa.mandat_revoke(mandat=mandat, revoked_on=dt.date(2026, 12, 1), actor=None)
        assert sepa.planned_debits(regie=regie, collection_date=COLLECT) == []


class TestBatch:
    def test_pain008_validates_against_the_xsd_shipped_in_sepaxml(self, world, regie, mandat):
        facture = make_facture(world.alice, regie, "38.40")
        batch = sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=world.agent.user, now=NOW)
        doc = parse(batch)
        schema = xsd()
        assert schema.validate(doc), schema.error_log
        assert doc.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "1"
        assert doc.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "38.40"
        tx = doc.find(".//p:DrctDbtTxInf", NS)
        assert tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS) == mandat.rum
        assert tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == mandat.iban
        assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == facture.number
        assert doc.findtext(".//p:ReqdColltnDt", namespaces=NS) == "2026-12-10"
        assert doc.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == regie.sepa_ics
        # The debit pays the invoice, dated on the collection day.
        facture.refresh_from_db()
        assert facture.status == Facture.Status.PAID
        payment = Payment.objects.get(method=Payment.Method.DIRECT_DEBIT)
        assert payment.received_on == COLLECT and payment.amount == Decimal("38.40")
        assert batch.count == 1 and batch.total == Decimal("38.40")

    def test_a_tampered_file_fails_the_xsd(self, world, regie, mandat):
        make_facture(world.alice, regie, "38.40")
        doc = parse(sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=None, now=NOW))
        doc.find(".//p:InstdAmt", NS).text = "38,40"  # a French decimal comma is not ISO 20022
        assert not xsd().validate(doc)

    def test_first_debit_is_frst_then_rcur(self, world, regie, mandat):
        make_facture(world.alice, regie, "38.40", issued_on=dt.date(2026, 11, 2))
        first = sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=None, now=NOW)
        assert parse(first).findtext(".//p:SeqTp", namespaces=NS) == "FRST"
        mandat.refresh_from_db()
        assert mandat.first_collected_on == COLLECT
        make_facture(world.alice, regie, "41.60", issued_on=dt.date(2026, 12, 1))
        later = dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC)
        second = sepa.sepa_batch_create(regie=regie, collection_date=dt.date(2027, 1, 10), actor=None, now=later)
        assert parse(second).findtext(".//p:SeqTp", namespaces=NS) == "RCUR"
        assert list(SepaDebit.objects.order_by("pk").values_list("sequence", flat=True)) == ["FRST", "RCUR"]

    def test_only_invoices_of_responsables_under_mandate_and_not_yet_debited(self, world, regie, mandat):
        mine = make_facture(world.alice, regie, "10.00")
        other_parent = f.ResponsableFactory(famille=world.famille)
        make_facture(other_parent, regie, "20.00")  # no mandate: paid another way
        sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=None, now=NOW)
        assert list(SepaDebit.objects.values_list("facture_id", flat=True)) == [mine.pk]
        with pytest.raises(ValidationError):  # nothing left to debit
            sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=None, now=NOW)

    def test_a_regie_without_creditor_settings_cannot_debit(self, world, mandat):
        regie = make_regie(world.commune, sepa_ics="")
        make_facture(world.alice, regie, "10.00")
        with pytest.raises(ValidationError) as exc:
            sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=None, now=NOW)
        assert "ICS" in str(exc.value)

    def test_the_collection_date_is_in_the_future(self, world, regie, mandat):
        make_facture(world.alice, regie, "10.00")
        with pytest.raises(ValidationError):
            sepa.sepa_batch_create(regie=regie, collection_date=NOW.date(), actor=None, now=NOW)


class TestReject:
    @pytest.fixture
    def debit(self, world, regie, mandat):
        make_facture(world.alice, regie, "38.40")
        sepa.sepa_batch_create(regie=regie, collection_date=COLLECT, actor=None, now=NOW)
        return SepaDebit.objects.get()

    def test_a_reject_reopens_the_invoice_and_tells_the_family(self, world, debit):
        sepa.sepa_debit_reject(
            debit=debit, reason="AM04", rejected_on=dt.date(2026, 12, 14), actor=world.agent.user, now=NOW
        )
        debit.refresh_from_db()
        assert debit.rejected_on == dt.date(2026, 12, 14) and debit.reject_reason == "AM04"
        facture = Facture.objects.get(pk=debit.facture_id)
        assert facture.status == Facture.Status.ISSUED
        assert debit.payment.status == Payment.Status.FAILED
        assert not PaymentAllocation.objects.filter(payment=debit.payment).exists()
        message = Message.objects.get(famille=world.famille)
        assert facture.number in message.subject and "provision insuffisante" in message.body
        assert LogEntry.objects.filter(action="payment.rejected").count() == 1

    def test_a_rejected_first_debit_makes_the_next_one_first_again(self, world, regie, mandat, debit):
        sepa.sepa_debit_reject(debit=debit, reason="AC04", rejected_on=dt.date(2026, 12, 14), actor=None, now=NOW)
        mandat.refresh_from_db()
        assert mandat.first_collected_on is None
        later = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
        batch = sepa.sepa_batch_create(regie=regie, collection_date=dt.date(2026, 12, 20), actor=None, now=later)
        assert parse(batch).findtext(".//p:SeqTp", namespaces=NS) == "FRST"

    def test_a_reject_is_entered_once_with_a_known_reason(self, debit):
        with pytest.raises(ValidationError):
            sepa.sepa_debit_reject(debit=debit, reason="ZZ99", rejected_on=dt.date(2026, 12, 14), actor=None, now=NOW)
        sepa.sepa_debit_reject(debit=debit, reason="MD01", rejected_on=dt.date(2026, 12, 14), actor=None, now=NOW)
        with pytest.raises(ValidationError):
            sepa.sepa_debit_reject(debit=debit, reason="MD01", rejected_on=dt.date(2026, 12, 14), actor=None, now=NOW)


def test_the_families_old_mandate_fields_become_a_mandate_of_the_paying_responsable(world, cantine):
    """The data migration's rule, run again on the current schema."""
    from importlib import import_module

    from django.apps import apps

    famille = world.famille
    famille.direct_debit = True
    famille.iban = "FR7630006000011234567890189"
    famille.bic = "AGRIFRPP"
    famille.mandate_reference = "RUM-OLD-1"
    famille.mandate_signed_on = dt.date(2025, 9, 1)
    famille.save()
    import_module("marelle.billing.migrations.0004_mandates_from_familles").forwards(apps, None)
    mandat = SepaMandat.objects.get(rum="RUM-OLD-1")
    assert mandat.responsable == world.alice  # who pays the child's enrolment
    assert mandat.signed_on == dt.date(2025, 9, 1)
