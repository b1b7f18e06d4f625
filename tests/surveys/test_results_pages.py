"""The survey's results on the pages: who sees what (the kansli no free text nor identifiable
answer, the assigned inspector all, the unit and observers nothing), only the counts while the
round is open, and the survey and self-assessment beside the criteria of the assessment page."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import ObserverScope, Review
from granska.surveys.models import Round, SelfAssessment
from granska.surveys.services import round_close
from granska.surveys.vocabulary import Group
from tests.builders import kansli_user, review_at, walk
from tests.factories import UserFactory
from tests.survey_builders import invited, questionnaire_small, round_for
from tests.surveys.test_results import answer_each


@pytest.fixture
def inspector() -> User:
    return UserFactory(role=Role.INSPEKTOR)


@pytest.fixture
def survey(protocol: ProtocolVersion, inspector: User) -> Round:
    """5 of 6 ST-läkare invited answered (A1 ganska bra; A2 helt, one of them ej relevant), 2
    handledare (too few), a studierektor."""
    questionnaire_small(protocol)
    review = review_at(Status.FORBEREDELSE, protocol, inspectors=[inspector])
    round_ = round_for(review)
    answer_each(
        round_,
        Group.ST_LAKARE,
        [({"A1": "ganska_bra", "A2": "helt"}, {"A": "Handledningen är bra"})] * 4
        + [({"A1": "ganska_bra", "A2": "ej_relevant"}, {"A": "Schemat är tungt"})],
    )
    invited(round_, "saknas@enhet.test", Group.ST_LAKARE)
    answer_each(round_, Group.HANDLEDARE, [({"A1": "inte_alls"}, {"A": "Handledarnas text"})] * 2)
    answer_each(
        round_, Group.STUDIEREKTOR, [({"A3": "ganska_daligt"}, {"A": "Studierektorns ord"})]
    )
    return round_


SECRETS = ("Handledningen är bra", "Schemat är tungt", "Studierektorns ord")


def page(client: Client, user: User, review: Review) -> tuple[int, str]:
    client.force_login(user)
    with override("sv"):
        response = client.get(reverse("surveys:results", args=[review.pk]))
    return response.status_code, response.content.decode()


def test_while_open_only_the_counts(client: Client, survey: Round, inspector: User) -> None:
    status, html = page(client, inspector, survey.review)
    assert status == 200
    assert "5 av 6 ST-läkare har svarat" in html
    assert "2 av 2 handledare har svarat" in html
    assert "1 av 1 studierektor har svarat" in html
    assert "Enkäten besvarades av 5 av 6 ST-läkare och 2 av 2 handledare." in html
    for secret in (*SECRETS, "<svg", "<table", "Studierektorns svar"):
        assert secret not in html
    for name in ("surveys:results-csv", "surveys:results-xlsx"):
        response = client.get(reverse(name, args=[survey.review_id]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("surveys:results", args=[survey.review_id])
        assert "Resultaten visas när enkäten har stängt." in response.content.decode()


def test_the_assigned_inspector_sees_all(client: Client, survey: Round, inspector: User) -> None:
    round_close(by=None, round_=survey)
    status, html = page(client, inspector, survey.review)
    assert status == 200
    assert 'role="img"' in html
    assert "<title" in html
    assert "<desc" in html
    assert 'id="caption-A-st_lakare"' in html
    assert 'id="caption-A-handledare"' not in html  # 2 handledare: too few
    assert "För få svar för att visas." in html
    # A1: 5 ganska bra of 5; A2: 4 helt, 1 ej relevant.
    assert "0 (0 %)</td><td>5 (100 %)</td>" in html
    assert (
        "4 (100 %)</td><td>0 (0 %)</td><td>0 (0 %)</td><td>0 (0 %)</td><td>1</td><td>4</td>" in html
    )
    # Free text sorted, the hidden group's left out; the studierektor's answer as theirs.
    assert html.index("Handledningen är bra") < html.index("Schemat är tungt")
    assert "Handledarnas text" not in html
    assert "Studierektorns svar" in html
    assert "Studierektorns ord" in html
    assert "Stämmer ganska dåligt" in html


def test_the_kansli_sees_no_free_text_nor_identifiable_answer(
    client: Client, survey: Round
) -> None:
    round_close(by=None, round_=survey)
    status, html = page(client, kansli_user(), survey.review)
    assert status == 200
    assert 'id="caption-A-st_lakare"' in html
    assert "1 av 1 studierektor har svarat" in html
    for secret in (*SECRETS, "Handledarnas text", "Studierektorns svar"):
        assert secret not in html


def test_the_unit_and_observers_see_nothing(client: Client, survey: Round) -> None:
    round_close(by=None, round_=survey)
    review = survey.review
    member = UserFactory(role=Role.VERKSAMHET)
    review.unit.members.add(member)
    observer = UserFactory(role=Role.OBSERVATOR)
    ObserverScope.objects.create(observer=observer, specialty=review.specialty)
    other = UserFactory(role=Role.INSPEKTOR)
    for user, expected in ((member, 403), (observer, 403), (other, 404)):
        client.force_login(user)
        for name in ("surveys:results", "surveys:results-csv", "surveys:results-xlsx"):
            response = client.get(reverse(name, args=[review.pk]))
            assert response.status_code == expected, (name, user.role)
            for secret in SECRETS:
                assert secret not in response.content.decode()


def test_a_review_without_survey_says_so(client: Client, protocol: ProtocolVersion) -> None:
    review = review_at(Status.FORBEREDELSE, protocol)
    status, html = page(client, kansli_user(), review)
    assert status == 200
    assert "Ingen enkät har öppnats för granskningen." in html
    assert client.get(reverse("surveys:results-csv", args=[review.pk])).status_code == 404


# ---- The assessment page ----------------------------------------------------------------------


def assessment(client: Client, user: User | None, review: Review, code: str = "A") -> str:
    if user is not None:
        client.force_login(user)
    with override("sv"):
        response = client.get(reverse("reviews:assessment", args=[review.pk, code]))
    assert response.status_code == 200
    return response.content.decode()


def submitted_self_assessment(review: Review, **findings: Any) -> SelfAssessment:
    return SelfAssessment.objects.create(
        review=review,
        questionnaire=review.survey_round.questionnaire,
        findings=findings,
        submitted_at=timezone.now(),
    )


def test_the_assessment_page_shows_the_survey_and_the_self_assessment(
    client: Client, survey: Round, inspector: User
) -> None:
    round_close(by=None, round_=survey)
    review = walk(survey.review, Status.BESOK)
    submitted_self_assessment(
        review, A1={"outcome": "delvis", "comment": "Vi saknar rutin för <b>handledning</b>."}
    )
    html = assessment(client, inspector, review)
    beside = html[html.index('id="beside-A1"') :]
    beside = beside[: beside.index("</div>") + 6]
    assert "Verksamhetens egen bedömning:" in beside
    assert "&lt;b&gt;handledning&lt;/b&gt;" in beside
    # A1 is mapped from statements A1 (ST-läkare, handledare), A2 (ST-läkare) and A3
    # (identifiable: never a distribution).
    assert "Stämmer ganska bra 5 (100 %)" in beside
    assert "handledare: för få svar" in beside
    assert "Stämmer helt 4 (100 %)" in beside
    assert "Påstående 3" not in beside
    # The area's free text and the studierektor's answer, for the inspectors.
    assert "Handledningen är bra" in html
    assert "Studierektorns svar" in html
    assert "Handledarnas text" not in html
    # The sentence for the narrative, with the button the script shows.
    assert "Enkäten besvarades av 5 av 6 ST-läkare och 2 av 2 handledare." in html
    assert "data-insert-sentence" in html


def test_a_draft_self_assessment_is_not_shown(
    client: Client, survey: Round, inspector: User
) -> None:
    review = walk(survey.review, Status.BESOK)
    SelfAssessment.objects.create(
        review=review,
        questionnaire=survey.questionnaire,
        findings={"A1": {"outcome": "delvis", "comment": "Utkast"}},
    )
    html = assessment(client, inspector, review)
    assert "Utkast" not in html
    # The round never closed: the counts only.
    assert "5 av 6 ST-läkare har svarat" in html
    assert "Stämmer ganska bra 5" not in html
    assert "Handledningen är bra" not in html


ASSESSMENT_PAGE_QUERIES_WITH_SURVEY = 7 + 4
"""tests/reviews/test_assessment.py's seven, and four for the survey: the check that the reader
is the review's inspector (`surveys.read_personal`), the area's statements, the answers, and the
number invited. The round and the self-assessment come joined with the review."""


def test_the_assessment_page_with_a_survey_runs_a_fixed_number_of_queries(
    client: Client, survey: Round, inspector: User
) -> None:
    round_close(by=None, round_=survey)
    review = walk(survey.review, Status.BESOK)
    submitted_self_assessment(review, A1={"outcome": "delvis", "comment": ""})
    assessment(client, inspector, review, "E")  # the areas read once per process

    def count(code: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assessment(client, None, review, code)
        return len(captured)

    assert {count("A"), count("E")} == {ASSESSMENT_PAGE_QUERIES_WITH_SURVEY}
