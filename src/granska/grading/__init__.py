"""The grading rules of a SPUR review: plain Python, no Django (see `rules`), and the words they
speak (see `vocabulary`)."""

from granska.grading.rules import (
    AreaRule,
    CriterionRule,
    GradingInputError,
    Reason,
    ReasonKind,
    Suggestion,
    parse_outcome,
    suggest_grade,
    worse,
)
from granska.grading.vocabulary import (
    GRADE_ORDER,
    NOT_FULLY_MET,
    REGULATIONS,
    SCALES,
    Grade,
    Level,
    Outcome,
    Regulation,
    adjusted_grade,
)

__all__ = [
    "GRADE_ORDER",
    "NOT_FULLY_MET",
    "REGULATIONS",
    "SCALES",
    "AreaRule",
    "CriterionRule",
    "Grade",
    "GradingInputError",
    "Level",
    "Outcome",
    "Reason",
    "ReasonKind",
    "Regulation",
    "Suggestion",
    "adjusted_grade",
    "parse_outcome",
    "suggest_grade",
    "worse",
]
