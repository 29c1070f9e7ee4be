"""The domain apps' `privacy` modules, in INSTALLED_APPS order (the contract: privacy/__init__.py)."""

from __future__ import annotations

import functools
import importlib
import importlib.util
from types import ModuleType

from django.apps import apps

MODULE = "privacy"


@functools.cache
def modules() -> tuple[ModuleType, ...]:
    """Every `marelle.<app>.privacy` module of an installed app, imported once."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("marelle.") or config.name == __package__:
            continue
        name = f"{config.name}.{MODULE}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return tuple(found)


def providing(function: str) -> list[tuple[ModuleType, object]]:
    """(module, function) for each contribution that defines `function`."""
    return [(module, getattr(module, function)) for module in modules() if hasattr(module, function)]
