"""The dates of a handlingsplan: an exact day, or a period written in Swedish words.

For every planned action the unit writes when it will be done and when it will be followed up,
and it writes them as people do: "2026-06-01", but as often "Q2 2026", "december 2026" or "våren
2027". Asking for an exact day would make up a precision the unit does not have, so the text is
kept as written and read as the last day of the period it names: the day the action is due by,
which the reminders use. A text that cannot be read is refused with the forms that can, never
guessed at, since a reminder on the wrong day is worse than a question while the plan is written.

Plain Python with no Django, like the grading rules, so that the reading can be tested on its own.
"""

import calendar
import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ACCEPTED_FORMS: tuple[str, ...] = (
    "2026-06-01",
    "1 juni 2026",
    "december 2026",
    "2026-12",
    "Q2 2026",
    "andra kvartalet 2026",
    "våren 2027",
    "VT 2027",
    "HT 2027",
    "första halvåret 2027",
    "vintern 2026/2027",
    "2027",
)
"""An example of every form a date can be written in, for the message that refuses a text."""

# A plan runs a few years ahead. A year outside these is a typo ("2207", "1026"), not a plan.
_FIRST_YEAR = 2000
_LAST_YEAR = 2100

_Reason = Literal["empty", "unreadable", "ambiguous_winter", "invalid_date", "year_out_of_range"]


@dataclass(frozen=True)
class PlanDate:
    """A date as the unit wrote it, and the day it is read as.

    `text` is what was written with its whitespace tidied, `last_day` the date itself when it is
    `exact`, otherwise the last day of the period it names.
    """

    text: str
    last_day: datetime.date
    exact: bool


class PlanDateError(ValueError):
    """A date that cannot be read. The message is in Swedish and shows the forms that can.

    `text` is what was written, unchanged; `reason` says why it was refused, as a short code:
    "empty", "unreadable", "ambiguous_winter", "invalid_date" or "year_out_of_range".
    """

    def __init__(self, text: str, reason: _Reason, detail: str | None = None) -> None:
        if detail is None:
            detail = f"{' '.join(text.split())!r} kan inte läsas som ett datum eller en period."
        super().__init__(f"{detail} Skriv till exempel {', '.join(ACCEPTED_FORMS)}.")
        self.text = text
        self.reason: _Reason = reason


class _Refused(Exception):
    """A refusal from inside the reading, turned into a PlanDateError where the text is known."""

    def __init__(self, reason: _Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason: _Reason = reason
        self.detail = detail


_MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
# The Swedish abbreviations are the first three letters of the month ("jan", "maj", "okt"), and
# "sept" is common besides "sep".
_MONTHS: dict[str, int] = (
    {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
    | {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
    | {"sept": 9}
)
_ORDINALS: dict[str, int] = {"första": 1, "andra": 2, "tredje": 3, "fjärde": 4}
_HALVES: dict[str, int] = {
    "vt": 1,
    "vårtermin": 1,
    "vårterminen": 1,
    "h1": 1,
    "första halvåret": 1,
    "ht": 2,
    "hösttermin": 2,
    "höstterminen": 2,
    "h2": 2,
    "andra halvåret": 2,
}
# Seasons are read the meteorological way, by whole months: spring is March to May, summer June
# to August, autumn September to November. The value is the season's last month.
_SEASONS: dict[str, int] = {
    "vår": 5,
    "våren": 5,
    "sommar": 8,
    "sommaren": 8,
    "höst": 11,
    "hösten": 11,
}


def _alternatives(words: dict[str, int]) -> str:
    # Longest first, so that "våren" is not read as "vår" followed by a stray "en".
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# The patterns are matched against the text in lower case with single spaces, after the optional
# leading words: "senast" or "till", then "under", "i" or "slutet av" ("senast i december 2026",
# "till slutet av 2026"). They are read the same with or without them: all name the same day.
_LEADING = r"(?:(?:senast|till) )?(?:(?:under|i|slutet av) )?"
_YEAR = r"(?P<year>[0-9]{4})"
_SEP = r"(?: ?[-–] ?| )"
_MONTH = rf"(?P<month_name>{_alternatives(_MONTHS)})\.?"
_QUARTER = r"(?:q|kv\.?|kvartal) ?(?P<quarter>[1-4])"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _checked_month(text: str, match: re.Match[str]) -> int:
    if name := match.groupdict().get("month_name"):
        return _MONTHS[name]
    month = int(match.group("month_number"))
    if not 1 <= month <= 12:
        raise _Refused(
            "invalid_date", f"{text!r} är inget giltigt datum: månad {month} finns inte."
        )
    return month


def _exact_day(text: str, match: re.Match[str]) -> datetime.date:
    year, month = int(match.group("year")), _checked_month(text, match)
    day = int(match.group("day"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        days = calendar.monthrange(year, month)[1]
        raise _Refused(
            "invalid_date",
            f"{text!r} är inget giltigt datum: {_MONTH_NAMES[month - 1]} {year} har {days} dagar.",
        ) from None


def _month(text: str, match: re.Match[str]) -> datetime.date:
    return _month_end(int(match.group("year")), _checked_month(text, match))


def _quarter(text: str, match: re.Match[str]) -> datetime.date:
    if ordinal := match.groupdict().get("ordinal"):
        quarter = _ORDINALS[ordinal]
    else:
        quarter = int(match.group("quarter"))
    return _month_end(int(match.group("year")), 3 * quarter)


def _half(text: str, match: re.Match[str]) -> datetime.date:
    return _month_end(int(match.group("year")), 6 * _HALVES[match.group("half")])


def _season(text: str, match: re.Match[str]) -> datetime.date:
    return _month_end(int(match.group("year")), _SEASONS[match.group("season")])


def _winter(text: str, match: re.Match[str]) -> datetime.date:
    year, second_year = int(match.group("year")), int(match.group("second_year"))
    if second_year != year + 1:
        raise _Refused(
            "unreadable",
            f"{text!r} kan inte läsas: en vinter går från ett år till nästa, "
            f"som vintern {year}/{year + 1}.",
        )
    return _month_end(second_year, 2)


def _winter_of_one_year(text: str, match: re.Match[str]) -> datetime.date:
    # December 2027 and February 2027 are both "vintern 2027" to someone; the two readings are ten
    # months apart, too far to pick one.
    year = int(match.group("year"))
    raise _Refused(
        "ambiguous_winter",
        f"{text!r} kan vara både vintern {year - 1}/{year} och vintern {year}/{year + 1}. "
        "Ange båda åren.",
    )


def _year(text: str, match: re.Match[str]) -> datetime.date:
    return datetime.date(int(match.group("year")), 12, 31)


_Reader = Callable[[str, re.Match[str]], datetime.date]

# Each form: its pattern, how to read the last day from a match, and whether the day is exact.
_FORMS: tuple[tuple[re.Pattern[str], _Reader, bool], ...] = tuple(
    (re.compile(_LEADING + pattern), reader, exact)
    for pattern, reader, exact in (
        (rf"{_YEAR}-(?P<month_number>[0-9]{{1,2}})-(?P<day>[0-9]{{1,2}})", _exact_day, True),
        (rf"(?:den )?(?P<day>[0-9]{{1,2}}) {_MONTH} {_YEAR}", _exact_day, True),
        (rf"{_MONTH}{_SEP}{_YEAR}", _month, False),
        (rf"{_YEAR}-(?P<month_number>[0-9]{{1,2}})", _month, False),
        (rf"{_QUARTER}{_SEP}{_YEAR}", _quarter, False),
        (rf"{_YEAR}{_SEP}{_QUARTER}", _quarter, False),
        (rf"(?P<ordinal>{_alternatives(_ORDINALS)}) kvartal(?:et)?{_SEP}{_YEAR}", _quarter, False),
        # "VT2027" is as common as "VT 2027", but "H12027" is a slip: H1, H2 and the words need a
        # space or a dash before the year.
        (rf"(?P<half>vt|ht)(?:{_SEP})?{_YEAR}", _half, False),
        (rf"(?P<half>{_alternatives(_HALVES)}){_SEP}{_YEAR}", _half, False),
        (rf"(?P<season>{_alternatives(_SEASONS)}){_SEP}{_YEAR}", _season, False),
        (rf"vintern? {_YEAR} ?[-–/] ?(?P<second_year>[0-9]{{4}})", _winter, False),
        (rf"vintern?{_SEP}{_YEAR}", _winter_of_one_year, False),
        (rf"(?:år )?{_YEAR}", _year, False),
    )
)


def plan_date_read(text: str) -> PlanDate:
    """Read a date of a handlingsplan as written, or refuse it with a PlanDateError.

    An exact date reads as itself, a period as its last day: "Q2 2026" as 2026-06-30, "våren
    2027" as 2027-05-31. Case, extra spaces, a trailing period and a leading "senast", "till",
    "under", "i" or "slutet av" do not matter.
    """
    written = " ".join(text.split())
    if not written:
        raise PlanDateError(text, "empty", "Ange ett datum eller en period.")
    # NFC, so that an "å" typed as "a" and a combining ring (as some keyboards send it) is an "å".
    key = unicodedata.normalize("NFC", written).lower().removesuffix(".").rstrip()
    for pattern, reader, exact in _FORMS:
        if match := pattern.fullmatch(key):
            try:
                _check_years(written, match)
                return PlanDate(text=written, last_day=reader(written, match), exact=exact)
            except _Refused as refusal:
                raise PlanDateError(text, refusal.reason, refusal.detail) from None
    raise PlanDateError(text, "unreadable")


def _check_years(text: str, match: re.Match[str]) -> None:
    # Checked before anything else, so that a mistyped year is told as such whatever the form.
    for group in ("year", "second_year"):
        year = match.groupdict().get(group)
        if year is not None and not _FIRST_YEAR <= int(year) <= _LAST_YEAR:
            raise _Refused(
                "year_out_of_range",
                f"{text!r} har året {int(year)}, men ett år i en handlingsplan ska ligga mellan "
                f"{_FIRST_YEAR} och {_LAST_YEAR}.",
            )
