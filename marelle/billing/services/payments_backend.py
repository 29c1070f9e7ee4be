"""The online payment backends, through eopayment, configured per régie.

`eopayment` speaks to PayFiP/TIPI and the banks; this module only turns a régie's settings
into its options, reads the amount out of each backend's notification and, for eopayment's
`dummy` backend, points it at Marelle's stand-in bank page (demo and tests) and checks
the stand-in's signature: the dummy backend's own "signed" flag is a mere parameter that
anyone can add, so the only dummy bank Marelle trusts is its stand-in, which signs what it
sends with a key derived from SECRET_KEY.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode, urlsplit

import eopayment
from django.conf import settings
from django.utils.crypto import salted_hmac

logger = logging.getLogger("marelle.billing.payments")

DUMMY = "dummy"
TIPI = "tipi"
PAYFIP_WS = "payfip_ws"
SIGNATURE_PARAM = "marelle_signature"
_SIGNATURE_SALT = "marelle.standin_bank.notification"
# Backends whose notification carries the amount paid, in cents (montant) or in euros (amount).
_AMOUNT_IN_CENTS = {TIPI: "montant", PAYFIP_WS: "montant"}
_AMOUNT_IN_EUROS = {DUMMY: "amount"}


class BackendError(Exception):
    """The régie's payment settings are wrong, or the bank could not be reached."""


@dataclass(frozen=True)
class BankRedirect:
    transaction_id: str
    url: str = ""  # kind URL: send the browser there
    form_url: str = ""  # kind FORM: post `fields` there
    form_method: str = "POST"
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class BankResponse:
    paid: bool
    failed: bool  # refused, cancelled or in error (a waiting one is neither)
    signed: bool
    order_id: str
    transaction_id: str
    amount: Decimal | None
    bank_status: str
    bank_data: dict
    return_content: str | None


def _options(regie, *, return_url: str, notify_url: str) -> dict:
    options = dict(regie.payment_options or {})
    options.setdefault("normal_return_url", return_url)
    options.setdefault("automatic_return_url", notify_url)
    if regie.payfip_client_id:
        options.setdefault("numcli", regie.payfip_client_id)
    if regie.payment_backend == DUMMY:
        options.setdefault("origin", regie.name)
        # The dummy backend would otherwise believe any "signed" parameter.
        options["consider_all_response_signed"] = False
    return options


def backend_for(regie, *, return_url: str = "", notify_url: str = "") -> eopayment.Payment:
    if not regie.payment_backend:
        raise BackendError("no online payment backend for this régie")
    try:
        return eopayment.Payment(
            regie.payment_backend,
            _options(regie, return_url=return_url, notify_url=notify_url),
            logger=logger,
        )
    except Exception as exc:  # eopayment raises ValueError/KeyError/ImportError on bad settings
        raise BackendError(f"payment backend {regie.payment_backend!r}: {exc}") from exc


def dummy_service_url(regie, standin_url: str) -> str | None:
    """Where the dummy backend's browser goes: the régie's `dummy_service_url` option, else the
    stand-in bank when it is served (eopayment 3.15 itself always uses Entr'ouvert's address)."""
    configured = (regie.payment_options or {}).get("dummy_service_url")
    if configured:
        return configured
    if getattr(settings, "PAYMENT_STANDIN_BANK", False):
        return standin_url
    return None


def request_payment(
    regie,
    *,
    amount: Decimal,
    email: str,
    reference: str,
    label: str,
    return_url: str,
    notify_url: str,
    standin_url: str,
) -> BankRedirect:
    backend = backend_for(regie, return_url=return_url, notify_url=notify_url)
    kwargs = {"email": email, "orderid": reference, "subject": label}
    if regie.payment_backend in (TIPI, PAYFIP_WS):
        kwargs.pop("subject")
        kwargs["exer"] = None
    try:
        transaction_id, kind, data = backend.request(str(amount), **kwargs)
    except Exception as exc:  # network errors (PayFiP's web service), bad amount or email
        raise BackendError(f"payment request refused: {exc}") from exc
    if kind == eopayment.URL:
        url = data
        if regie.payment_backend == DUMMY:
            target = dummy_service_url(regie, standin_url)
            if target:
                url = f"{target}?{urlsplit(data).query}"
        return BankRedirect(transaction_id=str(transaction_id), url=url)
    if kind == eopayment.FORM:
        fields = [(f["name"], str(f["value"])) for f in data.fields]
        return BankRedirect(
            transaction_id=str(transaction_id), form_url=data.url, form_method=data.method, fields=fields
        )
    raise BackendError(f"unsupported payment request kind {kind!r}")


def standin_signature(params: list[tuple[str, str]]) -> str:
    """The stand-in bank's signature over its notification's parameters (order-independent)."""
    canonical = urlencode(sorted((k, v) for k, v in params if k != SIGNATURE_PARAM))
    return salted_hmac(_SIGNATURE_SALT, canonical, algorithm="sha256").hexdigest()


def sign_standin_notification(params: list[tuple[str, str]]) -> str:
    """The query string the stand-in bank sends: its parameters and their signature."""
    return urlencode([*params, (SIGNATURE_PARAM, standin_signature(params))])


def _standin_signature_ok(query_string: str) -> bool:
    params = parse_qsl(query_string, keep_blank_values=True)
    sent = [v for k, v in params if k == SIGNATURE_PARAM]
    return len(sent) == 1 and hmac.compare_digest(sent[0], standin_signature(params))


def _amount(kind: str, bank_data: dict) -> Decimal | None:
    def first(key):
        value = bank_data.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return value

    try:
        if kind in _AMOUNT_IN_CENTS and first(_AMOUNT_IN_CENTS[kind]) is not None:
            return (Decimal(int(first(_AMOUNT_IN_CENTS[kind]))) / 100).quantize(Decimal("0.01"))
        if kind in _AMOUNT_IN_EUROS and first(_AMOUNT_IN_EUROS[kind]) is not None:
            return Decimal(str(first(_AMOUNT_IN_EUROS[kind]))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return None


def parse_notification(regie, query_string: str) -> BankResponse:
    """What the bank says, or BackendError when the message cannot be read at all."""
    backend = backend_for(regie)
    try:
        response = backend.response(query_string)
    except Exception as exc:  # eopayment.ResponseError and whatever a backend raises on garbage
        raise BackendError(f"unreadable notification: {exc}") from exc
    signed = bool(response.signed)
    if regie.payment_backend == DUMMY:
        signed = _standin_signature_ok(query_string)
    bank_data = {k: v for k, v in (response.bank_data or {}).items() if k != SIGNATURE_PARAM}
    return BankResponse(
        paid=response.result == eopayment.PAID,
        failed=response.result in (eopayment.DENIED, eopayment.CANCELLED, eopayment.ERROR, eopayment.EXPIRED),
        signed=signed,
        order_id=str(response.order_id or ""),
        transaction_id=str(response.transaction_id or ""),
        amount=_amount(regie.payment_backend, bank_data),
        bank_status=str(response.bank_status or ""),
        bank_data=_jsonable(bank_data),
        return_content=response.return_content,
    )


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, list | tuple):
            value = [str(v) for v in value]
            value = value[0] if len(value) == 1 else value
        elif value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        out[str(key)] = value
    return out
