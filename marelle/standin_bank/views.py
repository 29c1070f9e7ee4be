"""A local stand-in for the bank page of eopayment's `dummy` backend (demo and tests only).

It receives the same query string as https://dummy-payment.entrouvert.com/ would, shows the
amount with *Accepter* / *Refuser*, then does what a bank does: it calls Marelle's
notification URL server to server (an HTTP POST, like the real one) and sends the browser
back to the return URL, both with the signed query string the dummy backend's `response()`
reads. Served only when settings.PAYMENT_STANDIN_BANK is on (DEBUG, demo, tests); a 404
otherwise. It only ever talks to the host it is served on.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from marelle.billing.services.payments_backend import sign_standin_notification

logger = logging.getLogger("marelle.standin_bank")
FIELDS = ("transaction_id", "amount", "email", "orderid", "origin", "return_url", "direct_notification_url")
NOTIFY_TIMEOUT_SECONDS = 10


def _same_host(request, url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc == request.get_host()


def _read(request, data) -> dict | None:
    values = {name: data.get(name, "") for name in FIELDS}
    try:
        amount = Decimal(values["amount"])
    except (InvalidOperation, ValueError):
        return None
    if not values["transaction_id"] or amount <= 0:
        return None
    for name in ("return_url", "direct_notification_url"):
        if values[name] and not _same_host(request, values[name]):
            return None
    values["amount_decimal"] = amount
    return values


def _notify(url: str, query: str) -> None:
    """POST the notification like the bank would; a failure is logged, the browser's return
    carries the same signed answer anyway."""
    req = urllib.request.Request(  # noqa: S310 - the URL is checked to be this very host
        url, data=query.encode(), method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(req, timeout=NOTIFY_TIMEOUT_SECONDS) as response:  # noqa: S310
            logger.info("stand-in bank notified %s: %s", url, response.status)
    except (urllib.error.URLError, OSError) as exc:
        logger.warning("stand-in bank could not notify %s: %s", url, exc)


@require_http_methods(["GET", "POST"])
def pay(request):
    if not getattr(settings, "PAYMENT_STANDIN_BANK", False):
        raise Http404
    values = _read(request, request.POST if request.method == "POST" else request.GET)
    if values is None:
        return HttpResponseBadRequest("Demande de paiement invalide.")
    if request.method == "GET":
        return render(request, "standin_bank/pay.html", {"v": values})
    accepted = request.POST.get("decision") == "accept"
    params = [("transaction_id", values["transaction_id"]), ("amount", values["amount"]), ("signed", "1")]
    if values["orderid"]:
        params.append(("orderid", values["orderid"]))
    params.append(("ok", "1") if accepted else ("reason", "refused"))
    query = sign_standin_notification(params)
    if values["direct_notification_url"]:
        _notify(values["direct_notification_url"], query)
    back = values["return_url"] or "/"
    return HttpResponseRedirect(f"{back}{'&' if '?' in back else '?'}{query}")
