"""The type of what the test client answers, for the tests' annotations."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # django-stubs' name for the test client's response: an HttpResponse with the client's
    # additions (context, templates, redirect_chain, json()). It exists in the stubs only.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
else:
    from django.http import HttpResponse as Response

__all__ = ["Response"]
