"""`{% load planning_states %}`: a state's look in templates, from `planning.presentation`.

`{% with style=cell.state|state_style %}{{ style.css }} {{ style.symbol }} {{ style.label }}{% endwith %}`
"""

from django import template

from marelle.planning.presentation import StateStyle, style_for

register = template.Library()


@register.filter
def state_style(state: str) -> StateStyle | None:
    return style_for(state)
