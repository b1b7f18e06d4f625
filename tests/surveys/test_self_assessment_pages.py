"""The self-assessment's pages: the unit writes, everyone who reads the review reads; a conflict
keeps the person's own values; submitting is confirmed first and done once."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, ObserverScope, Review
from granska.surveys.models import FactField, SelfAssessment
from granska.surveys.selfassessment import (
    criteria_in_scope,
    self_assessment_save,
    self_assessment_submit,
)
from tests.builders import kansli_user, review_booked, walk
from tests.factories import UserFactory
from tests.survey_builders import questionnaire_small

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def review(protocol: ProtocolVersion) -> Review:
    questionnaire_small(protocol)
    return review_booked(protocol, regulations=("SOSFS 2015:8",))


@pytest.fixture
def people(review: Review) -> dict[str, User]:
    users = {
        "contact": UserFactory(role=Role.VERKSAMHET, full_name="Stina Studierektor"),
        "other_contact": UserFactory(role=Role.VERKSAMHET, full_name="Vera Verksamhetschef"),
        "inspector": UserFactory(role=Role.INSPEKTOR),
        "observer": UserFactory(role=Role.OBSERVATOR),
        "kansli": kansli_user(),
    }
    review.unit.members.add(users["contact"], users["other_contact"])
    Assignment.objects.create(review=review, inspector=users["inspector"])
    ObserverScope.objects.create(observer=users["observer"], specialty=review.specialty)
    return users


def url(review: Review) -> str:
    return reverse("surveys:self", args=[review.pk])


def form(
    review: Review, values: dict[str, str] | None = None, *, version: int = 0
) -> dict[str, str]:
    """Every field the page sends, empty unless `values` names it ("fact-bt", "outcome-A1")."""
    data = {"version": str(version)}
    data |= {f"fact-{code}": "" for code in ("specialister", "st_lakare", "sidotjanstgoring", "bt")}
    for _area, criteria in criteria_in_scope(review):
        for c in criteria:
            data[f"outcome-{c.code}"] = ""
            data[f"comment-{c.code}"] = ""
    return data | (values or {})


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_unit_gets_the_form_facts_first_then_every_criterion(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    page = as_user(client, people["contact"]).get(url(review))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index('name="fact-specialister"') < html.index('name="outcome-A1"')
    assert 'inputmode="numeric"' in html
    for _area, criteria in criteria_in_scope(review):
        for c in criteria:
            assert f'name="outcome-{c.code}"' in html
            assert f'name="comment-{c.code}"' in html
    # Every choice of the finding scale and "not assessed", which is checked.
    assert 'name="outcome-A1" value="" checked' in html
    for value in ("uppfyllt", "delvis", "ej_uppfyllt", "ej_relevant"):
        assert f'name="outcome-A1" value="{value}"' in html
    assert "Fakta om enheten" in text(page)
    assert "Spara utkast" in text(page)
    assert 'data-draft-key="granska:' in html
    assert 'href="#area-A"' in html  # the contents


def test_saving_a_draft_shows_who_saved_and_when(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    client = as_user(client, people["contact"])
    response = client.post(
        url(review),
        form(
            review,
            {
                "fact-specialister": "12",
                "outcome-A1": "delvis",
                "comment-A1": "Hälften.",
                "section": "area-A",
            },
        ),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#area-A")
    saved = SelfAssessment.objects.get(review=review)
    assert saved.facts == {"specialister": "12"}
    assert saved.findings == {"A1": {"outcome": "delvis", "comment": "Hälften."}}
    page = text(client.get(url(review)))
    assert "Utkast" in page
    assert "Stina Studierektor" in page
    assert "sparad som utkast" in page.lower() or "sparat som utkast" in page.lower()


def test_bad_input_is_refused_naming_the_field_and_keeps_what_was_typed(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    response = as_user(client, people["contact"]).post(
        url(review),
        form(review, {"fact-specialister": "tolv", "comment-A1": "Min långa text."}),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#fact-specialister"' in html
    assert "Antal specialister" in text(response)
    assert 'value="tolv"' in html
    assert "Min långa text." in html
    assert not SelfAssessment.objects.exists()


def test_a_field_missing_from_the_form_is_refused(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    data = form(review, {"fact-specialister": "3"})
    del data["comment-A1"]
    response = as_user(client, people["contact"]).post(url(review), data)
    assert response.status_code == 422
    assert not SelfAssessment.objects.exists()


def test_a_conflict_answers_409_with_both_values_and_the_persons_own_in_the_form(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    self_assessment_save(
        by=people["contact"], review=review, facts={"specialister": "5"}, findings={}, version=0
    )
    # The other contact saves the same fact meanwhile, and A1.
    self_assessment_save(
        by=people["other_contact"],
        review=review,
        facts={"specialister": "7"},
        findings={"A1": ("uppfyllt", "")},
        version=1,
    )
    response = as_user(client, people["contact"]).post(
        url(review),
        form(review, {"fact-specialister": "9", "comment-A2": "Mitt eget."}, version=1),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="9"' in html  # the person's own value stays in the form
    assert "Mitt eget." in html
    assert "Sparat av någon annan:" in text(response)
    assert "<strong>7</strong>" in html
    # The other's change to a field this person left alone is merged in.
    assert 'name="outcome-A1" value="uppfyllt" checked' in html
    # The form carries the version saved, so that saving again is deliberate.
    assert 'name="version" value="2"' in html
    assert "data-draft-unsaved" in html
    assert SelfAssessment.objects.get().facts == {"specialister": "7"}


def test_changes_to_different_fields_are_merged_without_a_stop(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    self_assessment_save(
        by=people["other_contact"], review=review, facts={"st_lakare": "3"}, findings={}, version=0
    )
    response = as_user(client, people["contact"]).post(
        url(review), form(review, {"fact-specialister": "9"})
    )
    assert response.status_code == 302
    assert SelfAssessment.objects.get().facts == {"specialister": "9", "st_lakare": "3"}


def test_a_questionnaire_loaded_later_does_not_change_the_facts_asked(
    client: Client, review: Review, people: dict[str, User], protocol: ProtocolVersion
) -> None:
    client = as_user(client, people["contact"])
    assert client.post(url(review), form(review, {"fact-bt": "ja"})).status_code == 302
    newer = questionnaire_small(protocol, code="nyare-enkat")
    FactField.objects.create(
        questionnaire=newer, code="vardplatser", label="Vårdplatser", kind="number", position=9
    )
    assert 'name="fact-vardplatser"' not in client.get(url(review)).content.decode()
    response = client.post(url(review), form(review, {"fact-bt": "nej"}, version=1))
    assert response.status_code == 302
    assert SelfAssessment.objects.get().facts == {"bt": "nej"}


@pytest.mark.parametrize("role", ["inspector", "observer"])
def test_the_readers_see_it_read_only_once_submitted(
    client: Client, review: Review, people: dict[str, User], role: str
) -> None:
    self_assessment_save(
        by=people["contact"],
        review=review,
        facts={"specialister": "12", "bt": "ja"},
        findings={"A1": ("delvis", "Hälften har handledare.")},
        version=0,
    )
    client = as_user(client, people[role])
    # The draft is the unit's own: its readers are told it is not submitted, and no more.
    draft = client.get(url(review))
    assert draft.status_code == 200
    words = text(draft)
    assert "Utkast" in words
    assert "inte lämnat in sin självvärdering" in words
    assert "Antal specialister" not in words
    assert "Hälften har handledare." not in words
    self_assessment_submit(by=people["contact"], review=review, version=1)
    page = client.get(url(review))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<textarea" not in html
    assert 'type="radio"' not in html
    words = text(page)
    assert "Antal specialister 12" in words
    assert "Tar emot BT-läkare ja" in words
    assert "delvis uppfyllt" in words
    assert "Hälften har handledare." in words
    assert "Inlämnad" in words
    assert client.post(url(review), form(review, version=1)).status_code == 403
    assert client.post(reverse("surveys:self-submit", args=[review.pk])).status_code == 403


def test_the_kansli_reads_first_and_writes_on_the_units_behalf(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    client = as_user(client, people["kansli"])
    page = client.get(url(review))
    assert 'type="radio"' not in page.content.decode()
    assert "på verksamhetens vägnar" in text(page)
    assert 'type="radio"' in client.get(url(review) + "?edit=1").content.decode()
    response = client.post(url(review), form(review, {"fact-bt": "nej"}))
    assert response.status_code == 302
    assert "edit=1" in response["Location"]
    assert SelfAssessment.objects.get().updated_by == people["kansli"]


def test_submitting_is_confirmed_first_then_done_once(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    client = as_user(client, people["contact"])
    submit = reverse("surveys:self-submit", args=[review.pk])
    # Nothing saved yet: sent back with the reason.
    response = client.post(submit, follow=True)
    assert "Spara självvärderingen innan du lämnar den" in text(response)
    client.post(url(review), form(review, {"fact-specialister": "4"}))
    confirmation = client.post(submit)
    assert confirmation.status_code == 200
    assert "confirm.html" in [t.name for t in confirmation.templates]
    assert 'name="confirm" value="1"' in confirmation.content.decode()
    assert SelfAssessment.objects.get().submitted_at is None
    done = client.post(submit, {"confirm": "1"}, follow=True)
    assert "inlämnad" in text(done).lower()
    saved = SelfAssessment.objects.get()
    assert saved.submitted_at is not None
    assert saved.submitted_by == people["contact"]
    # Read-only now, for the unit too, and never submitted twice.
    page = client.get(url(review))
    assert 'type="radio"' not in page.content.decode()
    assert "Inlämnad" in text(page)
    assert client.post(url(review), form(review, version=1)).status_code == 422
    again = client.post(submit, {"confirm": "1"}, follow=True)
    assert "kan inte längre ändras" in text(again)


def test_a_confirmation_for_an_older_version_submits_nothing(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    client = as_user(client, people["contact"])
    client.post(url(review), form(review, {"fact-specialister": "4"}))
    self_assessment_save(
        by=people["other_contact"], review=review, facts={"bt": "ja"}, findings={}, version=1
    )
    client.post(reverse("surveys:self-submit", args=[review.pk]), {"confirm": "1"})
    assert SelfAssessment.objects.get().submitted_at is None


def test_after_the_visit_begins_the_unit_reads_it_only(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    self_assessment_save(
        by=people["contact"], review=review, facts={"specialister": "4"}, findings={}, version=0
    )
    walk(review, Status.BESOK)
    page = as_user(client, people["contact"]).get(url(review))
    assert 'type="radio"' not in page.content.decode()
    assert "före besöket" in text(page)


def test_the_review_page_links_to_it(
    client: Client, review: Review, people: dict[str, User]
) -> None:
    page = as_user(client, people["contact"]).get(reverse("reviews:detail", args=[review.pk]))
    assert f'href="{url(review)}"' in page.content.decode()
    assert "Förberedelse" in text(page)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "version",
                "fact-specialister",
                "fact-bt",
                "fact-sidotjanstgoring",
                "outcome-A1",
                "comment-A1",
                "section",
                "outcome-Z",
                "fact-okand",
            ]
        ),
        st.text(max_size=40),
    )
)
def test_any_post_gets_an_answer_never_a_500(
    client: Client, review: Review, people: dict[str, User], data: dict[str, str]
) -> None:
    client.force_login(people["contact"])
    response = client.post(url(review), form(review) | data)
    # 400: a NUL anywhere in a form is refused before any view (nul_refused.html).
    assert response.status_code in (302, 400, 409, 422)


def test_the_page_runs_a_fixed_number_of_queries(
    client: Client, review: Review, people: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(client, people["contact"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(review)).status_code == 200
        return len(captured)

    client.get(url(review))  # the catalog is read once per process
    empty = queries()
    findings = {
        c.code: ("uppfyllt", f"Kommentar {c.code}.")
        for _area, criteria in criteria_in_scope(review)
        for c in criteria
    }
    self_assessment_save(
        by=people["contact"],
        review=review,
        facts={"specialister": "3", "bt": "ja"},
        findings=findings,
        version=0,
    )
    # However much is filled in; before the first save the questionnaire is looked up.
    assert queries() <= empty
    with django_assert_max_num_queries(10):
        client.get(url(review))
