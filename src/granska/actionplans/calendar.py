"""A unit's dates as an iCalendar feed (RFC 5545): the plan's deadline, each action's completion
and follow-up, the next review. All-day events on the day Granska reads a date as; a period
("Våren 2027") keeps its words in the summary. No names of people: the feed's URL is a secret,
but a secret can leak. Every text is cleaned on the way out, however it was stored: one-line
ones (a unit's name, a date as written) made one line, and no control character in any, since a
line break in a one-line property breaks the feed and calendar programs refuse control
characters (RFC 5545).

Calendar programs fetch the feed again and again and compare what they get:

- each event's UID names this installation (the host of GRANSKA_SITE_URL), so that two
  installations' events never pass for one another;
- DTSTAMP and LAST-MODIFIED are the last change of the rows the event is made of, not the time
  of the fetch, so that an unchanged event reads as unchanged;
- a date that no longer applies (the plan submitted or accepted, an action reported or
  confirmed, the review closed, a newer review booked) leaves the feed, and the calendar drops
  its event.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from granska.actionplans.models import ActionItem
from granska.actionplans.selectors import Due, unit_calendar_dues
from granska.reviews.models import Unit
from granska.reviews.selectors import unit_next_reviews
from granska.text import clean_line, clean_text


def _site() -> tuple[str, str]:
    """GRANSKA_SITE_URL and the host it names (with its port, if it gives one), which makes
    the events' UIDs this installation's own. Unset, Granska does not start in production
    (granska.web.checks)."""
    site = settings.GRANSKA_SITE_URL
    parts = urlsplit(site)
    if not parts.hostname:
        raise ImproperlyConfigured("GRANSKA_SITE_URL must name where Granska is reached.")
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return site, host


def _stamp(changed: datetime.datetime) -> datetime.datetime:
    return changed.astimezone(datetime.UTC).replace(microsecond=0)


def _event(
    *,
    uid: str,
    day: datetime.date,
    changed: datetime.datetime,
    summary: str,
    description: str,
    url: str,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(changed))
    event.add("last-modified", _stamp(changed))
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", clean_line(summary))
    event.add("description", clean_text(description))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def _subject(due: Due) -> str:
    item = due.item
    if item is None:
        return ""
    return item.criterion.code if item.criterion_id and item.criterion else item.area.code


def _summary(due: Due, unit_name: str) -> str:
    """What is due, and for which unit: "Åtgärd D7 ska vara genomförd: Kliniken (Våren 2027)"."""
    if due.kind == "plan":
        return _("Action plan to submit: %(unit)s") % {"unit": unit_name}
    values = {"code": _subject(due), "unit": unit_name, "written": clean_line(due.written)}
    if due.kind == "action":
        return _("Action %(code)s to be done: %(unit)s (%(written)s)") % values
    return _("Action %(code)s to be followed up: %(unit)s (%(written)s)") % values


def _when(due: Due) -> dict[str, str]:
    written = clean_line(due.written)
    return {"code": _subject(due), "written": written, "date": due.day.isoformat()}


def _description(due: Due, unit_name: str, url: str) -> str:
    """What is due, by when, and where in Granska to do it."""
    when = _when(due)
    exact = when["written"] == when["date"]
    if due.kind == "plan":
        what = _("%(unit)s is to submit its action plan after the SPUR review by %(date)s.") % {
            "unit": unit_name,
            "date": when["date"],
        }
    elif due.kind == "action":
        what = (
            _("Action %(code)s is to be done by %(date)s.")
            if exact
            else _("Action %(code)s is to be done %(written)s (by %(date)s).")
        ) % when
    else:
        what = (
            _("Action %(code)s is to be followed up by %(date)s.")
            if exact
            else _("Action %(code)s is to be followed up %(written)s (by %(date)s).")
        ) % when
    paragraphs = [what]
    if due.item is not None and due.item.action.strip():
        paragraphs.append(_("Planned action: %(action)s") % {"action": due.item.action.strip()})
    paragraphs.append(_("The action plan in Granska: %(url)s") % {"url": url})
    return "\n\n".join(paragraphs)


def _item_changes(dues: list[Due]) -> dict[int, datetime.datetime]:
    """When each planned action among `dues` last changed, from its history (one query)."""
    ids = {due.item.pk for due in dues if due.item is not None}
    if not ids:
        return {}
    rows = (
        ActionItem.history.filter(id__in=ids)
        .values("id")
        .annotate(last=Max("history_date"))
        .values_list("id", "last")
    )
    return dict(rows)


def calendar_render(unit: Unit) -> bytes:
    """The feed of `unit`'s dates still to keep, in Swedish."""
    site, host = _site()
    with translation.override("sv"):
        calendar = Calendar()
        calendar.add("prodid", "-//Granska//SPUR//SV")
        calendar.add("version", "2.0")
        unit_name = clean_line(unit.name)
        calendar.add("x-wr-calname", _("Granska: %(unit)s") % {"unit": unit_name})
        dues = unit_calendar_dues(unit)
        item_changes = _item_changes(dues)
        for due in dues:
            url = site + reverse("actionplans:plan", args=[due.review.pk])
            changed = due.plan.updated_at
            if due.item is not None:
                changed = max(changed, item_changes.get(due.item.pk, changed))
            row = due.item.pk if due.item is not None else due.plan.pk
            calendar.add_component(
                _event(
                    uid=f"{due.kind}-{row}@{host}",
                    day=due.day,
                    changed=changed,
                    summary=_summary(due, unit_name),
                    description=_description(due, unit_name, url),
                    url=url,
                )
            )
        for review, day in unit_next_reviews(unit):
            url = site + reverse("reviews:detail", args=[review.pk])
            years = settings.GRANSKA_REVIEW_INTERVAL_YEARS
            issued = review.final_report_date.isoformat() if review.final_report_date else ""
            what = ngettext(
                "%(years)d year after the final report of %(issued)s, %(unit)s is due for a new "
                "SPUR review.",
                "%(years)d years after the final report of %(issued)s, %(unit)s is due for a new "
                "SPUR review.",
                years,
            ) % {"years": years, "issued": issued, "unit": unit_name}
            calendar.add_component(
                _event(
                    uid=f"next-review-{review.pk}@{host}",
                    day=day,
                    changed=review.updated_at,
                    summary=_("New SPUR review due: %(unit)s") % {"unit": unit_name},
                    description=what + "\n\n" + _("The review in Granska: %(url)s") % {"url": url},
                    url=url,
                )
            )
        feed: bytes = calendar.to_ical()
        return feed
