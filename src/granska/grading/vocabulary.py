"""The words of a SPUR review, defined once: regulations, levels, outcomes, grades and scales.

Plain Python, no Django. The grading rules speak these words, the catalog loader accepts them,
and the Django side (`granska.choices`) derives the models' choices and the Swedish labels from
them, so that a word is added or changed here and nowhere else. Each value is the one the
database stores.
"""

from collections.abc import Sequence
from enum import StrEnum


class Regulation(StrEnum):
    """A regulation (föreskrift) on ST that a review can assess a unit against."""

    SOSFS_2015_8 = "SOSFS 2015:8"
    HSLF_FS_2021_8 = "HSLF-FS 2021:8"

    @property
    def year(self) -> str:
        """The column heading the reports use: "2015" or "2021"."""
        return self.value.split()[-1].split(":")[0]


REGULATIONS: tuple[Regulation, ...] = tuple(Regulation)
"""Every regulation, oldest first: the order of the reports' grade columns."""


class Level(StrEnum):
    """How binding a criterion is."""

    FORESKRIFT = "foreskrift"
    """Föreskrift: what the regulation says the care provider must do."""
    ALLMANT_RAD = "allmant_rad"
    """Allmänt råd: what the regulation's general advice says it should do."""
    KVALITETSINDIKATOR = "kvalitetsindikator"
    """Kvalitetsindikator: SPUR's own mark of training of high quality, beyond the regulation."""


class Outcome(StrEnum):
    """The inspectors' finding on one criterion. No finding at all means *ej bedömt*."""

    UPPFYLLT = "uppfyllt"
    DELVIS = "delvis"
    EJ_UPPFYLLT = "ej_uppfyllt"
    EJ_RELEVANT = "ej_relevant"


NOT_FULLY_MET: frozenset[Outcome] = frozenset({Outcome.DELVIS, Outcome.EJ_UPPFYLLT})
"""The outcomes that count as a deficiency: a föreskrift "delvis uppfyllt" gives D all the same."""


class Grade(StrEnum):
    """An area's grade under one regulation. D means deficiencies against a föreskrift."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


GRADE_ORDER: tuple[Grade, ...] = tuple(Grade)
"""Every grade, best first. A D requires action: the unit owes a handlingsplan."""

SCALE_ABD: tuple[Grade, ...] = (Grade.A, Grade.B, Grade.D)
SCALE_ABCD: tuple[Grade, ...] = (Grade.A, Grade.B, Grade.C, Grade.D)
SCALES: tuple[tuple[Grade, ...], ...] = (SCALE_ABD, SCALE_ABCD)
"""The grade scales an area may have, best grade first: areas A and C are graded A/B/D, the others
A/B/C/D (SPEC §3). Every scale has A, B and D, so a D can always be adjusted one step up."""


def adjusted_grade(scale: Sequence[str]) -> Grade:
    """The grade a D is adjusted to when the action plan is accepted: one step up the area's
    scale, C on an A/B/C/D scale, B on an A/B/D one."""
    return Grade(scale[list(scale).index(Grade.D) - 1])
