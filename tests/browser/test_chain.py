"""The chain after the visit as people click through it: the unit comments on the draft, an
inspector answers, the kansli issues the final report with a D, the unit writes and submits the
handlingsplan (one date as "Våren 2027"), an inspector returns one action, the unit fixes it,
the inspector accepts, and the final report's PDF shows C with the note and the plan."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from granska.actionplans.models import ActionPlan, PlanStatus
from granska.lifecycle import Status
from granska.reviews.models import AreaGrade, Review
from tests.browser.conftest import KANSLI, assert_accessible, log_in, screenshot
from tests.reports.conftest import flat, pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SJOSTAD = "Medicinkliniken Sjöstad"  # in faktagranskning, with D in three areas
OMAR = "omar.lindqvist@granska.example"  # Sjöstad's contact
PER = "per.holm@granska.example"  # one of Sjöstad's inspectors
ACTION = "Studierektorn stämmer av varje utbildningsprogram med ST-läkaren två gånger om året."


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()


def test_the_whole_chain_from_the_draft_to_the_accepted_plan(page: Page, browser: Browser) -> None:
    review = Review.objects.get(unit__name=SJOSTAD)
    detail = f"/granskningar/{review.pk}/"

    # The unit reads the draft and points out a factual error in area E.
    log_in(page, OMAR)
    page.goto(detail)
    page.get_by_role("link", name="läs och kommentera i webbläsaren").click()
    expect(page.locator(".report-draft")).to_have_text("UTKAST")
    assert_accessible(page)
    comment = "Vi har fem handledare med handledarutbildning, inte tre."
    page.get_by_label("Påpeka ett sakfel i det här avsnittet").nth(5).fill(comment)  # E
    page.get_by_role("button", name="Skicka kommentaren").nth(5).click()
    expect(page.locator(".messages")).to_have_text("Din kommentar är skickad till inspektörerna.")
    expect(page.locator("#report-area-E")).to_contain_text(comment)
    screenshot(page, "fact-check-comment")
    log_out(page)

    # The kansli cannot issue the final report while the unit's comments wait for an answer.
    log_in(page, KANSLI)
    page.goto(detail)
    expect(page.locator("#move-slutrapport-problems")).to_contain_text(
        "kommentarer till utkastet är inte besvarade"
    )
    log_out(page)

    # An inspector answers each comment and decides whether the report changes.
    log_in(page, PER)
    page.goto(f"/granskningar/{review.pk}/rapport/")
    assert_accessible(page)
    answers = page.get_by_label("Svar", exact=True)
    expect(answers).to_have_count(2)  # the demo's earlier comment and the new one
    while answers.count():
        answers.first.fill("Tack, vi har rättat texten.")
        page.get_by_role("button", name="Svara: ändrat i rapporten").first.click()
        expect(page.locator(".messages")).to_have_text("Svaret är sparat.")
    expect(page.locator("#report-area-E")).to_contain_text("Tack, vi har rättat texten.")
    log_out(page)

    # The kansli issues the final report: with its D, the review goes on to the handlingsplan.
    log_in(page, KANSLI)
    page.goto(detail)
    page.get_by_role("button", name="Utfärda slutrapporten").click()
    # The confirmation says what the act changes before it is made.
    expect(page.locator("section.confirm ul.changes")).to_contain_text("gradering D")
    assert_accessible(page)
    page.locator("section.confirm").get_by_role("button", name="Utfärda slutrapporten").click()
    expect(page.locator(".messages")).to_contain_text("Slutrapport")
    expect(page.locator("p.plan-link")).to_contain_text("Utkast")
    log_out(page)

    # The unit writes its plan, one date as a season, and submits it.
    log_in(page, OMAR)
    page.goto(detail)
    page.locator("p.plan-link").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handlingsplan")
    items = page.locator("fieldset.plan-item")
    count = items.count()
    assert count == ActionPlan.objects.get(review=review).items.count() >= 3
    assert_accessible(page)
    for n in range(count):
        item = items.nth(n)
        item.get_by_label("Planerad åtgärd").fill(ACTION)
        item.get_by_label("Datum när åtgärden ska vara genomförd").fill(
            "Våren 2027" if n == 0 else "2027-03-31"
        )
        item.get_by_label("Ansvarig för genomförandet").fill("Studierektor Nils Ek")
        item.get_by_label("Datum för uppföljning").fill("HT 2027")
        item.get_by_label("Ansvarig för uppföljningen").fill("Verksamhetschef Mona Berg")
    page.get_by_role("button", name="Lämna in till inspektörerna").click()
    expect(page.locator(".messages")).to_have_text(
        "Handlingsplanen är inlämnad till inspektörerna."
    )
    expect(page.locator(".plan-item").first).to_contain_text("läses som 2027-05-31")
    screenshot(page, "plan-submitted")
    log_out(page)

    # An inspector returns the first action with a comment.
    log_in(page, PER)
    page.goto(f"/granskningar/{review.pk}/handlingsplan/")
    assert_accessible(page)
    page.get_by_label("Kommentar, om verksamheten ska ändra åtgärden").first.fill(
        "Ange hur avstämningen dokumenteras."
    )
    page.get_by_role("button", name="Återförvisa planen till verksamheten").click()
    expect(page.locator(".messages")).to_have_text(
        "Handlingsplanen är återförvisad till verksamheten."
    )
    log_out(page)

    # The unit sees the comment where it belongs, fixes the action and submits again.
    log_in(page, OMAR)
    page.goto(f"/granskningar/{review.pk}/handlingsplan/")
    first = page.locator("fieldset.plan-item").first
    expect(first.locator(".return-comment")).to_contain_text("Ange hur avstämningen dokumenteras.")
    first.get_by_label("Planerad åtgärd").fill(ACTION + " Avstämningen dokumenteras i programmet.")
    screenshot(page, "plan-returned")
    assert_accessible(page)
    page.get_by_role("button", name="Lämna in till inspektörerna").click()
    expect(page.locator(".messages")).to_have_text(
        "Handlingsplanen är inlämnad till inspektörerna."
    )
    log_out(page)

    # The inspector accepts the plan.
    log_in(page, PER)
    page.goto(f"/granskningar/{review.pk}/handlingsplan/")
    page.get_by_role("button", name="Godkänn handlingsplanen").click()
    expect(page.locator("section.confirm ul.changes")).to_contain_text("D → C i område")
    page.locator("section.confirm").get_by_role("button", name="Godkänn handlingsplanen").click()
    expect(page.locator(".messages")).to_contain_text("Handlingsplanen är godkänd")
    expect(page.locator("dl.facts")).to_contain_text("Godkänd")
    assert_accessible(page)
    screenshot(page, "plan-accepted")

    plan = ActionPlan.objects.get(review=review)
    review.refresh_from_db()
    assert (plan.status, review.status) == (PlanStatus.GODKAND, Status.UPPFOLJNING)
    assert set(
        AreaGrade.objects.filter(assessment__review=review, grade="D").values_list(
            "adjusted_grade", flat=True
        )
    ) == {"C"}

    # The final report, as downloaded: C marked with the note, and the plan.
    response = page.request.get(f"/granskningar/{review.pk}/rapport.pdf")
    assert response.status == 200
    text = flat(" ".join(pdf_pages(response.body())))
    assert "UTKAST" not in text
    assert text.count("Handlingsplan mottagen. Gradering justerad till C.") >= 3
    # The grid marks C and strikes through D; no line beside it repeats the grades.
    assert "Satt gradering" not in text
    assert "HANDLINGSPLAN" in text
    assert "Avstämningen dokumenteras i programmet." in text
    assert "Våren 2027" in text
    assert re.search(r"Ansvarig för uppföljningen Verksamhetschef Mona Berg", text)


def test_the_kansli_follows_up_and_pages_have_no_serious_accessibility_violations(
    page: Page,
) -> None:
    log_in(page, KANSLI)
    page.get_by_role("link", name="Uppföljning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning")
    expect(page.get_by_role("heading", name=re.compile("^Försenat"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Hudkliniken Västerby")
    screenshot(page, "followup-overview")
    assert_accessible(page)

    # A plan in follow-up: a report waits for the kansli's confirmation.
    page.get_by_role("link", name="Hudkliniken Västerby").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hudkliniken Västerby")
    expect(page.get_by_role("button", name="Bekräfta")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.locator(".messages")).to_contain_text("Svaret om")
    screenshot(page, "followup-plan")
