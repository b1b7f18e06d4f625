"""Request-wide rules: Granska speaks Swedish unless the person has chosen English; a request
Granska cannot read as text is refused before any view sees it, and before Django decodes it
with whatever codec its Content-Type names; the browser features Granska never uses are
switched off."""

import codecs
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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


class RefuseUnreadableMiddleware:
    """Refuses a request Granska cannot read as text (400), saying why; nothing is saved.

    - A character set other than UTF-8, declared in the Content-Type: Granska's pages and forms
      are UTF-8, and Django would decode the request with whatever codec the header names, even
      one that is no text encoding at all ("base64", "rot13"), which fails as a server error.
    - An address or a (urlencoded) form whose bytes are not UTF-8: Django would read the whole
      form as Latin-1, or with replacement characters, and so save something other than what was
      sent. (In a multipart form, Django makes such bytes the replacement character "�", which
      every format shows.)
    - A NUL character in the address or in a form. PostgreSQL cannot store NUL in text, nor
      compare a text holding it, and Django's forms refuse it field by field; Granska's
      workspace reads some forms straight from the request, so the rule is kept here for all of
      them. The page names the fields; the browser keeps what was typed (draft.js).

    The services clean what they store too (`granska.text`), so that a command or an API that
    never passes here stores nothing invisible either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = unreadable_reason(request)
        if reason:
            return render(request, "unreadable_request.html", {"reason": reason}, status=400)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            fields = [
                name.replace("\x00", "␀")
                for name, values in request.POST.lists()
                if "\x00" in name or any("\x00" in value for value in values)
            ]
            if fields:
                return render(request, "nul_refused.html", {"fields": fields}, status=400)
        return self.get_response(request)


def unreadable_reason(request: HttpRequest) -> str:
    """Why `request` cannot be read as text, or "" when it can. Form fields holding a NUL are
    named by the caller, from the form as Django reads it once this has passed."""
    if getattr(request, "content_type_unreadable", False):
        return _("Granska could not read what your browser sent. Go back and try again.")
    charset = request.content_params.get("charset") if request.content_params else None
    if charset is not None and not is_utf8(charset):
        return _(
            "Your browser sent the form in a character encoding other than UTF-8 (“%(charset)s”), "
            "which Granska does not read. Nothing was saved. Go back and try again."
        ) % {"charset": charset[:40]}
    query = _form_text(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""))
    if "\x00" in request.path_info or (query is not None and "\x00" in query):
        return _(
            "The address holds an invisible control character (NUL), which no address in "
            "Granska has. Check the address and try again."
        )
    body = request.body if _is_urlencoded_post(request) else b""
    if query is None or _form_text(body) is None:
        return _(
            "What your browser sent is not text in UTF-8, so Granska cannot read it. Nothing was "
            "saved. Go back and try again."
        )
    return ""


def is_utf8(charset: str) -> bool:
    """Whether `charset` names UTF-8 ("utf-8", "UTF8", "u8")."""
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def _is_urlencoded_post(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type == FORM_TYPES[0]


def _form_text(raw: bytes) -> str | None:
    """A query string or urlencoded form, its names and values decoded as UTF-8 and joined;
    None when a byte sequence in it is not UTF-8."""
    try:
        return "&".join(
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            for pair in raw.split(b"&")
            for part in pair.split(b"=", 1)
        )
    except UnicodeDecodeError:
        return None


class UTF8Request(WSGIRequest):
    """Django's request, taking the charset its Content-Type names as its encoding only when
    that is UTF-8. Django takes any codec it can look up, even one that is no text encoding
    ("rot13", "base64"), and decodes the query string with it while it builds the request:
    before any middleware runs, so the error would reach the server as a crash. The charset is
    kept in `content_params`, where `RefuseUnreadableMiddleware` refuses it (400), as it does a
    Content-Type too malformed to read, on which Django raises while building the request."""

    # Set when the Content-Type cannot be read at all (Django would raise while building).
    content_type_unreadable = False

    def _set_content_type_params(self, meta: dict[str, str]) -> None:
        try:
            self.content_type, self.content_params = parse_header_parameters(
                meta.get("CONTENT_TYPE", "")
            )
        except ValueError:
            self.content_type, self.content_params = "", {}
            self.content_type_unreadable = True
            return
        charset = self.content_params.get("charset")
        if charset is not None and is_utf8(charset):
            self.encoding = charset


class UTF8Handler(WSGIHandler):
    """The WSGI application of `granska.wsgi`, building `UTF8Request`s."""

    request_class = UTF8Request


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
