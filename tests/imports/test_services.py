"""Storing a parsed report as a review (issue 13): the records matched or made, what was read
and nothing more, the file once, the duplicate, the dry run, the refusal."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionItem, FollowUp, PlanStatus
from granska.catalog.models import ProtocolVersion
from granska.imports.models import ImportedReview, SourceFile
from granska.imports.parsed import ParsedReport, report_from_json, report_json
from granska.imports.services import (
    IMPORTED_CARE_PROVIDER,
    IMPORTED_REGION,
    reading_store,
    report_import,
    source_keep,
)
from granska.lifecycle import Status
from granska.reviews.models import AreaGrade, Review, StatusChange, Unit
from granska.reviews.selectors import reviews_due_again, unit_next_reviews
from tests.factories import (
    CareProviderFactory,
    ReviewFactory,
    SpecialtyFactory,
    UnitFactory,
    UserFactory,
)
from tests.imports.builders import parsed_report, reader_of, refusing

pytestmark = pytest.mark.django_db

DATA = b"en rapport"


@pytest.fixture
def kansli() -> User:
    return UserFactory(role=Role.KANSLI, email="kansli@granska.example")


def store(kansli: User, parsed: ParsedReport, data: bytes = DATA) -> Review:
    source = source_keep(by=kansli, name="2019-ogon.txt", data=data)
    return reading_store(by=kansli, parsed=parsed, source=source)


def test_the_review_is_made_with_what_was_read(kansli: User, protocol: ProtocolVersion) -> None:
    review = store(kansli, parsed_report())
    assert review.status == Status.AVSLUTAD
    assert review.final_report_date == review.visit_date == datetime.date(2019, 3, 14)
    assert review.regulations == ("HSLF-FS 2021:8",)
    assert review.protocol == protocol
    assert review.strengths == "Engagerade handledare\nBra introduktion"
    assert review.weaknesses == "Lite tid för studier"
    assert review.improvements == "Fler seminarier"
    assert not review.findings.exists()
    narratives = dict(review.assessments.values_list("area__code", "narrative"))
    assert narratives["A"] == "Området A är beskrivet."
    assert len(narratives) == 8
    change = StatusChange.objects.get(review=review)
    assert (change.from_status, change.to_status, change.by) == (
        Status.BOKAD,
        Status.AVSLUTAD,
        kansli,
    )
    imported = ImportedReview.objects.get(review=review)
    assert imported.reading == report_json(parsed_report())
    assert imported.source.name == "2019-ogon.txt"


def test_new_unit_goes_under_the_imported_placeholders(
    kansli: User, protocol: ProtocolVersion
) -> None:
    review = store(kansli, parsed_report())
    assert review.unit.name == "Ögonkliniken Storvik"
    assert review.unit.care_provider.name == IMPORTED_CARE_PROVIDER
    assert review.unit.region.name == IMPORTED_REGION
    assert review.specialty.name == "Ögonsjukdomar"


def test_registered_unit_specialty_and_inspector_are_matched_whatever_case_and_spacing(
    kansli: User, protocol: ProtocolVersion
) -> None:
    specialty = SpecialtyFactory(name="Ögonsjukdomar")
    unit = UnitFactory(
        name="Ögonkliniken  Storvik", specialty=specialty, care_provider=CareProviderFactory()
    )
    anna = UserFactory(full_name="anna berg", role=Role.INSPEKTOR)
    units, users = Unit.objects.count(), User.objects.count()
    review = store(kansli, parsed_report(unit="ÖGONKLINIKEN storvik", specialty="ögonsjukdomar"))
    assert review.unit == unit
    assert review.specialty == specialty
    assert Unit.objects.count() == units
    assert anna in review.inspectors.all()
    assert User.objects.count() == users + 1  # Karl Ek, made


def test_inspector_named_in_a_report_gets_no_login(kansli: User, protocol: ProtocolVersion) -> None:
    review = store(kansli, parsed_report())
    people = list(review.inspectors.order_by("assignments__created_at", "pk"))
    assert [p.full_name for p in people] == ["Anna Berg", "Karl Ek"]
    for person in people:
        assert person.role == Role.INSPEKTOR
        assert not person.has_usable_password()
        assert not person.is_active
        assert person.email.endswith(".invalid")
        assert not person.invitations.exists()
    # The same name in the next report is the same person.
    again = store(kansli, parsed_report(date="2024-01-10"), data=b"another")
    assert set(again.inspectors.all()) == set(people)


def test_grades_only_where_read(kansli: User, protocol: ProtocolVersion) -> None:
    parsed = parsed_report(regulations=[])
    parsed.areas["A"].grades = {"SOSFS 2015:8": None, "HSLF-FS 2021:8": "B"}
    parsed.areas["D"].grades = {"SOSFS 2015:8": None, "HSLF-FS 2021:8": "D"}
    review = store(kansli, parsed)
    assert review.regulations == ("HSLF-FS 2021:8",)  # from the grid's columns
    grades = {
        (g.assessment.area.code, g.regulation): (g.grade, g.adjusted_grade)
        for g in AreaGrade.objects.filter(assessment__review=review)
    }
    assert grades == {("A", "HSLF-FS 2021:8"): ("B", ""), ("D", "HSLF-FS 2021:8"): ("D", "C")}


def test_a_text_report_under_both_regulations_imports_with_no_grade(
    kansli: User, protocol: ProtocolVersion
) -> None:
    review = store(kansli, parsed_report(regulations=["SOSFS 2015:8", "HSLF-FS 2021:8"]))
    assert review.regulations == ("SOSFS 2015:8", "HSLF-FS 2021:8")
    # The adjusted D is known, but not under which regulation: no grade is made up.
    assert not AreaGrade.objects.filter(assessment__review=review).exists()


def test_adjusted_area_under_one_regulation_is_the_d_adjusted(
    kansli: User, protocol: ProtocolVersion
) -> None:
    review = store(kansli, parsed_report())
    grade = AreaGrade.objects.get(assessment__review=review)
    assert (grade.assessment.area.code, grade.regulation, grade.grade, grade.adjusted_grade) == (
        "D",
        "HSLF-FS 2021:8",
        "D",
        "C",
    )


def test_unknown_regulations_give_both_in_scope(kansli: User, protocol: ProtocolVersion) -> None:
    review = store(kansli, parsed_report(regulations=[]))
    assert review.regulations == ("SOSFS 2015:8", "HSLF-FS 2021:8")
    assert ImportedReview.objects.get(review=review).reading["header"]["regulations"] == []
    assert not AreaGrade.objects.filter(assessment__review=review).exists()


def test_plan_items_keep_their_dates_as_written(kansli: User, protocol: ProtocolVersion) -> None:
    review = store(kansli, parsed_report())
    plan = review.action_plan
    assert plan.status == PlanStatus.GODKAND
    first, second = ActionItem.objects.filter(plan=plan).order_by("position")
    assert first.criterion is not None
    assert first.criterion.code == "D1"
    assert (first.completion_text, first.completion_date) == (
        "Våren 2027",
        datetime.date(2027, 5, 31),
    )
    assert (first.followup_text, first.followup_date) == ("2027-09-01", datetime.date(2027, 9, 1))
    assert (first.responsible, first.followup_responsible) == ("Verksamhetschefen", "Studierektor")
    assert second.criterion is None
    assert second.area.code == "D"
    assert (second.completion_text, second.completion_date) == ("snart", None)
    # A closed review's plan sends no reminders.
    assert {first.followup, second.followup} == {FollowUp.CONFIRMED}


def test_unknown_fields_stay_empty(kansli: User, protocol: ProtocolVersion) -> None:
    parsed = ParsedReport()
    review = store(kansli, parsed)
    assert review.visit_date is None
    assert review.final_report_date is None
    assert not review.inspectors.exists()
    assert review.strengths == review.weaknesses == review.improvements == ""
    assert "2019-ogon.txt" in review.unit.name
    assert set(review.assessments.values_list("narrative", flat=True)) == {""}
    assert not hasattr(review, "action_plan") or review.action_plan is None


def test_due_for_a_new_review_counts_an_imported_review_by_its_date(
    kansli: User, protocol: ProtocolVersion
) -> None:
    # A review of the unit closed in 2023, made in Granska before the import of its 2019 report.
    unit = UnitFactory(name="Ögonkliniken Storvik")
    newer = ReviewFactory(unit=unit, protocol=protocol, status=Status.AVSLUTAD)
    Review.objects.filter(pk=newer.pk).update(final_report_date=datetime.date(2023, 5, 1))
    old = store(kansli, parsed_report())
    assert old.unit == unit
    with time_machine.travel(datetime.datetime(2027, 12, 1, tzinfo=datetime.UTC)):
        assert [r.pk for r, _day in unit_next_reviews(unit)] == [newer.pk]
        due = reviews_due_again(datetime.date(2027, 12, 1))
    assert [(r.pk, day) for r, day in due] == [(newer.pk, datetime.date(2028, 5, 1))]


def test_imported_review_alone_makes_the_unit_due(kansli: User, protocol: ProtocolVersion) -> None:
    review = store(kansli, parsed_report())
    assert unit_next_reviews(review.unit) == [(review, datetime.date(2024, 3, 14))]
    assert [r.pk for r, _day in reviews_due_again(datetime.date(2024, 1, 1))] == [review.pk]


def test_a_review_under_way_is_the_latest_whatever_its_date(
    kansli: User, protocol: ProtocolVersion
) -> None:
    review = store(kansli, parsed_report())
    ReviewFactory(unit=review.unit, protocol=protocol, status=Status.BOKAD)
    assert unit_next_reviews(review.unit) == []


def test_report_import_stores_the_file_once_and_makes_the_review(
    kansli: User, protocol: ProtocolVersion
) -> None:
    result = report_import(
        by=kansli, name="rapporter/2019-ogon.txt", data=DATA, read=reader_of(parsed_report())
    )
    assert result.outcome == "imported"
    assert result.file == "rapporter/2019-ogon.txt"
    assert result.review is not None
    review = Review.objects.get(pk=result.review)
    source = review.imported.source
    assert source.name == "2019-ogon.txt"
    assert source.size == len(DATA)
    with source.content.open("rb") as file:
        assert file.read() == DATA


def test_the_same_file_again_is_a_duplicate_naming_its_review(
    kansli: User, protocol: ProtocolVersion
) -> None:
    first = report_import(by=kansli, name="a.txt", data=DATA, read=reader_of(parsed_report()))
    reviews, files = Review.objects.count(), SourceFile.objects.count()
    again = report_import(by=kansli, name="b.txt", data=DATA, read=reader_of(parsed_report()))
    assert again.outcome == "duplicate"
    assert again.review == first.review
    # What the first import read, as it read it.
    assert again.report == parsed_report()
    assert again.message is not None
    assert str(first.review) in again.message
    assert (Review.objects.count(), SourceFile.objects.count()) == (reviews, files)


def test_dry_run_saves_nothing(kansli: User, protocol: ProtocolVersion) -> None:
    counts = (
        Review.objects.count(),
        SourceFile.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
    )
    result = report_import(
        by=kansli, name="a.txt", data=DATA, dry_run=True, read=reader_of(parsed_report())
    )
    assert result.outcome == "would_import"
    assert result.review is None
    assert result.report == parsed_report()
    assert (
        Review.objects.count(),
        SourceFile.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
    ) == counts


def test_refused_bytes_are_refused_with_the_readers_message(
    kansli: User, protocol: ProtocolVersion
) -> None:
    result = report_import(
        by=kansli, name="a.pdf", data=b"%PDF-", read=refusing("PDF-filen är trasig.")
    )
    assert (result.outcome, result.message, result.review) == (
        "refused",
        "PDF-filen är trasig.",
        None,
    )
    assert not SourceFile.objects.exists()


def test_a_reader_bug_is_a_refusal_not_a_crash(kansli: User, protocol: ProtocolVersion) -> None:
    def broken(name: str, data: bytes) -> ParsedReport:
        raise ZeroDivisionError

    result = report_import(by=kansli, name="a.txt", data=DATA, read=broken)
    assert result.outcome == "refused"
    assert result.message


def test_no_protocol_loaded_is_a_refusal(kansli: User, no_catalog: None, media_root: Path) -> None:
    result = report_import(by=kansli, name="a.txt", data=DATA, read=reader_of(parsed_report()))
    assert result.outcome == "refused"
    assert not Review.objects.exists()
    assert not Unit.objects.exists()
    assert not SourceFile.objects.exists()
    assert not any(media_root.rglob("*.txt"))


@pytest.mark.parametrize("role", [Role.INSPEKTOR, Role.VERKSAMHET, Role.OBSERVATOR])
def test_only_the_kansli_imports(role: str, protocol: ProtocolVersion) -> None:
    person = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        report_import(by=person, name="a.txt", data=DATA, read=reader_of(parsed_report()))
    with pytest.raises(PermissionDenied):
        source_keep(by=person, name="a.txt", data=DATA)


_TEXT = st.text(max_size=30) | st.sampled_from(["", " ", "Å\u00adÖ", "A\x00B", "x" * 300])
_GRADE = st.none() | st.sampled_from(["A", "B", "C", "D", "E", "", "Ä"])
_DATE = st.none() | st.sampled_from(["2019-03-14", "2025-13-45", "3 mars 2026", ""]) | _TEXT


@st.composite
def readings(draw: st.DrawFn) -> ParsedReport:
    """Any report a reader might give, sensible or not: names of any text and length, dates that
    are none, grades outside the scale, plan items for areas and criteria that do not exist."""
    report = parsed_report(
        unit=draw(st.none() | _TEXT),
        specialty=draw(st.none() | _TEXT),
        date=draw(_DATE),
        inspectors=draw(st.lists(_TEXT, max_size=3)),
        regulations=draw(st.lists(st.sampled_from(["SOSFS 2015:8", "HSLF-FS 2021:8", "X"]))),
    )
    report.summary.styrkor = draw(st.lists(_TEXT, max_size=3))
    for area in report.areas.values():
        area.narrative = draw(st.none() | _TEXT)
        area.adjusted = draw(_GRADE)
        area.grades = {"SOSFS 2015:8": draw(_GRADE), "HSLF-FS 2021:8": draw(_GRADE)}
    for item in report.plan:
        item.area = draw(st.none() | st.sampled_from(["D", "Z", ""]))
        item.criterion = draw(st.none() | st.sampled_from(["D1", "D1", "Q9"]))
        item.due = draw(_DATE)
        item.responsible = draw(st.none() | _TEXT)
        item.action = draw(_TEXT)
    return report


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parsed=readings(), data=st.binary(min_size=1, max_size=8))
def test_any_reading_is_stored_or_refused_never_a_crash(
    kansli: User, protocol: ProtocolVersion, parsed: ParsedReport, data: bytes
) -> None:
    result = report_import(by=kansli, name="x.txt", data=data, read=reader_of(parsed))
    assert result.outcome in {"imported", "duplicate"}
    assert result.review is not None
    review = Review.objects.get(pk=result.review)
    assert review.status == Status.AVSLUTAD
    assert review.regulations
    for grade in AreaGrade.objects.filter(assessment__review=review):
        assert grade.grade in grade.assessment.area.grades
        assert grade.adjusted_grade in {"", *grade.assessment.area.grades}


@given(parsed=readings())
def test_a_reading_comes_back_from_its_json(parsed: ParsedReport) -> None:
    assert report_json(report_from_json(report_json(parsed))) == report_json(parsed)
