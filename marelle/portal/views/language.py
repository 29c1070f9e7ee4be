"""The footer's language switch: Django's set_language (the cookie), and for a parent the
choice kept on their responsable, so that it follows them to another browser."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from marelle.families.selectors import responsable_for
from marelle.families.services import responsable_set_language
from marelle.portal.access import is_responsable


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and is_responsable(request.user):
        responsable_set_language(responsable=responsable_for(request.user), language=language)
    return response


def remember_language(request, response) -> None:
    """After a login: the parent's saved language becomes the browser's (the cookie set_language writes)."""
    if not is_responsable(request.user):
        return
    language = responsable_for(request.user).language
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
