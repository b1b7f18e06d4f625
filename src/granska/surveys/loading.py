"""Storing a questionnaire version read from its file (`granska questionnaire load`).

Apart from `services.py` (the rounds and answers) because it is the catalog's kind of work: a
validated spec checked against the protocol version it names, then stored whole or not at all.
"""

from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _

from granska.catalog.models import Area, ProtocolVersion
from granska.surveys.loader import QuestionnaireError, QuestionnaireSpec
from granska.surveys.models import FactField, Questionnaire, QuestionnaireArea, Statement


@dataclass(frozen=True)
class QuestionnaireLoadResult:
    questionnaire: Questionnaire
    outcome: Literal["created", "unchanged", "replaced"]


@transaction.atomic
def questionnaire_load(*, spec: QuestionnaireSpec) -> QuestionnaireLoadResult:
    """Stores a validated questionnaire version.

    The protocol version it names must be loaded, each of its areas must be an area of that
    protocol and each statement's criteria criteria of the statement's area: a statement mapped
    to a criterion that is not there would inform nothing, or the wrong area. Any such problem
    refuses the file whole, each named with its place.

    A new code creates a version. The same code with the same file is left as it is. A changed
    file under a code that no round and no self-assessment uses yet replaces that version; under
    a code in use it is refused, so that a review keeps the questionnaire it was sent with (a
    revision gets a code of its own).
    """
    protocol = ProtocolVersion.objects.filter(code=spec.protocol).first()
    if protocol is None:
        raise QuestionnaireError(
            spec.source_name,
            [
                (
                    "questionnaire.protocol",
                    _(
                        "no protocol version %(code)s is loaded; load its catalog first "
                        "(granska catalog load)"
                    )
                    % {"code": spec.protocol},
                )
            ],
        )
    areas = {area.code: area for area in Area.objects.filter(protocol=protocol)}
    criteria: dict[str, str] = dict(protocol.criteria.values_list("code", "area__code"))
    problems = _mapping_problems(spec, protocol, areas, criteria)
    if problems:
        raise QuestionnaireError(spec.source_name, problems)

    existing = Questionnaire.objects.select_for_update().filter(code=spec.code).first()
    if existing is not None:
        if existing.source_sha256 == spec.source_sha256:
            return QuestionnaireLoadResult(existing, "unchanged")
        rounds = existing.rounds.count()
        self_assessments = existing.self_assessments.count()
        if rounds or self_assessments:
            raise QuestionnaireError(
                spec.source_name,
                [
                    (
                        "questionnaire.code",
                        _(
                            "the questionnaire version %(code)s is used by %(rounds)d survey "
                            "rounds and %(self)d self-assessments and cannot change; give the "
                            "revised questionnaire a code of its own"
                        )
                        % {"code": spec.code, "rounds": rounds, "self": self_assessments},
                    )
                ],
            )
        existing.delete()

    questionnaire = Questionnaire.objects.create(
        code=spec.code,
        title=spec.title,
        protocol=protocol,
        source_name=spec.source_name,
        source_sha256=spec.source_sha256,
    )
    for area_position, area_spec in enumerate(spec.areas, start=1):
        area = QuestionnaireArea.objects.create(
            questionnaire=questionnaire,
            code=area_spec.code,
            title=area_spec.title or areas[area_spec.code].title,
            free_text=area_spec.free_text,
            position=area_position,
        )
        Statement.objects.bulk_create(
            Statement(
                area=area,
                code=s.code,
                text=s.text,
                groups=list(s.groups),
                criteria=list(s.criteria),
                position=position,
            )
            for position, s in enumerate(area_spec.statements, start=1)
        )
    FactField.objects.bulk_create(
        FactField(
            questionnaire=questionnaire,
            code=f.code,
            label=f.label,
            hint=f.hint,
            kind=f.kind,
            position=position,
        )
        for position, f in enumerate(spec.facts, start=1)
    )
    return QuestionnaireLoadResult(questionnaire, "replaced" if existing is not None else "created")


def _mapping_problems(
    spec: QuestionnaireSpec,
    protocol: ProtocolVersion,
    areas: dict[str, Area],
    criteria: dict[str, str],
) -> list[tuple[str, str]]:
    """Each area of `spec` not in the protocol, and each criterion of a statement not in the
    protocol or not in the statement's area, with its place."""
    problems: list[tuple[str, str]] = []
    for area in spec.areas:
        place = f"areas[{area.code}]"
        if area.code not in areas:
            problems.append(
                (
                    f"{place}.code",
                    _("the protocol version %(protocol)s has no area %(area)s")
                    % {"protocol": protocol.code, "area": area.code},
                )
            )
            continue
        for statement in area.statements:
            for index, code in enumerate(statement.criteria):
                at = f"{place}.statements[{statement.code}].criteria[{index}]"
                if code not in criteria:
                    problems.append(
                        (
                            at,
                            _("the protocol version %(protocol)s has no criterion %(code)s")
                            % {"protocol": protocol.code, "code": code},
                        )
                    )
                elif criteria[code] != area.code:
                    problems.append(
                        (
                            at,
                            _(
                                "%(code)s is a criterion of area %(other)s; a statement of area "
                                "%(area)s informs only that area's criteria"
                            )
                            % {"code": code, "other": criteria[code], "area": area.code},
                        )
                    )
    return problems
