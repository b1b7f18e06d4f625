"""The grading rules of a SPUR review: plain Python, no Django (see `rules`)."""

from granska.grading.rules import (
    GRADE_ORDER,
    REGULATIONS,
    AreaRule,
    CriterionRule,
    GradingInputError,
    Level,
    Outcome,
    Reason,
    ReasonKind,
    Suggestion,
    parse_outcome,
    suggest_grade,
    worse,
)

__all__ = [
    "GRADE_ORDER",
    "REGULATIONS",
    "AreaRule",
    "CriterionRule",
    "GradingInputError",
    "Level",
    "Outcome",
    "Reason",
    "ReasonKind",
    "Suggestion",
    "parse_outcome",
    "suggest_grade",
    "worse",
]
