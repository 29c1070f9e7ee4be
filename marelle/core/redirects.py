"""One way to follow a `next` parameter."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_local_path(url: str, request) -> bool:
    """A path on this site: '/…' but not '//…' or '/\\…', and nothing `redirect()` could take
    for a view name (a bare word such as 'x' or '1' would raise NoReverseMatch)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False)


def safe_next(request, default: str) -> str:
    """The posted or queried `next` if it is a local path, else `default`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if is_safe_local_path(url, request) else default
