"""Reads of the catalog."""

import datetime
import functools
from typing import Any

from django.db.models import Prefetch

from granska.catalog.models import Area, Criterion, ProtocolVersion


def protocol_latest() -> ProtocolVersion | None:
    """The most recently loaded protocol version: the one new reviews are booked with."""
    return ProtocolVersion.objects.order_by("-loaded_at", "-pk").first()


def protocol_areas(protocol: ProtocolVersion) -> list[Area]:
    """The protocol's areas in order, each with its criteria prefetched in order."""
    return list(
        protocol.areas.order_by("position").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position"))
        )
    )


def protocol_areas_shared(protocol: ProtocolVersion) -> list[Area]:
    """`protocol_areas`, read once per process and then shared between requests.

    A loaded protocol version never changes: the catalog is read-only (in the admin too), and a
    file loaded again under a code that no review uses replaces the version with a new row. So
    its areas and criteria may be kept under the row, its load time and its file's digest. The
    instances are shared: read them, never change them."""
    return list(_areas_of(protocol.pk, protocol.loaded_at, protocol.source_sha256))


@functools.lru_cache(maxsize=16)
def _areas_of(pk: int, loaded_at: datetime.datetime, sha256: str) -> tuple[Area, ...]:
    return tuple(
        Area.objects.filter(protocol_id=pk)
        .order_by("position")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position")))
    )


def protocol_as_json(protocol: ProtocolVersion) -> dict[str, Any]:
    """The protocol as `granska catalog show --json` prints it."""
    return {
        "version": protocol.code,
        "title": protocol.title,
        "max_ki_exceptions": protocol.max_ki_exceptions,
        "areas": [
            {
                "code": area.code,
                "title": area.title,
                "group": area.group,
                "scale": area.grades,
                "criteria": [criterion.as_json() for criterion in area.criteria.all()],
            }
            for area in protocol_areas(protocol)
        ],
    }
