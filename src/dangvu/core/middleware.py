"""Vietnamese by default: the language a user chose (cookie), otherwise Vietnamese, whatever the browser says."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NulByteRefused(SuspiciousOperation):
    """A NUL character in an address, a parameter, a form field or a cookie: no person types one."""


class RefuseNulMiddleware:
    """Answers 400 to a request carrying a NUL character anywhere a view could read it.

    PostgreSQL cannot store or even compare text holding NUL (SQLite can), so without this an address such as
    ``/khen-thuong/%00/`` reached the database and answered 500 there and 404 on SQLite. One check at the door
    keeps every view, form and filter from having to know it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _holds_nul(request.GET) or _holds_nul(request.COOKIES):
            raise NulByteRefused("NUL in the address or a cookie")
        if request.method == "POST" and _holds_nul(request.POST):
            raise NulByteRefused("NUL in a form field")
        return self.get_response(request)


def _holds_nul(values: Mapping[str, object]) -> bool:
    getlist = getattr(values, "lists", None)
    pairs = getlist() if getlist else ((key, [value]) for key, value in values.items())
    return any(
        "\x00" in key or any("\x00" in str(value) for value in items) for key, items in pairs
    )
