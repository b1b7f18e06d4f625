"""The respondent's page: the personal link of a survey, opened without an account.

GET shows the whole questionnaire of the respondent's group on one page; POST takes the answer
once (`services.answer_submit`). Nothing is stored before the POST: the page's script keeps the
unsent answers in the browser (`static/granska/survey.js`), under a key that is not the token.

A link that leads to nothing to answer (used, closed, expired or never made) gets one page and
one status, 404, whatever the reason: after an answer or a closing the link's row is deleted, so
Granska could not tell them apart anyway, and the page tells nobody whether a token existed.

Every answer of this page says `Cache-Control: no-store` (the form and the thank-you page are
nobody else's business on a shared computer) and `Referrer-Policy: strict-origin`: the token is
in the address, and no request from the page (its style sheet, its script, the language menu, a
link followed) carries more of it than the site's origin. Not `no-referrer`: with it a browser
sends `Origin: null` with the page's own POSTs, which Django's CSRF check refuses, so neither the
answer nor the language menu could be sent."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from granska.surveys.models import GroupChoice, QuestionnaireArea, Round, Statement, ValueChoice
from granska.surveys.services import (
    MAX_FREE_TEXT_CHARS,
    LinkState,
    LinkUnusable,
    answer_submit,
    link_open,
    min_answers,
)
from granska.surveys.vocabulary import IDENTIFIABLE, Group

# The form's field names (the load benchmark posts them too).
STATEMENT_FIELD = "s-"
TEXT_FIELD = "t-"


@dataclass
class StatementRow:
    statement: Statement
    chosen: str
    errors: list[str] = field(default_factory=list)

    @property
    def field(self) -> str:
        return STATEMENT_FIELD + self.statement.code


@dataclass
class AreaBlock:
    area: QuestionnaireArea
    statements: list[StatementRow]
    text: str
    text_errors: list[str] = field(default_factory=list)

    @property
    def field(self) -> str:
        return TEXT_FIELD + self.area.code


def _areas(
    round_: Round, group: Group, values: dict[str, str], texts: dict[str, str]
) -> list[AreaBlock]:
    """The questionnaire as the group sees it: each area with its statements of the group (an
    area with none and no free-text question is left out), with what the form held."""
    blocks = []
    for area in round_.questionnaire.areas.prefetch_related("statements").order_by("position"):
        rows = [
            StatementRow(s, values.get(s.code, ""))
            for s in area.statements.all()
            if group.value in s.groups
        ]
        if rows or area.free_text:
            blocks.append(AreaBlock(area, rows, texts.get(area.code, "") if area.free_text else ""))
    return blocks


def _posted(request: HttpRequest, prefix: str) -> dict[str, str]:
    """The fields named `prefix` + a code, by code (a field sent twice counts by its last)."""
    return {
        name[len(prefix) :]: str(request.POST.get(name, ""))
        for name in request.POST
        if name.startswith(prefix) and len(name) > len(prefix)
    }


def _errors_placed(blocks: list[AreaBlock], error: ValidationError) -> list[tuple[str, str]]:
    """Puts each message beside its statement or free-text field; returns every message once
    with the id of the place it sits (the error summary links there), "" for the form as a
    whole (a statement not of the group: it has no place on this page)."""
    by_statement = {row.statement.code: row for block in blocks for row in block.statements}
    by_area = {block.area.code: block for block in blocks}
    summary: list[tuple[str, str]] = []
    for key, texts in error.message_dict.items():
        kind, _dot, code = key.partition(".")
        for text in texts:
            if kind == "values" and code in by_statement:
                by_statement[code].errors.append(text)
                # The first choice of the scale: a link to the fieldset would not move focus.
                summary.append((text, f"{by_statement[code].field}-{ValueChoice.values[0]}"))
            elif kind == "free_text" and code in by_area:
                by_area[code].text_errors.append(text)
                summary.append((text, by_area[code].field))
            else:
                summary.append((text, ""))
    return summary


def _secret(response: HttpResponse) -> HttpResponse:
    # The token is in this page's address: a request from the page names the origin only.
    response["Referrer-Policy"] = "strict-origin"
    return response


def _unusable(request: HttpRequest) -> HttpResponse:
    return _secret(render(request, "surveys/respond_unusable.html", status=404))


@never_cache
@require_http_methods(["GET", "POST"])
def respond_view(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire of the link's group (GET), or the answer taken and thanked for (POST)."""
    opened = link_open(token)
    if opened.state != LinkState.OPEN or opened.round is None or opened.group is None:
        return _unusable(request)
    round_, group = opened.round, opened.group
    values: dict[str, str] = {}
    texts: dict[str, str] = {}
    problems: ValidationError | None = None
    if request.method == "POST":
        values = _posted(request, STATEMENT_FIELD)
        texts = _posted(request, TEXT_FIELD)
        try:
            answer_submit(token=token, values=values, free_text=texts)
        except LinkUnusable:
            return _unusable(request)
        except ValidationError as error:
            problems = error
        else:
            return _secret(
                render(request, "surveys/respond_thanks.html", {"draft_key": _draft_key(round_)})
            )
    blocks = _areas(round_, group, values, texts)
    summary = _errors_placed(blocks, problems) if problems is not None else []
    total = sum(len(block.statements) for block in blocks)
    return _secret(
        render(
            request,
            "surveys/respond.html",
            {
                "round": round_,
                "unit": round_.review.unit,
                "group": group,
                "group_label": GroupChoice(group.value).label,
                "identifiable": group in IDENTIFIABLE,
                "min_answers": min_answers(round_),
                "areas": blocks,
                "total": total,
                "answered": sum(1 for b in blocks for row in b.statements if row.chosen),
                "scale": ValueChoice.choices,
                "errors": summary,
                "max_text": MAX_FREE_TEXT_CHARS,
                "draft_key": _draft_key(round_),
                "posted": request.method == "POST",
            },
            status=422 if problems is not None else 200,
        )
    )


def _draft_key(round_: Round) -> str:
    """Where the page's script keeps the unsent answers in the browser: the round's id, which
    the address does not give and which leads to no invitation."""
    return f"granska-enkat:{round_.pk}"
