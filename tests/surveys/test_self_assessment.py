"""The self-assessment's services: what they take, who may, when, and two contacts at once."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, Review
from granska.surveys.models import Questionnaire, SelfAssessment, SelfAssessmentSave
from granska.surveys.selfassessment import (
    COMMENT_MAX_CHARS,
    FACT_TEXT_MAX_CHARS,
    SelfAssessmentConflict,
    merge,
    self_assessment_page,
    self_assessment_save,
    self_assessment_submit,
)
from tests.builders import kansli_user, review_at, review_booked
from tests.factories import UnitFactory, UserFactory
from tests.survey_builders import questionnaire_small

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(protocol: ProtocolVersion) -> Review:
    questionnaire_small(protocol)
    return review_booked(protocol)


@pytest.fixture
def contact(review: Review) -> User:
    user = UserFactory(role=Role.VERKSAMHET, full_name="Stina Studierektor")
    review.unit.members.add(user)
    return user


@pytest.fixture
def other_contact(review: Review) -> User:
    user = UserFactory(role=Role.VERKSAMHET, full_name="Vera Verksamhetschef")
    review.unit.members.add(user)
    return user


def save(by: User, review: Review, *, version: int = 0, **parts: Any) -> SelfAssessment:
    return self_assessment_save(
        by=by,
        review=review,
        facts=parts.get("facts", {}),
        findings=parts.get("findings", {}),
        version=version,
    )


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# ---- Saving a draft ----------------------------------------------------------------------------


def test_the_first_save_creates_the_draft_with_the_questionnaire(
    review: Review, contact: User
) -> None:
    saved = save(
        contact,
        review,
        facts={"specialister": "12", "bt": "ja", "sidotjanstgoring": "Kirurgi 3 mån."},
        findings={"A1": ("uppfyllt", "Vi har rutiner."), "A2": ("", "")},
    )
    assert saved.version == 1
    assert saved.questionnaire.code == "test-enkat"
    assert saved.facts == {"specialister": "12", "bt": "ja", "sidotjanstgoring": "Kirurgi 3 mån."}
    # An empty finding is not stored.
    assert saved.findings == {"A1": {"outcome": "uppfyllt", "comment": "Vi har rutiner."}}
    assert saved.updated_by == contact
    assert saved.updated_at is not None
    assert saved.submitted_at is None
    assert SelfAssessmentSave.objects.get(self_assessment=saved, version=1).facts == saved.facts


def test_a_code_left_out_stays_as_saved_and_an_empty_value_clears_it(
    review: Review, contact: User
) -> None:
    save(contact, review, facts={"specialister": "12", "st_lakare": "4"})
    saved = save(contact, review, version=1, facts={"specialister": ""})
    assert saved.facts == {"st_lakare": "4"}


def test_a_save_that_changes_nothing_makes_no_new_version(review: Review, contact: User) -> None:
    save(contact, review, facts={"specialister": "12"})
    assert save(contact, review, version=1, facts={"specialister": "12"}).version == 1


def test_a_part_or_field_not_sent_is_refused_not_read_as_empty(
    review: Review, contact: User
) -> None:
    save(contact, review, facts={"specialister": "12"}, findings={"A1": ("delvis", "Text")})
    errors = errors_of(
        lambda: self_assessment_save(
            by=contact, review=review, facts=None, findings=None, version=None
        )
    )
    assert set(errors) == {"facts", "findings", "version"}
    errors = errors_of(
        lambda: self_assessment_save(
            by=contact,
            review=review,
            facts={"specialister": None},
            findings={"A1": (None, None)},
            version=1,
        )
    )
    assert set(errors) == {"facts.specialister", "findings.A1.outcome", "findings.A1.comment"}
    assert (
        "did not send" in errors["facts.specialister"][0]
        or "skickade inte" in (errors["facts.specialister"][0])
    )
    saved = SelfAssessment.objects.get(review=review)
    assert saved.facts == {"specialister": "12"}
    assert saved.version == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12", "12"),
        (" 1 200 ", "1200"),
        ("1\u00a0200", "1200"),
        ("007", "7"),
        ("0", "0"),
        ("99999", "99999"),
        ("", ""),
    ],
)
def test_a_number_is_a_whole_number_up_to_99999(
    review: Review, contact: User, typed: str, stored: str
) -> None:
    saved = save(contact, review, facts={"specialister": typed})
    assert saved.facts.get("specialister", "") == stored


@pytest.mark.parametrize(
    "typed", ["100000", "-1", "1.5", "12,5", "tolv", "²", "٣", "1_000", "9" * 50]
)
def test_anything_else_in_a_number_field_is_refused_naming_it(
    review: Review, contact: User, typed: str
) -> None:
    errors = errors_of(lambda: save(contact, review, facts={"specialister": typed}))
    assert list(errors) == ["facts.specialister"]
    assert "Antal specialister" in errors["facts.specialister"][0]
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("ja", "ja"), ("Nej", "nej"), ("", "")])
def test_yes_no_takes_ja_nej_or_nothing(
    review: Review, contact: User, typed: str, stored: str
) -> None:
    assert save(contact, review, facts={"bt": typed}).facts.get("bt", "") == stored


def test_yes_no_refuses_anything_else(review: Review, contact: User) -> None:
    assert list(errors_of(lambda: save(contact, review, facts={"bt": "kanske"}))) == ["facts.bt"]


def test_an_unknown_fact_or_criterion_is_refused(review: Review, contact: User) -> None:
    errors = errors_of(
        lambda: save(contact, review, facts={"okand": "1"}, findings={"Z9": ("uppfyllt", "")})
    )
    assert set(errors) == {"facts.okand", "findings.Z9"}


def test_an_outcome_outside_the_finding_scale_is_refused(review: Review, contact: User) -> None:
    errors = errors_of(lambda: save(contact, review, findings={"A1": ("bra", "")}))
    assert list(errors) == ["findings.A1.outcome"]


def test_a_criterion_outside_the_reviews_scope_is_refused(
    protocol: ProtocolVersion, contact: User
) -> None:
    only_2015 = next(c for c in protocol.criteria.all() if c.regulations == ["HSLF-FS 2021:8"])
    review = review_booked(protocol, regulations=("SOSFS 2015:8",))
    review.unit.members.add(contact)
    errors = errors_of(lambda: save(contact, review, findings={only_2015.code: ("uppfyllt", "")}))
    assert list(errors) == [f"findings.{only_2015.code}"]


def test_text_is_cleaned_and_long_text_refused(review: Review, contact: User) -> None:
    saved = save(
        contact,
        review,
        facts={"sidotjanstgoring": "Kirurgi\x0bmedicin\x00 a\u030a"},
        findings={"A1": ("", "Rad ett\r\nrad två\ufffe 😀 𝕏 مرحبا")},
    )
    assert saved.facts["sidotjanstgoring"] == "Kirurgi\nmedicin å"
    assert saved.findings["A1"]["comment"] == "Rad ett\nrad två 😀 𝕏 مرحبا"
    errors = errors_of(
        lambda: save(
            contact,
            review,
            version=1,
            facts={"sidotjanstgoring": "x" * (FACT_TEXT_MAX_CHARS + 1)},
            findings={"A2": ("", "y" * (COMMENT_MAX_CHARS + 1))},
        )
    )
    assert set(errors) == {"facts.sidotjanstgoring", "findings.A2.comment"}
    assert SelfAssessment.objects.get().version == 1


# ---- Who, and when -----------------------------------------------------------------------------


def test_only_the_units_contacts_and_the_kansli_write_it(
    review: Review, contact: User, protocol: ProtocolVersion
) -> None:
    inspector = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=inspector)
    other_unit = UserFactory(role=Role.VERKSAMHET)
    UnitFactory().members.add(other_unit)
    observer = UserFactory(role=Role.OBSERVATOR)
    for outsider in (inspector, other_unit, observer):
        with pytest.raises(PermissionDenied):
            save(outsider, review, facts={"specialister": "1"})
    assert save(kansli_user(), review, facts={"specialister": "1"}).updated_by == kansli_user()


def test_it_is_written_in_bokad_and_forberedelse_only(
    protocol: ProtocolVersion, review: Review, contact: User
) -> None:
    assert save(contact, review, facts={"specialister": "2"}).version == 1  # bokad
    preparing = review_at(Status.FORBEREDELSE, protocol, unit=review.unit)
    assert save(contact, preparing, facts={"specialister": "3"}).version == 1
    visited = review_at(Status.BESOK, protocol, unit=review.unit)
    assert list(errors_of(lambda: save(contact, visited, facts={"bt": "ja"}))) == ["status"]
    assert not SelfAssessment.objects.filter(review=visited).exists()


def test_without_a_questionnaire_nothing_is_saved(protocol: ProtocolVersion) -> None:
    # The shipped one is deleted inside the test's transaction, which puts it back.
    Questionnaire.objects.all().delete()
    review = review_booked(protocol)
    user = UserFactory(role=Role.VERKSAMHET)
    review.unit.members.add(user)
    assert list(errors_of(lambda: save(user, review))) == ["status"]


# ---- Submitting once ---------------------------------------------------------------------------


def test_submitted_once_then_read_only(review: Review, contact: User) -> None:
    errors = errors_of(lambda: self_assessment_submit(by=contact, review=review, version=0))
    assert list(errors) == ["status"]  # nothing saved yet
    save(contact, review, facts={"specialister": "5"})
    submitted = self_assessment_submit(by=contact, review=review, version=1)
    assert submitted.submitted_at is not None
    assert submitted.submitted_by == contact
    assert list(
        errors_of(lambda: self_assessment_submit(by=contact, review=review, version=1))
    ) == ["status"]
    assert list(errors_of(lambda: save(contact, review, version=1, facts={"bt": "ja"}))) == [
        "status"
    ]
    assert SelfAssessment.objects.get().facts == {"specialister": "5"}


def test_a_submission_confirmed_on_an_older_version_is_refused(
    review: Review, contact: User, other_contact: User
) -> None:
    save(contact, review, facts={"specialister": "5"})
    save(other_contact, review, version=1, facts={"st_lakare": "2"})
    errors = errors_of(lambda: self_assessment_submit(by=contact, review=review, version=1))
    assert list(errors) == ["version"]
    assert SelfAssessment.objects.get().submitted_at is None


def test_others_may_not_submit(review: Review, contact: User) -> None:
    save(contact, review, facts={"specialister": "5"})
    inspector = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=inspector)
    with pytest.raises(PermissionDenied):
        self_assessment_submit(by=inspector, review=review, version=1)


# ---- Two contacts at once ----------------------------------------------------------------------


def test_changes_to_different_fields_are_merged(
    review: Review, contact: User, other_contact: User
) -> None:
    save(contact, review, facts={"specialister": "5"}, findings={"A1": ("delvis", "Hälften.")})
    # Both open the page at version 1; the other contact saves first.
    save(
        other_contact,
        review,
        version=1,
        facts={"specialister": "5", "st_lakare": "3"},
        findings={"A1": ("delvis", "Hälften."), "A2": ("uppfyllt", "")},
    )
    # The first contact's form still holds version 1's values except what they changed.
    saved = save(
        contact,
        review,
        version=1,
        facts={"specialister": "6", "st_lakare": ""},
        findings={"A1": ("delvis", "Hälften har handledare."), "A2": ("", "")},
    )
    assert saved.version == 3
    assert saved.facts == {"specialister": "6", "st_lakare": "3"}
    assert saved.findings == {
        "A1": {"outcome": "delvis", "comment": "Hälften har handledare."},
        "A2": {"outcome": "uppfyllt", "comment": ""},
    }


def test_a_field_both_changed_is_a_conflict_and_nothing_is_saved(
    review: Review, contact: User, other_contact: User
) -> None:
    save(contact, review, facts={"specialister": "5"}, findings={"A1": ("delvis", "")})
    save(other_contact, review, version=1, facts={"specialister": "7"})
    with pytest.raises(SelfAssessmentConflict) as caught:
        save(
            contact,
            review,
            version=1,
            facts={"specialister": "8", "st_lakare": "2"},
            findings={"A1": ("uppfyllt", "")},
        )
    conflict = caught.value
    assert conflict.conflicts == {"facts.specialister": "7"}
    assert conflict.current.version == 2
    # The form shown next: this person's values, merged with the other save elsewhere.
    assert conflict.shown == {
        "facts.specialister": "8",
        "facts.st_lakare": "2",
        "findings.A1.outcome": "uppfyllt",
    }
    saved = SelfAssessment.objects.get()
    assert saved.version == 2
    assert saved.facts == {"specialister": "7"}
    # Saving again on the version shown is the person's deliberate choice.
    assert (
        save(contact, review, version=2, facts={"specialister": "8"}).facts["specialister"] == "8"
    )


def test_the_same_change_by_both_is_no_conflict(
    review: Review, contact: User, other_contact: User
) -> None:
    save(contact, review, facts={"specialister": "5"})
    save(other_contact, review, version=1, facts={"specialister": "6"})
    assert save(contact, review, version=1, facts={"specialister": "6"}).version == 2


def test_two_first_saves_at_once_are_merged_or_stop(
    review: Review, contact: User, other_contact: User
) -> None:
    save(contact, review, facts={"specialister": "5"})
    assert save(other_contact, review, version=0, facts={"st_lakare": "2"}).facts == {
        "specialister": "5",
        "st_lakare": "2",
    }
    with pytest.raises(SelfAssessmentConflict):
        save(other_contact, review, version=0, facts={"specialister": "9"})


def test_a_version_not_saved_yet_is_refused(review: Review, contact: User) -> None:
    save(contact, review, facts={"specialister": "5"})
    assert list(errors_of(lambda: save(contact, review, version=7))) == ["version"]


values = st.sampled_from(["", "a", "b", "c"])
fields = st.sampled_from(["facts.x", "facts.y", "findings.A1.outcome", "findings.A1.comment"])
flat_maps = st.dictionaries(fields, values)


@given(base=flat_maps, theirs=flat_maps, mine=flat_maps)
def test_merge_never_loses_a_change_silently(
    base: dict[str, str], theirs: dict[str, str], mine: dict[str, str]
) -> None:
    merged, conflicts = merge(base, theirs, mine)
    for key in set(base) | set(theirs) | set(mine):
        old, saved = base.get(key, ""), theirs.get(key, "")
        result = merged.get(key, "")
        if key in conflicts:
            assert conflicts[key] == saved
            assert mine[key] not in (old, saved)
            assert saved != old
            continue
        # Whatever others changed survives unless this person changed it to the same value.
        if saved != old:
            assert result == saved
        # Whatever this person changed is in the result.
        elif key in mine and mine[key] != old:
            assert result == mine[key]
        else:
            assert result == saved


texts = st.text(max_size=30) | st.sampled_from(["12", "ja", "nej", "uppfyllt", "delvis", ""])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    facts=st.dictionaries(
        st.sampled_from(["specialister", "bt", "sidotjanstgoring", "okand", "\x00"]),
        st.none() | texts,
        max_size=4,
    ),
    findings=st.dictionaries(
        st.sampled_from(["A1", "A2", "B1", "Q", ""]),
        st.tuples(st.none() | texts, st.none() | texts),
        max_size=3,
    ),
    version=st.none() | st.integers(min_value=-2, max_value=3),
)
def test_any_input_is_saved_or_refused_never_an_error(
    review: Review, contact: User, facts: Any, findings: Any, version: int | None
) -> None:
    try:
        saved = self_assessment_save(
            by=contact, review=review, facts=facts, findings=findings, version=version
        )
    except (ValidationError, SelfAssessmentConflict):
        return
    for text in saved.facts.values():
        assert "\x00" not in text
    assert self_assessment_page(review).version == saved.version
