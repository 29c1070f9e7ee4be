"""Property: arbitrary values in any form field or query parameter of a parent's or an agent's
page never answer 500, and a 4xx writes nothing.

The pages are those of the access matrices (tests/backoffice/test_access.py and
tests/portal/test_access.py, which the URL resolver keeps complete), opened as the owner of
their objects; the field names are read from the forms each page renders (<input>, <select>,
<textarea>), plus the query parameters the views read. Each example starts from one form's
own values (so many posts are valid and write) and replaces a few of them with text, huge
numbers, dates out of range or impossible, empty strings, very long strings or lists.
"Nothing written" is checked in the database: the row count of every Marelle table (the
audit log holds a line for every update) before and after each 4xx.

Bounded in time: MARELLE_FUZZ_EXAMPLES examples per page (default 4), derandomized so the
normal suite is reproducible; raise it (and set MARELLE_FUZZ_RANDOM=1) locally to search longer.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.backoffice import test_access as backoffice_access
from tests.portal import test_access as portal_access

EXAMPLES = int(os.environ.get("MARELLE_FUZZ_EXAMPLES", "4"))
RANDOM = os.environ.get("MARELLE_FUZZ_RANDOM") == "1"  # a new search each run instead of the fixed one

# What the views read from the query string besides their forms' fields.
QUERY_PARAMS = [
    "mois",
    "jour",
    "annee",
    "service",
    "du",
    "au",
    "day",
    "month",
    "q",
    "page",
    "next",
    "commune",
    "etablissement",
    "kind",
    "status",
    "regie",
    "famille",
    "facture",
    "cellule",
    "cells",
    "etat",
    "traite",
    "form",
]

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "x",
    "0001-01-01",
    "9999-12-31",
    "2026-13-45",
    "2026-02-30",
    "1-01",
    "9999-12",
    "0000-00",
    "2026-12",
    "2026-12-07",
    "07/12/2026",
    "1:0001-01-01",
    "1:9999-12-31",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e400",
    "NaN",
    "Infinity",
    "12:00",
    "25:99",
    "on",
    "None",
    "[]",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example",
    "%s%n",
    "\u202e\ufeff",
    "a\x00b",
    "a" * 5000,
    "é" * 20000,
]

value = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
values = st.one_of(value, value, st.lists(value, min_size=2, max_size=3))

# Swept on every page: each one given at once to every query parameter and every field.
EDGES = ["0001-01-01", "9999-12-31", "2026-13-45", "1-01", "9999-12", "", "-99999999999999999999", "a" * 5000]


class _Forms(HTMLParser):
    """The forms of a page: each one's method and its fields' default values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        if self._form is not None and name:
            self._form["fields"].setdefault(name, [])
            if value is not None:
                self._form["fields"][name].append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if a.get("name"):
                    self._form.setdefault("buttons", {})[a["name"]] = a.get("value", "")
                return
            if kind == "file":
                self._add(a.get("name", ""), None)
            elif kind in ("checkbox", "radio"):
                self._add(a.get("name", ""), a.get("value", "on") if "checked" in a else None)
            else:
                self._add(a.get("name", ""), a.get("value", ""))
        elif tag == "button" and a.get("name"):
            self._form.setdefault("buttons", {})[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name", "")
            self._add(self._select, None)
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            if "selected" in a or not fields[self._select]:
                fields[self._select] = [a.get("value", "")]
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self._add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] = [data]


def _forms_of(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code < 500, url
    forms = [{"method": "post", "action": "", "fields": {}}, {"method": "get", "action": "", "fields": {}}]
    if "html" in response.get("Content-Type", ""):
        parser = _Forms()
        parser.feed(response.content.decode(errors="replace"))
        forms += parser.forms
    for form in forms:  # a submit button's name is one more field (e.g. decision=accept)
        for name, button_value in form.pop("buttons", {}).items():
            form["fields"].setdefault(name, [button_value])
    return forms


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("marelle.") and not model._meta.proxy
    }


def _fuzz(client, url: str, *, logout_path: str) -> None:
    forms = _forms_of(client, url)
    names = sorted({name for form in forms for name in form["fields"]} | set(QUERY_PARAMS))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        form=st.sampled_from(forms),
        changes=st.one_of(
            st.dictionaries(st.sampled_from(names), values, min_size=1, max_size=4),
            st.fixed_dictionaries({name: values for name in names}),  # every parameter at once
        ),
        in_query=st.booleans(),
    )
    def check(form, changes, in_query):
        data = {name: list(v) for name, v in form["fields"].items() if v}
        data.update({name: v if isinstance(v, list) else [v] for name, v in changes.items()})
        send(form, data, in_query)

    def send(form, data, in_query):
        target = url
        action = form["action"]
        if action.startswith("/") and not action.startswith(logout_path):
            target = action
        before = _row_counts()
        method = client.post if form["method"] == "post" and not in_query else client.get
        response = method(target, data)
        status = response.status_code
        assert status < 500, (target, data)
        if 400 <= status < 500:
            assert _row_counts() == before, f"a {status} on {target} wrote rows: {data}"
        if status in (301, 302, 303):
            location = response["Location"]
            if location.startswith("/") and not location.startswith(logout_path):
                parts = urlsplit(location)
                assert client.get(parts.path, dict(_query(parts.query))).status_code < 500, location

    for edge in EDGES:
        send(forms[1], dict.fromkeys(names, edge), True)
    for form in forms:
        if form["fields"]:
            send(
                form,
                {**{k: v for k, v in form["fields"].items() if v}, **dict.fromkeys(form["fields"], "0001-01-01")},
                False,
            )
    check()


def _query(query: str):
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


@pytest.fixture
def fuzz_world(world, bo, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    return world, bo


def test_no_agent_page_answers_500_and_a_4xx_writes_nothing(client, fuzz_world):
    world, bo = fuzz_world
    client.force_login(world.other_agent.user)  # the matrix's objects are commune B's
    urls = [reverse(name) for name in backoffice_access.LIST_URLS]
    urls += [build(world, bo) for _name, build in sorted(backoffice_access.OBJECT_URLS.items())]
    for url in urls:
        _fuzz(client, url, logout_path=reverse("portal:logout"))


def test_no_parent_page_answers_500_and_a_4xx_writes_nothing(client, fuzz_world):
    world, bo = fuzz_world
    client.force_login(world.bob.user)  # the matrix's objects are Bob's family's
    urls = [reverse(name) for name in portal_access.PARENT_URLS]
    urls += [build(world) for _name, build in sorted(portal_access.PARENT_OBJECT_URLS.items())]
    for url in urls:
        _fuzz(client, url, logout_path=reverse("portal:logout"))


def test_no_billing_page_answers_500_and_a_4xx_writes_nothing(client, fuzz_world):
    """The billing pages the matrix leaves to their own tests (a régie, a run, an invoice, a
    family's payment and mandate forms, a SEPA file), fuzzed by an agent allowed to bill."""
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from marelle.billing.services import sepa
    from marelle.billing.services.runs import invoice_run_issue
    from tests.billing.payments_setup import make_facture, make_regie

    world, _bo = fuzz_world
    agent = world.other_agent.user
    agent.user_permissions.add(*Permission.objects.filter(codename__in=["issue_invoices", "manage_payments"]))
    agent.user_permissions.add(*Permission.objects.filter(content_type__app_label="billing"))
    regie = make_regie(world.other_commune)
    facture = make_facture(world.bob, regie, issued_on=timezone.localdate().replace(day=1))
    run = invoice_run_issue(regie=regie, month=timezone.localdate().replace(day=1), actor=None)
    mandat = sepa.mandat_create(
        responsable=world.bob,
        iban="FR7630006000011234567890189",
        signed_on=timezone.localdate(),
        actor=None,
        now=timezone.now(),
        regie=regie,
    )
    client.force_login(agent)
    month = timezone.localdate().strftime("%Y-%m")
    urls = [
        reverse("backoffice:facturation_preview", args=[regie.pk, month]),
        reverse("backoffice:facturation_issue", args=[regie.pk, month]),
        reverse("backoffice:facturation_run", args=[run.pk]),
        reverse("backoffice:credit_note", args=[facture.pk]),
        reverse("backoffice:paiement_create", args=[world.other_famille.pk]),
        reverse("backoffice:mandat_create", args=[world.other_famille.pk]),
        reverse("backoffice:mandat_revoke", args=[mandat.pk]),
        reverse("backoffice:paiement_lookup"),
        reverse("backoffice:mandat_lookup"),
        reverse("backoffice:factures_relance"),
    ]
    reached = {url: client.get(url).status_code for url in urls}
    assert set(reached.values()) <= {200, 302, 405}, reached  # the pages exist for this agent: not a vacuous fuzz
    for url in urls:
        _fuzz(client, url, logout_path=reverse("portal:logout"))
