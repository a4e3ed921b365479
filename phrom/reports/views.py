"""The scorecard PDF of one agency, under the agency page's permission rules."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from phrom.core.thai import format_date
from phrom.publications.selectors import replacing_version
from phrom.reports.pdf import scorecard_pdf
from phrom.reports.scorecard import scorecard_context
from phrom.results.views import scored_for_reader


def scorecard_pdf_view(request: HttpRequest, cycle: str, agency: str) -> HttpResponse:
    scored = scored_for_reader(request, cycle)  # published for everybody, staff before
    if agency not in scored.agencies:
        raise Http404("no scored response of that agency in this cycle")
    context = scorecard_context(scored=scored, agency=agency, language="th")
    version = getattr(scored, "version", None)
    context.update(version=version,
                   published_on=format_date(getattr(scored, "published_at", None), language="th"),
                   replaced_by=replacing_version(cycle=scored.cycle, version=version))
    response = HttpResponse(scorecard_pdf(context), content_type="application/pdf")
    of = f"-v{version}" if version else ""
    filename = f"scorecard-{scored.cycle.year_be}-{agency}{of}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
