"""Every URL the resolver knows must have its access test: the matrices of
tests/backoffice/test_access.py (names under "backoffice:") and tests/portal/test_access.py
(every other name) are compared with `get_resolver()`, so a new page without its refusal
tests fails the suite, naming the URL to add.

A matrix is one or more mappings (or lists) keyed by URL name, e.g. "portal:message". A URL
whose refusals are tested elsewhere goes in the matrix's TESTED_ELSEWHERE with the test that
does it ("tests/portal_planning/test_actions.py::test_another_familys_child_is_404..."),
which must exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own pages and files: the admin (staff only, Django's tests), the language switch,
# static and media files served in DEBUG.
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")


def _walk(patterns, namespaces: list[str], prefix: str) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            yield ":".join([*namespaces, pattern.name or f"<unnamed {route}>"]), route


def resolved_urls() -> dict[str, str]:
    """URL name → route, for every page of ours."""
    return dict(_walk(get_resolver().url_patterns, [], ""))


def check_matrix(*, covered: Iterable[str], belongs, where: str, elsewhere: dict[str, str]) -> list[str]:
    """The problems of one matrix: URLs of its area it lacks, names it lists that no longer
    resolve, TESTED_ELSEWHERE entries pointing to no test. Empty when all is well."""
    covered = list(covered) + list(elsewhere)
    duplicates = sorted({name for name in covered if covered.count(name) > 1})
    urls = {name: route for name, route in resolved_urls().items() if belongs(name)}
    problems = [f"{name} is listed twice in {where}" for name in duplicates]
    problems += [
        f"URL {name} (/{route}) has no access test: add it to the matrix in {where} "
        "(or to its TESTED_ELSEWHERE with the test that checks who is refused)"
        for name, route in sorted(urls.items())
        if name not in covered
    ]
    problems += [f"{name} is in {where} but no URL has that name any more" for name in sorted(set(covered) - set(urls))]
    for name, test in sorted(elsewhere.items()):
        if not _test_exists(test):
            problems.append(f"{name}: TESTED_ELSEWHERE names {test!r}, which is not a test")
    return problems


def _test_exists(node: str) -> bool:
    path, _, function = node.partition("::")
    if not path.startswith("tests/") or not path.endswith(".py") or not function.startswith(("test_", "Test")):
        return False
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    obj = module
    for part in function.split("::"):
        obj = getattr(obj, part, None)
    return obj is not None
