"""The pain.008.001.02 direct-debit file, built by `sepaxml` and validated against the XSD
it ships. Pure: data in, bytes out; the SEPA service decides what goes in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sepaxml
from sepaxml import SepaDD

SCHEMA = "pain.008.001.02"


def schema_path(schema: str = SCHEMA) -> Path:
    """The XSD shipped inside the sepaxml package (what the file is validated against)."""
    return Path(sepaxml.__file__).parent / "schemas" / f"{schema}.xsd"


@dataclass(frozen=True)
class Creditor:
    name: str
    iban: str
    bic: str
    ics: str  # identifiant créancier SEPA


@dataclass(frozen=True)
class Debit:
    name: str  # the debtor: the paying responsable
    iban: str
    bic: str
    amount: Decimal
    sequence: str  # "FRST" or "RCUR"
    rum: str
    signed_on: dt.date
    description: str
    endtoend_id: str


def cents(amount: Decimal) -> int:
    """sepaxml wants integer cents; amounts are already rounded to the cent."""
    return int((amount * 100).to_integral_value())


def build_pain008(*, creditor: Creditor, debits: list[Debit], collection_date: dt.date) -> bytes:
    """One file, one batch per sequence type (FRST and RCUR cannot share a PmtInf)."""
    if not debits:
        raise ValueError("no debit")
    sdd = SepaDD(
        {
            "name": creditor.name,
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "creditor_id": creditor.ics,
            "currency": "EUR",
        },
        schema=SCHEMA,
    )
    for debit in debits:
        sdd.add_payment(
            {
                "name": debit.name,
                "IBAN": debit.iban,
                "BIC": debit.bic,
                "amount": cents(debit.amount),
                "type": debit.sequence,
                "collection_date": collection_date,
                "mandate_id": debit.rum,
                "mandate_date": debit.signed_on,
                "description": debit.description,
                "endtoend_id": debit.endtoend_id,
            }
        )
    # export() validates against the shipped XSD and raises if the file would be refused.
    return sdd.export(validate=True, pretty_print=True)
