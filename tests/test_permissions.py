"""Who may do what where: every URL of the project × every method × every role → the answer.

The table is checked against the URL configuration, so a new URL without an entry here fails.
Every URL is tried with GET, POST, PUT, PATCH and DELETE by every role: a method an entry does not
list must be refused with 405 to everyone, so a view that starts to accept one fails until the
table says who may use it. The admin (Django's own permission system, staff only) and the
language switch are listed too.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionItem, FollowUpReport, PlanStatus
from granska.actionplans.services import ITEM_FIELDS, followup_report, plan_return
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.imports.batches import batch_create
from granska.imports.models import ImportedReview
from granska.imports.parsed import ParsedReport, report_json
from granska.imports.services import source_keep
from granska.lifecycle import Status
from granska.reports.models import DraftComment
from granska.reports.services import draft_comment_add
from granska.reviews.models import Affiliation, Assignment, ObserverScope, Review
from granska.reviews.services import review_create, summary_fingerprint
from granska.surveys.models import Questionnaire
from granska.surveys.selfassessment import criteria_in_scope, self_assessment_save
from granska.surveys.services import questionnaire_for
from granska.surveys.vocabulary import Group as SurveyGroup
from granska.workflow.plans import plan_accept
from tests.builders import assess, inspectors_complete, kansli_user, plan_written, walk
from tests.factories import CareProviderFactory, SpecialtyFactory, UnitFactory, UserFactory
from tests.survey_builders import invited, questionnaire_small, round_for

ROLES = (
    "anonymous",
    "kansli",
    "assigned_inspector",
    "other_inspector",
    "own_unit",
    "other_unit",
    "observer",
    "other_observer",  # an observer whose scope does not cover the review
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

OK, LOGIN, NOT_FOUND, REDIRECT, FORBIDDEN = 200, "login", 404, 302, 403

Answers = dict[str, Any]
ALL_LOGGED_IN_OK = dict.fromkeys(ROLES, OK) | {"anonymous": LOGIN}
KANSLI_ONLY = dict.fromkeys(ROLES, FORBIDDEN) | {"anonymous": LOGIN, "kansli": OK}
# Readers of a review: everyone who may see it (its plan too); others are told it does not exist.
READERS = {
    "anonymous": LOGIN,
    "kansli": OK,
    "assigned_inspector": OK,
    "other_inspector": NOT_FOUND,
    "own_unit": OK,
    "other_unit": NOT_FOUND,
    "observer": OK,
    "other_observer": NOT_FOUND,
}
# Those who work on the review (kansli, its inspectors); its other readers are refused.
WORKERS = READERS | {"own_unit": FORBIDDEN, "observer": FORBIDDEN}
# Who writes the handlingsplan (the unit; the kansli on its behalf) and who decides on it (the
# assigned inspectors, the kansli), answered with the redirect of a done POST.
PLAN_WRITERS = READERS | {
    "kansli": REDIRECT,
    "own_unit": REDIRECT,
    "assigned_inspector": FORBIDDEN,
    "observer": FORBIDDEN,
}
PLAN_DECIDERS = READERS | {
    "kansli": REDIRECT,
    "assigned_inspector": REDIRECT,
    "own_unit": FORBIDDEN,
    "observer": FORBIDDEN,
}


def no_data(review: Review) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Url:
    """One URL: how to build its path from the review (putting the review in the step the URL
    belongs to), and for each method it accepts, {role: expected answer}. A method left out is
    refused with 405 to everyone. `data` is the form a POST sends."""

    path: Callable[[Review], str]
    GET: Answers | None = None
    POST: Answers | None = None
    PUT: Answers | None = None
    PATCH: Answers | None = None
    DELETE: Answers | None = None
    data: Callable[[Review], dict[str, Any]] = no_data

    def answers(self, method: str) -> Answers:
        listed: Answers | None = getattr(self, method)
        return listed if listed is not None else dict.fromkeys(ROLES, 405)


def with_plan(review: Review, status: str = PlanStatus.UTKAST, *, report: bool = False) -> int:
    """Puts the review in its handlingsplan by its moves: A1 not met gives area A its D and the
    plan its one action; the plan is then submitted, returned or accepted as `status` says (and
    the action reported, with a file, when `report`). Returns the review's id."""
    inspectors_complete(review)
    assess(review, {"A1": Outcome.EJ_UPPFYLLT})
    review = walk(review, Status.HANDLINGSPLAN)
    if status == PlanStatus.UTKAST:
        return review.pk
    plan = plan_written(review)
    if status == PlanStatus.ATERFORVISAD:
        plan_return(plan=plan, by=kansli_user(), comments={}, comment="Mer om handledningen.")
    if status == PlanStatus.GODKAND:
        plan_accept(plan=plan, by=kansli_user())
    if report:
        followup_report(
            item=ActionItem.objects.get(plan__review=review),
            by=review.unit.members.get(),
            text="Gjort.",
            attachment=SimpleUploadedFile("rutin.txt", b"Rutin"),
        )
    return review.pk


def imported(review: Review) -> int:
    """Makes the review one imported from a file (its original kept), as `granska import`
    leaves it. Returns the review's id."""
    source = source_keep(by=kansli_user(), name="2019-rapport.pdf", data=b"%PDF-1.7 rapport")
    ImportedReview.objects.create(
        review=review, source=source, reading=report_json(ParsedReport()), imported_by=None
    )
    return review.pk


def item_of(review_pk: int) -> int:
    return ActionItem.objects.get(plan__review_id=review_pk).pk


def report_of(review_pk: int) -> int:
    return FollowUpReport.objects.get(item__plan__review_id=review_pk).pk


def in_fact_check(review: Review, *, comment: bool = False) -> int:
    """Puts the review in faktagranskning by its moves (with a comment of the unit's)."""
    review = walk(review, Status.FAKTAGRANSKNING)
    if comment:
        draft_comment_add(review=review, by=review.unit.members.get(), section="A", text="Fel.")
    return review.pk


def plan_form(review: Review) -> dict[str, Any]:
    item = item_of(review.pk)
    return (
        {"version": "0", "intent": "save"}
        | {f"item-{item}-{name}": "" for name in ITEM_FIELDS}
        | {f"item-{item}-action": "Ny."}
    )


def with_questionnaire(review: Review, *, saved: bool = False) -> int:
    """The review with a questionnaire for its protocol (the fact fields of its self-assessment),
    and with `saved` a self-assessment saved by its unit. Returns the review's id."""
    if not Questionnaire.objects.filter(protocol=review.protocol).exists():
        questionnaire_small(review.protocol)
    if saved:
        self_assessment_save(
            by=review.unit.members.get(),
            review=review,
            facts={"specialister": "3"},
            findings={},
            version=0,
        )
    return review.pk


def self_assessment_form(review: Review) -> dict[str, Any]:
    """Every field of the self-assessment page, a fact filled in."""
    questionnaire = questionnaire_for(review)
    assert questionnaire is not None
    data = {"version": "0"} | {f"fact-{f.code}": "" for f in questionnaire.fact_fields.all()}
    data["fact-specialister"] = "4"
    for _area, criteria in criteria_in_scope(review):
        for criterion in criteria:
            data |= {f"outcome-{criterion.code}": "", f"comment-{criterion.code}": ""}
    return data


def alike(path: Callable[[Review], str], answers: Answers) -> Url:
    """A view that answers every method as it answers a GET."""
    return Url(path, GET=answers, POST=answers, PUT=answers, PATCH=answers, DELETE=answers)


# URL name → its entry. The review is booked unless the path's builder moves it on.
TABLE: dict[str, Url] = {
    # Django's RedirectView and set_language send every method on.
    "home": alike(lambda r: reverse("home"), dict.fromkeys(ROLES, REDIRECT)),
    "set_language": alike(lambda r: reverse("set_language"), dict.fromkeys(ROLES, REDIRECT)),
    "reviews:list": Url(lambda r: reverse("reviews:list"), GET=ALL_LOGGED_IN_OK),
    "reviews:detail": Url(lambda r: reverse("reviews:detail", args=[r.pk]), GET=READERS),
    # The Django admin is for the kansli only; its index answers any method.
    "admin:index": alike(
        lambda r: reverse("admin:index"), dict.fromkeys(ROLES, LOGIN) | {"kansli": OK}
    ),
    "reviews:home": Url(lambda r: reverse("reviews:home"), GET=ALL_LOGGED_IN_OK),
    "reviews:book": Url(
        lambda r: reverse("reviews:book"),
        GET=KANSLI_ONLY,
        POST=KANSLI_ONLY | {"kansli": REDIRECT},
        data=lambda r: {
            "unit": r.unit_id,
            "regulations": ["SOSFS 2015:8"],
            "protocol": r.protocol_id,
        },
    ),
    # An empty form: the kansli is shown what is missing.
    "reviews:units": Url(
        lambda r: reverse("reviews:units"), GET=KANSLI_ONLY, POST=KANSLI_ONLY | {"kansli": 422}
    ),
    "reviews:history": Url(lambda r: reverse("reviews:history", args=[r.pk]), GET=WORKERS),
    # The original file of an imported review: for everyone who reads the review.
    "reviews:source": Url(lambda r: reverse("reviews:source", args=[imported(r)]), GET=READERS),
    # The assessment as saved, to read: for those who work on the review, in every state.
    "reviews:recorded": Url(lambda r: reverse("reviews:recorded", args=[r.pk]), GET=WORKERS),
    "reviews:recorded-area": Url(
        lambda r: reverse("reviews:recorded-area", args=[r.pk, "A"]), GET=WORKERS
    ),
    "reviews:summary": Url(
        lambda r: reverse("reviews:summary", args=[r.pk]),
        GET=WORKERS,
        POST=WORKERS | {"kansli": REDIRECT, "assigned_inspector": REDIRECT},
        data=lambda r: {
            "strengths": "Bra.",
            "weaknesses": "",
            "improvements": "",
            "fingerprint": summary_fingerprint(r),
        },
    ),
    # The assigned inspectors set the findings and grades; the kansli is sent to the area as
    # saved, and refused the writes.
    "reviews:assessment": Url(
        lambda r: reverse("reviews:assessment", args=[r.pk, "A"]),
        GET=WORKERS | {"kansli": REDIRECT},
        POST=WORKERS | {"kansli": FORBIDDEN, "assigned_inspector": REDIRECT},
        data=lambda r: {"version": "0", "narrative": "Text."},
    ),
    "reviews:assessment-suggestion": Url(
        lambda r: reverse("reviews:assessment-suggestion", args=[r.pk, "A"]),
        POST=WORKERS | {"kansli": FORBIDDEN},
        data=lambda r: {"outcome-A1": "delvis"},
    ),
    "reviews:assign": Url(
        lambda r: reverse("reviews:assign", args=[r.pk]),
        POST=KANSLI_ONLY | {"kansli": REDIRECT},
        data=lambda r: {"inspector": r.assignments.get().inspector_id},
    ),
    "reviews:unassign": Url(
        lambda r: reverse("reviews:unassign", args=[r.pk, r.assignments.get().inspector_id]),
        POST=KANSLI_ONLY | {"kansli": REDIRECT},
    ),
    # Moving on from booked is the kansli's; an assigned inspector may not make that move.
    "reviews:move": Url(
        lambda r: reverse("reviews:move", args=[r.pk]),
        POST=WORKERS | {"kansli": REDIRECT, "assigned_inspector": FORBIDDEN},
        data=lambda r: {"to": "forberedelse"},
    ),
    "reviews:booking-change": Url(
        lambda r: reverse("reviews:booking-change", args=[r.pk]),
        GET=KANSLI_ONLY,
        POST=KANSLI_ONLY | {"kansli": REDIRECT},
        data=lambda r: {"visit_date": "2027-05-04", "publish_report": "on"},
    ),
    # The review here is booked, so its report is a draft: for those who work on it. The unit
    # reads it in faktagranskning and everyone who reads the review from the final report on
    # (tests/reports/test_views.py).
    "reports:html": Url(lambda r: reverse("reports:html", args=[r.pk]), GET=WORKERS),
    "reports:pdf": Url(lambda r: reverse("reports:pdf", args=[r.pk]), GET=WORKERS),
    "reports:docx": Url(lambda r: reverse("reports:docx", args=[r.pk]), GET=WORKERS),
    "reports:standalone": Url(lambda r: reverse("reports:standalone", args=[r.pk]), GET=WORKERS),
    # No final report is issued for a booked review: those who may read its report find no
    # version 1 (who may download issued versions: tests/reports/test_final.py).
    "reports:version": Url(
        lambda r: reverse("reports:version", args=[r.pk, 1]),
        GET=WORKERS | {"kansli": NOT_FOUND, "assigned_inspector": NOT_FOUND},
    ),
    # Reissuing is the kansli's: GET is its confirmation, POST issues. A booked review has no
    # final report, so the kansli is sent back to the report with the reason
    # (tests/reports/test_documents.py has the confirmation of a final report).
    "reports:reissue": Url(
        lambda r: reverse("reports:reissue", args=[r.pk]),
        GET=KANSLI_ONLY | {"kansli": REDIRECT},
        POST=KANSLI_ONLY | {"kansli": REDIRECT},
        data=lambda r: {"reason": "Rättat stavfel."},
    ),
    # The unit comments on the draft in faktagranskning (the kansli may enter a comment for it);
    # the inspectors and the kansli answer.
    "reports:comment-add": Url(
        lambda r: reverse("reports:comment-add", args=[in_fact_check(r)]),
        POST=WORKERS | {"own_unit": REDIRECT, "kansli": REDIRECT, "assigned_inspector": FORBIDDEN},
        data=lambda r: {"section": "summary", "text": "Antalet ST-läkare är fel."},
    ),
    "reports:comment-answer": Url(
        lambda r: reverse(
            "reports:comment-answer",
            args=[in_fact_check(r, comment=True), DraftComment.objects.get(review=r).pk],
        ),
        POST=WORKERS | {"kansli": REDIRECT, "assigned_inspector": REDIRECT, "own_unit": FORBIDDEN},
        data=lambda r: {"answer": "Rättat.", "decision": "changed"},
    ),
    # The public list of published final reports is open to everyone; a booked review has no
    # final report, so nobody finds its PDF there (tests/reports/test_published.py).
    "published:list": Url(lambda r: reverse("published:list"), GET=dict.fromkeys(ROLES, OK)),
    # The service's own pages (personal data, accessibility) are open to everyone.
    "about:personal-data": Url(
        lambda r: reverse("about:personal-data"), GET=dict.fromkeys(ROLES, OK)
    ),
    "about:accessibility": Url(
        lambda r: reverse("about:accessibility"), GET=dict.fromkeys(ROLES, OK)
    ),
    "published:pdf": Url(
        lambda r: reverse("published:pdf", args=[r.pk]), GET=dict.fromkeys(ROLES, NOT_FOUND)
    ),
    # ---- The handlingsplan: the unit writes it (the kansli may, on its behalf); the inspectors
    # who decide on it may not write in it. ----
    "actionplans:plan": Url(
        lambda r: reverse("actionplans:plan", args=[with_plan(r)]),
        GET=READERS,
        POST=PLAN_WRITERS,
        data=plan_form,
    ),
    "actionplans:decide": Url(
        lambda r: reverse("actionplans:decide", args=[with_plan(r, PlanStatus.INLAMNAD)]),
        POST=PLAN_DECIDERS,
        data=lambda r: {"decision": "return", "comment": "Ange datum."},
    ),
    "actionplans:report": Url(
        lambda r: reverse(
            "actionplans:report", args=[r.pk, item_of(with_plan(r, PlanStatus.GODKAND))]
        ),
        POST=PLAN_WRITERS,
        data=lambda r: {"text": "Rutinen är införd."},
    ),
    "actionplans:confirm": Url(
        lambda r: reverse(
            "actionplans:confirm",
            args=[r.pk, report_of(with_plan(r, PlanStatus.GODKAND, report=True))],
        ),
        POST=PLAN_DECIDERS,
        data=lambda r: {"decision": "confirmed"},
    ),
    "actionplans:attachment": Url(
        lambda r: reverse(
            "actionplans:attachment",
            args=[r.pk, report_of(with_plan(r, PlanStatus.GODKAND, report=True))],
        ),
        GET=READERS,
    ),
    "actionplans:calendar-renew": Url(
        lambda r: reverse("actionplans:calendar-renew", args=[r.pk]), POST=PLAN_WRITERS
    ),
    # The feed's secret is its only key: whoever has the link reads the unit's dates.
    "actionplans:calendar": Url(
        lambda r: reverse("actionplans:calendar", args=[r.unit.calendar_token]),
        GET=dict.fromkeys(ROLES, OK),
    ),
    "actionplans:overview": Url(lambda r: reverse("actionplans:overview"), GET=KANSLI_ONLY),
    # ---- The unit's self-assessment (selfassess): everyone who reads the review reads it; the
    # unit writes and submits it, the kansli on its behalf. The submission's first POST is its
    # confirmation. ----
    "surveys:self": Url(
        lambda r: reverse("surveys:self", args=[with_questionnaire(r)]),
        GET=READERS,
        POST=PLAN_WRITERS,
        data=self_assessment_form,
    ),
    "surveys:self-submit": Url(
        lambda r: reverse("surveys:self-submit", args=[with_questionnaire(r, saved=True)]),
        POST=READERS | {"assigned_inspector": FORBIDDEN, "observer": FORBIDDEN},
    ),
    "actionplans:overview-csv": Url(lambda r: reverse("actionplans:overview-csv"), GET=KANSLI_ONLY),
}

# ---- The kansli's registers (/register/): the kansli only; a done POST is redirected. ----------
KANSLI_REDIRECT = KANSLI_ONLY | {"kansli": REDIRECT}


def observer_scope(review: Review) -> ObserverScope:
    """A scope covering the review (the people fixture's observer's, or a new observer's)."""
    scope = ObserverScope.objects.filter(specialty=review.specialty).first()
    if scope is None:
        scope = ObserverScope.objects.create(
            observer=UserFactory(role=Role.OBSERVATOR), specialty=review.specialty
        )
    return scope


def observer_of(review: Review) -> int:
    return observer_scope(review).observer_id


def unit_form(review: Review) -> dict[str, Any]:
    unit = review.unit
    return {
        "name": unit.name,
        "kind": unit.kind,
        "care_provider": unit.care_provider_id,
        "region": unit.region_id,
        "specialty": unit.specialty_id,
        "version": str(unit.version),
    }


def tie_of(review: Review) -> list[int]:
    inspector = review.assignments.get().inspector_id
    tie = Affiliation.objects.create(inspector_id=inspector, care_provider=CareProviderFactory())
    return [inspector, tie.pk]


def scope_of(review: Review) -> list[int]:
    scope = observer_scope(review)
    return [scope.observer_id, scope.pk]


def same_name(register: str) -> Callable[[Review], dict[str, Any]]:
    return lambda r: {"name": str(getattr(r.unit, register))}


TABLE |= {
    "registers:index": Url(lambda r: reverse("registers:index"), GET=KANSLI_ONLY),
    "registers:unit": Url(
        lambda r: reverse("registers:unit", args=[r.unit_id]),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=unit_form,
    ),
    "registers:care-providers": Url(
        lambda r: reverse("registers:care-providers"),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=lambda r: {"name": "Norrlandsvården AB"},
    ),
    "registers:care-provider": Url(
        lambda r: reverse("registers:care-provider", args=[r.unit.care_provider_id]),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=same_name("care_provider"),
    ),
    "registers:regions": Url(
        lambda r: reverse("registers:regions"),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=lambda r: {"name": "Region Fjällbygd"},
    ),
    "registers:region": Url(
        lambda r: reverse("registers:region", args=[r.unit.region_id]),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=same_name("region"),
    ),
    "registers:specialties": Url(
        lambda r: reverse("registers:specialties"),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=lambda r: {"name": "Sömnmedicin", "confirm_similar": "on"},
    ),
    "registers:specialty": Url(
        lambda r: reverse("registers:specialty", args=[r.unit.specialty_id]),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=same_name("specialty"),
    ),
    "registers:inspectors": Url(lambda r: reverse("registers:inspectors"), GET=KANSLI_ONLY),
    "registers:inspector": Url(
        lambda r: reverse("registers:inspector", args=[r.assignments.get().inspector_id]),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=lambda r: {"unit": r.unit_id},
    ),
    "registers:affiliation-remove": Url(
        lambda r: reverse("registers:affiliation-remove", args=tie_of(r)), POST=KANSLI_REDIRECT
    ),
    "registers:observers": Url(lambda r: reverse("registers:observers"), GET=KANSLI_ONLY),
    # Inviting people is the kansli's; the form without its fields is shown again (422).
    "registers:people": Url(
        lambda r: reverse("registers:people"), GET=KANSLI_ONLY, POST=KANSLI_ONLY | {"kansli": 422}
    ),
    "registers:invitation-renew": Url(
        lambda r: reverse("registers:invitation-renew", args=[r.unit.members.get().pk]),
        POST=KANSLI_REDIRECT,
    ),
    # The invitation's link is its own key: one that opens no invitation is not found, for
    # everyone (tests/accounts/test_invitations.py follows a real one).
    "invitation_accept": Url(
        lambda r: reverse("invitation_accept", args=["ogiltig"]),
        GET=dict.fromkeys(ROLES, NOT_FOUND),
    ),
    # The password form of an opened invitation: without one in the session, nothing is found.
    "invitation_password": Url(
        lambda r: reverse("invitation_password"),
        GET=dict.fromkeys(ROLES, NOT_FOUND),
        POST=dict.fromkeys(ROLES, NOT_FOUND),
    ),
    "registers:observer": Url(
        lambda r: reverse("registers:observer", args=[observer_of(r)]),
        GET=KANSLI_ONLY,
        POST=KANSLI_REDIRECT,
        data=lambda r: {"region": r.unit.region_id},
    ),
    "registers:observer-scope-remove": Url(
        lambda r: reverse("registers:observer-scope-remove", args=scope_of(r)),
        POST=KANSLI_REDIRECT,
    ),
}

# ---- The survey round (surveys:round…): everyone who reads the review sees its page; the kansli
# and the assigned inspectors open, change and close it, the unit (and the kansli) invites. ----
SURVEY_RUNNERS = READERS | {
    "kansli": REDIRECT,
    "assigned_inspector": REDIRECT,
    "own_unit": FORBIDDEN,
    "observer": FORBIDDEN,
}
SURVEY_INVITERS = READERS | {
    "kansli": REDIRECT,
    "own_unit": REDIRECT,
    "assigned_inspector": FORBIDDEN,
    "observer": FORBIDDEN,
}


def in_preparation(review: Review) -> Review:
    """The review in förberedelse, with a questionnaire for its protocol."""
    from tests.survey_builders import questionnaire_small

    if not review.protocol.questionnaires.exists():
        questionnaire_small(review.protocol)
    return walk(review, Status.FORBEREDELSE)


def with_round(review: Review) -> int:
    """The review in förberedelse with its survey round open."""
    from tests.survey_builders import round_for

    round_for(in_preparation(review))
    return review.pk


def round_dates(prefix: str) -> Callable[[Review], dict[str, Any]]:
    import datetime

    from django.utils import timezone

    closes = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    return lambda r: {
        f"{prefix}-closes_on": closes,
        f"{prefix}-reminder_days": "4",
        f"{prefix}-reminder_max": "2",
        "version": "0",
    }


TABLE |= {
    "surveys:round": Url(lambda r: reverse("surveys:round", args=[with_round(r)]), GET=READERS),
    "surveys:round-open": Url(
        lambda r: reverse("surveys:round-open", args=[in_preparation(r).pk]),
        POST=SURVEY_RUNNERS,
        data=round_dates("open"),
    ),
    "surveys:round-change": Url(
        lambda r: reverse("surveys:round-change", args=[with_round(r)]),
        POST=SURVEY_RUNNERS,
        data=round_dates("change"),
    ),
    # Without `confirm` the POST asks for the confirmation (200); it closes nothing.
    "surveys:round-close": Url(
        lambda r: reverse("surveys:round-close", args=[with_round(r)]),
        POST=SURVEY_RUNNERS | {"kansli": OK, "assigned_inspector": OK},
    ),
    "surveys:invite": Url(
        lambda r: reverse("surveys:invite", args=[with_round(r)]),
        POST=SURVEY_INVITERS,
        data=lambda r: {"email": "ny.respondent@enhet.test", "group": "handledare"},
    ),
}

# ---- The survey's results: the kansli and the review's inspectors; the unit and observers are
# refused. The round is closed with answers, so that the exports answer (while it is open they
# send the reader back to the page: tests/surveys/test_results_pages.py). ----------------------


def with_closed_round(review: Review) -> int:
    from granska.surveys.services import round_close
    from granska.surveys.vocabulary import Group
    from tests.survey_builders import answered, questionnaire_small, round_for

    review = walk(review, Status.FORBEREDELSE)
    questionnaire_small(review.protocol, code=f"tabell-{review.pk}")
    round_ = round_for(review)
    answered(round_, Group.ST_LAKARE, 4)
    answered(round_, Group.STUDIEREKTOR, 1)
    round_close(by=None, round_=round_)
    return review.pk


TABLE |= {
    "surveys:results": Url(
        lambda r: reverse("surveys:results", args=[with_closed_round(r)]), GET=WORKERS
    ),
    "surveys:results-csv": Url(
        lambda r: reverse("surveys:results-csv", args=[with_closed_round(r)]), GET=WORKERS
    ),
    "surveys:results-xlsx": Url(
        lambda r: reverse("surveys:results-xlsx", args=[with_closed_round(r)]), GET=WORKERS
    ),
}


# ---- The import page (imports:…): the kansli's alone. A batch of one text file, its reading
# still queued (the table's cases never commit, so no task runs): its page shows the progress, and
# confirming it says to wait, back on the batch's page. An upload with no file is refused (422).
def import_batch(review: Review) -> int:
    return batch_create(by=kansli_user(), files=[("rapport.txt", b"Styrkor\n")]).pk


TABLE |= {
    "imports:upload": Url(
        lambda r: reverse("imports:upload"), GET=KANSLI_ONLY, POST=KANSLI_ONLY | {"kansli": 422}
    ),
    "imports:batch": Url(
        lambda r: reverse("imports:batch", args=[import_batch(r)]), GET=KANSLI_ONLY
    ),
    "imports:batch-status": Url(
        lambda r: reverse("imports:batch-status", args=[import_batch(r)]), GET=KANSLI_ONLY
    ),
    "imports:confirm": Url(
        lambda r: reverse("imports:confirm", args=[import_batch(r)]),
        POST=KANSLI_ONLY | {"kansli": REDIRECT},
    ),
}


# ---- Accounts (django-allauth under /konto/): every named URL allauth includes. ----------------
# Nobody signs up and nobody verifies an address (the kansli creates accounts), but allauth still
# names those pages: they answer harmlessly. The people fixture logs in without a second factor
# and none has TOTP, so the pages for an existing authenticator say 404, and the ones that change
# authenticators first ask for the password again (a redirect). allauth's views are its own: they
# check the login before the method (a visitor is sent to the login whatever the method), several
# answer every method alike, and its forms take a PUT as a POST (Django's FormView).
ANYONE_OK = dict.fromkeys(ROLES, OK)
ANONYMOUS_ONLY = dict.fromkeys(ROLES, REDIRECT) | {"anonymous": OK}  # the rest go home
LOGGED_IN_REDIRECT = dict.fromkeys(ROLES, REDIRECT) | {"anonymous": LOGIN}
NO_AUTHENTICATOR = dict.fromkeys(ROLES, NOT_FOUND) | {"anonymous": LOGIN}
VISITOR_TO_LOGIN = dict.fromkeys(ROLES, 405) | {"anonymous": LOGIN}


def logged_in_form(path: Callable[[Review], str], get: Answers, post: Answers) -> Url:
    """A form behind the login: it takes a PUT as a POST and refuses other methods, but only
    once the visitor has been sent to the login."""
    return Url(path, GET=get, POST=post, PUT=post, PATCH=VISITOR_TO_LOGIN, DELETE=VISITOR_TO_LOGIN)


TABLE |= {
    # Whoever is logged in is sent home before the method counts; a visitor's empty form is
    # shown again.
    "account_login": Url(
        lambda r: reverse("account_login"),
        GET=ANONYMOUS_ONLY,
        POST=ANONYMOUS_ONLY,
        PUT=ANONYMOUS_ONLY,
        PATCH=ANONYMOUS_ONLY | {"anonymous": 405},
        DELETE=ANONYMOUS_ONLY | {"anonymous": 405},
    ),
    # A GET asks "log out?"; the logging out itself is a POST, which ends on the login page (a
    # visitor is sent there too).
    "account_logout": Url(
        lambda r: reverse("account_logout"),
        GET=ALL_LOGGED_IN_OK,
        POST=dict.fromkeys(ROLES, LOGIN),
    ),
    "account_signup": alike(lambda r: reverse("account_signup"), ANONYMOUS_ONLY),
    "account_inactive": Url(lambda r: reverse("account_inactive"), GET=ANYONE_OK),
    "account_reauthenticate": logged_in_form(
        lambda r: reverse("account_reauthenticate"), ALL_LOGGED_IN_OK, ALL_LOGGED_IN_OK
    ),
    "account_email": logged_in_form(
        lambda r: reverse("account_email"), ALL_LOGGED_IN_OK, LOGGED_IN_REDIRECT
    ),
    "account_email_verification_sent": Url(
        lambda r: reverse("account_email_verification_sent"), GET=ANYONE_OK
    ),
    # Says the link is not valid; confirming by it finds nothing.
    "account_confirm_email": Url(
        lambda r: reverse("account_confirm_email", args=["ogiltig"]),
        GET=ANYONE_OK,
        POST=dict.fromkeys(ROLES, NOT_FOUND),
    ),
    # No login by code: back to the login, or home.
    "account_confirm_login_code": alike(
        lambda r: reverse("account_confirm_login_code"), LOGGED_IN_REDIRECT
    ),
    "account_change_password": logged_in_form(
        lambda r: reverse("account_change_password"), ALL_LOGGED_IN_OK, ALL_LOGGED_IN_OK
    ),
    # Everyone has a password: setting a first one sends them to changing it.
    "account_set_password": alike(lambda r: reverse("account_set_password"), LOGGED_IN_REDIRECT),
    "account_reset_password": Url(
        lambda r: reverse("account_reset_password"),
        GET=ANYONE_OK,
        POST=ANYONE_OK,  # the empty form again
        PUT=ANYONE_OK,
    ),
    "account_reset_password_done": Url(
        lambda r: reverse("account_reset_password_done"), GET=ANYONE_OK
    ),
    "account_reset_password_from_key": alike(
        lambda r: reverse("account_reset_password_from_key", args=["1", "ogiltig"]),
        ANYONE_OK,  # says the link is not valid
    ),
    "account_reset_password_from_key_done": Url(
        lambda r: reverse("account_reset_password_from_key_done"), GET=ANYONE_OK
    ),
    "mfa_index": Url(
        lambda r: reverse("mfa_index"),
        GET=ALL_LOGGED_IN_OK,
        POST=VISITOR_TO_LOGIN,
        PUT=VISITOR_TO_LOGIN,
        PATCH=VISITOR_TO_LOGIN,
        DELETE=VISITOR_TO_LOGIN,
    ),
    # Only during a login that waits for its second factor; otherwise back to login, or home.
    "mfa_authenticate": alike(lambda r: reverse("mfa_authenticate"), LOGGED_IN_REDIRECT),
    "mfa_reauthenticate": alike(lambda r: reverse("mfa_reauthenticate"), LOGGED_IN_REDIRECT),
    "mfa_activate_totp": alike(lambda r: reverse("mfa_activate_totp"), LOGGED_IN_REDIRECT),
    "mfa_deactivate_totp": alike(lambda r: reverse("mfa_deactivate_totp"), NO_AUTHENTICATOR),
    "mfa_generate_recovery_codes": alike(
        lambda r: reverse("mfa_generate_recovery_codes"), LOGGED_IN_REDIRECT
    ),
    "mfa_view_recovery_codes": Url(
        lambda r: reverse("mfa_view_recovery_codes"),
        GET=NO_AUTHENTICATOR,
        POST=VISITOR_TO_LOGIN,
        PUT=VISITOR_TO_LOGIN,
        PATCH=VISITOR_TO_LOGIN,
        DELETE=VISITOR_TO_LOGIN,
    ),
    "mfa_download_recovery_codes": alike(
        lambda r: reverse("mfa_download_recovery_codes"), NO_AUTHENTICATOR
    ),
}
# ---- end of the accounts block ------------------------------------------------------------------


# ---- The respondent's link (surveys:respond) ----------------------------------------------------
def respondent_link(review: Review) -> str:
    """A personal link of the review's survey round, as its e-mail gave it: the review is put in
    förberedelse, a questionnaire loaded and the round opened, one ST-läkare invited."""
    review = walk(review, Status.FORBEREDELSE)
    questionnaire_small(review.protocol)
    token = invited(round_for(review), "enkat@enhet.test", SurveyGroup.ST_LAKARE)
    return reverse("surveys:respond", args=[token["enkat@enhet.test"]])


# The link is its own key: no account is needed, and anyone holding it (signed in as whatever
# role or not) answers the form and sends it once (each case is rolled back, so the link is
# fresh for the next). tests/surveys/test_respond.py and test_anonymity.py follow it further.
TABLE |= {
    "surveys:respond": Url(
        respondent_link,
        GET=dict.fromkeys(ROLES, OK),
        POST=dict.fromkeys(ROLES, OK),
        data=lambda r: {"s-A1": "helt", "t-A": "Bra handledning."},
    ),
}


def project_url_names() -> Iterator[str]:
    """Every named URL of the project outside the admin's own views."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                # An unnamed URL cannot be in the table: it fails the test until it has a name.
                yield f"{namespace}{pattern.name or f'<unnamed: {pattern.pattern}>'}"

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_has_an_entry_in_the_table() -> None:
    assert set(project_url_names()) | {"admin:index"} == set(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_entry_answers_every_role_and_someone(name: str) -> None:
    """An entry names every role for each method it lists, and some role may use some method
    (a URL that refuses everything to everyone is dead)."""
    entry = TABLE[name]
    listed = [method for method in METHODS if getattr(entry, method) is not None]
    assert listed, f"{name}: no method listed"
    for method in listed:
        assert set(entry.answers(method)) == set(ROLES), f"{name} {method}"


@pytest.fixture
def people(protocol: ProtocolVersion) -> tuple[Review, dict[str, User | None]]:
    return build_people(protocol)


def build_people(protocol: ProtocolVersion) -> tuple[Review, dict[str, User | None]]:
    """The review the table is tried on, and a person of every role: its assigned inspector,
    its unit's contact, an observer whose scope covers it, and one of each it does not concern."""
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    other_unit = UnitFactory()
    users: dict[str, User] = {
        "kansli": UserFactory(role=Role.KANSLI, is_staff=True, is_superuser=True),
        "assigned_inspector": UserFactory(role=Role.INSPEKTOR),
        "other_inspector": UserFactory(role=Role.INSPEKTOR),
        "own_unit": UserFactory(role=Role.VERKSAMHET),
        "other_unit": UserFactory(role=Role.VERKSAMHET),
        "observer": UserFactory(role=Role.OBSERVATOR),
        "other_observer": UserFactory(role=Role.OBSERVATOR),
    }
    Assignment.objects.create(review=review, inspector=users["assigned_inspector"])
    ObserverScope.objects.create(observer=users["observer"], specialty=review.specialty)
    ObserverScope.objects.create(
        observer=users["other_observer"], specialty=SpecialtyFactory(name="Psykiatri")
    )
    review.unit.members.add(users["own_unit"])
    other_unit.members.add(users["other_unit"])
    review_create(
        by=kansli_user(), unit=other_unit, protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    return review, {"anonymous": None, **users}


def answer_of(response: Any) -> Any:
    """The status code, or LOGIN for a redirect to a login page."""
    if response.status_code == 302 and response["Location"].startswith(
        (reverse("account_login"), reverse("admin:login"))
    ):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_method_gets_the_expected_answer_for_every_role(
    people: tuple[Review, dict[str, User | None]], name: str
) -> None:
    """Each method × role runs on the same people in a savepoint of its own, rolled back after:
    what one request changes the next does not see."""
    review, users = people
    entry = TABLE[name]
    wrong = []
    # The path's builder puts the review in its step once; each case runs in a savepoint.
    path = entry.path(Review.objects.get(pk=review.pk))
    for method in METHODS:
        for role in ROLES:
            with transaction.atomic():
                cache.clear()  # the login rate limits count across requests
                fresh = Review.objects.get(pk=review.pk)
                client = Client()
                if (user := users[role]) is not None:
                    client.force_login(user)
                if method == "POST":
                    response = client.post(path, entry.data(fresh))
                else:
                    response = client.generic(method, path)
                expected = entry.answers(method)[role]
                if (got := answer_of(response)) != expected:
                    wrong.append(f"{name} {method} as {role}: expected {expected}, got {got}")
                transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_a_unit_sees_only_its_own_reviews_in_the_list(
    client: Client, people: tuple[Review, dict[str, User | None]]
) -> None:
    review, users = people
    client.force_login(users["own_unit"])  # type: ignore[arg-type]
    assert [r.pk for r in client.get(reverse("reviews:list")).context["reviews"]] == [review.pk]
    client.force_login(users["other_inspector"])  # type: ignore[arg-type]
    assert list(client.get(reverse("reviews:list")).context["reviews"]) == []
