"""What people type, at input, for every caller: names that differ only in case or spacing are
one name, every free text has a limit, odd input is refused (never a server error), nothing
invisible is stored, and a form that lacks a field saves nothing instead of blanking it."""

import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_started
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from granska import text as granska_text
from granska.accounts.models import Role, User
from granska.actionplans import services as plan_services
from granska.actionplans.attachments import attachment_name
from granska.actionplans.models import ActionItem, ActionPlan, FollowUpReport, PlanStatus
from granska.actionplans.services import ItemInput, followup_report, plan_save
from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.lifecycle import Status
from granska.reports.models import DraftComment
from granska.reports.services import draft_comment_add, draft_comment_answer
from granska.reviews import registers
from granska.reviews import services as review_services
from granska.reviews.inputs import AreaInput
from granska.reviews.models import (
    Affiliation,
    AreaAssessment,
    AreaGrade,
    Assignment,
    CareProvider,
    Finding,
    Region,
    Review,
    Specialty,
    Unit,
)
from granska.reviews.services import (
    area_grade_set,
    assessment_write,
    finding_record,
    inspector_assign,
    review_create,
    summary_fingerprint,
    summary_save,
)
from granska.workflow.plans import followup_decide, plan_accept
from tests.builders import assessor, kansli_user, review_at
from tests.chain import People
from tests.factories import RegionFactory, SpecialtyFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")
# What no format takes as it is, as pasted from Word or sent by a crafted form: a vertical tab
# (Word's Shift+Enter, stored as a line break), NUL, a unit separator, a C1 control and a
# noncharacter.
INVISIBLE = "\x0b\x00\x1f\x9b\ufffe"


def page_text(response: Any) -> str:
    """The page's words, with every run of white space (the no-break space in "20 000" too)
    one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def no_invisible(value: str) -> bool:
    return not any(character in value for character in INVISIBLE)


@pytest.fixture
def kansli(db: None) -> User:
    return UserFactory(role=Role.KANSLI)


# Care providers, regions and specialties are one whatever their case and spacing.


@pytest.fixture
def osteraa() -> CareProvider:
    return CareProvider.objects.create(name="Region Österå")


@pytest.fixture
def osteraa_inspector(osteraa: CareProvider) -> User:
    """An inspector employed by Region Österå."""
    inspector = UserFactory(role=Role.INSPEKTOR)
    Affiliation.objects.create(inspector=inspector, care_provider=osteraa)
    return inspector


@pytest.mark.parametrize("typed", ["region österå", "  Region   Österå ", "REGION\tÖSTERÅ"])
def test_a_care_provider_typed_in_another_spelling_is_refused_and_the_ties_hold(
    client: Client,
    kansli: User,
    protocol: ProtocolVersion,
    osteraa: CareProvider,
    osteraa_inspector: User,
    typed: str,
) -> None:
    """The jäv case: a care provider written differently never lets a tied inspector through.
    A unit's provider is chosen, not typed (a typed name is not read); adding the provider
    again in another spelling is refused, even when the kansli confirms; so the unit is filed
    under Region Österå and its own inspector is refused, shown unavailable before submitting."""
    region, specialty = RegionFactory(), SpecialtyFactory()
    client.force_login(kansli)
    typed_only = {
        "name": "Vårdcentralen Norr",
        "kind": "vardcentral",
        "region": region.pk,
        "specialty": specialty.pk,
        "care_provider_name": typed,
    }
    response = client.post(reverse("reviews:units"), typed_only)
    assert response.status_code == 422
    assert "Välj enhetens vårdgivare" in page_text(response)
    response = client.post(
        reverse("registers:care-providers"), {"name": typed, "confirm_similar": "on"}
    )
    assert response.status_code == 422
    assert "Det finns redan en vårdgivare som heter ”Region Österå”." in page_text(response)
    with pytest.raises(ValidationError, match="Region Österå"):
        registers.care_provider_add(by=kansli, name=typed, confirm_similar=True)
    assert list(CareProvider.objects.all()) == [osteraa]
    response = client.post(reverse("reviews:units"), typed_only | {"care_provider": osteraa.pk})
    assert response.status_code == 302
    unit = Unit.objects.get(name="Vårdcentralen Norr")
    assert unit.care_provider == osteraa
    review = review_create(by=kansli_user(), unit=unit, protocol=protocol, regulations=BOTH)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert re.search(
        rf'<option value="{osteraa_inspector.pk}" disabled>{osteraa_inspector.full_name} – ej '
        r"tillgänglig: är anställd av enhetens vårdgivare Region Österå</option>",
        page,
    ), page
    with pytest.raises(ValidationError, match="Region Österå"):
        inspector_assign(by=kansli_user(), review=review, inspector=osteraa_inspector)
    response = client.post(
        reverse("reviews:assign", args=[review.pk]), {"inspector": osteraa_inspector.pk}
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(review=review).exists()


def test_a_second_row_of_the_same_provider_written_around_the_services_still_ties(
    protocol: ProtocolVersion, osteraa: CareProvider, osteraa_inspector: User
) -> None:
    """Should a second spelling ever reach the database without the services (a raw insert;
    SQLite's lower() folds only A to Z, so "REGION ÖSTERÅ" passes its constraint), the tie
    still holds: the check compares the provider's name too."""
    other = CareProvider.objects.bulk_create([CareProvider(name="region  österå")])[0]
    unit = UnitFactory(care_provider=other)
    review = review_create(by=kansli_user(), unit=unit, protocol=protocol, regulations=BOTH)
    with pytest.raises(ValidationError, match="anställd av enhetens vårdgivare"):
        inspector_assign(by=kansli_user(), review=review, inspector=osteraa_inspector)


def test_registering_a_unit_is_a_service_that_cleans_and_checks_for_every_caller(
    osteraa: CareProvider,
) -> None:
    region, specialty = RegionFactory(), SpecialtyFactory()
    unit = registers.unit_register(
        by=kansli_user(),
        name=" Vårdcentralen\x0b  Syd\x00 ",
        kind="vardcentral",
        care_provider=osteraa,
        region=region,
        specialty=specialty,
    )
    assert (unit.name, unit.care_provider) == ("Vårdcentralen Syd", osteraa)
    with pytest.raises(ValidationError) as error:
        registers.unit_register(
            by=kansli_user(),
            name="vårdcentralen syd",
            kind="vardcentral",
            care_provider=osteraa,
            region=region,
            specialty=specialty,
        )
    assert "Region Österå har redan en enhet som heter ”Vårdcentralen Syd”." in str(error.value)
    with pytest.raises(ValidationError) as error:
        registers.unit_register(
            by=kansli_user(),
            name="Ny",
            kind="sjukhus",
            care_provider=None,
            region=region,
            specialty=specialty,
        )
    assert error.value.message_dict == {
        "kind": ["Välj en av de typer av enhet som finns att välja."],
        "care_provider": ["Välj enhetens vårdgivare i registret."],
    }
    assert Unit.objects.count() == 1


@pytest.mark.parametrize("model", [Region, CareProvider, Specialty])
def test_the_database_holds_one_name_whatever_its_case(model: Any) -> None:
    model.objects.create(name="Region Stockholm")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(name="REGION STOCKHOLM")


@pytest.mark.parametrize("model", [Region, CareProvider, Specialty])
def test_the_admin_stores_a_register_name_as_one_line_and_refuses_another_spelling(
    model: Any,
) -> None:
    existing = model.objects.create(name="Region Österå")
    typed = model(name="  region\u00a0 ÖSTERÅ\x0b")
    with pytest.raises(ValidationError) as error:
        typed.full_clean()  # what the admin's form calls
    assert "som heter ”Region Österå”" in " ".join(error.value.message_dict["name"])
    new = model(name=" Region\n  Västerå\x00 ")
    new.full_clean()
    new.save()
    assert new.name == "Region Västerå"
    existing.name = "  Region   Österå "
    existing.full_clean()  # its own name, respelled, is not "another"
    assert existing.name == "Region Österå"


MIGRATED_FROM = [("reviews", "0005_areagrade_adjusted_grade_and_more")]
MIGRATED_TO = [("reviews", "0007_names_unique_regardless_of_case")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrates the test database to `targets` and returns the models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def before_the_constraint(transactional_db: None) -> Any:
    """The models before names were unique whatever their case; the latest schema after."""
    try:
        yield _migrate(MIGRATED_FROM)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_merges_names_that_differ_only_in_case_or_spacing(
    before_the_constraint: Any,
) -> None:
    apps = before_the_constraint
    old_provider = apps.get_model("reviews", "CareProvider").objects.create(name="Region Österå")
    twin = apps.get_model("reviews", "CareProvider").objects.create(name="region  österå ")
    region = apps.get_model("reviews", "Region").objects.create(name="Region\tÖsterå")
    specialty = apps.get_model("reviews", "Specialty").objects.create(name="Allmänmedicin")
    specialty_twin = apps.get_model("reviews", "Specialty").objects.create(name="ALLMÄNMEDICIN")
    unit = apps.get_model("reviews", "Unit").objects.create(
        name="Vårdcentralen Norr",
        kind="vardcentral",
        care_provider=twin,
        region=region,
        specialty=specialty_twin,
        calendar_token="t" * 43,
    )
    inspector = apps.get_model("accounts", "User").objects.create(
        email="ines@granska.example", full_name="Ines", role=Role.INSPEKTOR
    )
    apps.get_model("reviews", "Affiliation").objects.create(inspector=inspector, care_provider=twin)
    scope = apps.get_model("reviews", "ObserverScope").objects.create(
        observer=inspector, specialty=specialty_twin
    )

    apps = _migrate(MIGRATED_TO)
    providers = apps.get_model("reviews", "CareProvider").objects.all()
    assert [(p.pk, p.name) for p in providers] == [(old_provider.pk, "Region Österå")]
    assert apps.get_model("reviews", "Region").objects.get().name == "Region Österå"
    assert list(apps.get_model("reviews", "Specialty").objects.values_list("pk", flat=True)) == [
        specialty.pk
    ]
    moved = apps.get_model("reviews", "Unit").objects.get(pk=unit.pk)
    assert (moved.care_provider_id, moved.specialty_id) == (old_provider.pk, specialty.pk)
    tie = apps.get_model("reviews", "Affiliation").objects.get()
    assert tie.care_provider_id == old_provider.pk
    assert apps.get_model("reviews", "ObserverScope").objects.get(pk=scope.pk).specialty_id == (
        specialty.pk
    )


def test_the_migration_stops_naming_the_units_when_merging_would_make_two_alike(
    before_the_constraint: Any,
) -> None:
    apps = before_the_constraint
    providers = apps.get_model("reviews", "CareProvider").objects
    first, second = providers.create(name="Vård AB"), providers.create(name="VÅRD AB")
    region = apps.get_model("reviews", "Region").objects.create(name="Region Österå")
    specialty = apps.get_model("reviews", "Specialty").objects.create(name="Allmänmedicin")
    for n, provider in enumerate((first, second)):
        apps.get_model("reviews", "Unit").objects.create(
            name="Vårdcentralen",
            kind="vardcentral",
            care_provider=provider,
            region=region,
            specialty=specialty,
            calendar_token=f"{n}" * 43,
        )
    with pytest.raises(Exception, match="both have a unit named 'Vårdcentralen'"):
        _migrate(MIGRATED_TO)
    # Nothing of it was kept: both are there for the kansli to sort out.
    assert apps.get_model("reviews", "CareProvider").objects.count() == 2
    apps.get_model("reviews", "Unit").objects.filter(care_provider=second).update(name="Annan")
    apps = _migrate(MIGRATED_TO)
    assert apps.get_model("reviews", "CareProvider").objects.count() == 1


# Every free text has a limit, in the service, named in Swedish with the numbers.


@pytest.fixture
def besok(protocol: ProtocolVersion) -> Review:
    return review_at(Status.BESOK, protocol, unit=UnitFactory(), regulations=BOTH)


@pytest.fixture
def inspector(besok: Review) -> User:
    user = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=besok, inspector=user)
    return user


def area_a_post(version: int = 0, **extra: str) -> dict[str, str]:
    """The whole form of area A as the page posts it: met throughout, graded A."""
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


def test_a_narrative_of_a_megabyte_is_refused_beside_the_field_keeping_the_text(
    client: Client, besok: Review, inspector: User
) -> None:
    client.force_login(inspector)
    url = reverse("reviews:assessment", args=[besok.pk, "A"])
    assert client.post(url, area_a_post()).status_code == 302
    narrative = "Lång text. " * (2**20 // 11) + "x" * (2**20 % 11)
    assert len(narrative) == 1_048_576
    response = client.post(url, area_a_post(version=1, narrative=narrative))
    assert response.status_code == 422
    page = page_text(response)
    assert "Beskrivningen för område A får vara högst 20 000 tecken; den är 1 048 576." in page
    html = response.content.decode()
    assert 'id="narrative-error"' in html
    assert narrative in html  # what was typed is still in the form
    assessment = AreaAssessment.objects.get(review=besok, area__code="A")
    assert (assessment.narrative, assessment.version) == ("Verksamheten har tydliga riktlinjer.", 1)


def _area(review: Review, code: str) -> Area:
    return Area.objects.get(protocol=review.protocol, code=code)


def _criterion(review: Review, code: str) -> Criterion:
    return Criterion.objects.get(protocol=review.protocol, code=code)


# (what is written, the limit, a call that writes `text` in the service, the key of the refusal,
# the message's beginning)
LIMITS: list[tuple[str, int, Callable[[Any, str], Any], str, str]] = [
    (
        "narrative",
        20_000,
        lambda c, text: assessment_write(
            by=assessor(c.review), review=c.review, area=_area(c.review, "E"), narrative=text
        ),
        "narrative",
        "Beskrivningen för område E får vara högst 20 000 tecken",
    ),
    (
        "note",
        5_000,
        lambda c, text: finding_record(
            by=assessor(c.review),
            review=c.review,
            criterion=_criterion(c.review, "E4"),
            outcome="delvis",
            note=text,
        ),
        "note",
        "Anteckningen för E4 får vara högst 5 000 tecken",
    ),
    (
        "reason",
        5_000,
        lambda c, text: area_grade_set(
            by=assessor(c.review),
            review=c.review,
            area=_area(c.review, "E"),
            regulation="HSLF-FS 2021:8",
            grade="B",
            reason=text,
        ),
        "reason",
        "Skälet för graderingen av område E enligt HSLF-FS 2021:8 får vara högst 5 000 tecken",
    ),
    (
        "summary",
        10_000,
        lambda c, text: summary_save(
            by=kansli_user(),
            review=c.review,
            strengths=text,
            weaknesses="",
            improvements="",
            fingerprint=summary_fingerprint(Review.objects.get(pk=c.review.pk)),
        ),
        "strengths",
        "Listan ”Styrkor” får vara högst 10 000 tecken",
    ),
    (
        "draft comment",
        5_000,
        lambda c, text: draft_comment_add(
            review=c.review, by=c.people.contact, section="E", text=text
        ),
        "text",
        "Kommentaren får vara högst 5 000 tecken",
    ),
    (
        "answer",
        5_000,
        lambda c, text: draft_comment_answer(
            comment=c.comment(), by=c.people.inspector, answer=text, decision="changed"
        ),
        "answer",
        "Svaret får vara högst 5 000 tecken",
    ),
    (
        "unit name",
        200,
        lambda c, text: registers.unit_register(
            by=kansli_user(),
            name=text,
            kind="klinik",
            care_provider=c.review.unit.care_provider,
            region=c.review.unit.region,
            specialty=c.review.specialty,
        ),
        "name",
        "Enhetens namn får vara högst 200 tecken",
    ),
    (
        "care provider name",
        200,
        lambda c, text: registers.care_provider_add(by=kansli_user(), name=text),
        "name",
        "Namnet får vara högst 200 tecken",
    ),
    (
        "region name",
        120,
        lambda c, text: Region(name=text).full_clean(),
        "name",
        "Namnet får vara högst 120 tecken",
    ),
    (
        "specialty name",
        120,
        lambda c, text: Specialty(name=text).full_clean(),
        "name",
        "Namnet får vara högst 120 tecken",
    ),
    (
        "person's name",
        200,
        lambda c, text: User.objects.create_user(
            email=f"p{len(text)}@granska.example", full_name=text, role=Role.INSPEKTOR
        ),
        "full_name",
        "Namnet får vara högst 200 tecken",
    ),
]


class Chain:
    """The review in faktagranskning with its people, for the limits' calls."""

    def __init__(self, review: Review, people: People) -> None:
        self.review, self.people = review, people

    def comment(self) -> DraftComment:
        return DraftComment.objects.get_or_create(
            review=self.review, section="A", text="Fel år.", by=self.people.contact
        )[0]


@pytest.mark.parametrize(
    ("write", "limit", "key", "words"),
    [pytest.param(w, limit, key, words, id=name) for name, limit, w, key, words in LIMITS],
)
def test_each_service_takes_a_text_at_its_limit_and_refuses_one_longer_naming_both(
    review: Review,
    people: People,
    write: Callable[[Any, str], Any],
    limit: int,
    key: str,
    words: str,
) -> None:
    chain = Chain(review, people)
    with pytest.raises(ValidationError) as error:
        write(chain, "ö" * (limit + 1))
    message = " ".join(error.value.message_dict[key]).replace("\u00a0", " ")
    longer = f"{limit + 1:,}".replace(",", " ")
    assert message.startswith(words)
    assert message.endswith(f"är {longer}.")
    write(chain, "ö" * limit)  # at the limit it is taken


def test_the_plans_fields_have_their_limits(plan: ActionPlan, people: People) -> None:
    first = plan.items.all()[0]
    full = {
        "action": "a" * 5_001,
        "completion": "Q2 2027 " + "x" * 60,
        "responsible": "r" * 201,
        "responsible_email": "e" * 250 + "@x.se",
        "followup": "Q4 2027",
        "followup_responsible": "f" * 201,
    }
    with pytest.raises(ValidationError) as error:
        plan_save(
            plan=plan,
            version=0,
            items={first.pk: ItemInput(**full)},
            by=people.contact,
            submit=False,
        )
    messages = {
        key.removeprefix(f"items.{first.pk}."): " ".join(texts).replace("\u00a0", " ")
        for key, texts in error.value.message_dict.items()
    }
    assert messages["action"].startswith(f"Den planerade åtgärden för {first} får vara högst 5 000")
    assert messages["completion"].startswith("Datumet när åtgärden för")
    assert "högst 60 tecken; det är 68." in messages["completion"]
    assert "högst 200 tecken; det är 201." in messages["responsible"]
    assert "högst 254 tecken; den är 255." in messages["responsible_email"]
    assert "högst 200 tecken; det är 201." in messages["followup_responsible"]
    assert set(plan.items.values_list("action", flat=True)) == {""}


@pytest.fixture
def submitted(plan: ActionPlan, people: People) -> ActionPlan:
    full = ItemInput(
        action="Åtgärd.",
        completion="Q2 2027",
        responsible="Studierektor",
        followup="Q4 2027",
        followup_responsible="Verksamhetschef",
    )
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), full)
    return plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)


@pytest.fixture
def accepted(submitted: ActionPlan, people: People) -> ActionPlan:
    return plan_accept(plan=submitted, by=people.inspector)


def test_returning_a_plan_with_too_long_a_comment_shows_it_beside_the_field_kept(
    client: Client, submitted: ActionPlan, people: People
) -> None:
    first = submitted.items.first()
    assert first is not None
    client.force_login(people.inspector)
    comment = "Ändra. " * 800
    response = client.post(
        reverse("actionplans:decide", args=[submitted.review_id]),
        {"decision": "return", f"comment-{first.pk}": comment, "comment": "Se åtgärderna."},
    )
    assert response.status_code == 422
    page = page_text(response)
    assert f"Kommentaren till {first} får vara högst 5 000 tecken; den är 5 599." in page
    html = response.content.decode()
    assert f'id="comment-{first.pk}-error"' in html
    assert comment.strip() in html
    assert "Se åtgärderna." in html
    submitted.refresh_from_db()
    assert (submitted.status, submitted.return_comment) == (PlanStatus.INLAMNAD, "")
    with pytest.raises(ValidationError, match="planen får vara högst 5"):
        plan_services.plan_return(
            plan=submitted, by=people.inspector, comments={}, comment="x" * 5_001
        )


def test_a_follow_up_report_and_its_answer_too_long_are_refused_beside_the_field_kept(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    item = accepted.items.first()
    assert item is not None
    client.force_login(people.contact)
    report_url = reverse("actionplans:report", args=[accepted.review_id, item.pk])
    long_report = "Gjort. " * 1_500
    response = client.post(report_url, {"text": long_report})
    assert response.status_code == 422
    assert f"Redovisningen för {item} får vara högst 10 000 tecken" in page_text(response)
    assert f'id="report-{item.pk}-error"' in response.content.decode()
    assert long_report.strip() in response.content.decode()
    assert not FollowUpReport.objects.exists()

    assert client.post(report_url, {"text": "Gjort."}).status_code == 302
    report = FollowUpReport.objects.get()
    client.force_login(people.inspector)
    answer = "Visa mer. " * 600
    response = client.post(
        reverse("actionplans:confirm", args=[accepted.review_id, report.pk]),
        {"decision": "more", "comment": answer},
    )
    assert response.status_code == 422
    assert "Kommentaren får vara högst 5 000 tecken; den är 5 999." in page_text(response)
    assert answer.strip() in response.content.decode()
    report.refresh_from_db()
    assert report.decision == ""


def test_a_draft_comment_too_long_is_refused_beside_its_field_keeping_the_text(
    client: Client, review: Review, people: People
) -> None:
    client.force_login(people.contact)
    comment = "Fel antal ST-läkare. " * 300
    response = client.post(
        reverse("reports:comment-add", args=[review.pk]), {"section": "B", "text": comment}
    )
    assert response.status_code == 422
    assert "Kommentaren får vara högst 5 000 tecken; den är 6 299." in page_text(response)
    html = response.content.decode()
    assert 'id="comment-B-error"' in html
    assert comment.strip() in html
    assert not DraftComment.objects.exists()

    remark = draft_comment_add(review=review, by=people.contact, section="B", text="Fel antal.")
    client.force_login(people.inspector)
    answer = "Rättat i rapporten. " * 300
    response = client.post(
        reverse("reports:comment-answer", args=[review.pk, remark.pk]),
        {"answer": answer, "decision": "changed"},
    )
    assert response.status_code == 422
    assert "Svaret får vara högst 5 000 tecken; det är 5 999." in page_text(response)
    assert f'id="answer-{remark.pk}-error"' in response.content.decode()
    assert answer.strip() in response.content.decode()
    remark.refresh_from_db()
    assert remark.answered_at is None


def test_the_summary_too_long_is_refused_beside_the_field_keeping_the_text(
    client: Client, besok: Review, inspector: User
) -> None:
    client.force_login(inspector)
    strengths = "God handledning.\n" * 700
    response = client.post(
        reverse("reviews:summary", args=[besok.pk]),
        {
            "strengths": strengths,
            "weaknesses": "Få sidoplaceringar.",
            "improvements": "",
            "fingerprint": summary_fingerprint(besok),
        },
    )
    assert response.status_code == 422
    assert "Listan ”Styrkor” får vara högst 10 000 tecken; den är 11 899." in page_text(response)
    assert "Få sidoplaceringar." in response.content.decode()
    besok.refresh_from_db()
    assert (besok.strengths, besok.weaknesses) == ("", "")


def test_a_unit_name_too_long_is_refused_beside_the_field_keeping_what_was_typed(
    client: Client, kansli: User
) -> None:
    unit = UnitFactory()
    client.force_login(kansli)
    name = "Vårdcentralen " + "Å" * 200
    response = client.post(
        reverse("reviews:units"),
        {
            "name": name,
            "kind": "vardcentral",
            "region": unit.region.pk,
            "specialty": unit.specialty.pk,
            "care_provider": unit.care_provider.pk,
        },
    )
    assert response.status_code == 422
    assert "Enhetens namn får vara högst 200 tecken; det är 214." in page_text(response)
    assert f'value="{name}"' in response.content.decode()
    assert Unit.objects.count() == 1


# Odd input is refused or read strictly, never a server error.


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("0", 0),
        ("17", 17),
        ("²", None),
        ("٣", None),  # an Arabic-Indic three, which int() reads
        ("1_000", None),
        (" 7", None),
        ("+7", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("1" * 5_000, None),
        ("9" * 18, 999_999_999_999_999_999),
        ("9" * 19, None),
    ],
)
def test_a_number_from_a_form_is_ascii_digits_and_not_too_many(
    raw: str | None, read: int | None
) -> None:
    assert granska_text.form_int(raw) == read


@pytest.mark.parametrize("version", ["²", "1" * 5_000, "٣", "1_0"])
def test_an_odd_version_on_the_area_and_suggestion_posts_is_refused_not_an_error(
    client: Client, besok: Review, inspector: User, version: str
) -> None:
    client.force_login(inspector)
    data = area_a_post() | {"version": version}
    response = client.post(reverse("reviews:assessment", args=[besok.pk, "A"]), data)
    assert response.status_code == 422
    assert "Formuläret angav inte vilken sparad version" in page_text(response)
    assert not Finding.objects.exists()
    assert not AreaAssessment.objects.filter(version__gt=0).exists()
    suggestion = client.post(
        reverse("reviews:assessment-suggestion", args=[besok.pk, "A"]),
        data,
        headers={"HX-Request": "true"},
    )
    assert suggestion.status_code == 200


@pytest.mark.parametrize("version", ["²", "1" * 5_000, "0x0"])
def test_an_odd_version_on_the_plan_is_refused_naming_it(
    client: Client, plan: ActionPlan, people: People, version: str
) -> None:
    client.force_login(people.contact)
    data = {"version": version, "intent": "save"}
    for pk in plan.items.values_list("pk", flat=True):
        data |= {f"item-{pk}-{name}": "" for name in plan_services.ITEM_FIELDS}
        data[f"item-{pk}-action"] = "Ny åtgärd."
    response = client.post(reverse("actionplans:plan", args=[plan.review_id]), data)
    assert response.status_code == 422
    assert "Formuläret angav inte vilken sparad version" in page_text(response)
    assert set(plan.items.values_list("action", flat=True)) == {""}


def test_an_attachment_name_too_long_in_bytes_is_shortened_keeping_its_extension(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    item = accepted.items.first()
    assert item is not None
    client.force_login(people.contact)
    name = "å" * 150 + ".pdf"  # 304 bytes in UTF-8: more than a file system takes
    response = client.post(
        reverse("actionplans:report", args=[accepted.review_id, item.pk]),
        {"text": "Rutinen är införd.", "attachment": SimpleUploadedFile(name, b"%PDF-1.7")},
    )
    assert response.status_code == 302
    stored = FollowUpReport.objects.get().attachment
    assert stored.name is not None
    base = stored.name.rsplit("/", 1)[-1]
    assert base.endswith(".pdf")
    assert base.startswith("ååå")
    assert len(base.encode()) <= 120
    assert len(stored.name) <= 255
    with stored.open("rb") as file:
        assert file.read() == b"%PDF-1.7"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\nils\\rutin för ST.docx", "rutin_för_ST.docx"),
        ("rapport\x00\x1f\n2026.pdf", "rapport_2026.pdf"),
        ("...", "bilaga"),
        ("", "bilaga"),
        ("ö" * 300, "ö" * 60),
    ],
)
def test_an_attachment_name_loses_its_folders_and_invisible_characters(
    given: str, stored: str
) -> None:
    assert attachment_name(given) == stored


@pytest.mark.parametrize(
    "path",
    [
        "/kalender/\x00.ics",
        "/kalender/" + "a" * 42 + "\x00.ics",
        "/kalender/" + "a" * 43 + "!.ics",
        "/kalender/kort.ics",
        "/granskningar/1/omrade/\x00/",
        "/granskningar/1/omrade/e/",
        "/granskningar/1/omrade/ABCDE/",
        "/granskningar/1/omrade/Å/forslag/",
        "/granskningar/" + "1" * 19 + "/",
        "/granskningar/1/rapport/version/" + "9" * 30 + ".pdf",
    ],
)
def test_a_path_part_matches_only_what_it_can_be(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path)


def test_every_path_part_is_a_strict_converter() -> None:
    """No URL of Granska's own takes "any text" or "any number": each names its converter."""
    from granska.web.urls import plans as actionplans_urls
    from granska.web.urls import published as public_urls
    from granska.web.urls import reports as reports_urls
    from granska.web.urls import reviews as reviews_urls

    for module in (reviews_urls, reports_urls, public_urls, actionplans_urls):
        for pattern in module.urlpatterns:
            route = str(pattern.pattern)
            assert "<int:" not in route, route
            assert "<str:" not in route, route
    assert resolve("/kalender/" + "A_-9" * 10 + "xyz.ics").kwargs == {"token": "A_-9" * 10 + "xyz"}
    assert resolve("/granskningar/12/omrade/BT1/").kwargs == {"pk": 12, "code": "BT1"}


@pytest.mark.parametrize(
    "path",
    [
        "/kalender/%00.ics",
        "/kalender/" + "a" * 42 + "%00.ics",
        "/granskningar/{pk}/omrade/%00/",
        "/granskningar/{pk}/omrade/A%00/",
        "/granskningar/?status=%00",
        "/granskningar/?specialty=1%00",
        "/konto/login/?next=/%00",
        "/rapporter/?q=%00",
    ],
)
def test_a_nul_in_the_address_is_refused_never_a_server_error(
    client: Client, kansli: User, besok: Review, path: str
) -> None:
    """On PostgreSQL, which cannot compare a text holding NUL, this was a server error."""
    client.force_login(kansli)
    response = client.get(path.replace("{pk}", str(besok.pk)))
    assert response.status_code in (400, 404)
    assert "Traceback" not in response.content.decode()
    if response.status_code == 400:
        assert "osynligt styrtecken (NUL)" in page_text(response)


def multipart(charset: str, body: bytes = b"text") -> tuple[str, bytes]:
    boundary = "GranskaGrans"
    data = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'.encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}; charset={charset}", data


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"name=V%E5rdcentralen&kind=klinik"),
        ("application/x-www-form-urlencoded", b"name=V\xe5rdcentralen"),
        ("application/x-www-form-urlencoded; charset=latin-1", b"name=V%E5rdcentralen"),
        ("application/x-www-form-urlencoded; charset=base64", b"name=x"),
        multipart("latin-1", b"V\xe5rdcentralen"),
        multipart("base64"),
        multipart("rot13"),
        multipart("idna", b"\xff"),
        multipart("no-such-charset"),
    ],
)
def test_a_post_that_is_not_utf_8_gets_the_swedish_error_page_in_production(
    settings: Any, client: Client, kansli: User, content_type: str, body: bytes
) -> None:
    settings.DEBUG = False
    client.force_login(kansli)
    response = client.generic("POST", reverse("reviews:units"), body, content_type=content_type)
    assert response.status_code == 400
    page = page_text(response)
    assert "Frågan kunde inte läsas" in page
    assert "UTF-8" in page
    assert '<html lang="sv">' in response.content.decode()
    assert not Unit.objects.exists()


def wsgi_get(path: str, query: str, content_type: str) -> tuple[str, str]:
    """The status and page Granska's WSGI application (granska.wsgi, what the server runs)
    answers, with the test's database connection left open as Django's test client leaves it."""
    from granska.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    answer: list[str] = []

    def start_response(status: str, headers: object, *_: object) -> Callable[[bytes], None]:
        answer.append(status)
        return lambda data: None

    request_started.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
    return answer[0], re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.decode()))


@pytest.mark.parametrize(
    "content_type", ["text/plain; charset=rot13", "text/plain; charset=idna", "x" * 10_001]
)
def test_a_request_whose_content_type_django_cannot_build_is_refused_not_a_crash(
    settings: Any, content_type: str
) -> None:
    """Django decodes the query string with the declared codec while it builds the request,
    before any middleware: "rot13" is no text encoding, "idna" refuses a long label."""
    settings.DEBUG = False
    status, page = wsgi_get("/granskningar/", "status=" + "b" * 70, content_type)
    assert status.startswith("400")
    assert "Frågan kunde inte läsas" in page


def test_a_form_in_utf_8_still_passes(client: Client, kansli: User) -> None:
    unit = UnitFactory()
    client.force_login(kansli)
    response = client.generic(
        "POST",
        reverse("reviews:units"),
        (
            f"name=V%C3%A5rdcentralen+Ny&kind=klinik&region={unit.region.pk}"
            f"&specialty={unit.specialty.pk}&care_provider={unit.care_provider.pk}"
        ).encode(),
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 302
    assert Unit.objects.filter(name="Vårdcentralen Ny").exists()


# Nothing invisible is stored, whoever calls the service.


def test_the_reviews_services_store_no_invisible_character(review: Review, people: People) -> None:
    note = f"Rad ett{INVISIBLE}\r\nrad två"
    finding = finding_record(
        by=assessor(review),
        review=review,
        criterion=_criterion(review, "A1"),
        outcome="uppfyllt",
        note=note,
    )
    assert finding.note == "Rad ett\n\nrad två"  # the vertical tab is a line break
    assessment = assessment_write(
        by=assessor(review),
        review=review,
        area=_area(review, "A"),
        narrative=f"Stycke{INVISIBLE}.\u2028Nästa.",
    )
    assert assessment.narrative == "Stycke\n.\nNästa."
    grade = area_grade_set(
        by=assessor(review),
        review=review,
        area=_area(review, "A"),
        regulation="HSLF-FS 2021:8",
        grade="B",
        reason=f"Skäl\x00{INVISIBLE}",
    )
    assert grade.deviation_reason == "Skäl"
    saved = summary_save(
        by=kansli_user(),
        review=review,
        strengths=f"Bra\x0bhandledning{INVISIBLE}",
        weaknesses="\x00",
        improvements="a\u0308",  # "ä" typed as "a" and a combining diaeresis
        fingerprint=summary_fingerprint(review),
    )
    assert (saved.strengths, saved.weaknesses, saved.improvements) == (
        "Bra\nhandledning",
        "",
        "ä",
    )
    for row in (finding.note, assessment.narrative, grade.deviation_reason, saved.strengths):
        assert no_invisible(row)


def test_the_reports_and_plans_services_store_no_invisible_character(
    accepted: ActionPlan, review: Review, people: People
) -> None:
    item = accepted.items.first()
    assert item is not None
    report = followup_report(item=item, by=people.contact, text=f"Gjort{INVISIBLE}.")
    assert report.text == "Gjort\n."
    answered = followup_decide(
        report=report, by=people.inspector, decision="more", comment=f"Mer\x00{INVISIBLE}"
    )
    assert answered.decision_comment == "Mer"


def test_the_unit_and_plan_writers_store_one_line_names(plan: ActionPlan, people: People) -> None:
    first = plan.items.first()
    assert first is not None
    data = ItemInput(
        action=f"Åtgärd{INVISIBLE}",
        completion="Våren\n2027",
        responsible=f"Studierektor\r\n Nils\x0bEk{INVISIBLE}",
        responsible_email=" nils@enheten.example\x00",
        followup="HT\t2027",
        followup_responsible="Verksamhets\u00adchef\x1f",
    )
    plan_save(plan=plan, version=0, items={first.pk: data}, by=people.contact, submit=False)
    first.refresh_from_db()
    assert first.action == "Åtgärd"
    assert (first.completion_text, first.followup_text) == ("Våren 2027", "HT 2027")
    assert first.responsible == "Studierektor Nils Ek"
    assert first.responsible_email == "nils@enheten.example"
    assert no_invisible(first.followup_responsible)
    person = User.objects.create_user(
        email=" ny@granska.example\x00", full_name="Ny\nPerson\x0b", role=Role.INSPEKTOR
    )
    assert (person.email, person.full_name) == ("ny@granska.example", "Ny Person")


def test_the_draft_comment_services_store_no_invisible_character(
    review: Review, people: People
) -> None:
    comment = draft_comment_add(
        review=review, by=people.contact, section="A", text=f"Fel{INVISIBLE}år"
    )
    assert comment.text == "Fel\når"
    answered = draft_comment_answer(
        comment=comment, by=people.inspector, answer=f"\x00Rättat{INVISIBLE}", decision="changed"
    )
    assert answered.answer == "Rättat"


# A form that lacks a field saves nothing and says so; an empty field is a clearing.


@pytest.fixture
def saved_area(client: Client, besok: Review, inspector: User) -> AreaAssessment:
    """Area A saved once with a narrative, a note and a departing grade with its reason."""
    client.force_login(inspector)
    data = area_a_post() | {
        "note-A1": "Sparad anteckning.",
        "grade-2015": "B",
        "reason-2015": "Sparat skäl.",
    }
    assert client.post(reverse("reviews:assessment", args=[besok.pk, "A"]), data).status_code == 302
    return AreaAssessment.objects.get(review=besok, area__code="A")


def _area_state(review: Review) -> tuple[Any, ...]:
    assessment = AreaAssessment.objects.get(review=review, area__code="A")
    return (
        assessment.narrative,
        assessment.version,
        tuple(
            Finding.objects.filter(review=review).values_list("criterion__code", "note", "source")
        ),
        tuple(AreaGrade.objects.values_list("regulation", "grade", "deviation_reason")),
    )


@pytest.mark.parametrize(
    ("removed", "words"),
    [
        ("narrative", "fältet ”Beskrivning”"),
        ("note-A1", "fältet ”Anteckning för A1”"),
        ("source-A3", "fältet ”Källa för A3”"),
        ("outcome-A2", "fältet ”Bedömning av A2”"),
        ("reason-2015", "fältet ”Skäl för graderingen enligt SOSFS 2015:8”"),
        ("grade-2021", "fältet ”Gradering enligt HSLF-FS 2021:8”"),
        ("version", "angav inte vilken sparad version"),
    ],
)
def test_an_area_post_lacking_a_field_saves_nothing_and_names_it(
    client: Client, besok: Review, saved_area: AreaAssessment, removed: str, words: str
) -> None:
    before = _area_state(besok)
    data = area_a_post(version=1, narrative="Ny text.")
    data |= {"note-A1": "Ny anteckning.", "grade-2015": "B", "reason-2015": "Nytt skäl."}
    del data[removed]
    response = client.post(reverse("reviews:assessment", args=[besok.pk, "A"]), data)
    assert response.status_code == 422
    assert words in page_text(response)
    assert "sparades" in page_text(response)
    assert _area_state(besok) == before
    if removed == "narrative":  # the saved text is shown, not an empty box to save over it
        assert "Verksamheten har tydliga riktlinjer." in response.content.decode()


def test_an_area_post_with_a_field_present_and_empty_clears_it(
    client: Client, besok: Review, saved_area: AreaAssessment
) -> None:
    data = area_a_post(version=1, narrative="")
    data |= {"note-A1": "", "grade-2015": "B", "reason-2015": "Sparat skäl."}
    assert client.post(reverse("reviews:assessment", args=[besok.pk, "A"]), data).status_code == 302
    assessment = AreaAssessment.objects.get(pk=saved_area.pk)
    assert assessment.narrative == ""
    assert Finding.objects.get(review=besok, criterion__code="A1").note == ""


def test_the_area_service_refuses_an_input_lacking_a_part(besok: Review) -> None:
    area = _area(besok, "A")
    with pytest.raises(ValidationError) as error:
        review_services.area_save(
            by=assessor(besok),
            review=besok,
            area=area,
            data=AreaInput(findings={"A1": ("uppfyllt", None, "")}, version=0),
        )
    assert set(error.value.message_dict) == {"findings.A1", "narrative"}
    assert "fältet ”Anteckning för A1”" in error.value.message_dict["findings.A1"][0]
    assert "fältet ”Beskrivning”" in error.value.message_dict["narrative"][0]
    assert not AreaAssessment.objects.filter(version__gt=0).exists()


@pytest.fixture
def saved_summary(besok: Review) -> Review:
    return summary_save(
        by=kansli_user(),
        review=besok,
        strengths="Sparad styrka.",
        weaknesses="Sparad svaghet.",
        improvements="Sparad förbättring.",
        fingerprint=summary_fingerprint(besok),
    )


# A summary list: its label on the page and the text the fixture saved in it.
SUMMARY_SAVED = {
    "strengths": ("Styrkor", "Sparad styrka."),
    "weaknesses": ("Svagheter", "Sparad svaghet."),
    "improvements": ("Förbättringspotential", "Sparad förbättring."),
}


@pytest.mark.parametrize("removed", [*SUMMARY_SAVED, "fingerprint"])
def test_a_summary_post_lacking_a_field_saves_nothing_and_names_it(
    client: Client, saved_summary: Review, inspector: User, removed: str
) -> None:
    client.force_login(inspector)
    data = {
        "strengths": "Ny styrka.",
        "weaknesses": "Ny svaghet.",
        "improvements": "Ny förbättring.",
        "fingerprint": summary_fingerprint(saved_summary),
    }
    del data[removed]
    response = client.post(reverse("reviews:summary", args=[saved_summary.pk]), data)
    assert response.status_code == 422
    page = page_text(response)
    assert "sparades" in page
    if removed != "fingerprint":
        label, saved = SUMMARY_SAVED[removed]
        assert f"fältet ”{label}”" in page
        # The saved list is shown again in its box, not an empty one to save over it.
        assert saved in response.content.decode()
    saved_summary.refresh_from_db()
    assert (saved_summary.strengths, saved_summary.weaknesses, saved_summary.improvements) == (
        "Sparad styrka.",
        "Sparad svaghet.",
        "Sparad förbättring.",
    )


def _plan_form(plan: ActionPlan, **typed: str) -> dict[str, str]:
    data = {"version": str(plan.version), "intent": "save"}
    for pk in plan.items.values_list("pk", flat=True):
        data |= {f"item-{pk}-{name}": typed.get(name, "") for name in plan_services.ITEM_FIELDS}
    return data


def test_a_plan_post_lacking_another_items_field_saves_nothing_and_names_it(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    url = reverse("actionplans:plan", args=[plan.review_id])
    assert client.post(url, _plan_form(plan, action="Sparad åtgärd.")).status_code == 302
    plan.refresh_from_db()
    first, second, *_rest = plan.items.all()
    data = _plan_form(plan, action="Sparad åtgärd.")
    data[f"item-{first.pk}-action"] = "Ändrad åtgärd."
    del data[f"item-{second.pk}-action"]
    response = client.post(url, data)
    assert response.status_code == 422
    assert "fältet ”Planerad åtgärd”" in page_text(response)
    assert f'id="item-{second.pk}-action-error"' in response.content.decode()
    assert set(plan.items.values_list("action", flat=True)) == {"Sparad åtgärd."}
    plan.refresh_from_db()
    assert plan.version == 1
    # An item the form leaves out entirely is no more an erasure.
    data = _plan_form(plan, action="Ändrad åtgärd.")
    for name in plan_services.ITEM_FIELDS:
        del data[f"item-{second.pk}-{name}"]
    assert client.post(url, data).status_code == 422
    assert ActionItem.objects.get(pk=second.pk).action == "Sparad åtgärd."


def test_the_plan_service_refuses_a_field_not_sent_and_keeps_an_item_not_given(
    plan: ActionPlan, people: People
) -> None:
    first, second, *_rest = plan.items.all()
    with pytest.raises(ValidationError) as error:
        plan_save(
            plan=plan,
            version=0,
            items={first.pk: ItemInput(action="Ny.", responsible=None)},
            by=people.contact,
            submit=False,
        )
    assert list(error.value.message_dict) == [f"items.{first.pk}.responsible"]
    assert "fältet ”Ansvarig för genomförandet”, så ingenting sparades" in " ".join(
        error.value.message_dict[f"items.{first.pk}.responsible"]
    )
    ActionItem.objects.filter(pk=second.pk).update(action="Sparad.")
    plan_save(
        plan=plan,
        version=0,
        items={first.pk: ItemInput(action="Ny.")},
        by=people.contact,
        submit=False,
    )
    assert ActionItem.objects.get(pk=second.pk).action == "Sparad."
    with pytest.raises(ValidationError) as error:
        plan_save(plan=plan, version=None, items={}, by=people.contact, submit=False)
    assert set(error.value.message_dict) == {"plan"}
    assert (
        "inte vilken sparad version det skrevs utifrån, så ingenting sparades"
        in error.value.message_dict["plan"][0]
    )


def test_the_booking_change_lacking_the_visit_date_keeps_it(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(),
        unit=UnitFactory(),
        protocol=protocol,
        regulations=BOTH,
        visit_date=datetime.date(2027, 3, 4),
    )
    client.force_login(kansli)
    response = client.post(
        reverse("reviews:booking-change", args=[review.pk]), {"publish_report": "on"}, follow=True
    )
    assert "fältet ”Besöksdatum”" in page_text(response)
    review.refresh_from_db()
    assert review.visit_date == datetime.date(2027, 3, 4)
    client.post(reverse("reviews:booking-change", args=[review.pk]), {"visit_date": ""})
    review.refresh_from_db()
    assert review.visit_date is None  # present and empty: a deliberate clearing
