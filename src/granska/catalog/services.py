"""Writes to the catalog."""

from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _

from granska.catalog.glyphs import spec_glyph_problems
from granska.catalog.loader import CatalogError, ProtocolSpec
from granska.catalog.models import Area, Criterion, ProtocolVersion


@dataclass(frozen=True)
class LoadResult:
    protocol: ProtocolVersion
    outcome: Literal["created", "unchanged", "replaced"]


@transaction.atomic
def protocol_load(*, spec: ProtocolSpec) -> LoadResult:
    """Stores a validated protocol version.

    A new code creates a version. The same code with the same file is left as it is. A changed
    file under a code that no review uses yet replaces that version; under a code that reviews
    use, or that a questionnaire is mapped onto, it is refused, so that a review always keeps the
    protocol it was made with. A text the report's PDF cannot show is refused too, naming its
    place: it would block every report.
    """
    unshowable = spec_glyph_problems(spec)
    if unshowable:
        raise CatalogError(spec.source_name, unshowable)
    existing = ProtocolVersion.objects.select_for_update().filter(code=spec.code).first()
    if existing is not None:
        if existing.source_sha256 == spec.source_sha256:
            return LoadResult(existing, "unchanged")
        in_use = existing.reviews.count()
        if in_use:
            raise CatalogError(
                spec.source_name,
                [
                    (
                        "protocol.code",
                        _(
                            "the protocol version %(code)s is used by %(count)d reviews and "
                            "cannot change; give the revised protocol a code of its own"
                        )
                        % {"code": spec.code, "count": in_use},
                    )
                ],
            )
        # A questionnaire maps its statements onto this version's criteria (surveys); the
        # reverse relation is read here, as the reviews' is, without importing the app above.
        mapped = existing.questionnaires.count()
        if mapped:
            raise CatalogError(
                spec.source_name,
                [
                    (
                        "protocol.code",
                        _(
                            "the protocol version %(code)s has %(count)d questionnaires mapped "
                            "onto its criteria and cannot change; give the revised protocol a "
                            "code of its own"
                        )
                        % {"code": spec.code, "count": mapped},
                    )
                ],
            )
        existing.delete()

    protocol = ProtocolVersion.objects.create(
        code=spec.code,
        title=spec.title,
        max_ki_exceptions=spec.max_ki_exceptions,
        regulations=list(spec.regulations),
        source_name=spec.source_name,
        source_sha256=spec.source_sha256,
    )
    for area_position, area_spec in enumerate(spec.areas, start=1):
        area = Area.objects.create(
            protocol=protocol,
            code=area_spec.code,
            position=area_position,
            title=area_spec.title,
            group=area_spec.group,
            preamble=list(area_spec.preamble),
            scale=[{"grade": grade, "wording": wording} for grade, wording in area_spec.scale],
        )
        Criterion.objects.bulk_create(
            Criterion(
                protocol=protocol,
                area=area,
                code=c.code,
                position=position,
                level=c.level,
                regulations=list(c.regulations),
                text=c.text,
                reading_source=c.reading_source,
                reading_confidence=c.reading_confidence,
            )
            for position, c in enumerate(area_spec.criteria, start=1)
        )
    return LoadResult(protocol, "replaced" if existing is not None else "created")
