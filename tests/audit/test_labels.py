import pytest
from django.utils import translation

from marelle.audit.labels import ChangeLine, action_label, registry, render_changes
from marelle.families.models import Famille


def test_every_app_declares_its_codes_as_dotted_codes_with_a_label():
    actions = registry()
    assert {"famille.updated", "inscription.created", "daytype.created", "pointage.heures"} <= set(actions)
    for code, label in actions.items():
        assert code.count(".") >= 1 and " " not in code, code
        assert str(label).strip(), code


def test_a_label_is_filled_from_the_data_in_the_readers_language():
    with translation.override("fr"):
        assert action_label("enfant.updated", {"name": "Léa"}) == "Enfant modifié : Léa"
    with translation.override("en"):
        assert action_label("enfant.updated", {"name": "Léa"}) == "Child changed: Léa"


def test_a_label_whose_data_lacks_a_key_still_reads():
    with translation.override("fr"):
        assert action_label("enfant.updated", {}) == "Enfant modifié : —"


def test_an_old_sentence_is_shown_as_stored():
    assert action_label("Famille modifiée") == "Famille modifiée"


def test_changes_read_with_verbose_names_and_formatted_values():
    data = {"changes": {"direct_debit": [False, True], "qf_valid_until": [None, "2026-08-31"], "city": ["A", "B"]}}
    with translation.override("fr"):
        lines = render_changes(Famille, data)
    assert lines == [
        ChangeLine("prélèvement", "non", "oui"),
        ChangeLine("QF valable jusqu'au", "—", "31/08/2026"),
        ChangeLine("ville", "A", "B"),
    ]
    with translation.override("en"):
        lines = render_changes(Famille, data)
    assert lines[0].before == "no" and lines[0].after == "yes"
    assert lines[1].after == "08/31/2026"


def test_older_shapes_are_still_read():
    legacy_list = {"changes": [{"field": "city", "label": "ville", "before": "A", "after": "B"}]}
    assert render_changes(Famille, legacy_list) == [ChangeLine("ville", "A", "B")]
    bare = {"phone": ["01", "02"]}
    assert render_changes(Famille, bare)[0].before == "01"


@pytest.mark.parametrize("data", [None, [], "x", {"changes": "x"}, {"closure": 3}])
def test_data_without_changes_renders_no_lines(data):
    assert render_changes(Famille, data) == []


def test_amounts_and_methods_read_in_the_readers_language():
    data = {"amount": "1234.5", "method": "cheque", "count": 3, "total": "86.70"}
    with translation.override("fr"):
        assert action_label("payment.received", data) == "Paiement de 1\u00a0234,50\u00a0€ enregistré (chèque)"
        assert action_label("sepa.batch_created", data).endswith("3 prélèvements, 86,70\u00a0€")
        assert action_label("payment.received", {"amount": "?"}).startswith("Paiement de ? ")  # an odd old row
    with translation.override("en"):
        assert action_label("payment.received", data) == "Payment of €1,234.50 recorded (cheque)"
        assert action_label("payment.received", {"amount": "1", "method": "bitcoin"}).endswith("(bitcoin)")
