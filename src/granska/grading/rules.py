"""The grading rules of a SPUR review: from the findings on an area's criteria to a grade.

Plain Python on plain data, with no Django, so that the rules can be read and tested on their own.
The catalog builds an `AreaRule` for each area of a protocol version, the reviews app passes in the
inspectors' findings, and `suggest_grade` returns the grade the rules give and why. The inspectors
set the grade themselves and may depart from the suggestion with a reason (SPEC §4).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from granska.grading.vocabulary import (
    GRADE_ORDER,
    NOT_FULLY_MET,
    REGULATIONS,
    SCALES,
    Grade,
    Level,
    Outcome,
)


class GradingInputError(ValueError):
    """Input the rules cannot grade. The message is in Swedish and names the offending thing."""


_OUTCOMES = frozenset(Outcome)


def parse_outcome(value: str) -> Outcome:
    """Read a finding as stored or sent (`"delvis"`), refusing anything else with a message."""
    try:
        return Outcome(value)
    except ValueError:
        raise GradingInputError(
            f"Okänt utfall {value!r}. Giltiga värden är {_outcome_values()}."
        ) from None


def worse(a: str, b: str) -> str:
    """The worse of two grades, as when a unit's grade is the worst of its parts."""
    return max(a, b, key=_rank)


@dataclass(frozen=True)
class CriterionRule:
    """One criterion of the protocol as grading sees it: its code, its level, where it applies.

    A criterion marked "endast 2015" or "endast 2021" applies to that regulation only.
    """

    code: str
    level: Level
    regulations: frozenset[str]

    def __post_init__(self) -> None:
        # The catalog is data the kansli edits; a typo in a regulation would silently drop the
        # criterion from every review, so it is refused here.
        unknown = sorted(self.regulations - set(REGULATIONS))
        if unknown:
            raise GradingInputError(
                f"Kriteriet {self.code} anger okänd föreskrift {', '.join(unknown)}. "
                f"Giltiga föreskrifter är {_regulation_names()}."
            )
        if not self.regulations:
            raise GradingInputError(f"Kriteriet {self.code} gäller ingen föreskrift.")


@dataclass(frozen=True)
class AreaRule:
    """One area of the protocol (A–H): its grade scale and its criteria in catalog order."""

    code: str
    scale: tuple[str, ...]
    criteria: tuple[CriterionRule, ...]

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise GradingInputError(
                f"Område {self.code} har betygsskalan {'/'.join(map(str, self.scale))}. "
                "Giltiga skalor är A/B/C/D och A/B/D."
            )
        codes = [criterion.code for criterion in self.criteria]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise GradingInputError(
                f"Område {self.code} har flera kriterier med koden {', '.join(duplicates)}."
            )

    def criteria_for(self, regulation: str) -> tuple[CriterionRule, ...]:
        """The criteria that apply when the area is assessed against `regulation`, in order."""
        _check_regulation(regulation)
        return tuple(c for c in self.criteria if regulation in c.regulations)


class ReasonKind(StrEnum):
    """Why a grade follows: which level of criteria was, or was not, met."""

    FORESKRIFT_NOT_MET = "foreskrift_not_met"
    """A föreskrift is not fully met: D."""
    ALLMANT_RAD_NOT_MET = "allmant_rad_not_met"
    """An allmänt råd is not fully met: C, or B on a scale without C."""
    KVALITETSINDIKATOR_NOT_MET = "kvalitetsindikator_not_met"
    """More quality indicators are not fully met than the "enstaka undantag" allowed: B."""
    KVALITETSINDIKATOR_WITHIN_LIMIT = "kvalitetsindikator_within_limit"
    """Everything is met, the quality indicators with at most the allowed exceptions: A."""


@dataclass(frozen=True)
class Reason:
    """One line of the explanation: a kind, the grade it gives alone, the criteria behind it."""

    kind: ReasonKind
    grade: Grade
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """The grade the rules suggest for an area and one regulation, and why.

    `reasons` starts with the reason that decided the grade; any further ones are deficiencies at
    less binding levels, told for information because they did not change the grade. While a
    criterion in scope is not yet assessed (`missing`), the suggestion is not `complete` and gives
    the best grade still possible. A grade needs something to grade: while no criterion in scope
    has a finding other than *ej relevant*, there is no suggestion (`grade` None, no reasons),
    never an A from nothing. `total` is the number of criteria in scope.
    """

    grade: Grade | None
    complete: bool
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    total: int

    @property
    def assessed(self) -> int:
        """The criteria in scope with a finding, *ej relevant* included."""
        return self.total - len(self.missing)


def suggest_grade(
    area: AreaRule,
    regulation: str,
    findings: Mapping[str, Outcome],
    *,
    max_ki_exceptions: int = 1,
) -> Suggestion:
    """Suggest the grade of `area` against `regulation` from the inspectors' findings.

    `findings` maps a criterion code to its outcome; a criterion without one is not yet assessed.
    A föreskrift not fully met gives D; otherwise an allmänt råd not fully met gives C (B on a scale
    without C, where A requires föreskrifter and allmänna råd followed); otherwise A when at most
    `max_ki_exceptions` quality indicators are not fully met ("med enstaka undantag"), else B.
    Criteria found *ej relevant* are left out; with nothing else found there is no grade.
    """
    in_scope = area.criteria_for(regulation)
    _check_findings(area, regulation, in_scope, findings)
    if max_ki_exceptions < 0:
        raise GradingInputError(
            "Antalet tillåtna undantag bland kvalitetsindikatorerna kan inte vara negativt "
            f"(angivet: {max_ki_exceptions})."
        )

    def not_fully_met(level: Level) -> tuple[str, ...]:
        return tuple(
            c.code for c in in_scope if c.level == level and findings.get(c.code) in NOT_FULLY_MET
        )

    # Each level taken alone gives a grade no better than the next, less binding level does, so
    # the reasons come out worst first and the first one decides the grade.
    reasons: list[Reason] = []
    if foreskrifter := not_fully_met(Level.FORESKRIFT):
        reasons.append(Reason(ReasonKind.FORESKRIFT_NOT_MET, Grade.D, foreskrifter))
    if allmanna_rad := not_fully_met(Level.ALLMANT_RAD):
        grade = Grade.C if Grade.C in area.scale else Grade.B
        reasons.append(Reason(ReasonKind.ALLMANT_RAD_NOT_MET, grade, allmanna_rad))
    indikatorer = not_fully_met(Level.KVALITETSINDIKATOR)
    if len(indikatorer) > max_ki_exceptions:
        reasons.append(Reason(ReasonKind.KVALITETSINDIKATOR_NOT_MET, Grade.B, indikatorer))
    if not reasons:
        reasons.append(Reason(ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT, Grade.A, indikatorer))

    missing = tuple(c.code for c in in_scope if c.code not in findings)
    if not any(findings[c.code] != Outcome.EJ_RELEVANT for c in in_scope if c.code in findings):
        return Suggestion(
            grade=None, complete=not missing, reasons=(), missing=missing, total=len(in_scope)
        )
    return Suggestion(
        grade=reasons[0].grade,
        complete=not missing,
        reasons=tuple(reasons),
        missing=missing,
        total=len(in_scope),
    )


def _check_findings(
    area: AreaRule,
    regulation: str,
    in_scope: tuple[CriterionRule, ...],
    findings: Mapping[str, Outcome],
) -> None:
    # A finding the rules would ignore is a mistake upstream (a wrong area, a criterion of the
    # other regulation); grading without it would hide the mistake behind a plausible grade.
    by_code = {c.code: c for c in area.criteria}
    unknown = sorted(code for code in findings if code not in by_code)
    if unknown:
        raise GradingInputError(
            f"Område {area.code} har inget kriterium med koden {', '.join(unknown)}."
        )
    applicable = {c.code for c in in_scope}
    for code in sorted(findings):
        if code not in applicable:
            only = ", ".join(r for r in REGULATIONS if r in by_code[code].regulations)
            raise GradingInputError(
                f"Kriteriet {code} gäller inte {regulation} (endast {only}) "
                "och kan inte bedömas för den föreskriften."
            )
        # Comparing by value lets a plain "delvis" through; a misspelling would count as met.
        if findings[code] not in _OUTCOMES:
            raise GradingInputError(
                f"Okänt utfall {findings[code]!r} för kriteriet {code}. "
                f"Giltiga värden är {_outcome_values()}."
            )


def _check_regulation(regulation: str) -> None:
    if regulation not in REGULATIONS:
        raise GradingInputError(
            f"Okänd föreskrift {regulation!r}. Giltiga föreskrifter är {_regulation_names()}."
        )


def _rank(grade: str) -> int:
    try:
        return GRADE_ORDER.index(grade)
    except ValueError:
        raise GradingInputError(
            f"Okänt betyg {grade!r}. Giltiga betyg är {', '.join(GRADE_ORDER)}."
        ) from None


def _outcome_values() -> str:
    return ", ".join(outcome.value for outcome in Outcome)


def _regulation_names() -> str:
    return " och ".join(REGULATIONS)
