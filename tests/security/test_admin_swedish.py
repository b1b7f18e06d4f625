"""The Django admin, kept for superusers, speaks Swedish on every page: its lists, forms and
filters, the permission names (stored in English by Django), the earlier versions kept by
django-simple-history and django-tasks-db's queue."""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from granska.accounts.admin import permission_label
from granska.accounts.models import Role
from granska.demo.reviews import demo_load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Words of English that Swedish never writes, as the admin would show them untranslated.
ENGLISH = re.compile(
    r"\b(the|of|and|is|by|with|from|Can|Add|Change|Save|Search|Filter|historical|Task|name|"
    r"unit|review|user|finding|note|source)\b"
)


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        options = model._meta
        prefix = f"admin:{options.app_label}_{options.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        pages.append(reverse(f"{prefix}_add"))
        first = model._default_manager.first()
        if first is not None:
            try:
                pages.append(reverse(f"{prefix}_change", args=[first.pk]))
            except NoReverseMatch:
                continue
    return pages


def shown_texts(html: str) -> list[str]:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.DOTALL)
    texts = re.findall(r">([^<>]+)<", html)
    texts += re.findall(r'(?:title|placeholder|aria-label)="([^"]+)"', html)
    return [text.strip() for text in texts if text.strip()]


def test_every_admin_page_is_in_swedish(client: Client, protocol: object) -> None:
    demo_load()
    client.force_login(UserFactory(role=Role.KANSLI, is_staff=True, is_superuser=True))
    english: dict[str, str] = {}
    seen = 0
    for page in admin_pages():
        response = client.get(page)
        if response.status_code == 403:  # an add page the admin does not offer
            continue
        assert response.status_code == 200, page
        seen += 1
        for text in shown_texts(response.content.decode()):
            if ENGLISH.search(text) and not text.startswith("[{"):  # JSON data, not words
                english.setdefault(text[:100], page)
    assert seen > 30
    assert not english, english


def test_a_permission_is_named_in_swedish() -> None:
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(codename="add_unit")
    assert permission.name == "Can add unit"  # as Django stores it
    assert permission_label(permission) == "Granskningar | enhet | Kan lägga till enhet"
