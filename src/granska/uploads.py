"""The size of what a form sends, checked before and while the body is read, never after it has
all arrived.

Granska takes one kind of file: the evidence a unit attaches to a follow-up report, at most
MAX_UPLOAD_BYTES. `UploadLimitMiddleware` runs before anything reads a form (the CSRF check and
`RefuseUnreadableMiddleware` read it for every POST): a multipart request whose Content-Length is
larger than a file and a form's text together is answered at once (413) without reading its body;
otherwise the body is read through `LimitedUploadHandler`, which stops reading as soon as one file
passes the limit. What a file may hold is the service's to check
(`granska.actionplans.attachments`).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from granska.accounts.rules import holds
from granska.middleware import unreadable_reason

MAX_UPLOAD_BYTES = 10 * 2**20
# The kansli's import page (`/import/`) takes earlier reports, a zip of years of them at once:
# this much in one request, for a logged-in kansli only (`upload_limit`).
MAX_IMPORT_BYTES = 100 * 2**20
IMPORT_PATH = "/import/"


def upload_limit(request: HttpRequest) -> int:
    """The largest file `request` may carry: MAX_IMPORT_BYTES on the import page for a person
    who may import (read from the session: this runs before the authentication middleware),
    else MAX_UPLOAD_BYTES. Nobody else sends a body that large."""
    may_import = (
        request.path.startswith(IMPORT_PATH)
        and hasattr(request, "session")
        and holds(get_user(request), "imports.import")
    )
    return MAX_IMPORT_BYTES if may_import else MAX_UPLOAD_BYTES


def request_limit(limit: int = MAX_UPLOAD_BYTES) -> int:
    """The largest multipart body worth reading: one file at its largest and the form's text."""
    return limit + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class LimitedUploadHandler(FileUploadHandler):
    """Passes each file's chunks on to the handlers after it until the file passes
    MAX_UPLOAD_BYTES; then stops reading the request and keeps the file's name in `refused`."""

    def __init__(self, request: HttpRequest | None = None, limit: int = MAX_UPLOAD_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.refused: str | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused = self.file_name or ""
            # connection_reset: the rest of the body is left unread, not read and discarded.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class UploadLimitMiddleware:
    """Refuses a file larger than MAX_UPLOAD_BYTES before or while it arrives (413), naming it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            limit = upload_limit(request)
            if _content_length(request) > request_limit(limit):
                return self.refuse(request, None, limit)
            handler = LimitedUploadHandler(request, limit)
            request.upload_handlers = [handler, *request.upload_handlers]
            # Read the form now, through the handler, so that a file too large is known here;
            # unless it cannot be read as text, which RefuseUnreadableMiddleware then says.
            if not unreadable_reason(request):
                request.POST  # noqa: B018
                if handler.refused is not None:
                    return self.refuse(request, handler.refused, limit)
        return self.get_response(request)

    @staticmethod
    def refuse(
        request: HttpRequest, name: str | None, limit: int = MAX_UPLOAD_BYTES
    ) -> HttpResponse:
        context = {"name": name, "mb": limit // 2**20}
        return render(request, "upload_too_large.html", context, status=413)
