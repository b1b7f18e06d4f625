"""The handlingsplan and its follow-up (SPEC §2 steps 7–9, §6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from granska.actionplans.limits import DATE_TEXT_MAX_CHARS, PERSON_MAX_CHARS
from granska.catalog.models import Area, Criterion
from granska.reviews.models import Review


class PlanStatus(models.TextChoices):
    """Where a plan stands: the unit writes it, submits it; the inspectors return or accept it."""

    UTKAST = "utkast", _("Draft")
    INLAMNAD = "inlamnad", _("Submitted")
    ATERFORVISAD = "aterforvisad", _("Returned")
    GODKAND = "godkand", _("Accepted")


# What the report says of an area whose D was adjusted when the plan was accepted; it is the
# report's Swedish, whatever language the reader has chosen.
ADJUSTMENT_NOTE = "Handlingsplan mottagen. Gradering justerad till {grade}."

# While the plan is in these, the unit may write in it.
PLAN_WRITABLE = frozenset({PlanStatus.UTKAST, PlanStatus.ATERFORVISAD})


class ActionPlan(models.Model):
    """The handlingsplan a unit owes when its final report has a D in any area for any regulation
    in scope: due three months after the final report, accepted or returned by the inspectors."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="action_plan", verbose_name=_("review")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.UTKAST
    )
    due_date = models.DateField(_("due date"))
    # Raised by every save, so that a save based on an older version is caught, not overwriting.
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # The inspectors' word on the plan as a whole when they return it.
    return_comment = models.TextField(_("comment on return"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of an action plan"),
        verbose_name_plural=_("earlier versions of action plans"),
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ("due_date", "pk")

    def __str__(self) -> str:
        return f"{self.review.unit} – {self.get_status_display()}"

    @property
    def writable(self) -> bool:
        return self.status in PLAN_WRITABLE


class FollowUp(models.TextChoices):
    """Where the follow-up of one planned action stands."""

    OPEN = "open", _("Awaiting the unit's report")
    REPORTED = "reported", _("Reported, awaiting confirmation")
    MORE = "more", _("More asked for")
    CONFIRMED = "confirmed", _("Confirmed")


class ActionItem(models.Model):
    """One planned action: for a föreskrift not fully met in an area graded D, or for a D area as
    a whole when no single föreskrift explains the grade. Its dates are kept as written ("Våren
    2027") beside the day they are read as, the period's last day, which the reminders use."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("action plan")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criterion"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    action = models.TextField(_("planned action"), blank=True)
    completion_text = models.CharField(
        _("date the action is done"), max_length=DATE_TEXT_MAX_CHARS, blank=True
    )
    completion_date = models.DateField(_("completion read as"), null=True, blank=True)
    responsible = models.CharField(
        _("responsible for the action"), max_length=PERSON_MAX_CHARS, blank=True
    )
    responsible_email = models.EmailField(_("e-mail of the responsible for the action"), blank=True)
    followup_text = models.CharField(
        _("date of the follow-up"), max_length=DATE_TEXT_MAX_CHARS, blank=True
    )
    followup_date = models.DateField(_("follow-up read as"), null=True, blank=True)
    followup_responsible = models.CharField(
        _("responsible for the follow-up"), max_length=PERSON_MAX_CHARS, blank=True
    )
    followup_responsible_email = models.EmailField(
        _("e-mail of the responsible for the follow-up"), blank=True
    )
    # The inspectors' comment when they returned the plan; the unit answers it in the item.
    return_comment = models.TextField(_("comment on return"), blank=True)
    followup = models.CharField(
        _("follow-up"), max_length=20, choices=FollowUp.choices, default=FollowUp.OPEN
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of a planned action"),
        verbose_name_plural=_("earlier versions of planned actions"),
    )

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ("plan", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("plan", "criterion"),
                condition=Q(criterion__isnull=False),
                name="action_item_once_per_criterion",
            ),
            models.UniqueConstraint(
                fields=("plan", "area"),
                condition=Q(criterion__isnull=True),
                name="action_item_once_per_area_without_criterion",
            ),
        ]

    def __str__(self) -> str:
        return self.criterion.code if self.criterion_id and self.criterion else self.area.code


def attachment_path(instance: "FollowUpReport", filename: str) -> str:
    """Under MEDIA_ROOT, never served directly: reports/<review>/uppfoljning/<item>/<name>."""
    return f"followup/{instance.item.plan.review_id}/{instance.item_id}/{filename}"


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    MORE = "more", _("More asked for")


class FollowUpReport(models.Model):
    """What the unit reports done for one planned action, and the kansli's or the inspectors'
    answer: confirmed, or more asked for."""

    item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="reports", verbose_name=_("action")
    )
    text = models.TextField(_("what was done"))
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, max_length=255, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ("item", "reported_at", "pk")

    def __str__(self) -> str:
        return f"{self.item} {self.reported_at:%Y-%m-%d}"


class ReminderKind(models.TextChoices):
    PLAN_DUE = "plan_due", _("The action plan is due soon")
    PLAN_OVERDUE = "plan_overdue", _("The action plan is overdue")
    ACTION_DUE = "action_due", _("An action is due soon")
    ACTION_OVERDUE = "action_overdue", _("An action is overdue")
    FOLLOWUP_DUE = "followup_due", _("A follow-up is due soon")
    FOLLOWUP_OVERDUE = "followup_overdue", _("A follow-up is overdue")


class Reminder(models.Model):
    """One reminder, recorded when `granska remind` decides it is due and before it is sent, so
    that no reminder ever goes out twice. Its recipients are read when it is sent: no address is
    stored here or in the task queue."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("plan")
    )
    item = models.ForeignKey(
        ActionItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("action"),
    )
    for_date = models.DateField(_("for the date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when every recipient has it; until then `granska remind` queues it again.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("number of recipients"), default=0)
    # Who has it, as short one-way hashes of the addresses (reminders.recipient_mark).
    delivered = models.JSONField(_("delivered to"), default=list, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.key
