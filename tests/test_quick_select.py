"""QuickSelect writes the same <select> as Django's Select, faster."""

import re

import lxml.html
import pytest
from django import forms

from marelle.core.forms import QuickSelect
from marelle.territory.models import Commune
from tests import factories as f

pytestmark = pytest.mark.django_db


def squeeze(html) -> list:
    """The elements in order, each with its attributes (whose order does not matter) and text."""
    root = lxml.html.fragment_fromstring(re.sub(r">\s+<", "><", str(html)).strip())
    return [(el.tag, sorted(el.attrib.items()), el.text) for el in root.iter()]


CHOICES = [("", "Tous"), ("a", "A & B"), ("b", '"quoted" <b>'), ("Groupe", [("c", "C"), ("d", "D")])]


@pytest.mark.parametrize("value", [None, "", "a", "b", "d", "zzz"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "aria-describedby": "x_help"}])
def test_the_markup_is_djangos(value, attrs):
    assert squeeze(QuickSelect(choices=CHOICES).render("x", value, attrs)) == squeeze(
        forms.Select(choices=CHOICES).render("x", value, attrs)
    )


def test_a_model_choice_field_renders_alike(world):
    f.CommuneFactory(name="Saint-Antoine-l'Abbaye")

    class Fast(forms.Form):
        commune = forms.ModelChoiceField(Commune.objects.order_by("pk"), required=False, widget=QuickSelect)

    class Slow(forms.Form):
        commune = forms.ModelChoiceField(Commune.objects.order_by("pk"), required=False)

    for data in ({}, {"commune": str(world.commune.pk)}):
        assert squeeze(Fast(data)["commune"]) == squeeze(Slow(data)["commune"])
