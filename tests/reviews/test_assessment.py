"""The assessment page: findings, the live suggestion, grades with reasons, narrative, and two
people saving the same area."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Assignment,
    Finding,
    ObserverScope,
    Review,
)
from granska.reviews.services import finding_record
from tests.builders import assessor, review_at, walk
from tests.factories import UnitFactory, UserFactory

BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")


@pytest.fixture
def review(protocol: ProtocolVersion) -> Review:
    return review_at(Status.BESOK, protocol, unit=UnitFactory(), regulations=BOTH)


@pytest.fixture
def inspector(review: Review) -> User:
    user = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=user)
    return user


def url(review: Review, code: str, name: str = "reviews:assessment") -> str:
    return reverse(name, args=[review.pk, code])


def area_a_post(version: int = 0, **extra: str) -> dict[str, str]:
    """Area A fully met, graded A under both regulations."""
    data = {
        "version": str(version),
        "narrative": "Verksamheten har tydliga riktlinjer.",
        "grade-2015": "A",
        "reason-2015": "",
        "grade-2021": "A",
        "reason-2021": "",
    }
    for n in range(1, 5):
        data |= {f"outcome-A{n}": "uppfyllt", f"note-A{n}": "", f"source-A{n}": "intervju"}
    return data | extra


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_page_lists_every_criterion_in_scope_with_choices(
    client: Client, review: Review, inspector: User, protocol: ProtocolVersion
) -> None:
    client.force_login(inspector)
    page = client.get(url(review, "E"))
    assert page.status_code == 200
    html = page.content.decode()
    choices: dict[str, set[str]] = {}
    for code, value in re.findall(r'type="radio" name="outcome-([^"]+)" value="([^"]*)"', html):
        choices.setdefault(code, set()).add(value)
    # Every criterion of area E, each with every outcome and "ej bedömt" (no value).
    every_outcome = {"uppfyllt", "delvis", "ej_uppfyllt", "ej_relevant", ""}
    assert choices == {f"E{n}": every_outcome for n in range(1, 16)}
    assert "endast 2021" in text(page)
    assert 'name="grade-2015"' in html
    assert 'name="grade-2021"' in html


def test_saving_an_area_records_findings_grades_and_narrative(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    response = client.post(url(review, "A"), area_a_post())
    assert response.status_code == 302
    assert Finding.objects.filter(review=review, outcome="uppfyllt").count() == 4
    assessment = AreaAssessment.objects.get(review=review, area__code="A")
    assert assessment.narrative == "Verksamheten har tydliga riktlinjer."
    assert assessment.version == 1
    assert set(AreaGrade.objects.values_list("regulation", "grade")) == {
        ("SOSFS 2015:8", "A"),
        ("HSLF-FS 2021:8", "A"),
    }
    assert "sparat" in text(client.get(url(review, "A")))


def test_suggestion_follows_the_form_without_saving(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"outcome-A2": "delvis"}
    response = client.post(
        url(review, "A", "reviews:assessment-suggestion"), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="suggestions"' in html
    assert "<html" not in html
    assert re.search(r'data-suggested="2015">D<', html)
    assert "A2" in html
    assert not Finding.objects.exists()


def test_a_grade_against_the_suggestion_without_reason_keeps_everything_typed(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"outcome-A1": "ej_uppfyllt", "note-A1": "Riktlinjer saknas helt."}
    response = client.post(url(review, "A"), data)
    assert response.status_code == 422
    page = text(response)
    assert "ange skäl" in page
    assert "Riktlinjer saknas helt." in response.content.decode()
    assert "Verksamheten har tydliga riktlinjer." in response.content.decode()
    assert not Finding.objects.exists()  # all or nothing
    data["reason-2015"] = data["reason-2021"] = "Rutinen infördes efter besöket."
    assert client.post(url(review, "A"), data).status_code == 302
    assert AreaGrade.objects.filter(grade="A").exclude(deviation_reason="").count() == 2


def test_second_save_on_an_old_version_shows_both_and_overwrites_nothing(
    client: Client, review: Review, inspector: User
) -> None:
    other = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=other)
    first, second = Client(), Client()
    first.force_login(inspector)
    second.force_login(other)
    # Both open the page at version 0.
    assert (
        first.post(url(review, "A"), area_a_post(narrative="Första inspektörens text.")).status_code
        == 302
    )
    response = second.post(url(review, "A"), area_a_post(narrative="Andra inspektörens text."))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Andra inspektörens text." in html  # what the second one typed, in the form
    assert "Första inspektörens text." in html  # the saved version beside it
    assessment = AreaAssessment.objects.get(review=review, area__code="A")
    assert assessment.narrative == "Första inspektörens text."
    assert 'name="version" value="1"' in html
    # Saving again from the conflict page is a deliberate merge.
    merged = area_a_post(version=1, narrative="Sammanslagen text.")
    assert second.post(url(review, "A"), merged).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.narrative, assessment.version) == ("Sammanslagen text.", 2)


@pytest.mark.parametrize("role", [Role.VERKSAMHET, Role.OBSERVATOR])
def test_readers_cannot_open_the_workspace(client: Client, review: Review, role: str) -> None:
    user = UserFactory(role=role)
    review.unit.members.add(user)
    ObserverScope.objects.create(observer=user, specialty=review.specialty)
    client.force_login(user)
    assert client.get(url(review, "A")).status_code == 403
    assert client.post(url(review, "A"), area_a_post()).status_code == 403
    assert not Finding.objects.exists()


def test_an_inspector_of_another_review_gets_not_found(client: Client, review: Review) -> None:
    client.force_login(UserFactory(role=Role.INSPEKTOR))
    assert client.get(url(review, "A")).status_code == 404


def test_the_workspace_closes_with_the_final_report(
    client: Client, review: Review, inspector: User
) -> None:
    walk(review, Status.SLUTRAPPORT)
    client.force_login(inspector)
    assert client.get(url(review, "A")).status_code == 403


def test_unknown_area_is_not_found(client: Client, review: Review, inspector: User) -> None:
    client.force_login(inspector)
    assert client.get(url(review, "Q")).status_code == 404


def test_summary_is_saved_one_point_a_line(client: Client, review: Review, inspector: User) -> None:
    client.force_login(inspector)
    page = client.get(reverse("reviews:summary", args=[review.pk]))
    fingerprint = page.context["fingerprint"]
    response = client.post(
        reverse("reviews:summary", args=[review.pk]),
        {
            "strengths": "Bra handledning\n\n  Engagerad studierektor ",
            "weaknesses": "",
            "improvements": "Fler bedömningar",
            "fingerprint": fingerprint,
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.strengths == "Bra handledning\nEngagerad studierektor"


def test_summary_saved_meanwhile_is_a_conflict_not_an_overwrite(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    summary = reverse("reviews:summary", args=[review.pk])
    stale = client.get(summary).context["fingerprint"]
    client.post(
        summary, {"strengths": "Först", "weaknesses": "", "improvements": "", "fingerprint": stale}
    )
    response = client.post(
        summary, {"strengths": "Sen", "weaknesses": "", "improvements": "", "fingerprint": stale}
    )
    assert response.status_code == 409
    assert "Sen" in response.content.decode()
    assert "Först" in response.content.decode()
    review.refresh_from_db()
    assert review.strengths == "Först"


ASSESSMENT_PAGE_QUERIES = 7


def test_assessment_page_runs_a_fixed_number_of_queries(
    client: Client, protocol: ProtocolVersion
) -> None:
    """The largest area (E, 15 criteria) under both regulations against the smallest (A)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    review = review_at(Status.BESOK, protocol, unit=UnitFactory(), regulations=BOTH)
    empty = review_at(Status.BESOK, protocol, unit=UnitFactory(), regulations=BOTH)
    client.force_login(assessor(review))
    data = {"version": "0", "narrative": "x", "grade-2015": "", "grade-2021": ""}
    data |= {"reason-2015": "", "reason-2021": ""}
    for n in range(1, 16):
        data |= {f"outcome-E{n}": "uppfyllt", f"note-E{n}": "Anteckning", f"source-E{n}": ""}
    assert client.post(url(review, "E"), data).status_code == 302
    for criterion in protocol.criteria.all():  # all 76, not only E's
        finding_record(
            by=assessor(review), review=review, criterion=criterion, outcome="delvis", note="Not"
        )

    def count(on: Review, code: str) -> int:
        client.force_login(assessor(on))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(on, code)).status_code == 200
        return len(captured)

    # The same count with every finding recorded as with none, for the largest and smallest area,
    # and exactly this many, for the review's inspector: session and user, the review (as they
    # may see it), the check that they assess it (its assignments), the review's findings, the
    # area's assessment, the review's grades. The areas and criteria (the tabs) are read
    # once per process (the POST above read them). A new query on the page changes the number
    # here, on purpose.
    counts = {count(review, "E"), count(empty, "E"), count(review, "A"), count(empty, "A")}
    assert counts == {ASSESSMENT_PAGE_QUERIES}


def test_each_error_in_the_summary_leads_to_its_field(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"outcome-A1": "kanske", "grade-2021": "D"}
    data["narrative"] = "x" * 20_001
    response = client.post(url(review, "A"), data)
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index(
            "</div>", html.index('class="error-summary"')
        )
    ]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert set(targets) == {"finding-A1", "grade-2021", "narrative"}
    for target in targets:
        assert f'id="{target}"' in html, target


def test_nothing_assessed_gives_no_suggestion_with_the_counts(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    page = client.get(url(review, "A"))
    html = page.content.decode()
    assert re.search(r'data-suggested="2015">Inget förslag ännu \(0 av 4 bedömda\)<', html)
    assert re.search(r'data-suggested="2021">Inget förslag ännu \(0 av 4 bedömda\)<', html)
    assert 'name="use-suggestion"' not in html  # nothing to use
    # Every criterion ej relevant: still nothing to grade.
    data = area_a_post() | {f"outcome-A{n}": "ej_relevant" for n in range(1, 5)}
    response = client.post(
        url(review, "A", "reviews:assessment-suggestion"), data, headers={"HX-Request": "true"}
    )
    assert "Inget förslag: alla 4 kriterier är ej relevanta" in response.content.decode()


def test_the_suggestion_endpoint_redraws_the_line_beside_each_grade_out_of_band(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    response = client.post(
        url(review, "A", "reviews:assessment-suggestion"),
        area_a_post() | {"outcome-A2": "delvis"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    for year in ("2015", "2021"):
        line = re.search(
            rf'<p class="use-suggestion" id="use-suggestion-{year}"[^>]*>.*?</p>', html
        )
        assert line, year
        assert 'hx-swap-oob="true"' in line.group()
        assert f'type="button" class="button secondary" name="use-suggestion" value="{year}"' in (
            line.group()
        )
        assert 'data-grade="D"' in line.group()


def test_using_the_suggestion_without_script_sets_the_grade_and_saves_nothing(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"outcome-A2": "delvis", "grade-2021": "", "use-suggestion": "2021"}
    response = client.post(url(review, "A"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="grade-2021-D" name="grade-2021" value="D"[^>]* checked', html)
    assert re.search(r'id="grade-2015" name="grade-2015" value="A"[^>]* checked', html)  # as sent
    assert 'value="delvis" checked' in html  # the form as it was sent
    assert "data-draft-unsaved" in html  # unsaved, and the draft keeps it
    assert not Finding.objects.exists()
    assert not AreaGrade.objects.exists()
    # A year the review does not have changes nothing, and saves nothing either.
    other = client.post(url(review, "A"), data | {"use-suggestion": "1999"})
    assert other.status_code == 200
    assert not Finding.objects.exists()


def test_the_tabs_show_each_areas_progress_and_grades(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"grade-2021": "D", "reason-2021": "Rutinerna följs inte i praktiken."}
    assert client.post(url(review, "A"), data).status_code == 302
    html = client.get(url(review, "B")).content.decode()
    nav = html[html.index('<nav class="tabs"') : html.index("</nav>", html.index('"tabs"'))]
    tabs = {}
    for link in re.findall(r"<a [^>]*>.*?</a>", nav, re.S):
        words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", link)).strip()
        tabs[words.split()[0]] = (words, 'aria-current="page"' in link)
    assert tabs["A"] == ("A 4 av 4 bedömda gradering A / D", False)
    assert re.fullmatch(r"B 0 av \d+ bedömda", tabs["B"][0])
    assert tabs["B"][1]  # the area shown
    assert set(tabs) == {"A", "B", "C", "D", "E", "F", "G", "H", "Sammanfattning"}


def test_an_error_names_its_regulation_once_the_same_in_the_summary_and_by_the_field(
    client: Client, review: Review, inspector: User
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"outcome-A1": "ej_uppfyllt"}  # suggests D; A set under both
    response = client.post(url(review, "A"), data)
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[
        html.index('<div class="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    for regulation, year in (("SOSFS 2015:8", "2015"), ("HSLF-FS 2021:8", "2021")):
        message = f"{regulation}: bedömningarna ger förslaget D; ange skäl för att sätta A."
        assert summary.count(message) == 1
        assert f'<a href="#grade-{year}">{message}</a>' in summary
        assert f'<p class="field-error" id="grade-{year}-error">{message}</p>' in html
        assert html.count(message) == 2  # the summary and beside the field, nowhere else
        assert f'id="grade-{year}" name="grade-{year}"' in html  # where the link leads
    assert 'tabindex="-1"' in summary
    assert "autofocus" in summary
