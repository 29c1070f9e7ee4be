"""Long dates as French writes them: "1er" for the first of the month, in French only."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from marelle.core.dates import day_format


def test_the_first_of_the_month_is_1er_in_french_only():
    with translation.override("fr"):
        assert day_format(dt.date(2026, 12, 1)) == "mardi 1er décembre 2026"
        assert day_format(dt.date(2026, 12, 11), "l j F") == "vendredi 11 décembre"
        assert day_format(dt.date(2026, 12, 21), "l j F") == "lundi 21 décembre"
        assert day_format(dt.datetime(2027, 1, 1, 7, 22), "l j F Y H:i") == "vendredi 1er janvier 2027 07:22"
        rendered = Template('{% load marelle_format %}{{ d|day:"l j F" }}').render(Context({"d": dt.date(2027, 3, 1)}))
        assert rendered == "lundi 1er mars"
    with translation.override("en"):
        assert day_format(dt.date(2026, 12, 1)) == "Tuesday 1 December 2026"
    assert day_format(None) == ""


def test_break_after_slash_escapes_then_lets_the_label_wrap():
    from marelle.portal.templatetags.marelle_format import break_after_slash

    assert break_after_slash("Information/Documents") == "Information/<wbr>Documents"
    assert break_after_slash("<b>a/b</b>") == "&lt;b&gt;a/<wbr>b&lt;/<wbr>b&gt;"
