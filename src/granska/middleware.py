"""Request-wide rules: Granska speaks Swedish unless the person has chosen English; a form with a
NUL character is refused before any view sees it; the browser features Granska never uses are
switched off."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activates the language from the language cookie, else Swedish.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and a Swedish public
    service should not switch to English because a browser is set up in English.
    """

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


class RefuseNulMiddleware:
    """Refuses a form whose text holds a NUL character (400), naming the problem.

    PostgreSQL cannot store NUL in text, and Django's forms refuse it field by field; Granska's
    workspace reads some forms straight from the request, so the rule is kept here for all of
    them. Nothing is saved; the browser keeps what was typed (draft.js)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields = [
                name
                for name, values in request.POST.lists()
                if any("\x00" in value for value in values)
            ]
            if fields:
                return render(request, "nul_refused.html", {"fields": fields}, status=400)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switches off, for every answer, the browser features Granska never uses (camera,
    microphone, geolocation, payment and the like), so that an injected script could not use
    them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.GRANSKA_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
