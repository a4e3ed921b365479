"""The questionnaire's question blocks: ``{% question_block q %}``.

The HTML is ``responses/_question_block.html``; this tag only prepares what every block of
a page shares (the URL patterns and the CSRF field, once per page) and the evidence widget
of each block, then renders the compiled template in place (Django's cached loader keeps
it compiled between requests when DEBUG is off).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template import Context
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from phrom.responses.selectors import QuestionView

register = template.Library()

QUESTION_BLOCK = "responses/_question_block.html"
EVIDENCE_WIDGET = "responses/evidence/_widget.html"
CHOICE_TYPES = frozenset({"yes_no", "single_choice", "multiple_choice", "maturity"})
PLACEHOLDER = "QUESTIONCODE"


@dataclass(frozen=True)
class PageUrls:
    """The URL patterns (``QUESTIONCODE`` for the question's code) and CSRF field of a page."""

    save: str
    carry: str
    evidence: str
    csrf: SafeString | str


def page_urls(request: Any, response_id: int) -> PageUrls:
    token = get_token(request) if request is not None else ""
    return PageUrls(
        save=reverse("responses:answer_save", args=[response_id, PLACEHOLDER]),
        carry=reverse("responses:carry_over", args=[response_id, PLACEHOLDER]),
        evidence=_evidence_url(response_id),
        csrf=(
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token
            else ""
        ),
    )


def _evidence_url(response_id: int) -> str:
    try:
        return reverse("responses:evidence_widget", args=[response_id, PLACEHOLDER])
    except NoReverseMatch:  # evidence uploads are not installed
        return ""


@register.filter
def for_code(pattern: str, code: str) -> str:
    """A URL pattern of ``PageUrls`` with the question's code in place."""
    return pattern.replace(PLACEHOLDER, code)


def _template(context: Context, name: str) -> Any:
    cache = context.render_context
    key = f"phrom_template:{name}"
    if key not in cache:
        cache[key] = context.template.engine.get_template(name)
    return cache[key]


@register.simple_tag(takes_context=True)
def question_block(context: Context, q: QuestionView) -> SafeString:
    """A question of the page in ``response``'s context: its form (autosaved), last cycle's
    answer and its evidence.

    The evidence widget is embedded unless the context sets ``evidence_inline`` to false
    (pages with many questions, where it would cost most of the render time); then a
    summary links to the question's evidence page, which returns here.
    """
    response = context["response"]
    cache = context.render_context
    urls = cache.get("phrom_question_urls")
    if urls is None:
        urls = page_urls(context.get("request"), response.pk)
        cache["phrom_question_urls"] = urls
    evidence_html = ""
    if q.has_evidence_widget and context.get("evidence_inline", True):
        with context.push(response=response, question=q.question):
            evidence_html = _template(context, EVIDENCE_WIDGET).render(context)
    request = context.get("request")
    with context.push(
        q=q,
        urls=urls,
        choice_types=CHOICE_TYPES,
        evidence_html=evidence_html,
        next_url=request.path if request is not None else "",
    ):
        return _template(context, QUESTION_BLOCK).render(context)  # type: ignore[no-any-return]
