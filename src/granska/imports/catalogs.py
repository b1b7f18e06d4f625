"""The protocol versions as the importer reads them (issue 13): one `CatalogIndex` per loaded
version, so that the pure readers need no database."""

from granska.catalog.loader import ProtocolSpec
from granska.catalog.models import ProtocolVersion
from granska.catalog.selectors import protocol_areas_shared
from granska.imports.matching import CatalogIndex


def catalog_indexes() -> list[CatalogIndex]:
    """Every loaded protocol version, the latest first (the one a tie in matching goes to)."""
    return [
        catalog_index(protocol)
        for protocol in ProtocolVersion.objects.order_by("-loaded_at", "-pk")
    ]


def catalog_index(protocol: ProtocolVersion) -> CatalogIndex:
    """One version's area titles, criterion texts and box preambles."""
    areas = protocol_areas_shared(protocol)
    return CatalogIndex(
        protocol=protocol.code,
        areas=tuple((area.code, area.title) for area in areas),
        criteria=tuple(
            (criterion.code, area.code, criterion.text)
            for area in areas
            for criterion in area.criteria.all()
        ),
        preambles=tuple(
            (area.code, str(paragraph)) for area in areas for paragraph in area.preamble
        ),
    )


def catalog_index_of_spec(spec: ProtocolSpec) -> CatalogIndex:
    """A catalog file's version, read but not loaded (for a dry run against a file, and tests)."""
    return CatalogIndex(
        protocol=spec.code,
        areas=tuple((area.code, area.title) for area in spec.areas),
        criteria=tuple(
            (criterion.code, area.code, criterion.text)
            for area in spec.areas
            for criterion in area.criteria
        ),
        preambles=tuple(
            (area.code, paragraph) for area in spec.areas for paragraph in area.preamble
        ),
    )
