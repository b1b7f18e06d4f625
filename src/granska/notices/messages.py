"""What each kind of notice says, as English msgids translated to Swedish when it is written
(`%(unit)s` is the unit's name; the others are given by the event)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from granska.notices.models import NoticeKind

SUBJECTS: dict[str, Promise] = {
    NoticeKind.ASSIGNED: _("You are an inspector of the review of %(unit)s"),
    NoticeKind.DRAFT_OPEN: _("The draft report is open for your fact check: %(unit)s"),
    NoticeKind.DRAFT_COMMENTED: _("The unit has commented on the draft: %(unit)s"),
    NoticeKind.REPORT_ISSUED: _("The final report is issued: %(unit)s"),
    NoticeKind.PLAN_REQUIRED: _("Submit an action plan by %(date)s: %(unit)s"),
    NoticeKind.PLAN_SUBMITTED: _("The action plan is submitted: %(unit)s"),
    NoticeKind.PLAN_RETURNED: _("The action plan is returned: %(unit)s"),
    NoticeKind.PLAN_ACCEPTED: _("The action plan is accepted: %(unit)s"),
    NoticeKind.FOLLOWUP_MORE: _("More is asked for in the follow-up: %(unit)s"),
    NoticeKind.LATE_VISIT: _("Late: the visit of %(unit)s"),
    NoticeKind.LATE_PLAN: _("Late: the action plan of %(unit)s"),
    NoticeKind.LATE_ACTION: _("Late: an action of %(unit)s"),
    NoticeKind.LATE_FOLLOWUP: _("Late: a follow-up of %(unit)s"),
}

BODIES: dict[str, Promise] = {
    NoticeKind.ASSIGNED: _(
        "You are assigned as an inspector of the review of %(unit)s. Prepare the visit from the "
        "review's page."
    ),
    NoticeKind.DRAFT_OPEN: _(
        "The inspectors have sent the draft report of the review of %(unit)s to you. Read it and "
        "point out any factual errors, section by section, on the report's page."
    ),
    NoticeKind.DRAFT_COMMENTED: _(
        "%(unit)s has commented on the draft report. Answer each comment on the report's page."
    ),
    NoticeKind.REPORT_ISSUED: _(
        "Version %(version)s of the final report of the review of %(unit)s is issued. Read it on "
        "the report's page."
    ),
    NoticeKind.PLAN_REQUIRED: _(
        "The final report gives an area grade D, so %(unit)s is to submit an action plan by "
        "%(date)s. Write it on the action plan's page."
    ),
    NoticeKind.PLAN_SUBMITTED: _(
        "%(unit)s has submitted its action plan. Accept it or return it with comments on the "
        "action plan's page."
    ),
    NoticeKind.PLAN_RETURNED: _(
        "The inspectors have returned the action plan of %(unit)s with comments. Change it and "
        "submit it again by %(date)s on the action plan's page."
    ),
    NoticeKind.PLAN_ACCEPTED: _(
        "The inspectors have accepted the action plan of %(unit)s, and the final report is issued "
        "again with the adjusted grades. Report the follow-up of each action on the action "
        "plan's page."
    ),
    NoticeKind.FOLLOWUP_MORE: _(
        "The follow-up of an action in the action plan of %(unit)s (%(what)s) needs more. Report "
        "it again on the action plan's page."
    ),
    NoticeKind.LATE_VISIT: _(
        "The visit date of the review of %(unit)s, %(date)s, has passed, and the review is still "
        "in %(status)s."
    ),
    NoticeKind.LATE_PLAN: _(
        "The action plan of %(unit)s was to be submitted by %(date)s and has not been."
    ),
    NoticeKind.LATE_ACTION: _(
        "An action in the action plan of %(unit)s (%(what)s) was to be done by %(date)s, and "
        "nothing is reported yet."
    ),
    NoticeKind.LATE_FOLLOWUP: _(
        "An action in the action plan of %(unit)s (%(what)s) was to be followed up by %(date)s "
        "and is not yet confirmed."
    ),
}
