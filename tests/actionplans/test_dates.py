"""Reading the dates of a handlingsplan: each written form and its day, the refusals, properties."""

import calendar
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from granska.actionplans.dates import ACCEPTED_FORMS, PlanDate, PlanDateError, plan_date_read

REASONS = ("empty", "unreadable", "ambiguous_winter", "invalid_date", "year_out_of_range")
MONTH_NAMES = (
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
MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "maj",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)
ORDINALS = ("första", "andra", "tredje", "fjärde")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

years = st.integers(min_value=2000, max_value=2100)
months = st.integers(min_value=1, max_value=12)
quarters = st.integers(min_value=1, max_value=4)
plan_dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period(year: int, month: int, length: int) -> tuple[date, date]:
    """The first and last day of the `length` months from `month` of `year`, counted apart from
    the module: the last day is the day before the first day of the month after the period."""
    after = year * 12 + month - 1 + length
    return date(year, month, 1), date(after // 12, after % 12 + 1, 1) - timedelta(days=1)


def normalised(text: str) -> str:
    return " ".join(text.split())


def read_or_refusal(text: str) -> PlanDate | PlanDateError:
    try:
        return plan_date_read(text)
    except PlanDateError as error:
        return error


def refusal(text: str) -> PlanDateError:
    with pytest.raises(PlanDateError) as caught:
        plan_date_read(text)
    return caught.value


# --- Worked examples ---------------------------------------------------------------------------

EXACT = [
    ("2026-06-01", "2026-06-01"),
    ("senast 2026-06-01", "2026-06-01"),
    ("1 juni 2026", "2026-06-01"),
    ("1 jun 2026", "2026-06-01"),
    ("1 Jun. 2026", "2026-06-01"),
    ("senast den 1 juni 2026", "2026-06-01"),
    ("31 december 2026", "2026-12-31"),
    ("15 sept 2026", "2026-09-15"),
    ("29 februari 2028", "2028-02-29"),
    ("2028-02-29", "2028-02-29"),
    ("2000-02-29", "2000-02-29"),
]

PERIODS = [
    # Months
    ("december 2026", "2026-12-31"),
    ("dec 2026", "2026-12-31"),
    ("December 2026", "2026-12-31"),
    ("i december 2026", "2026-12-31"),
    ("slutet av juni 2026", "2026-06-30"),
    ("2026-12", "2026-12-31"),
    ("april 2026", "2026-04-30"),
    ("februari 2027", "2027-02-28"),
    ("februari 2028", "2028-02-29"),
    ("feb 2028", "2028-02-29"),
    ("2028-02", "2028-02-29"),
    ("2000-02", "2000-02-29"),
    ("2100-02", "2100-02-28"),
    # Quarters
    ("Q1 2026", "2026-03-31"),
    ("Q2 2026", "2026-06-30"),
    ("q2 2026", "2026-06-30"),
    ("Q2-2026", "2026-06-30"),
    ("Q2–2026", "2026-06-30"),
    ("2026 Q2", "2026-06-30"),
    ("kvartal 2 2026", "2026-06-30"),
    ("kv2 2026", "2026-06-30"),
    ("Q3 2026", "2026-09-30"),
    ("Q4 2026", "2026-12-31"),
    ("första kvartalet 2026", "2026-03-31"),
    ("andra kvartalet 2026", "2026-06-30"),
    ("tredje kvartalet 2026", "2026-09-30"),
    ("fjärde kvartalet 2026", "2026-12-31"),
    # Half-years and terms
    ("VT 2027", "2027-06-30"),
    ("VT2027", "2027-06-30"),
    ("vårterminen 2027", "2027-06-30"),
    ("HT 2027", "2027-12-31"),
    ("höstterminen 2027", "2027-12-31"),
    ("första halvåret 2027", "2027-06-30"),
    ("H1 2027", "2027-06-30"),
    ("andra halvåret 2027", "2027-12-31"),
    ("H2 2027", "2027-12-31"),
    # Seasons
    ("våren 2027", "2027-05-31"),
    ("vår 2027", "2027-05-31"),
    ("under våren 2027", "2027-05-31"),
    ("sommaren 2027", "2027-08-31"),
    ("sommar 2027", "2027-08-31"),
    ("hösten 2027", "2027-11-30"),
    ("höst 2027", "2027-11-30"),
    ("vintern 2026/2027", "2027-02-28"),
    ("vintern 2026–2027", "2027-02-28"),
    ("vintern 2026-2027", "2027-02-28"),
    ("vintern 2027/2028", "2028-02-29"),
    ("vinter 2099/2100", "2100-02-28"),
    # Years
    ("2027", "2027-12-31"),
    ("under 2027", "2027-12-31"),
    ("slutet av 2027", "2027-12-31"),
    ("till slutet av 2026", "2026-12-31"),
    ("2100", "2100-12-31"),
    # Case, spaces, a trailing period
    ("  Våren   2027 ", "2027-05-31"),
    ("VÅREN 2027.", "2027-05-31"),
    ("Senast i December 2026.", "2026-12-31"),
    ("Q2\t2026", "2026-06-30"),
    ("Q2\u00a02026", "2026-06-30"),
]


@pytest.mark.parametrize(("text", "day"), EXACT)
def test_exact_date_reads_as_itself(text: str, day: str) -> None:
    assert plan_date_read(text) == PlanDate(normalised(text), date.fromisoformat(day), exact=True)


@pytest.mark.parametrize(("text", "day"), PERIODS)
def test_period_reads_as_its_last_day(text: str, day: str) -> None:
    assert plan_date_read(text) == PlanDate(normalised(text), date.fromisoformat(day), exact=False)


def test_text_is_kept_as_written_with_its_whitespace_tidied() -> None:
    assert plan_date_read("  Våren   2027 ").text == "Våren 2027"
    assert plan_date_read("senast\n1  juni 2026.").text == "senast 1 juni 2026."


def test_a_decomposed_a_with_ring_reads_like_a_composed_one() -> None:
    decomposed = "va\u030aren 2027"

    read = plan_date_read(decomposed)

    assert read.last_day == date(2027, 5, 31)
    assert read.text == decomposed


@pytest.mark.parametrize("text", ACCEPTED_FORMS)
def test_every_accepted_form_shown_in_the_refusal_reads(text: str) -> None:
    assert plan_date_read(text).text == text


# --- Refusals ----------------------------------------------------------------------------------

REFUSALS = [
    ("", "empty"),
    ("   ", "empty"),
    ("\n\t", "empty"),
    ("snart", "unreadable"),
    ("Q5 2026", "unreadable"),
    ("Q0 2026", "unreadable"),
    ("13/2026", "unreadable"),
    ("våren", "unreadable"),
    ("juni", "unreadable"),
    ("senast", "unreadable"),
    ("2026/2027", "unreadable"),
    ("vintern 2026/2028", "unreadable"),
    ("vintern 2027/2026", "unreadable"),
    ("vintern 2027", "ambiguous_winter"),
    ("Vinter 2027", "ambiguous_winter"),
    ("under vintern 2027", "ambiguous_winter"),
    ("2026-02-30", "invalid_date"),
    ("2027-02-29", "invalid_date"),
    ("29 februari 2027", "invalid_date"),
    ("31 april 2026", "invalid_date"),
    ("0 juni 2026", "invalid_date"),
    ("2026-13-01", "invalid_date"),
    ("2026-00-10", "invalid_date"),
    ("2026-13", "invalid_date"),
    ("1999", "year_out_of_range"),
    ("2101", "year_out_of_range"),
    ("1999-12-31", "year_out_of_range"),
    ("december 1999", "year_out_of_range"),
    ("Q2 2101", "year_out_of_range"),
    ("våren 1999", "year_out_of_range"),
    ("vintern 1999", "year_out_of_range"),
    ("vintern 2100/2101", "year_out_of_range"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSALS)
def test_refusal_carries_the_text_and_the_reason(text: str, reason: str) -> None:
    error = refusal(text)

    assert (error.text, error.reason) == (text, reason)


@pytest.mark.parametrize(("text", "reason"), REFUSALS)
def test_refusal_message_shows_every_accepted_form(text: str, reason: str) -> None:
    message = str(refusal(text))

    assert all(form in message for form in ACCEPTED_FORMS)


def test_refusal_keeps_the_text_exactly_as_written() -> None:
    assert refusal("  Vintern  2027 ").text == "  Vintern  2027 "


def test_plan_date_error_is_a_value_error() -> None:
    assert issubclass(PlanDateError, ValueError)


def test_ambiguous_winter_names_both_winters() -> None:
    message = str(refusal("vintern 2027"))

    assert "vintern 2026/2027" in message
    assert "vintern 2027/2028" in message


def test_invalid_date_tells_how_long_the_month_is() -> None:
    assert "februari 2026 har 28 dagar" in str(refusal("2026-02-30"))


def test_year_out_of_range_names_the_year() -> None:
    assert "året 2207" in str(refusal("HT 2207"))


def test_unreadable_text_is_quoted_with_its_whitespace_tidied() -> None:
    assert "'snart nog'" in str(refusal("  snart   nog "))


# --- Properties --------------------------------------------------------------------------------


@given(plan_dates)
def test_any_iso_date_reads_back_exactly(day: date) -> None:
    assert plan_date_read(day.isoformat()) == PlanDate(day.isoformat(), day, exact=True)


@given(plan_dates, st.booleans())
def test_any_date_in_swedish_words_reads_back_exactly(day: date, abbreviated: bool) -> None:
    names = MONTH_ABBREVIATIONS if abbreviated else MONTH_NAMES
    text = f"{day.day} {names[day.month - 1]} {day.year}"

    assert plan_date_read(text) == PlanDate(text, day, exact=True)


@given(years, months, st.booleans(), st.sampled_from([str.lower, str.capitalize, str.upper]))
def test_any_month_in_swedish_words_reads_as_its_last_day(
    year: int, month: int, abbreviated: bool, case: Callable[[str], str]
) -> None:
    name = (MONTH_ABBREVIATIONS if abbreviated else MONTH_NAMES)[month - 1]
    text = f"{case(name)} {year}"

    read = plan_date_read(text)

    assert read.last_day == date(year, month, calendar.monthrange(year, month)[1])
    assert not read.exact


@given(years, months)
def test_any_year_and_month_in_numbers_reads_as_the_month_last_day(year: int, month: int) -> None:
    read = plan_date_read(f"{year}-{month:02d}")

    assert read.last_day == month_end(year, month)
    assert not read.exact


QUARTER_FORMS = (
    "Q{q} {y}",
    "q{q} {y}",
    "Q{q}-{y}",
    "{y} Q{q}",
    "kvartal {q} {y}",
    "kv{q} {y}",
    "{ordinal} kvartalet {y}",
)


@given(years, quarters, st.sampled_from(QUARTER_FORMS))
def test_any_quarter_reads_as_the_quarter_last_day(year: int, quarter: int, form: str) -> None:
    text = form.format(q=quarter, y=year, ordinal=ORDINALS[quarter - 1])

    read = plan_date_read(text)

    assert read.last_day == month_end(year, 3 * quarter)
    assert read.last_day.month in (3, 6, 9, 12)
    assert not read.exact


@st.composite
def periods(draw: st.DrawFn) -> tuple[str, date, date]:
    """A period written in one of the accepted forms, with its first and last day."""
    year = draw(years)
    month = draw(months)
    quarter = draw(quarters)
    half = draw(st.integers(min_value=1, max_value=2))
    winter = draw(st.integers(min_value=2000, max_value=2099))
    text, start, length = draw(
        st.sampled_from(
            [
                (f"{MONTH_NAMES[month - 1]} {year}", (year, month), 1),
                (f"{year}-{month:02d}", (year, month), 1),
                (f"Q{quarter} {year}", (year, 3 * quarter - 2), 3),
                (f"{ORDINALS[quarter - 1]} kvartalet {year}", (year, 3 * quarter - 2), 3),
                (f"{('VT', 'HT')[half - 1]} {year}", (year, 6 * half - 5), 6),
                (f"H{half} {year}", (year, 6 * half - 5), 6),
                (f"{ORDINALS[half - 1]} halvåret {year}", (year, 6 * half - 5), 6),
                (f"våren {year}", (year, 3), 3),
                (f"sommaren {year}", (year, 6), 3),
                (f"hösten {year}", (year, 9), 3),
                (f"vintern {winter}/{winter + 1}", (winter, 12), 3),
                (f"vintern {winter}–{winter + 1}", (winter, 12), 3),
                (f"{year}", (year, 1), 12),
            ]
        )
    )
    return (text, *period(*start, length))


@given(periods(), st.data())
def test_last_day_is_the_last_day_of_the_period_named(
    case: tuple[str, date, date], data: st.DataObject
) -> None:
    text, first, last = case
    day = data.draw(st.dates(min_value=first, max_value=last), label="a day of the period")

    read = plan_date_read(text)

    assert read.last_day >= day
    assert read.last_day >= first
    # No later than the period's end either: the reminder comes when the period is over.
    assert read.last_day == last


# Pieces of dates, so that the reading is tried on many texts that are nearly dates.
PIECES = (
    "2026",
    "2027",
    "1999",
    "2101",
    "02",
    "13",
    "30",
    "1",
    "-",
    "–",
    "/",
    ".",
    "Q2",
    "q5",
    "kv",
    "kvartal",
    "kvartalet",
    "andra",
    "halvåret",
    "VT",
    "HT",
    "H1",
    "våren",
    "vintern",
    "juni",
    "dec",
    "den",
    "senast",
    "under",
    "i",
    "slutet av",
    "år",
    "2026-02-30",
    "2026-12",
)
nearly_dates = st.lists(
    st.tuples(st.sampled_from(PIECES), st.sampled_from(["", " ", "  ", "\t", "-", "/"]))
).map(lambda pieces: "".join(piece + after for piece, after in pieces))


@given(st.one_of(st.text(), nearly_dates))
def test_any_text_is_read_or_refused_with_a_plan_date_error(text: str) -> None:
    # Any other exception escapes and fails the test.
    outcome = read_or_refusal(text)

    if isinstance(outcome, PlanDateError):
        assert outcome.reason in REASONS
        assert outcome.text == text
        assert all(form in str(outcome) for form in ACCEPTED_FORMS)
    else:
        assert outcome.text == normalised(text)
        assert FIRST_DAY <= outcome.last_day <= LAST_DAY


SPACES = st.text(alphabet=" \t\n\u00a0", min_size=1, max_size=3)


@given(
    st.sampled_from([text for text, _ in EXACT + PERIODS]),
    st.lists(st.booleans(), min_size=1),
    SPACES,
    SPACES,
    st.booleans(),
)
def test_case_spaces_and_a_trailing_period_do_not_change_the_reading(
    text: str, upper: list[bool], around: str, between: str, full_stop: bool
) -> None:
    cased = "".join(c.upper() if upper[i % len(upper)] else c.lower() for i, c in enumerate(text))
    ending = "." if full_stop and not text.endswith(".") else ""
    rewritten = around + cased.replace(" ", between) + ending + around

    read = plan_date_read(rewritten)

    assert read.last_day == plan_date_read(text).last_day
    assert read.text == normalised(rewritten)


def test_reading_dates_imports_no_django() -> None:
    """The reading is plain Python: importing it loads no part of Django."""
    script = (
        "import sys, granska.actionplans.dates; "
        "print(sorted(m for m in sys.modules if 'django' in m))"
    )
    env = {"PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "[]"
