"""WSGI entry point for production servers (and `granska runserver`).

Django's own application, but with requests that decode only as UTF-8 (granska.middleware)."""

import os

import django

from granska.middleware import UTF8Handler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "granska.settings")
django.setup(set_prefix=False)
application = UTF8Handler()
