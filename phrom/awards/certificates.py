"""Award certificates as PDF in Thai: one A4 page per award an agency won, typeset by
WeasyPrint with the Sarabun TTF fonts (as the scorecard PDF, :mod:`phrom.reports.pdf`)."""

from __future__ import annotations

from typing import Any

from django.template.loader import get_template, render_to_string
from django.utils import translation

from phrom.core.thai import format_date
from phrom.reports.pdf import _fonts  # the Sarabun TTF files, as the scorecard uses them
from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import names_of
from scoring.awards import AwardEntry, AwardResult

TEMPLATE = "awards/certificate.html"


def certificate_context(*, scored: ScoredCycle, agency: str,
                        won: list[tuple[AwardResult, AwardEntry]], version: int | None,
                        decision: Any) -> dict[str, Any]:
    """What the certificates of AGENCY say, in Thai: for each award WON, its name, peer
    group or dimension, the place and the figures, and the reason; the cycle, the
    publication version, and who confirmed the awards and when (a draft without
    DECISION)."""
    with translation.override("th"):
        names = names_of(scored=scored, language="th")
        pages = []
        for award, entry in won:
            reason = render_to_string("results/_reason.html", {
                "r": entry.reason, "group_name": names["group"].get(award.group or "", ""),
                "dimension_name": names["dimension"].get(award.dimension or "", ""),
                "agency_names": names["agency"],
            })
            pages.append({
                "award": award.name.get("th"),
                "group": names["group"].get(award.group, award.group) if award.group else "",
                "dimension": (names["dimension"].get(award.dimension, award.dimension)
                              if award.dimension else ""),
                "place": entry.place,
                "shared": entry.reason.shared,
                "total": entry.reason.shown_total,
                "value": entry.reason.shown_value,
                "kind": award.kind,
                "reason": " ".join(reason.split()),
            })
        return {
            "agency_name": names["agency"].get(agency, agency),
            "framework_name": scored.spec.name.get("th"),
            "year_be": scored.cycle.year_be,
            "version": version,
            "decided_by": decision.by_name if decision is not None else "",
            "decided_on": format_date(decision.at, language="th") if decision is not None else "",
            "draft": decision is None,
            "pages": pages,
        }


def certificate_html(context: dict[str, Any]) -> str:
    with translation.override("th"):
        return get_template(TEMPLATE).render({**context, **_fonts(), "LANGUAGE_CODE": "th"})


def certificate_pdf(context: dict[str, Any]) -> bytes:
    """The certificates as PDF bytes."""
    from weasyprint import HTML

    return HTML(string=certificate_html(context)).write_pdf()  # type: ignore[no-any-return]
