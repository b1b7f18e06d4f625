"""A unit's dates as an iCalendar feed (RFC 5545): the plan's deadline, each action's completion
and follow-up, the next review. All-day events on the day Granska reads a date as; a period
("Våren 2027") keeps its words in the summary. No names of people: the feed's URL is a secret,
but a secret can leak. Every text is cleaned on the way out, however it was stored: one-line
ones (a unit's name, a date as written) made one line, and no control character in any, since a
line break in a one-line property breaks the feed and calendar programs refuse control
characters (RFC 5545)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from granska.actionplans.selectors import Due, unit_calendar_dues
from granska.reviews.models import Unit
from granska.reviews.selectors import unit_next_reviews
from granska.text import clean_line, clean_text


def _event(uid: str, day: datetime.date, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@granska")
    event.add("dtstamp", datetime.datetime.now(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", clean_line(summary))
    event.add("description", clean_text(description))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def _summary(due: Due) -> str:
    item = due.item
    subject = ""
    if item is not None:
        subject = item.criterion.code if item.criterion_id and item.criterion else item.area.code
    if due.kind == "plan":
        return _("Action plan to submit: %(unit)s") % {"unit": clean_line(due.review.unit.name)}
    written = clean_line(due.written)
    if due.kind == "action":
        return _("Action %(code)s done (%(written)s)") % {"code": subject, "written": written}
    return _("Follow-up of %(code)s (%(written)s)") % {"code": subject, "written": written}


def calendar_render(unit: Unit) -> bytes:
    """The feed of `unit`'s dates, in Swedish."""
    with translation.override("sv"):
        calendar = Calendar()
        calendar.add("prodid", "-//Granska//SPUR//SV")
        calendar.add("version", "2.0")
        unit_name = clean_line(unit.name)
        calendar.add("x-wr-calname", _("Granska: %(unit)s") % {"unit": unit_name})
        for due in unit_calendar_dues(unit):
            url = settings.GRANSKA_SITE_URL + reverse("actionplans:plan", args=[due.review.pk])
            uid = f"{due.kind}-{due.item.pk if due.item else due.plan.pk}"
            description = due.item.action if due.item is not None else ""
            calendar.add_component(_event(uid, due.day, _summary(due), description, url))
        for review, day in unit_next_reviews(unit):
            url = settings.GRANSKA_SITE_URL + reverse("reviews:detail", args=[review.pk])
            calendar.add_component(
                _event(
                    f"next-review-{review.pk}",
                    day,
                    _("New SPUR review due: %(unit)s") % {"unit": unit_name},
                    "",
                    url,
                )
            )
        feed: bytes = calendar.to_ical()
        return feed
