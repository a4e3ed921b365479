"""E-mails sent by the task worker (``phrom worker``), never in the request.

Each task reads the rows again when it runs (only ids travel through the queue), writes
one message per recipient (no one sees another's address) and returns how many it sent.
Messages are in Thai, then English: Phrom does not know each person's language.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from phrom.agencies.models import Agency
from phrom.core.thai import format_date, format_datetime
from phrom.frameworks.deadlines import agency_deadline, local_day
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.notifications.selectors import AGENCY_PEOPLE, COORDINATORS, agency_addresses
from phrom.responses.models import Response, ResponseStatus

LANGUAGES = ("th", "en")

logger = logging.getLogger(__name__)


def _render(name: str, context_for: Any) -> tuple[str, str]:
    """The subject and body of template NAME, in Thai then English.

    CONTEXT_FOR(language) gives the template's context in that language.
    """
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            context = context_for(language)
            subjects.append(
                " ".join(render_to_string(f"notifications/{name}_subject.txt", context).split())
            )
            bodies.append(render_to_string(f"notifications/{name}.txt", context).strip())
    return " / ".join(subjects), "\n\n----------------------------------------\n\n".join(bodies) + "\n"


def _send(addresses: list[str], subject: str, body: str) -> int:
    if not addresses:
        return 0
    messages = [EmailMessage(subject, body, None, [address]) for address in addresses]
    return get_connection().send_messages(messages) or 0


def _link(site_url: str, path: str) -> str:
    return f"{site_url.rstrip('/')}{path}" if site_url else ""


def _response(response_id: int) -> Response | None:
    return (
        Response.objects.select_related("cycle__framework", "agency", "submitted_by")
        .filter(pk=response_id)
        .first()
    )


@task()
def send_submission_receipt(*, response_id: int, site_url: str = "") -> int:
    """A receipt to the agency's coordinators: which response, when and by whom."""
    response = _response(response_id)
    if response is None or response.status != ResponseStatus.SUBMITTED:
        return 0
    by = response.submitted_by
    link = _link(site_url, reverse("responses:submit", args=[response.pk]))

    def context(language: str) -> dict[str, Any]:
        return {
            "agency": response.agency.name(language),
            "cycle": response.cycle.code,
            "when": format_datetime(response.submitted_at, language=language, short=False),
            "who": (by.get_full_name() or by.get_username()) if by is not None else "",
            "link": link,
        }

    subject, body = _render("receipt", context)
    return _send(agency_addresses(agency_id=response.agency_id, roles=COORDINATORS), subject, body)


@task()
def send_reopened_notice(*, response_id: int, reason: str, site_url: str = "") -> int:
    """A notice to the agency's people that its response is open again, and why."""
    response = _response(response_id)
    if response is None:
        return 0
    deadline = agency_deadline(cycle=response.cycle, agency_id=response.agency_id)
    link = _link(site_url, reverse("responses:questionnaire", args=[response.pk]))

    def context(language: str) -> dict[str, Any]:
        return {
            "agency": response.agency.name(language),
            "cycle": response.cycle.code,
            "reason": reason,
            "deadline": format_date(deadline, language=language),
            "link": link,
        }

    subject, body = _render("reopened", context)
    return _send(agency_addresses(agency_id=response.agency_id, roles=AGENCY_PEOPLE), subject, body)


def _open_cycle(cycle_id: int) -> Cycle | None:
    cycle = Cycle.objects.select_related("framework").filter(pk=cycle_id).first()
    return cycle if cycle is not None and cycle.status == CycleStatus.OPEN else None


class RemindersFailed(RuntimeError):
    """Some agencies of a batch of reminders were not reminded (each is logged)."""


@task()
def send_deadline_reminders(*, cycle_id: int, agency_ids: list[int], site_url: str = "") -> int:
    """Deadline reminders to several agencies, each unless it has submitted since: a reminder
    day reaches thousands of agencies through a few of these tasks. One agency's failure
    (an address the mail server refuses) does not keep the others from their reminder; the
    task then fails, naming how many were not reminded."""
    cycle = _open_cycle(cycle_id)
    if cycle is None:
        return 0
    sent, failed = 0, []
    for agency_id in agency_ids:
        try:
            sent += _remind_agency(cycle, agency_id, site_url)
        except Exception:  # noqa: BLE001 - logged; the others are still reminded
            logger.exception("reminder to agency %s of cycle %s failed", agency_id, cycle.code)
            failed.append(agency_id)
    if failed:
        raise RemindersFailed(
            f"{len(failed)} of {len(agency_ids)} agencies were not reminded "
            f"(agency ids {', '.join(map(str, failed[:20]))}{' ...' if len(failed) > 20 else ''}); "
            "the log says why"
        )
    return sent


def _remind_agency(cycle: Cycle, agency_id: int, site_url: str) -> int:
    response = Response.objects.select_related("agency").filter(
        cycle=cycle, agency_id=agency_id
    ).first()
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        return 0
    agency = response.agency if response is not None else Agency.objects.get(pk=agency_id)
    status = response.status if response is not None else ResponseStatus.NOT_STARTED
    deadline = agency_deadline(cycle=cycle, agency_id=agency_id)
    days_left = None
    if deadline is not None:
        days_left = (local_day(deadline) - local_day(timezone.now())).days
    link = _link(site_url, reverse("responses:index"))

    def context(language: str) -> dict[str, Any]:
        return {
            "agency": agency.name(language),
            "cycle": cycle.code,
            "framework": cycle.framework.name_en if language == "en" else cycle.framework.name_th,
            "status": str(ResponseStatus(status).label),
            "deadline": format_date(deadline, language=language),
            "days_left": days_left,
            "link": link,
        }

    subject, body = _render("reminder", context)
    return _send(agency_addresses(agency_id=agency_id, roles=AGENCY_PEOPLE), subject, body)


@task()
def send_clarification_request(*, request_id: int, site_url: str = "") -> int:
    """The reviewer's clarification request to the agency's coordinators, while it is open."""
    from phrom.reviews.models import ClarificationRequest, ClarificationStatus

    request = ClarificationRequest.objects.select_related(
        "response__cycle", "response__agency"
    ).filter(pk=request_id).first()
    if request is None or request.status != ClarificationStatus.OPEN:
        return 0
    response = request.response
    link = _link(site_url, reverse("reviews:clarification", args=[request.pk]))

    def context(language: str) -> dict[str, Any]:
        return {
            "agency": response.agency.name(language),
            "cycle": response.cycle.code,
            "count": len(request.questions),
            "questions": ", ".join(request.questions),
            "message": request.message,
            "deadline": format_date(request.deadline, language=language),
            "link": link,
        }

    subject, body = _render("clarification", context)
    return _send(agency_addresses(agency_id=response.agency_id, roles=COORDINATORS), subject, body)
