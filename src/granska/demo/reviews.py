"""Demo data: fictional units, people and reviews, written for Granska.

Every name, unit and text here is invented. The reviews stand at different steps of the
lifecycle, under one or both regulations, with grades from A to D, so that every page has
something to show.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from granska.accounts.models import Role, User
from granska.catalog.loader import read_catalog
from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.catalog.selectors import protocol_areas
from granska.catalog.services import protocol_load
from granska.catalog.suggestions import area_suggestions
from granska.demo.actionplans import demo_chain
from granska.demo.scenarios import DemoReview, DemoSurvey
from granska.demo.surveys import demo_questionnaire, demo_self_assessment, demo_survey
from granska.grading.vocabulary import Outcome, Regulation
from granska.lifecycle import REPORT_FINAL, Status
from granska.reviews.models import (
    CareProvider,
    Finding,
    ObserverScope,
    Region,
    Review,
    Source,
    Specialty,
    Unit,
    UnitKind,
)
from granska.reviews.registers import affiliation_add, care_provider_add, unit_register
from granska.reviews.services import (
    area_grade_set,
    assessment_write,
    finding_record,
    inspector_assign,
    review_create,
    summary_fingerprint,
    summary_save,
)
from granska.surveys.vocabulary import Group
from granska.workflow.moves import review_move

DEMO_PASSWORD = "granska-demo"  # noqa: S105 - development only; production refuses the demo
DEMO_MARKER_UNIT = "Björkhagens vårdcentral"

USERS = [
    ("kansli@granska.example", "Lena Ekström", Role.KANSLI),
    ("johan.berg@granska.example", "Johan Berg", Role.INSPEKTOR),
    ("sara.nyqvist@granska.example", "Sara Nyqvist", Role.INSPEKTOR),
    ("per.holm@granska.example", "Per Holm", Role.INSPEKTOR),
    ("amira.haddad@granska.example", "Amira Haddad", Role.INSPEKTOR),
    ("eva.strand@granska.example", "Eva Strand", Role.VERKSAMHET),
    ("omar.lindqvist@granska.example", "Omar Lindqvist", Role.VERKSAMHET),
    ("lina.moberg@granska.example", "Lina Moberg", Role.VERKSAMHET),
    ("ingrid.sol@granska.example", "Ingrid Sol", Role.OBSERVATOR),
]

# Short narratives per area, in our own words; "{unit}" is the unit's name.
NARRATIVES = {
    "A": "{unit} har skriftliga riktlinjer för ST som är kända av chefer och handledare. "
    "Patientunderlaget är brett och ger ST-läkarna möjlighet att möta specialitetens "
    "vanliga tillstånd.",
    "B": "Varje ST-läkare har en huvudhandledare med specialistkompetens och "
    "handledarutbildning. Studierektorn har en skriftlig uppdragsbeskrivning och träffar "
    "handledarna varje termin.",
    "C": "Lokalerna är ändamålsenliga och varje ST-läkare har en egen arbetsplats. "
    "Utrustningen för undersökning och distansmöten fungerar väl.",
    "D": "Introduktionen följer ett skriftligt program. Det individuella "
    "utbildningsprogrammet upprättas inom de första månaderna och stäms av med studierektor.",
    "E": "Handledning sker schemalagt varannan vecka. Bedömningsinstrument som mini-CEX och "
    "DOPS används, men återkopplingen varierar mellan handledarna.",
    "F": "Kurser planeras i utbildningsprogrammet och ST-läkarna får gå på dem. Den interna "
    "utbildningen är inte alltid kopplad till delmålen.",
    "G": "ST-läkarna gör sitt skriftliga individuella arbete med stöd av en FoU-enhet och "
    "deltar i enhetens förbättringsarbete.",
    "H": "ST-läkarna handleder studenter och undervisar personal. Strukturerad bedömning av "
    "ledarskap och kommunikation förekommer men dokumenteras sällan.",
}

NOTES = {
    Outcome.UPPFYLLT: "Bekräftat vid intervju med ST-läkare och handledare.",
    Outcome.DELVIS: "Finns för en del av ST-läkarna men inte för alla.",
    Outcome.EJ_UPPFYLLT: "Saknas enligt både intervjuer och dokument.",
    Outcome.EJ_RELEVANT: "Gäller inte enhetens uppdrag.",
}


BOTH = (Regulation.SOSFS_2015_8, Regulation.HSLF_FS_2021_8)
ONLY_2021 = (Regulation.HSLF_FS_2021_8,)
ONLY_2015 = (Regulation.SOSFS_2015_8,)

REVIEWS = [
    DemoReview(
        unit=DEMO_MARKER_UNIT,
        regulations=BOTH,
        status=Status.SLUTRAPPORT,
        visit=datetime.date(2026, 9, 17),
        inspectors=("johan.berg@granska.example", "sara.nyqvist@granska.example"),
        deviations={
            "A4": Outcome.DELVIS,
            "E8": Outcome.DELVIS,
            "F6": Outcome.EJ_UPPFYLLT,
            "G9": Outcome.EJ_RELEVANT,
            "G10": Outcome.EJ_UPPFYLLT,
            "H13": Outcome.DELVIS,
        },
        overrides=(
            (
                "B",
                Regulation.HSLF_FS_2021_8,
                "B",
                "Handledarresurserna räcker i dag men är sårbara inför höstens pensionsavgångar.",
            ),
        ),
        summary=(
            "Engagerad studierektor med tydligt uppdrag\nVälutrustade lokaler\n"
            "Brett patientunderlag",
            "Återkopplingen efter bedömningar varierar\nIntern utbildning saknar koppling "
            "till delmålen",
            "Gemensam mall för återkoppling i handledargruppen\nKoppla internutbildningen "
            "till målbeskrivningen",
        ),
    ),
    DemoReview(
        unit="Medicinkliniken Sjöstad",
        regulations=ONLY_2021,
        status=Status.FAKTAGRANSKNING,
        visit=datetime.date(2026, 10, 8),
        inspectors=("per.holm@granska.example", "amira.haddad@granska.example"),
        deviations={
            "D7": Outcome.DELVIS,
            "E4": Outcome.EJ_UPPFYLLT,
            "E6": Outcome.DELVIS,
            "E9": Outcome.DELVIS,
            "H2": Outcome.DELVIS,
            "B9": Outcome.DELVIS,
        },
        summary=(
            "Bra introduktionsprogram\nStort och varierat patientunderlag",
            "Utbildningsprogrammen revideras sällan\nKompetensbedömningar dokumenteras inte",
            "Inför fasta tider för revision av utbildningsprogrammen",
        ),
        chain="comments",
    ),
    DemoReview(
        unit="Psykiatriska kliniken Älvby",
        regulations=ONLY_2015,
        status=Status.BESOK,
        visit=datetime.date(2026, 11, 19),
        inspectors=("sara.nyqvist@granska.example", "per.holm@granska.example"),
        deviations={"B5": Outcome.DELVIS, "C3": Outcome.DELVIS},
        unassessed_areas="FGH",
        graded=False,
        # Closed with every group but the verksamhetschef at or above the threshold, and the
        # unit's self-assessment submitted before the visit.
        survey=DemoSurvey(
            invited={
                Group.ST_LAKARE: 7,
                Group.HANDLEDARE: 6,
                Group.STUDIEREKTOR: 1,
                Group.VERKSAMHETSCHEF: 1,
            },
            answered={Group.ST_LAKARE: 6, Group.HANDLEDARE: 5, Group.STUDIEREKTOR: 1},
            closed=True,
        ),
        self_assessment=True,
    ),
    DemoReview(
        unit="Barnkliniken Ekudden",
        regulations=BOTH,
        status=Status.UTKAST,
        visit=datetime.date(2026, 10, 29),
        inspectors=("johan.berg@granska.example", "amira.haddad@granska.example"),
        deviations={
            "H5": Outcome.EJ_UPPFYLLT,
            "H7": Outcome.DELVIS,
            "E13": Outcome.DELVIS,
            "E7": Outcome.UPPFYLLT,
            "D13": Outcome.EJ_RELEVANT,
        },
        summary=(
            "Välstrukturerad handledning\nGott samarbete med barnhälsovården",
            "Kommunikativ kompetens bedöms inte fortlöpande",
            "Inför strukturerad återkoppling på undervisning",
        ),
        # Closed with the ST-läkare above the threshold and only two handledare: theirs stay
        # hidden.
        survey=DemoSurvey(
            invited={Group.ST_LAKARE: 5, Group.HANDLEDARE: 4},
            answered={Group.ST_LAKARE: 4, Group.HANDLEDARE: 2},
            closed=True,
        ),
    ),
    DemoReview(
        unit="Tallmons vårdcentral",
        regulations=ONLY_2021,
        status=Status.FORBEREDELSE,
        visit=datetime.date(2027, 2, 4),
        inspectors=("amira.haddad@granska.example", "johan.berg@granska.example"),
        deviations={},
        unassessed_areas="ABCDEFGH",
        graded=False,
        # Open, a few answered so far.
        survey=DemoSurvey(
            invited={Group.ST_LAKARE: 6, Group.HANDLEDARE: 5, Group.STUDIEREKTOR: 1},
            answered={Group.ST_LAKARE: 3, Group.HANDLEDARE: 2},
            closed=False,
            open_days=21,
        ),
    ),
    DemoReview(
        unit="Ortopedkliniken Brohamn",
        regulations=ONLY_2021,
        status=Status.HANDLINGSPLAN,
        visit=datetime.date(2026, 8, 20),
        inspectors=("per.holm@granska.example", "johan.berg@granska.example"),
        deviations={"D3": Outcome.DELVIS, "E2": Outcome.EJ_UPPFYLLT, "F4": Outcome.DELVIS},
        summary=(
            "Stort operativt patientunderlag\nEngagerade handledare",
            "Introduktionen saknar skriftligt program\nHandledningen är inte schemalagd",
            "Schemalägg handledningen",
        ),
        chain="plan_draft",
        final_days_ago=40,
    ),
    DemoReview(
        unit="Lindviks vårdcentral",
        regulations=BOTH,
        status=Status.HANDLINGSPLAN,
        visit=datetime.date(2026, 6, 11),
        inspectors=("sara.nyqvist@granska.example", "amira.haddad@granska.example"),
        deviations={"E1": Outcome.DELVIS, "H5": Outcome.EJ_UPPFYLLT, "G9": Outcome.DELVIS},
        summary=(
            "Nära samarbete med närliggande sjukhus",
            "Handledningen ges inte kontinuerligt\nLedarskap bedöms inte",
            "Följ upp handledningen vid varje IUP-avstämning",
        ),
        chain="plan_returned",
        final_days_ago=95,
    ),
    DemoReview(
        unit="Ögonkliniken Storvik",
        regulations=ONLY_2015,
        status=Status.UPPFOLJNING,
        visit=datetime.date(2026, 5, 7),
        inspectors=("sara.nyqvist@granska.example", "per.holm@granska.example"),
        deviations={"D5": Outcome.EJ_UPPFYLLT, "B9": Outcome.DELVIS},
        summary=(
            "Modern utrustning\nVäl fungerande studierektorsfunktion",
            "Utbildningsprogrammen följs inte upp",
            "Inför en årlig genomgång av utbildningsprogrammen",
        ),
        chain="plan_accepted",
        final_days_ago=150,
    ),
    DemoReview(
        unit="Hudkliniken Västerby",
        regulations=ONLY_2021,
        status=Status.UPPFOLJNING,
        visit=datetime.date(2025, 11, 13),
        inspectors=("johan.berg@granska.example", "amira.haddad@granska.example"),
        deviations={"D2": Outcome.DELVIS, "E3": Outcome.DELVIS, "H1": Outcome.EJ_UPPFYLLT},
        summary=(
            "Tydlig ledning av ST-utbildningen",
            "Bedömningar dokumenteras inte\nST-läkarna saknar schemalagd tid för "
            "ledarskapsutbildning",
            "Använd en gemensam mall för bedömningar",
        ),
        chain="followup",
        final_days_ago=320,
    ),
    DemoReview(
        unit="Infektionskliniken Åsby",
        regulations=ONLY_2015,
        status=Status.AVSLUTAD,
        visit=datetime.date(2021, 9, 16),
        inspectors=("johan.berg@granska.example", "sara.nyqvist@granska.example"),
        deviations={"E4": Outcome.DELVIS},
        summary=(
            "Gott samarbete mellan klinikerna",
            "Bedömningsinstrumenten används sällan",
            "Använd bedömningsinstrument vid varje handledningstillfälle",
        ),
        chain="closed",
        # Five years and some weeks ago: the unit is due for a new review.
        final_days_ago=5 * 365 + 40,
    ),
    DemoReview(
        unit="Kirurgkliniken Norrhamn",
        regulations=ONLY_2021,
        status=Status.BOKAD,
        visit=None,
        inspectors=(),
        deviations={},
        unassessed_areas="ABCDEFGH",
        graded=False,
    ),
]

UNITS = {
    # name: (kind, care provider, region, specialty, contacts)
    DEMO_MARKER_UNIT: (
        UnitKind.VARDCENTRAL,
        "Region Norrsund",
        "Region Norrsund",
        "Allmänmedicin",
        ("eva.strand@granska.example",),
    ),
    "Medicinkliniken Sjöstad": (
        UnitKind.KLINIK,
        "Region Västerdal",
        "Region Västerdal",
        "Internmedicin",
        ("omar.lindqvist@granska.example",),
    ),
    "Psykiatriska kliniken Älvby": (
        UnitKind.KLINIK,
        "Region Österå",
        "Region Österå",
        "Psykiatri",
        (),
    ),
    "Barnkliniken Ekudden": (
        UnitKind.KLINIK,
        "Region Norrsund",
        "Region Norrsund",
        "Barn- och ungdomsmedicin",
        (),
    ),
    "Tallmons vårdcentral": (
        UnitKind.VARDCENTRAL,
        "Tallmon Hälsa AB",
        "Region Västerdal",
        "Allmänmedicin",
        (),
    ),
    "Kirurgkliniken Norrhamn": (UnitKind.KLINIK, "Region Österå", "Region Österå", "Kirurgi", ()),
    "Ortopedkliniken Brohamn": (
        UnitKind.KLINIK,
        "Region Västerdal",
        "Region Västerdal",
        "Ortopedi",
        ("omar.lindqvist@granska.example",),
    ),
    "Lindviks vårdcentral": (
        UnitKind.VARDCENTRAL,
        "Region Norrsund",
        "Region Norrsund",
        "Allmänmedicin",
        ("lina.moberg@granska.example",),
    ),
    "Ögonkliniken Storvik": (
        UnitKind.KLINIK,
        "Region Österå",
        "Region Österå",
        "Ögonsjukdomar",
        ("lina.moberg@granska.example",),
    ),
    "Hudkliniken Västerby": (
        UnitKind.KLINIK,
        "Region Västerdal",
        "Region Västerdal",
        "Hud- och könssjukdomar",
        ("lina.moberg@granska.example",),
    ),
    "Infektionskliniken Åsby": (
        UnitKind.KLINIK,
        "Region Norrsund",
        "Region Norrsund",
        "Infektionssjukdomar",
        (),
    ),
}


# Each inspector's employer: the kansli cannot assign them to that care provider's units
# (Kirurgkliniken Norrhamn, in Region Österå, shows the refusal for Johan Berg and Amira Haddad).
EMPLOYERS = {
    "johan.berg@granska.example": "Region Österå",
    "sara.nyqvist@granska.example": "Region Västerdal",
    "per.holm@granska.example": "Region Norrsund",
    "amira.haddad@granska.example": "Region Österå",
}


@dataclass(frozen=True)
class DemoResult:
    created: bool
    users: list[tuple[str, str, str]]


def demo_users() -> list[tuple[str, str, str]]:
    return [(email, name, str(role.label)) for email, name, role in USERS]


@transaction.atomic
def demo_load() -> DemoResult:
    """Loads the demo once; a second call changes nothing."""
    if Unit.objects.filter(name=DEMO_MARKER_UNIT).exists():
        return DemoResult(created=False, users=demo_users())
    protocol = ProtocolVersion.objects.filter(code="spur-st-2025").first()
    if protocol is None:
        protocol = protocol_load(spec=read_catalog(settings.GRANSKA_DEFAULT_CATALOG)).protocol

    users = {}
    for email, name, role in USERS:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=name,
            role=role,
            is_staff=role == Role.KANSLI,
        )
        if role == Role.KANSLI:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        users[email] = user

    kansli = next(user for user in users.values() if user.role == Role.KANSLI)
    units = {}
    for name, (kind, provider, region, specialty, contacts) in UNITS.items():
        # The demo's names are its own, none a misspelling of another: no confirmation asked.
        unit = unit_register(
            by=kansli,
            name=name,
            kind=kind,
            care_provider=CareProvider.named(provider)
            or care_provider_add(by=kansli, name=provider, confirm_similar=True),
            region=Region.objects.get_or_create(name=region)[0],
            specialty=Specialty.objects.get_or_create(name=specialty)[0],
            contacts=[users[email] for email in contacts],
        )
        units[name] = unit

    for email, provider in EMPLOYERS.items():
        affiliation_add(
            by=kansli,
            inspector=users[email],
            care_provider=CareProvider.named(provider)
            or care_provider_add(by=kansli, name=provider, confirm_similar=True),
        )

    # The observer is the specialty society's SPUR coordinator for allmänmedicin.
    ObserverScope.objects.create(
        observer=users["ingrid.sol@granska.example"],
        specialty=Specialty.objects.get(name="Allmänmedicin"),
    )

    areas = protocol_areas(protocol)
    demo_questionnaire(protocol)
    for plan in REVIEWS:
        final = plan.status in REPORT_FINAL
        review = review_create(
            by=kansli,
            unit=units[plan.unit],
            protocol=protocol,
            regulations=plan.regulations,
            visit_date=plan.visit,
        )
        for email in plan.inspectors:
            inspector_assign(by=kansli, review=review, inspector=users[email])
        strengths, weaknesses, improvements = plan.summary
        summary_save(
            by=kansli,
            review=review,
            strengths=strengths,
            weaknesses=weaknesses,
            improvements=improvements,
            fingerprint=summary_fingerprint(review),
        )
        for area in areas:
            if area.code not in plan.unassessed_areas:
                _assess_area(review, area, plan)
        # The review is written first, then moved on as the kansli would, up to its step (with a
        # final report: to slutrapport, and on through the plan in `demo_chain`).
        target = Status.SLUTRAPPORT if final else Status(plan.status)
        if plan.survey is not None or plan.self_assessment:
            # What the unit and its respondents do in förberedelse, before the review goes on.
            review = walk(review, Status.FORBEREDELSE, by=kansli)
            if plan.survey is not None:
                demo_survey(review, plan, kansli)
            if plan.self_assessment:
                # Filled in by the unit's contact where it has one, else by the kansli for it.
                demo_self_assessment(review, review.unit.members.first() or kansli)
        review = walk(review, target, by=kansli)
        if plan.chain:
            demo_chain(review, plan, users)
    return DemoResult(created=True, users=demo_users())


def walk(review: Review, target: Status, *, by: User) -> Review:
    """Moves `review` forward, one offered move at a time, until it is at `target`."""
    order = list(Status)
    while order.index(Status(review.status)) < order.index(target):
        following = order[order.index(Status(review.status)) + 1]
        review = review_move(review=review, target=following, by=by)
    return review


def _assess_area(review: Review, area: Area, plan: DemoReview) -> None:
    inspector = review.inspectors.first()
    assert inspector is not None, "a demo review is assessed by its inspectors"
    criteria: list[Criterion] = list(area.criteria.all())
    in_scope = [c for c in criteria if any(c.applies_to(r) for r in review.regulations)]
    for criterion in in_scope:
        outcome = plan.deviations.get(criterion.code, Outcome.UPPFYLLT)
        finding_record(
            by=inspector,
            review=review,
            criterion=criterion,
            outcome=outcome,
            note=NOTES[Outcome(outcome)] if outcome != Outcome.UPPFYLLT else "",
            source=Source.INTERVJU if outcome != Outcome.EJ_RELEVANT else Source.DOKUMENT,
        )
    assessment_write(
        by=inspector,
        review=review,
        area=area,
        narrative=NARRATIVES[area.code].format(unit=review.unit.name),
    )
    if not plan.graded:
        return
    outcomes = dict(
        Finding.objects.filter(review=review, criterion__area=area).values_list(
            "criterion__code", "outcome"
        )
    )
    suggestions = area_suggestions(
        area,
        criteria,
        outcomes,
        review.regulations,
        max_ki_exceptions=review.protocol.max_ki_exceptions,
    )
    overrides = {(a, r): (g, why) for a, r, g, why in plan.overrides}
    for regulation, suggestion in suggestions.items():
        # Every criterion of a graded demo area has its finding, so there is always a suggestion.
        assert suggestion.grade is not None, f"demo area {area.code} graded from nothing"
        grade, reason = overrides.get((area.code, regulation), (suggestion.grade, ""))
        area_grade_set(
            by=inspector,
            review=review,
            area=area,
            regulation=regulation,
            grade=grade,
            reason=reason,
        )
