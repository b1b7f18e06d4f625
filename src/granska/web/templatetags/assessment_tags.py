"""The assessment page's repeated controls, written in Python.

An area has up to 15 criteria, each with its legend, five finding choices, a note and four
sources, and every regulation a choice of grades: as template loops and `format_html` they were
most of the page's rendering time (see `make bench`, assessment_page_ratio). Here each is one
f-string, every value from outside escaped with `html.escape` (what Django's `escape` does,
without its per-call bookkeeping), and the markup is the same the template gave.
"""

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from granska.choices import OUTCOME_CHOICES
from granska.reviews.selectors import FindingRow, GradeRow
from granska.surveys.models import ValueChoice
from granska.surveys.vocabulary import SCALE

register = template.Library()


@register.simple_tag(takes_context=True)
def criterion_fieldset(context: template.Context, row: FindingRow) -> SafeString:
    """A criterion's fieldset: the criterion as its legend, its error, the finding's choices,
    the note and the source, and after a conflict the saved finding where it differs.

    The choices come from the page (`outcome_choices`, `source_choices`), and so does whether it
    shows a conflict (`conflict`)."""
    # Translated outside the f-strings, where makemessages finds them.
    only_text = _("only %(year)s")
    saved_text = _("Saved by someone else:")
    note_text = _("Note")
    source_text = _("Source")
    code = escape(row.criterion.code)
    outcome, note, source = row.value
    error_id = f"finding-{code}-error"
    only = (
        f' <span class="only">{escape(only_text % {"year": row.only_for_year})}</span>'
        if row.only_for_year
        else ""
    )
    error = (
        f'<p class="field-error" id="{error_id}">{escape(" ".join(row.errors))}</p>'
        if row.errors
        else ""
    )
    saved = ""
    if context.get("conflict") and row.value != row.saved:
        saved_note = f" – {escape(row.saved[1])}" if row.saved[1] else ""
        saved = (
            f'<p class="saved-version">{escape(saved_text)} '
            f"<strong>{escape(row.saved_outcome_label or '–')}</strong>{saved_note}</p>"
        )
    described = f' aria-describedby="{error_id}"' if row.errors else ""
    choices = finding_choices(row.criterion.code, outcome, context["outcome_choices"])
    return mark_safe(  # noqa: S308 - every value from outside is escaped above or here
        f'<fieldset class="criterion{" has-error" if row.errors else ""}" id="finding-{code}"'
        f"{described}>"
        f'<legend><span class="code">{code}</span> {escape(row.criterion.text)}{only}</legend>'
        f"{error}"
        f'<div class="outcomes">{choices}</div>'
        '<div class="finding-details">'
        f'<label for="note-{code}">{escape(note_text)}</label>'
        f'<textarea id="note-{code}" name="note-{code}" rows="2">{escape(note)}</textarea>'
        f'<label for="source-{code}">{escape(source_text)}</label>'
        f'<select id="source-{code}" name="source-{code}">'
        f"{source_options(source, context['source_choices'])}</select>"
        f"</div>{saved}</fieldset>"
    )


@register.simple_tag
def finding_choices(code: str, value: str, choices: Sequence[tuple[str, str]]) -> SafeString:
    """The radio buttons of a criterion's finding, `value` checked ("" is *ej bedömt*)."""
    name = escape(f"outcome-{code}")
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<label><input type="radio" name="{name}" value="{escape(choice)}"'
            f"{' checked' if choice == value else ''}> {escape(text)}</label>"
            for choice, text in choices
        )
    )


@register.simple_tag
def source_options(value: str, choices: Sequence[tuple[str, str]]) -> SafeString:
    """The options of a criterion's source, `value` selected; the first, "–", is none."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{escape(choice)}"{" selected" if choice == value else ""}>'
            f"{escape(text)}</option>"
            for choice, text in [("", "–"), *choices]
        )
    )


@register.simple_tag
def grade_choices(
    year: str,
    value: str,
    scale: Sequence[dict[str, str]],
    not_set: str,
    invalid: bool,
) -> SafeString:
    """The radio buttons of an area's grade under one regulation: each grade's letter as its
    label and the scale's wording as its hint, then "not set". The first has the id the error
    summary links to ("grade-2021")."""
    year = escape(year)
    invalid_mark = ' aria-invalid="true"' if invalid else ""
    parts = []
    for number, step in enumerate(scale):
        grade = escape(step["grade"])
        choice_id = f"grade-{year}" if number == 0 else f"grade-{year}-{grade}"
        hint = f"grade-{year}-{grade}-hint"
        parts.append(
            f'<div class="grade-choice"><input type="radio" id="{choice_id}" name="grade-{year}" '
            f'value="{grade}" aria-describedby="{hint}"'
            f"{' checked' if value == step['grade'] else ''}{invalid_mark}>"
            f'<label for="{choice_id}">{grade}</label>'
            f'<p class="hint" id="{hint}">{escape(step["wording"])}</p></div>'
        )
    parts.append(
        f'<div class="grade-choice"><input type="radio" id="grade-{year}-none" '
        f'name="grade-{year}" value=""{"" if value else " checked"}>'
        f'<label for="grade-{year}-none">{escape(not_set)}</label></div>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


@register.simple_tag
def use_suggestion(grade: GradeRow, *, oob: bool = False) -> SafeString:
    """The suggestion beside a regulation's grade, and "Använd förslaget" when there is one.

    On the page the button submits the form (the script makes it set the grade in the browser
    instead); drawn again by the suggestion endpoint, for htmx to swap in out of band (`oob`),
    it is the script's button from the start."""
    year = escape(grade.year)
    use_text = _("Use the suggestion")
    suggested_text = _("Suggested:")
    button = ""
    if grade.suggestion.grade is not None:
        letter = escape(grade.suggestion.grade)
        label = _("Use the suggestion %(grade)s under %(regulation)s") % {
            "grade": grade.suggestion.grade,
            "regulation": grade.regulation,
        }
        button = (
            f' <button type="{"button" if oob else "submit"}" class="button secondary" '
            f'name="use-suggestion" value="{year}" data-use-suggestion="{year}" '
            f'data-grade="{letter}" aria-label="{escape(label)}">'
            f"{escape(use_text)}</button>"
        )
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<p class="use-suggestion" id="use-suggestion-{year}"{swap}>'
        f"{escape(suggested_text)} <strong>{escape(grade.label)}</strong>{button}</p>"
    )


@register.simple_tag(takes_context=True)
def criterion_beside(context: template.Context, row: FindingRow) -> SafeString:
    """Beside a criterion: the unit's own assessment, when submitted, and the distribution per
    group of the survey's statements mapped to it, or "för få svar" where the rules hide it."""
    beside = context.get("beside")
    if beside is None:
        return mark_safe("")
    # Translated outside the f-strings, where makemessages finds them.
    own_text = _("The unit's own assessment:")
    survey_text = _("The survey:")
    too_few = escape(_("too few answers"))
    code = row.criterion.code
    parts = []
    own = beside.self_findings.get(code)
    if own and (own.get("outcome") or own.get("comment")):
        outcome = dict(OUTCOME_CHOICES).get(own.get("outcome", ""), _("not assessed"))
        comment = f" – {escape(own['comment'])}" if own.get("comment") else ""
        parts.append(
            f'<p class="self-finding">{escape(own_text)} '
            f"<strong>{escape(str(outcome))}</strong>{comment}</p>"
        )
    survey = beside.survey
    if survey is not None and survey.closed:
        labels = [str(ValueChoice(v.value).label) for v in SCALE]
        items = []
        for statement in survey.for_criterion(code):
            groups = []
            for result in statement.groups:
                dist = result.distribution
                if dist is None:
                    figures = too_few
                else:
                    shares = ", ".join(
                        f"{escape(label)} {count} ({round(share * 100)} %)"
                        for label, (count, share) in zip(labels, dist.pairs, strict=True)
                    )
                    extra = _("%(answered)d on the scale, %(not_relevant)d not relevant") % {
                        "answered": dist.answered,
                        "not_relevant": dist.not_relevant,
                    }
                    figures = f"{shares}; {escape(extra)}"
                groups.append(f"<li>{escape(result.label)}: {figures}</li>")
            if groups:
                items.append(
                    f'<li><span class="code">{escape(statement.code)}</span> '
                    f"{escape(statement.text)}<ul>{''.join(groups)}</ul></li>"
                )
        if items:
            parts.append(
                f'<div class="survey-beside"><p>{escape(survey_text)}</p>'
                f"<ul>{''.join(items)}</ul></div>"
            )
    if not parts:
        return mark_safe("")
    return mark_safe(  # noqa: S308 - every value from outside is escaped
        f'<div class="beside" id="beside-{escape(code)}">{"".join(parts)}</div>'
    )
