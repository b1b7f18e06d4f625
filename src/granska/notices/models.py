"""A notice: one person told of one event in a review (assigned, the draft open for the fact
check, the plan submitted, a step late), kept for their home page and sent once by e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from granska.reviews.models import Review


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to a review")
    DRAFT_OPEN = "draft_open", _("The draft is open for the fact check")
    DRAFT_COMMENTED = "draft_commented", _("The unit has commented on the draft")
    REPORT_ISSUED = "report_issued", _("The final report is issued")
    PLAN_REQUIRED = "plan_required", _("An action plan is required")
    PLAN_SUBMITTED = "plan_submitted", _("The action plan is submitted")
    PLAN_RETURNED = "plan_returned", _("The action plan is returned")
    PLAN_ACCEPTED = "plan_accepted", _("The action plan is accepted")
    FOLLOWUP_MORE = "followup_more", _("More is asked for in the follow-up")
    LATE_VISIT = "late_visit", _("The visit is late")
    LATE_PLAN = "late_plan", _("The action plan is late")
    LATE_ACTION = "late_action", _("An action is late")
    LATE_FOLLOWUP = "late_followup", _("A follow-up is late")


class Notice(models.Model):
    """One person told of one event: written once (the key names the event, so that the same
    event never tells the same person twice), in Swedish, with a link to the page where they act;
    `sent_at` is set when the e-mail has gone. The address is read from the person when it is
    sent, so none is stored here or in the task queue."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="notices", verbose_name=_("review")
    )
    key = models.CharField(_("event"), max_length=120)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # The path of the page where the person acts; the e-mail puts GRANSKA_SITE_URL before it.
    link = models.CharField(_("link"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("recipient", "key"), name="notice_once_per_event")
        ]
        indexes = [models.Index(fields=("recipient", "-created_at"), name="notice_recipient_new")]

    def __str__(self) -> str:
        return self.key
