"""The questionnaire's question blocks, rendered in Python.

A page holds up to a few hundred questions; Django's template engine spends about 3 ms on
each block, Python string building about 0.1 ms, which keeps a 200-question page well
under its 150 ms budget. Every text is escaped here (``escape``), and every UI string goes
through gettext once per page (``Labels``). ``html.escape`` is the standard library's: it
escapes what Django's ``escape`` does, without the cost of its lazy-string wrapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.middleware.csrf import get_token
from django.template import Context
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from phrom.responses.selectors import QuestionView
from phrom.responses.templatetags.responses_tags import be_datetime_text

register = template.Library()

EVIDENCE_WIDGET = "responses/evidence/_widget.html"
CHOICE_TYPES = frozenset({"yes_no", "single_choice", "multiple_choice", "maturity"})
PLACEHOLDER = "QUESTIONCODE"


@dataclass(frozen=True)
class Labels:
    """Translated texts and URL patterns of one page, looked up once."""

    required: str
    optional: str
    evidence_required_flag: str
    not_asked: str
    level: str
    none_of_these: str
    file_note: str
    not_applicable: str
    explanation: str
    save: str
    saved_by: str
    saved: str
    last_cycle: str
    last_cycle_year: str
    evidence_colon: str
    carry_over: str
    evidence_required: str
    evidence_optional: str
    no_evidence: str
    evidence_items: str
    manage_evidence: str
    save_url: str
    carry_url: str
    evidence_url: str
    csrf: str


def labels_for(request: Any, response_id: int) -> Labels:
    token = get_token(request) if request is not None else ""
    return Labels(
        required=_("Required"),
        optional=_("Optional"),
        evidence_required_flag=_("evidence required"),
        not_asked=_("Not asked now."),
        level=_("Level %(level)s"),
        none_of_these=_("None of these"),
        file_note=_("Answer this question by attaching the file below."),
        not_applicable=_("Not applicable to our agency"),
        explanation=_("Explanation for %(code)s (optional)"),
        save=_("Save %(code)s"),
        saved_by=_("Saved %(when)s by %(who)s"),
        saved=_("Saved %(when)s"),
        last_cycle=_("Last cycle"),
        last_cycle_year=_("Last cycle (B.E. %(year)s)"),
        evidence_colon=_("Evidence:"),
        carry_over=_("Carry over last cycle's answer to %(code)s"),
        evidence_required=_("Evidence required."),
        evidence_optional=_("Evidence optional."),
        no_evidence=_("No evidence attached yet."),
        evidence_items=_("Evidence attached:"),
        manage_evidence=_("Attach or remove evidence for %(code)s"),
        save_url=reverse("responses:answer_save", args=[response_id, PLACEHOLDER]),
        carry_url=reverse("responses:carry_over", args=[response_id, PLACEHOLDER]),
        evidence_url=_evidence_url(response_id),
        csrf=(
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token
            else ""
        ),
    )


def _evidence_url(response_id: int) -> str:
    try:
        return reverse("responses:evidence_widget", args=[response_id, PLACEHOLDER])
    except NoReverseMatch:  # evidence uploads are not installed
        return ""


def _attr(flag: bool, name: str) -> str:
    return f" {name}" if flag else ""


def _choices(q: QuestionView, labels: Labels, out: list[str]) -> None:
    anchor = q.anchor
    disabled = _attr(q.value_disabled, "disabled")
    help_ref = f' aria-describedby="{anchor}-help"' if q.help else ""
    out.append(f'<fieldset class="q-choices q-{q.type}"{help_ref}>')
    out.append(
        f'<legend><h4 class="q-title" id="{anchor}-t"><span class="q-code">{escape(q.code)}'
        f"</span> {escape(q.text)}</h4></legend>"
    )
    _meta(q, labels, out)
    out.append(f'<div class="q-body"{_attr(not q.shown, "hidden")}>')
    if q.help:
        out.append(f'<p class="q-help" id="{anchor}-help">{escape(q.help)}</p>')
    kind = "checkbox" if q.type == "multiple_choice" else "radio"
    for i, c in enumerate(q.choices):
        ident = f"{anchor}-{i}"
        checked = _attr(c.checked, "checked")
        if q.type == "maturity":
            level = escape(labels.level % {"level": c.label})
            out.append(
                f'<div class="q-level"><input type="radio" id="{ident}" name="value" '
                f'value="{escape(c.value)}"{checked}{disabled}><label for="{ident}">'
                f'<span class="q-level-n">{level}</span> '
                f'<span class="q-level-d">{escape(c.description)}</span></label></div>'
            )
        else:
            out.append(
                f'<div class="q-option"><input type="{kind}" id="{ident}" name="value" '
                f'value="{escape(c.value)}"{checked}{disabled}>'
                f'<label for="{ident}">{escape(c.label)}</label></div>'
            )
    if q.type == "multiple_choice":
        out.append(
            f'<div class="q-option q-none"><input type="checkbox" id="{anchor}-none" '
            f'name="none_chosen" value="on"{_attr(q.none_chosen, "checked")}{disabled}>'
            f'<label for="{anchor}-none">{escape(labels.none_of_these)}</label></div>'
        )
    out.append("</div></fieldset>")


def _single(q: QuestionView, labels: Labels, out: list[str]) -> None:
    anchor = q.anchor
    disabled = _attr(q.value_disabled, "disabled")
    title = escape(q.text)
    if q.type != "file":
        title = f'<label for="{anchor}-v">{title}</label>'
    out.append(
        f'<h4 class="q-title" id="{anchor}-t"><span class="q-code">{escape(q.code)}</span> '
        f"{title}</h4>"
    )
    _meta(q, labels, out)
    out.append(f'<div class="q-body"{_attr(not q.shown, "hidden")}>')
    if q.help:
        out.append(f'<p class="q-help" id="{anchor}-help">{escape(q.help)}</p>')
    described = (f"{anchor}-help " if q.help else "") + f"{anchor}-err"
    if q.type in ("number", "percentage"):
        bounds = (f' min="{escape(q.minimum)}"' if q.minimum else "") + (
            f' max="{escape(q.maximum)}"' if q.maximum else ""
        )
        unit = f'<span class="q-unit">{escape(q.unit)}</span>' if q.unit else ""
        out.append(
            f'<div class="q-number"><input type="number" id="{anchor}-v" name="value" '
            f'value="{escape(q.input_value)}" step="any" inputmode="decimal"{bounds} '
            f'aria-describedby="{anchor}-range {described}"{disabled}>{unit}</div>'
            f'<p class="q-range" id="{anchor}-range">{escape(q.range_text)}</p>'
        )
    elif q.type == "text":
        out.append(
            f'<textarea id="{anchor}-v" name="value" rows="3" maxlength="10000" '
            f'aria-describedby="{described}"{disabled}>{escape(q.input_value)}</textarea>'
        )
    elif q.type == "url":
        out.append(
            f'<input type="url" id="{anchor}-v" name="value" value="{escape(q.input_value)}" '
            f'class="q-url" placeholder="https://" inputmode="url" '
            f'aria-describedby="{described}"{disabled}>'
        )
    else:
        out.append(f'<p class="q-file-note">{escape(labels.file_note)}</p>')
    out.append("</div>")


def _meta(q: QuestionView, labels: Labels, out: list[str]) -> None:
    flags = labels.required if q.required else labels.optional
    if q.evidence_rule == "required":
        flags = f"{flags} · {labels.evidence_required_flag}"
    out.append(f'<p class="q-meta">{escape(flags)}</p>')
    if q.condition:
        out.append(
            f'<p class="q-condition"><strong class="q-off-label">{escape(labels.not_asked)}'
            f"</strong> {escape(q.condition)}</p>"
        )


def _extra(q: QuestionView, labels: Labels, out: list[str]) -> None:
    anchor = q.anchor
    read_only = _attr(not q.editable, "disabled")
    out.append(f'<div class="q-body q-extra"{_attr(not q.shown, "hidden")}>')
    if q.allow_na:
        out.append(
            f'<div class="q-option q-na"><input type="checkbox" id="{anchor}-na" '
            f'name="not_applicable" value="on"{_attr(q.not_applicable, "checked")}{read_only}>'
            f'<label for="{anchor}-na">{escape(labels.not_applicable)}</label></div>'
        )
    out.append(
        f'<div class="q-explanation"><label for="{anchor}-x">'
        f'{escape(labels.explanation % {"code": q.code})}</label>'
        f'<textarea id="{anchor}-x" name="explanation" rows="2" maxlength="5000"{read_only}>'
        f"{escape(q.explanation)}</textarea></div>"
        f'<p class="q-error" id="{anchor}-err"></p>'
        f'<div class="q-conflict" id="{anchor}-conflict"></div><div class="q-state">'
    )
    if q.editable:
        out.append(
            f'<noscript><button type="submit" class="q-save">'
            f'{escape(labels.save % {"code": q.code})}</button></noscript>'
        )
    status = ""
    if q.version and q.updated_by:
        status = labels.saved_by % {"when": be_datetime_text(q.updated_at), "who": q.updated_by}
    elif q.version:
        status = labels.saved % {"when": be_datetime_text(q.updated_at)}
    out.append(
        f'<p class="q-status" id="{anchor}-status" role="status" aria-live="polite">'
        f"{escape(status)}</p></div></div>"
    )


def _after(
    q: QuestionView, labels: Labels, out: list[str], evidence_html: str, next_url: str
) -> None:
    out.append(f'<div class="q-body q-after"{_attr(not q.shown, "hidden")}>')
    previous = q.previous
    if previous is not None:
        title = (
            labels.last_cycle_year % {"year": previous.year_be}
            if previous.year_be
            else labels.last_cycle
        )
        out.append(
            f'<div class="q-previous"><p class="q-previous-title"><strong>{escape(title)}:'
            f"</strong> {escape(previous.text)}</p>"
        )
        if previous.explanation:
            out.append(f'<p class="q-previous-x">{escape(previous.explanation)}</p>')
        if previous.evidence:
            names = "; ".join(escape(e.original_name or e.url) for e in previous.evidence)
            out.append(f'<p class="q-previous-ev">{escape(labels.evidence_colon)} {names}</p>')
        if q.editable:
            action = labels.carry_url.replace(PLACEHOLDER, q.code)
            out.append(
                f'<form method="post" action="{escape(action)}" class="q-carry">{labels.csrf}'
                f'<input type="hidden" name="base_version" value="{q.version}">'
                f'<button type="submit">{escape(labels.carry_over % {"code": q.code})}'
                f"</button></form>"
            )
        out.append("</div>")
    if q.has_evidence_widget:
        out.append('<div class="q-evidence">')
        if evidence_html:
            out.append(evidence_html)
        else:
            _evidence_summary(q, labels, out, next_url)
        out.append("</div>")
    out.append("</div>")


def _evidence_summary(q: QuestionView, labels: Labels, out: list[str], next_url: str) -> None:
    """Evidence as a line and a link to its own page (pages with many questions)."""
    rule = {"required": labels.evidence_required, "optional": labels.evidence_optional}
    state = escape(rule.get(q.evidence_rule, ""))
    if q.evidence_missing or not q.evidence:
        missing = q.evidence_missing
        text = escape(labels.no_evidence)
        state += f' <strong class="q-missing">{text}</strong>' if missing else f" {text}"
    else:
        names = "; ".join(escape(e.original_name or e.url) for e in q.evidence)
        state += f" {escape(labels.evidence_items)} {names}"
    out.append(f'<p class="q-evidence-state">{state}</p>')
    if labels.evidence_url and next_url:
        href = (
            labels.evidence_url.replace(PLACEHOLDER, q.code)
            + "?next="
            + quote(f"{next_url}#{q.anchor}", safe="/")
        )
        out.append(
            f'<p class="q-evidence-link"><a href="{escape(href)}">'
            f'{escape(labels.manage_evidence % {"code": q.code})}</a></p>'
        )


def render_question(
    q: QuestionView, labels: Labels, evidence_html: str = "", next_url: str = ""
) -> SafeString:
    """One question's block: its form (autosaved), last cycle's answer and its evidence.

    The evidence is EVIDENCE_HTML (the evidence widget) when given, else a summary with a
    link to the question's evidence page, which returns to NEXT_URL.
    """
    anchor = q.anchor
    classes = "q" if q.shown else "q q-off"
    when = f' data-when="{escape(q.condition_data)}"' if q.condition_data else ""
    out = [
        f'<div class="{classes}" id="{anchor}" data-code="{escape(q.code)}" '
        f'data-type="{q.type}"{when}{_attr(q.editable, "data-editable")}>',
        f'<form class="q-form" method="post" '
        f'action="{escape(labels.save_url.replace(PLACEHOLDER, q.code))}" novalidate>',
        labels.csrf,
        f'<input type="hidden" name="base_version" value="{q.version}">',
    ]
    if q.type in CHOICE_TYPES:
        _choices(q, labels, out)
    else:
        _single(q, labels, out)
    _extra(q, labels, out)
    out.append("</form>")
    _after(q, labels, out, evidence_html, next_url)
    out.append("</div>")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def _evidence_template(context: Context) -> Any:
    cache = context.render_context
    if "phrom_evidence_template" not in cache:
        cache["phrom_evidence_template"] = context.template.engine.get_template(EVIDENCE_WIDGET)
    return cache["phrom_evidence_template"]


@register.simple_tag(takes_context=True)
def question_block(context: Context, q: QuestionView) -> SafeString:
    """``{% question_block q %}``: a question of the page in ``response``'s context.

    The evidence widget is embedded unless the context sets ``evidence_inline`` to false
    (pages with many questions, where it would cost most of the render time).
    """
    response = context["response"]
    cache = context.render_context
    labels = cache.get("phrom_question_labels")
    if labels is None:
        labels = labels_for(context.get("request"), response.pk)
        cache["phrom_question_labels"] = labels
    evidence_html = ""
    inline = context.get("evidence_inline", True)
    if q.has_evidence_widget and inline:
        with context.push(response=response, question=q.question):
            evidence_html = _evidence_template(context).render(context)
    request = context.get("request")
    next_url = request.path if request is not None else ""
    return render_question(q, labels, evidence_html, next_url)
