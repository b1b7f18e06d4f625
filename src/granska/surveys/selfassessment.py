"""The unit's self-assessment and facts before the visit (issue 12, point 5): saved as a draft by
its contacts (or the kansli on their behalf), then submitted once, and read by everyone who reads
the review.

Two contacts may work on it at once. Each save raises the version and is kept whole
(`SelfAssessmentSave`), so a save made on an older version is merged field by field, three ways:
what this person changed from the version their form began on, against what the others saved
since. A field only one of them changed takes that change; a field both changed to different
values is a conflict, and then nothing is saved (`SelfAssessmentConflict` says which fields, with
the values saved meanwhile, and the form that merges the rest). Nobody's change is overwritten
without them seeing it, and two people who filled in different parts of the page are not stopped.

A "field" here is one value: a fact (`facts.<code>`), a criterion's outcome
(`findings.<code>.outcome`) or its comment (`findings.<code>.comment`); the same keys name the
errors.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.catalog.models import Area, Criterion
from granska.catalog.selectors import protocol_areas_shared
from granska.choices import LEVEL_LABELS, OUTCOME_LABELS, status_label
from granska.grading.vocabulary import Level, Outcome, Regulation
from granska.lifecycle import Status
from granska.refusals import not_sent, not_versioned, too_long
from granska.reviews.models import Review
from granska.surveys.models import (
    FactField,
    Questionnaire,
    Round,
    SelfAssessment,
    SelfAssessmentSave,
)
from granska.surveys.services import questionnaire_for
from granska.surveys.vocabulary import FactKind
from granska.text import clean_text

# The self-assessment is written before the visit; from the visit on it is the inspectors' input.
SELF_ASSESSMENT_OPEN: frozenset[Status] = frozenset({Status.BOKAD, Status.FORBEREDELSE})
# A fact that is a number: a head count, listed patients, beds.
FACT_NUMBER_MAX = 99_999
FACT_TEXT_MAX_CHARS = 2_000
COMMENT_MAX_CHARS = 4_000
YES, NO = "ja", "nej"
OUTCOMES = frozenset(o.value for o in Outcome)
# White space people put inside a number ("1 200", with a space, a no-break or a thin space).
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")

# What a caller sends: a fact's text; a criterion's (outcome, comment). None for what the form
# did not send, which is refused rather than read as empty (it would erase what is saved).
SentFacts = Mapping[str, str | None]
SentFindings = Mapping[str, tuple[str | None, str | None]]
Flat = dict[str, str]


def fact_key(code: str) -> str:
    return f"facts.{code}"


def outcome_key(code: str) -> str:
    return f"findings.{code}.outcome"


def comment_key(code: str) -> str:
    return f"findings.{code}.comment"


class SelfAssessmentConflict(Exception):
    """Someone saved a field this person changed too, to another value, after the version their
    form began on. Nothing was saved.

    `conflicts` maps each such field's key to the value saved meanwhile; `shown` is the form to
    show now: the other saves merged with this person's changes, and this person's own value in
    each conflicting field; `current` is the self-assessment as saved (its version the one the
    form carries next, so that saving again is a deliberate choice)."""

    def __init__(self, current: SelfAssessment, conflicts: Flat, shown: Flat) -> None:
        self.current = current
        self.conflicts = conflicts
        self.shown = shown
        super().__init__(f"self-assessment {current.pk}: {len(conflicts)} fields in conflict")


def flat(facts: Mapping[str, str], findings: Mapping[str, Mapping[str, str]]) -> Flat:
    """The stored facts and findings as one mapping of field keys to values, empty ones left out."""
    values: Flat = {fact_key(code): text for code, text in facts.items() if text}
    for code, finding in findings.items():
        if finding.get("outcome"):
            values[outcome_key(code)] = finding["outcome"]
        if finding.get("comment"):
            values[comment_key(code)] = finding["comment"]
    return values


def unflat(values: Flat) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The stored shapes of `flat`'s mapping: facts {code: text}, findings {code: {outcome,
    comment}}; empty values are not stored."""
    facts: dict[str, str] = {}
    findings: dict[str, dict[str, str]] = {}
    for key, value in sorted(values.items()):
        if not value:
            continue
        part, _sep, rest = key.partition(".")
        if part == "facts":
            facts[rest] = value
        else:
            code, _sep, name = rest.rpartition(".")
            finding = findings.setdefault(code, {"outcome": "", "comment": ""})
            finding[name] = value
    return facts, findings


def merge(base: Flat, theirs: Flat, mine: Flat) -> tuple[Flat, Flat]:
    """Three-way merge of one person's fields (`mine`, only those their form sent) into what is
    saved (`theirs`), both changed from `base`, the version the person's form began on.

    Returns the merged fields and the conflicts: each field both changed, to different values,
    with the value saved. A field the person left as it was keeps what others saved; a field
    only the person changed takes their value; the same change by both is no conflict."""
    merged = dict(theirs)
    conflicts: Flat = {}
    for key, value in mine.items():
        old, saved = base.get(key, ""), theirs.get(key, "")
        if value in (old, saved):
            continue
        if saved == old:
            merged[key] = value
        else:
            conflicts[key] = saved
    return {k: v for k, v in merged.items() if v}, conflicts


def criteria_in_scope(review: Review) -> list[tuple[Area, list[Criterion]]]:
    """The areas of the review's protocol in order, each with its criteria that apply to a
    regulation in the review's scope (areas without any are left out)."""
    regulations = review.regulations
    areas = []
    for area in protocol_areas_shared(review.protocol):
        criteria = [c for c in area.criteria.all() if any(c.applies_to(r) for r in regulations)]
        if criteria:
            areas.append((area, criteria))
    return areas


def questionnaire_of(
    review: Review, assessment: SelfAssessment | None = None
) -> Questionnaire | None:
    """The questionnaire whose fact fields the self-assessment asks: its own once saved, else the
    one the review's survey was sent with, else the newest for the review's protocol."""
    if assessment is not None:
        return assessment.questionnaire
    round_ = Round.objects.filter(review=review).select_related("questionnaire").first()
    return round_.questionnaire if round_ is not None else questionnaire_for(review)


def self_assessment_problem(review: Review, assessment: SelfAssessment | None) -> str | None:
    """Why the self-assessment cannot change now, in words; None while it can."""
    if assessment is not None and assessment.submitted_at is not None:
        return _("The self-assessment is submitted; it can no longer change.")
    if review.status not in SELF_ASSESSMENT_OPEN:
        return _(
            "The self-assessment is filled in before the visit; the review is at %(status)s."
        ) % {"status": status_label(review.status)}
    return None


def _locked(review: Review, by: User) -> tuple[Review, SelfAssessment | None]:
    review = Review.objects.select_for_update().select_related("protocol").get(pk=review.pk)
    require(by, "surveys.self_assess", review)
    assessment = (
        SelfAssessment.objects.select_for_update()
        .select_related("questionnaire")
        .filter(review=review)
        .first()
    )
    if (problem := self_assessment_problem(review, assessment)) is not None:
        raise ValidationError({"status": problem})
    return review, assessment


def _number(text: str) -> str | None:
    """A whole number 0..FACT_NUMBER_MAX as stored ("1200"), "" for none; None if it is not one."""
    digits = _NUMBER_SPACES.sub("", text)
    if not digits:
        return ""
    if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(FACT_NUMBER_MAX)):
        return None
    number = int(digits)
    return str(number) if number <= FACT_NUMBER_MAX else None


def _fact_checked(fact: FactField, text: str) -> str:
    text = clean_text(text).strip()
    if fact.kind == FactKind.NUMBER:
        number = _number(text)
        if number is None:
            raise ValidationError(
                _("Enter %(label)s as a whole number from 0 to %(max)s, for example 12.")
                % {"label": fact.label, "max": FACT_NUMBER_MAX}
            )
        return number
    if fact.kind == FactKind.YES_NO:
        answer = text.lower()
        if answer not in (YES, NO, ""):
            raise ValidationError(_("Choose yes or no for %(label)s.") % {"label": fact.label})
        return answer
    problem = too_long(
        text,
        FACT_TEXT_MAX_CHARS,
        _("%(label)s may be at most %(limit)s characters; it is %(length)s."),
        label=fact.label,
    )
    if problem:
        raise ValidationError(problem)
    return text


def _sent_checked(
    review: Review,
    questionnaire: Questionnaire,
    facts: SentFacts | None,
    findings: SentFindings | None,
    version: int | None,
) -> tuple[Flat, int]:
    """The fields sent, cleaned and checked, by key; ValidationError naming each one refused."""
    errors: dict[str, list[str]] = {}
    mine: Flat = {}
    if facts is None:
        errors["facts"] = [not_sent(_("Facts about the unit"))]
    if findings is None:
        errors["findings"] = [not_sent(_("Self-assessment"))]
    if version is None:
        errors["version"] = [not_versioned()]
    fields = {f.code: f for f in questionnaire.fact_fields.all()}
    for code, text in (facts or {}).items():
        key = fact_key(code)
        fact = fields.get(code)
        if fact is None:
            errors[key] = [_("“%(code)s” is not a fact asked for here.") % {"code": code}]
        elif text is None:
            errors[key] = [not_sent(fact.label)]
        else:
            try:
                mine[key] = _fact_checked(fact, text)
            except ValidationError as error:
                errors[key] = error.messages
    criteria = {c.code: c for _area, cs in criteria_in_scope(review) for c in cs}
    for code, (outcome, comment) in (findings or {}).items():
        if code not in criteria:
            errors[f"findings.{code}"] = [
                _("%(code)s is not a criterion of this review.") % {"code": code}
            ]
            continue
        if outcome is None:
            errors[outcome_key(code)] = [not_sent(_("Assessment of %(code)s") % {"code": code})]
        elif outcome not in OUTCOMES and outcome != "":
            errors[outcome_key(code)] = [
                _("Choose one of the assessments offered for %(code)s.") % {"code": code}
            ]
        else:
            mine[outcome_key(code)] = outcome
        if comment is None:
            errors[comment_key(code)] = [not_sent(_("Comment on %(code)s") % {"code": code})]
            continue
        comment = clean_text(comment).strip()
        problem = too_long(
            comment,
            COMMENT_MAX_CHARS,
            _("The comment on %(code)s may be at most %(limit)s characters; it is %(length)s."),
            code=code,
        )
        if problem:
            errors[comment_key(code)] = [problem]
        else:
            mine[comment_key(code)] = comment
    if errors or version is None:
        raise ValidationError(errors)
    return mine, version


def _base(assessment: SelfAssessment | None, version: int) -> Flat:
    """The fields as they stood at `version`, the one the person's form began on."""
    if version == 0 or assessment is None:
        return {}
    if version == assessment.version:
        return flat(assessment.facts, assessment.findings)
    saved = SelfAssessmentSave.objects.filter(self_assessment=assessment, version=version).first()
    return flat(saved.facts, saved.findings) if saved is not None else {}


@transaction.atomic
def self_assessment_save(
    *,
    by: User,
    review: Review,
    facts: SentFacts | None,
    findings: SentFindings | None,
    version: int | None,
) -> SelfAssessment:
    """Saves the unit's draft: the facts and the findings sent (a code left out stays as saved;
    one sent as None is refused), merged with whatever others saved after `version`, the version
    the form began on (0 before the first save). Creates the self-assessment on its first save,
    with the questionnaire whose facts it asks.

    Refused (ValidationError, keyed "facts.<code>", "findings.<code>.outcome",
    "findings.<code>.comment", "version", "status") unless every field is valid, the person may
    write it (the unit's contacts, the kansli on their behalf), the review is before its visit and
    the self-assessment not yet submitted. SelfAssessmentConflict when someone changed a field
    this person changed too; nothing is saved then."""
    review, assessment = _locked(review, by)
    questionnaire = questionnaire_of(review, assessment)
    if questionnaire is None:
        raise ValidationError(
            {"status": _("No questionnaire with the facts to fill in is loaded for this review.")}
        )
    mine, version = _sent_checked(review, questionnaire, facts, findings, version)
    current = assessment.version if assessment is not None else 0
    if not 0 <= version <= current:
        raise ValidationError({"version": not_versioned()})
    theirs = flat(assessment.facts, assessment.findings) if assessment is not None else {}
    merged, conflicts = merge(_base(assessment, version), theirs, mine)
    if conflicts:
        assert assessment is not None  # a conflict needs someone else's save
        shown = merged | {key: mine[key] for key in conflicts}
        raise SelfAssessmentConflict(assessment, conflicts, shown)
    if assessment is None:
        assessment = SelfAssessment(review=review, questionnaire=questionnaire)
    elif merged == theirs:
        return assessment  # nothing changed: no new version
    assessment.facts, assessment.findings = unflat(merged)
    assessment.version += 1  # the row is locked: nobody else moves the version meanwhile
    assessment.updated_by = by
    assessment.updated_at = timezone.now()
    assessment.save()
    SelfAssessmentSave.objects.create(
        self_assessment=assessment,
        version=assessment.version,
        facts=assessment.facts,
        findings=assessment.findings,
        saved_by=by,
        saved_at=assessment.updated_at,
    )
    return assessment


@transaction.atomic
def self_assessment_submit(*, by: User, review: Review, version: int | None) -> SelfAssessment:
    """Submits the self-assessment to the inspectors, once: from then on it is read-only.
    `version` is the one the person confirmed; a save since then refuses the submission, so that
    nobody submits what they have not seen."""
    review, assessment = _locked(review, by)
    if assessment is None:
        raise ValidationError({"status": _("Save the self-assessment before you submit it.")})
    if version is None:
        raise ValidationError({"version": not_versioned()})
    if version != assessment.version:
        raise ValidationError(
            {
                "version": _(
                    "Someone saved the self-assessment after you confirmed; read it again "
                    "before you submit it."
                )
            }
        )
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = by
    assessment.save(update_fields=["submitted_at", "submitted_by"])
    return assessment


# ---- Reading it: the page's rows ----------------------------------------------------------------


@dataclass
class FactRow:
    """A fact on the page: the field, the value shown, the value saved, its errors, and after a
    conflict the value someone else saved (None when this field is not in conflict)."""

    fact: FactField
    value: str
    saved: str
    errors: list[str] = field(default_factory=list)
    theirs: str | None = None

    @property
    def saved_words(self) -> str:
        return _yes_no_words(self.saved) if self.fact.kind == FactKind.YES_NO else self.saved


@dataclass
class CriterionRow:
    criterion: Criterion
    level: str  # in words
    only_for_year: str | None
    outcome: str
    comment: str
    saved_outcome: str
    saved_comment: str
    errors: list[str] = field(default_factory=list)
    theirs_outcome: str | None = None
    theirs_comment: str | None = None

    @property
    def saved_outcome_words(self) -> str:
        return _outcome_words(self.saved_outcome)

    @property
    def theirs_outcome_words(self) -> str:
        return _outcome_words(self.theirs_outcome or "")


@dataclass
class AreaRows:
    area: Area
    rows: list[CriterionRow]
    assessed: int


@dataclass
class SelfAssessmentPage:
    review: Review
    assessment: SelfAssessment | None
    questionnaire: Questionnaire | None
    facts: list[FactRow]
    areas: list[AreaRows]
    version: int
    problem: str | None  # why it cannot change now; None while it can

    @property
    def assessed(self) -> int:
        return sum(a.assessed for a in self.areas)

    @property
    def total(self) -> int:
        return sum(len(a.rows) for a in self.areas)

    @property
    def facts_filled(self) -> int:
        return sum(1 for f in self.facts if f.saved)


def _outcome_words(outcome: str) -> str:
    return str(OUTCOME_LABELS[Outcome(outcome)]) if outcome in OUTCOMES else _("not assessed")


def _yes_no_words(answer: str) -> str:
    return {YES: _("yes"), NO: _("no")}.get(answer, "")


def _errors_under(errors: Mapping[str, list[str]], *keys: str) -> list[str]:
    return [text for key in keys for text in errors.get(key, [])]


def self_assessment_page(
    review: Review,
    *,
    shown: Mapping[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    conflict: SelfAssessmentConflict | None = None,
) -> SelfAssessmentPage:
    """The self-assessment as saved, or with `shown` (the values a failed save sent, or the
    merged form of a conflict) in the form, each field's errors, and after a conflict the values
    someone else saved beside the person's own. A fixed number of queries."""
    errors = errors or {}
    assessment = (
        SelfAssessment.objects.filter(review=review)
        .select_related("questionnaire", "updated_by", "submitted_by")
        .first()
    )
    questionnaire = questionnaire_of(review, assessment)
    saved = flat(assessment.facts, assessment.findings) if assessment is not None else {}
    values = saved | dict(shown) if shown is not None else saved
    theirs = conflict.conflicts if conflict is not None else {}
    facts = [
        FactRow(
            fact=fact,
            value=values.get(fact_key(fact.code), ""),
            saved=saved.get(fact_key(fact.code), ""),
            errors=_errors_under(errors, fact_key(fact.code)),
            theirs=theirs.get(fact_key(fact.code)),
        )
        for fact in (questionnaire.fact_fields.all() if questionnaire is not None else [])
    ]
    regulations = review.regulations
    areas = []
    for area, criteria in criteria_in_scope(review):
        rows = [
            CriterionRow(
                criterion=c,
                level=str(LEVEL_LABELS[Level(c.level)]),
                only_for_year=Regulation(only).year if (only := c.only_for(regulations)) else None,
                outcome=values.get(outcome_key(c.code), ""),
                comment=values.get(comment_key(c.code), ""),
                saved_outcome=saved.get(outcome_key(c.code), ""),
                saved_comment=saved.get(comment_key(c.code), ""),
                errors=_errors_under(
                    errors, f"findings.{c.code}", outcome_key(c.code), comment_key(c.code)
                ),
                theirs_outcome=theirs.get(outcome_key(c.code)),
                theirs_comment=theirs.get(comment_key(c.code)),
            )
            for c in criteria
        ]
        assessed = sum(1 for r in rows if r.saved_outcome)
        areas.append(AreaRows(area=area, rows=rows, assessed=assessed))
    return SelfAssessmentPage(
        review=review,
        assessment=assessment,
        questionnaire=questionnaire,
        facts=facts,
        areas=areas,
        version=assessment.version if assessment is not None else 0,
        problem=self_assessment_problem(review, assessment),
    )
