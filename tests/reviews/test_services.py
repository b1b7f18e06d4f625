"""Writing findings, narratives and grades: validated, and kept with their full history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.reviews.models import AreaGrade, Finding, Review
from granska.reviews.services import area_grade_set, assessment_write, finding_record, review_create
from tests.builders import assessor, kansli_user
from tests.factories import ReviewFactory, UnitFactory


@pytest.fixture
def review(protocol: ProtocolVersion) -> Review:
    return review_create(
        by=kansli_user(),
        unit=UnitFactory(),
        protocol=protocol,
        regulations=("SOSFS 2015:8", "HSLF-FS 2021:8"),
    )


def criterion(protocol: ProtocolVersion, code: str) -> Criterion:
    return protocol.criteria.get(code=code)


def area(protocol: ProtocolVersion, code: str) -> Area:
    return protocol.areas.get(code=code)


def test_review_create_sets_regulations_and_specialty(protocol: ProtocolVersion) -> None:
    unit = UnitFactory()
    review = review_create(
        by=kansli_user(), unit=unit, protocol=protocol, regulations=("HSLF-FS 2021:8",)
    )
    assert review.regulations == ("HSLF-FS 2021:8",)
    assert review.specialty == unit.specialty
    assert review.status == "bokad"


@pytest.mark.parametrize(
    ("regulations", "message"),
    [
        ((), "Välj minst en föreskrift."),
        (("SOSFS 1999:1",), "SOSFS 1999:1 ingår inte i protokollet SPUR ST-protokoll 2025."),
    ],
)
def test_review_create_refuses_regulations_outside_the_protocol(
    protocol: ProtocolVersion, regulations: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        review_create(
            by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=regulations
        )
    assert caught.value.message_dict == {"regulations": [message]}


def test_database_refuses_a_review_without_regulation(protocol: ProtocolVersion) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(protocol=protocol, under_2015=False, under_2021=False)


def test_finding_is_recorded_then_changed_with_history(
    review: Review, protocol: ProtocolVersion
) -> None:
    e1 = criterion(protocol, "E1")
    finding_record(
        by=assessor(review),
        review=review,
        criterion=e1,
        outcome="delvis",
        note=" Saknas ibland. ",
        source="intervju",
    )
    finding_record(
        by=assessor(review), review=review, criterion=e1, outcome="uppfyllt", source="dokument"
    )
    finding = Finding.objects.get(review=review, criterion=e1)
    assert (finding.outcome, finding.note, finding.source) == ("uppfyllt", "", "dokument")
    history = list(finding.history.order_by("history_date").values_list("outcome", "note"))
    assert history == [("delvis", "Saknas ibland."), ("uppfyllt", "")]


def test_finding_refuses_a_criterion_outside_the_reviews_regulations(
    protocol: ProtocolVersion,
) -> None:
    only_2015 = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    with pytest.raises(ValidationError, match="E7"):
        finding_record(
            by=assessor(only_2015),
            review=only_2015,
            criterion=criterion(protocol, "E7"),
            outcome="uppfyllt",
        )


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("outcome", {"outcome": "bra"}, "Välj en av de bedömningar som erbjuds."),
        ("source", {"outcome": "uppfyllt", "source": "rykte"}, "Välj en av de källor som erbjuds."),
    ],
)
def test_finding_refuses_unknown_values(
    review: Review, protocol: ProtocolVersion, field: str, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        finding_record(
            by=assessor(review), review=review, criterion=criterion(protocol, "A1"), **kwargs
        )
    assert caught.value.message_dict == {field: [message]}
    assert not Finding.objects.exists()


def test_grade_equal_to_the_suggestion_needs_no_reason(
    review: Review, protocol: ProtocolVersion
) -> None:
    for code in ("A1", "A2", "A3", "A4"):
        finding_record(
            by=assessor(review),
            review=review,
            criterion=criterion(protocol, code),
            outcome="uppfyllt",
        )
    saved = area_grade_set(
        by=assessor(review),
        review=review,
        area=area(protocol, "A"),
        regulation="SOSFS 2015:8",
        grade="A",
    )
    assert (saved.grade, saved.deviation_reason) == ("A", "")


def test_grade_against_the_suggestion_needs_a_reason(
    review: Review, protocol: ProtocolVersion
) -> None:
    finding_record(
        by=assessor(review),
        review=review,
        criterion=criterion(protocol, "A1"),
        outcome="ej_uppfyllt",
    )
    with pytest.raises(ValidationError) as caught:
        area_grade_set(
            by=assessor(review),
            review=review,
            area=area(protocol, "A"),
            regulation="SOSFS 2015:8",
            grade="B",
            reason="  ",
        )
    assert "D" in caught.value.message_dict["reason"][0]
    assert not AreaGrade.objects.exists()
    saved = area_grade_set(
        by=assessor(review),
        review=review,
        area=area(protocol, "A"),
        regulation="SOSFS 2015:8",
        grade="B",
        reason="Rutinen infördes dagen efter besöket.",
    )
    assert saved.deviation_reason == "Rutinen infördes dagen efter besöket."


def test_grade_outside_the_areas_scale_is_refused(
    review: Review, protocol: ProtocolVersion
) -> None:
    with pytest.raises(ValidationError, match="A, B, D"):
        area_grade_set(
            by=assessor(review),
            review=review,
            area=area(protocol, "C"),
            regulation="SOSFS 2015:8",
            grade="C",
            reason="x",
        )


def test_grade_for_a_regulation_out_of_scope_is_refused(protocol: ProtocolVersion) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    with pytest.raises(ValidationError) as caught:
        area_grade_set(
            by=assessor(review),
            review=review,
            area=area(protocol, "A"),
            regulation="HSLF-FS 2021:8",
            grade="A",
        )
    assert caught.value.message_dict == {
        "regulation": ["HSLF-FS 2021:8 ingår inte i granskningen."]
    }


def test_grade_changes_keep_the_earlier_grade_in_history(
    review: Review, protocol: ProtocolVersion
) -> None:
    a = area(protocol, "A")
    area_grade_set(
        by=assessor(review),
        review=review,
        area=a,
        regulation="SOSFS 2015:8",
        grade="D",
        reason="Först.",
    )
    area_grade_set(
        by=assessor(review),
        review=review,
        area=a,
        regulation="SOSFS 2015:8",
        grade="B",
        reason="Sedan.",
    )
    saved = AreaGrade.objects.get()
    assert list(saved.history.order_by("history_date").values_list("grade", flat=True)) == [
        "D",
        "B",
    ]


def test_narrative_is_saved_with_history(review: Review, protocol: ProtocolVersion) -> None:
    first = assessment_write(
        by=assessor(review), review=review, area=area(protocol, "F"), narrative="Första."
    )
    assessment_write(
        by=assessor(review), review=review, area=area(protocol, "F"), narrative="Andra."
    )
    first.refresh_from_db()
    assert first.narrative == "Andra."
    assert first.history.count() == 2
