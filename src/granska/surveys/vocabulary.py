"""The words of a survey, defined once, in plain Python: who answers and on what scale.

The models take their choices from `granska.surveys.models`, which labels these words; the
questionnaire loader accepts exactly these values."""

from enum import StrEnum


class Group(StrEnum):
    """A respondent group (SPEC §7). The stored value is also what a questionnaire file names."""

    ST_LAKARE = "st_lakare"
    HANDLEDARE = "handledare"
    STUDIEREKTOR = "studierektor"
    VERKSAMHETSCHEF = "verksamhetschef"


IDENTIFIABLE: frozenset[Group] = frozenset({Group.STUDIEREKTOR, Group.VERKSAMHETSCHEF})
"""The groups that are usually one person and so cannot be anonymous: they are told so before
they answer, their answers reach the inspectors as theirs, and never a report, an export or the
statistics."""

ANONYMOUS: tuple[Group, ...] = tuple(g for g in Group if g not in IDENTIFIABLE)


class Value(StrEnum):
    """An answer to a statement. *Ej relevant* is counted apart and left out of the shares."""

    HELT = "helt"
    GANSKA_BRA = "ganska_bra"
    GANSKA_DALIGT = "ganska_daligt"
    INTE_ALLS = "inte_alls"
    EJ_RELEVANT = "ej_relevant"


SCALE: tuple[Value, ...] = (Value.HELT, Value.GANSKA_BRA, Value.GANSKA_DALIGT, Value.INTE_ALLS)
"""The answers that count in the shares, most agreeing first."""


class FactKind(StrEnum):
    """What a fact field of the unit's self-description holds."""

    NUMBER = "number"
    TEXT = "text"
    YES_NO = "yes_no"
