"""Keeping secrets out of the logs: the tokens of personal links are cut from every record.

A survey's link (`/enkat/<token>/`), an account invitation's and a calendar feed's carry their
secret in the path, and the request loggers (Django's `django.request` and `django.server`, a
server's access log) write paths. `SecretPathFilter` replaces each token with "…" in the message
and its arguments before any handler writes them."""

import logging
import re

# A path segment after one of these prefixes is a secret.
SECRET_PATH = re.compile(r"(/(?:enkat|konto/inbjudan|kalender)/)[^/\s?\"']+")


def redacted(text: str) -> str:
    return SECRET_PATH.sub(r"\1…", text)


class SecretPathFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redacted(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # django.request's records carry the request; a formatter may read its path.
            record.request = None
        return True
