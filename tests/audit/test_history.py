"""Every audit code written anywhere is declared, and the agent's family history renders it
as a label in the reader's language (never the raw code); old sentences still show."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from marelle.audit.labels import action_label, registry
from marelle.audit.models import LogEntry
from marelle.audit.services import log_action
from marelle.families.models import Responsable

SOURCE = Path(settings.BASE_DIR) / "marelle"
PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _python_files():
    return [p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts]


def written_codes() -> set[str]:
    """Dotted codes passed as `action=` to any call, or assigned to a name `action`, in the
    product code: what the services write (directly or through a helper)."""
    codes = set()
    for path in _python_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.Call):
                values = [k.value for k in node.keywords if k.arg == "action"]
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "action":
                        values.append(node.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        values += [v for t, v in zip(target.elts, node.value.elts, strict=False) if _named(t, "action")]
            for value in values:
                for option in _options(value):
                    if isinstance(option, ast.Constant) and isinstance(option.value, str) and CODE.match(option.value):
                        codes.add(option.value)
    return codes


def _options(value):
    """A value, or both branches of `"a.b" if … else "a.c"`."""
    if isinstance(value, ast.IfExp):
        return [*_options(value.body), *_options(value.orelse)]
    return [value]


def _named(node, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def log_action_calls():
    for path in _python_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "log_action":
                yield path, node


def test_no_log_action_call_stores_a_sentence():
    """The action is a literal code or a variable holding one, never `_("…") % …`."""
    calls = list(log_action_calls())
    assert len(calls) >= 10
    for path, call in calls:
        [action] = [k.value for k in call.keywords if k.arg == "action"]
        where = f"{path.relative_to(SOURCE)}:{call.lineno}"
        for option in _options(action):
            assert isinstance(option, ast.Constant | ast.Name), where
            if isinstance(option, ast.Constant):
                assert CODE.match(option.value), where


def test_every_code_written_is_declared_with_a_label():
    written = written_codes()
    assert {"famille.updated", "responsable.updated", "inscription.created", "closure.deleted"} <= written
    assert {"calendar.public_holidays_imported", "daytype.created", "pointage.heures"} <= written
    assert written - set(registry()) == set()


def _compiled():
    mo = PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime:
        call_command("compilemessages", locale=["en"], verbosity=0)


@pytest.fixture
def every_code_in_the_history(world):
    codes = sorted(set(registry()) | written_codes())
    assert len(codes) < 100  # the history shows the latest 100 lines
    for code in codes:
        log_action(obj=world.famille, action=code, actor=world.agent.user, data={})
    return codes


def test_the_history_renders_every_code_as_its_label(agent_client, world, every_code_in_the_history):
    html = agent_client.get(reverse("backoffice:famille", args=[world.famille.pk])).content.decode()
    with translation.override("fr"):
        for code in every_code_in_the_history:
            label = action_label(code, {})
            assert label != code
            assert escape(label) in html, code
    for code in every_code_in_the_history:
        assert code not in html, code


def test_the_history_renders_in_english_for_an_english_speaking_agent(agent_client, world, every_code_in_the_history):
    _compiled()
    html = agent_client.get(
        reverse("backoffice:famille", args=[world.famille.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<html lang="en">' in html
    for code in every_code_in_the_history:
        with translation.override("en"):
            english = action_label(code, {})
        with translation.override("fr"):
            french = action_label(code, {})
        assert english != french, f"{code}: no English label"
        assert escape(english) in html, code
        assert escape(french) not in html, code


def test_a_parents_contact_change_shows_before_and_after_in_the_agents_history(alice_client, world):
    response = alice_client.post(reverse("portal:compte"), {"email": "alice.new@example.org", "phone": "06 11"})
    assert response.status_code == 302
    alice_client.force_login(world.agent.user)
    html = alice_client.get(reverse("backoffice:famille", args=[world.famille.pk])).content.decode()
    assert "Responsable modifié : ZTEST PAYS" in html
    assert "responsable.updated" not in html
    assert "Courriel : <span" in html
    assert "<del>alice@example.org</del> → <span" in html and "alice.new@example.org</li>" in html
    assert "<del>—</del> →" in html and "06 11</li>" in html  # the phone was empty

    _compiled()
    english = alice_client.get(
        reverse("backoffice:famille", args=[world.famille.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<del>alice@example.org</del>" in english and "Email" in english


def test_an_old_row_holding_a_sentence_is_shown_as_stored(agent_client, world):
    log_action(
        obj=world.famille,
        action="Famille modifiée",
        actor=world.agent.user,
        data={"changes": [{"field": "city", "label": "ville", "before": "A", "after": "B"}]},
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Responsable),
        object_id=str(world.alice.pk),
        action="responsable.contact_updated",
        data={"phone": ["01", "02"]},
    )
    html = agent_client.get(reverse("backoffice:famille", args=[world.famille.pk])).content.decode()
    assert "Famille modifiée" in html and "<del>A</del>" in html
    assert "Coordonnées du responsable modifiées" in html and "<del>01</del>" in html
