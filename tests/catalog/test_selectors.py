"""The catalog's reads: the areas shared between requests are the version's own, and a version
replaced by a changed file is read anew."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from granska.catalog.loader import read_catalog
from granska.catalog.models import Area, ProtocolVersion
from granska.catalog.selectors import protocol_areas, protocol_areas_shared
from granska.catalog.services import protocol_load
from tests.catalog.test_loader import small_catalog, write

pytestmark = pytest.mark.django_db


def outline(areas: list[Area]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(a.code, [(c.code, c.text) for c in a.criteria.all()]) for a in areas]


def test_shared_areas_are_the_versions_own_and_read_once(protocol: ProtocolVersion) -> None:
    first = protocol_areas_shared(protocol)
    assert outline(first) == outline(protocol_areas(protocol))
    with CaptureQueriesContext(connection) as queries:
        again = protocol_areas_shared(ProtocolVersion.objects.get(pk=protocol.pk))
        assert outline(again) == outline(first)
    assert len(queries) == 1  # the ProtocolVersion above, none for the areas or criteria


def test_a_version_replaced_by_a_changed_file_is_read_anew(
    no_catalog: None, tmp_path: Path
) -> None:
    old = protocol_load(spec=read_catalog(write(tmp_path, small_catalog()))).protocol
    assert outline(protocol_areas_shared(old))[0][1][0] == ("A1", "Ett.")
    revised = small_catalog()
    revised["areas"][0]["criteria"][0]["text"] = "Ett, omformulerat."
    new = protocol_load(spec=read_catalog(write(tmp_path, revised, "revised.yaml"))).protocol
    assert outline(protocol_areas_shared(new))[0][1][0] == ("A1", "Ett, omformulerat.")
