"""The surveys' rows.

A questionnaire version is data loaded from `surveys/data/*.yaml` (`loader.py`), like a protocol
version, and never changed once a round uses it. A review has at most one `Round`, which keeps
the questionnaire version it was sent with.

Anonymity is in the shape of the rows (SPEC §7):
- `Invitation` (the address, the group, whether the person has answered) and `Link` (a SHA-256
  of a token sent by e-mail; the token itself is never stored) say who was asked;
- `Answer` says what was answered: a random id, the round, the group and the values, nothing
  else: no user, no token, no address, no IP and no time. No key leads from one to the other;
- when the round closes the invitations and their links are deleted, leaving the number invited
  per group (`RoundGroup`), and the answers are written again in a random order with new ids,
  so that not even the order of the rows says who answered first.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from granska.catalog.models import ProtocolVersion
from granska.choices import OUTCOME_CHOICES
from granska.reviews.models import Review
from granska.surveys.vocabulary import FactKind, Group, Value


class GroupChoice(models.TextChoices):
    ST_LAKARE = Group.ST_LAKARE.value, _("ST doctors")
    HANDLEDARE = Group.HANDLEDARE.value, _("supervisors")
    STUDIEREKTOR = Group.STUDIEREKTOR.value, _("director of studies")
    VERKSAMHETSCHEF = Group.VERKSAMHETSCHEF.value, _("head of the unit")


class ValueChoice(models.TextChoices):
    HELT = Value.HELT.value, _("Agree completely")
    GANSKA_BRA = Value.GANSKA_BRA.value, _("Agree fairly well")
    GANSKA_DALIGT = Value.GANSKA_DALIGT.value, _("Agree fairly poorly")
    INTE_ALLS = Value.INTE_ALLS.value, _("Do not agree at all")
    EJ_RELEVANT = Value.EJ_RELEVANT.value, _("Not relevant")


class FactKindChoice(models.TextChoices):
    NUMBER = FactKind.NUMBER.value, _("number")
    TEXT = FactKind.TEXT.value, _("text")
    YES_NO = FactKind.YES_NO.value, _("yes or no")


class Questionnaire(models.Model):
    """One version of the questionnaire, mapped onto one protocol version's criteria."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    protocol = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.PROTECT,
        related_name="questionnaires",
        verbose_name=_("protocol version"),
    )
    source_name = models.CharField(_("source file"), max_length=200)
    source_sha256 = models.CharField(_("SHA-256 of the source file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.title


class QuestionnaireArea(models.Model):
    """An area of the questionnaire (one of the protocol's areas) and its free-text question."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("area"), max_length=4)
    title = models.CharField(_("title"), max_length=200)
    free_text = models.CharField(_("free-text question"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("questionnaire area")
        verbose_name_plural = _("questionnaire areas")
        ordering = ("questionnaire", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("questionnaire", "code"), name="questionnaire_area_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Statement(models.Model):
    """A statement answered on the scale, for one or more groups, informing one or more
    criteria of the questionnaire's protocol version (by their codes)."""

    area = models.ForeignKey(QuestionnaireArea, on_delete=models.CASCADE, related_name="statements")
    # Unique within the questionnaire ("E3"); the key of its value in an answer.
    code = models.CharField(_("code"), max_length=12)
    text = models.TextField(_("text"))
    groups = models.JSONField(_("respondent groups"))
    criteria = models.JSONField(_("criteria"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ("area__position", "position")

    def __str__(self) -> str:
        return self.code


class FactField(models.Model):
    """A fact the unit states about itself before the visit (number of ST-läkare, …)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="fact_fields"
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    hint = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FactKindChoice.choices)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("fact field")
        verbose_name_plural = _("fact fields")
        ordering = ("questionnaire", "position")
        constraints = [
            models.UniqueConstraint(fields=("questionnaire", "code"), name="fact_field_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Round(models.Model):
    """The survey round of one review: opened in förberedelse, closed on its date."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="survey_round", verbose_name=_("review")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("questionnaire"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_on = models.DateField(_("opened on"))
    # The last day answers are taken; the round closes when it has passed.
    closes_on = models.DateField(_("closes on"))
    reminder_days = models.PositiveSmallIntegerField(_("days between reminders"))
    reminder_max = models.PositiveSmallIntegerField(_("reminders at most"))
    # The fewest answers of a group for its results to show: the setting when the round opened,
    # never lowered once an answer is in (`rules.min_answers` takes the larger of this and the
    # setting now).
    min_answers = models.PositiveSmallIntegerField(_("fewest answers shown"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")

    def __str__(self) -> str:
        return str(self.review)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Invitation(models.Model):
    """One person asked to answer: the address (until the round closes), the group, whether they
    have answered, and the reminders sent. Nothing here leads to their answer."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), max_length=254)
    group = models.CharField(_("group"), max_length=20, choices=GroupChoice.choices)
    answered = models.BooleanField(_("answered"), default=False)
    # When a link was last sent (the invitation, then each reminder), and how many reminders.
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("round", "group", "email")
        constraints = [
            models.UniqueConstraint(fields=("round", "email"), name="invitation_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.get_group_display()}"


class Link(models.Model):
    """A personal link's token, as its SHA-256: one for the invitation and one for each
    reminder, any of which works until one is used or the round closes."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_sha256 = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return str(self.invitation_id)


class RoundGroup(models.Model):
    """How many of a group were invited, kept when a closing round deletes the invitations."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="group_counts")
    group = models.CharField(_("group"), max_length=20, choices=GroupChoice.choices)
    invited = models.PositiveIntegerField(_("invited"))

    class Meta:
        verbose_name = _("invited per group")
        verbose_name_plural = _("invited per group")
        constraints = [
            models.UniqueConstraint(fields=("round", "group"), name="round_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.group} {self.invited}"


class Answer(models.Model):
    """One respondent's answers: a random id, the round, the group, and the values. No user, no
    token, no address, no IP, no time (SPEC §7).

    `values` maps a statement's code to a `Value`; an unanswered statement is absent.
    `free_text` maps an area's code to the text written there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    group = models.CharField(_("group"), max_length=20, choices=GroupChoice.choices)
    values = models.JSONField(_("values"), default=dict)
    free_text = models.JSONField(_("free text"), default=dict)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # By the random id: no order of arrival.
        ordering = ("id",)

    def __str__(self) -> str:
        return str(self.id)


class SelfAssessment(models.Model):
    """The unit's facts and its own assessment per criterion, before the visit: a draft its
    contacts save (each save raising `version`, so that two never overwrite each other), then
    submitted once.

    `facts` maps a fact field's code to its value as text; `findings` maps a criterion's code to
    `{"outcome": <Outcome or "">, "comment": <text>}`."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="self_assessment", verbose_name=_("review")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="self_assessments",
        verbose_name=_("questionnaire"),
    )
    facts = models.JSONField(_("facts"), default=dict)
    findings = models.JSONField(_("self-assessment"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    updated_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return str(self.review)


class SelfAssessmentSave(models.Model):
    """One saved version of a self-assessment, as it stood after that save.

    Kept so that a save made on an older version can be merged with what others saved since,
    field by field (what the person changed from the version they began on, against what the
    others changed from it: `selfassessment.self_assessment_save`), and so that what the unit
    wrote before it changed its mind can be read."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="saves"
    )
    version = models.PositiveIntegerField(_("version"))
    facts = models.JSONField(_("facts"), default=dict)
    findings = models.JSONField(_("self-assessment"), default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("saved self-assessment")
        verbose_name_plural = _("saved self-assessments")
        ordering = ("self_assessment", "version")
        constraints = [
            models.UniqueConstraint(
                fields=("self_assessment", "version"), name="self_assessment_save_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.self_assessment_id} v{self.version}"


SELF_OUTCOME_CHOICES = OUTCOME_CHOICES
"""The self-assessment uses the inspectors' finding scale."""
