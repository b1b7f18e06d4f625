"""Reads of the catalog."""

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
