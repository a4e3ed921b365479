"""Integrity screens of a stored cycle: the evidence rows and files that
:mod:`scoring.integrity` screens, the cycle's period, and links to the answers.

The period the evidence should date from is from the previous cycle's deadline to this
cycle's deadline; without a previous deadline, the year before this cycle's deadline;
without any deadline, the Thai fiscal year of the cycle (1 October of the year before to
30 September; B.E. 2564 is 1 October 2020 to 30 September 2021).

A document's own dates are read from its metadata: a PDF's CreationDate and ModDate
(pypdf), an Office Open XML file's docProps/core.xml created and modified, an OLE
(legacy Office) file's create_time and last_saved_time (olefile). A file that cannot be
read has no dates, so it is not flagged by the date screen.
"""

from __future__ import annotations

import gc
import io
import re
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO

from django.urls import reverse

from phrom.frameworks.models import Cycle
from phrom.responses.models import Evidence
from phrom.results.adapter import ScoredCycle, score_cycle_from_db
from scoring.integrity import EvidenceItem, Period, Report, Settings, VerdictRow, screen_cycle

# the metadata of a document is at its start or end; larger files are read whole anyway,
# but only up to this size (a larger one is not dated)
MAX_DATED_BYTES = 50 * 1024 * 1024
_CORE_DATE = re.compile(rb"<dcterms:(created|modified)[^>]*>([^<]+)</dcterms:")
_dates_by_sha: dict[str, tuple[date, ...]] = {}
# cycle id -> (what its screens read, as aggregates; the screens of it): kept_cycle_integrity
_screened: dict[int, tuple[str, CycleIntegrity]] = {}
_screened_lock = threading.Lock()


def cycle_period(cycle: Cycle) -> Period:
    """The days this cycle's evidence should date from (see the module's docstring)."""
    end = cycle.deadline.date() if cycle.deadline is not None else None
    previous = cycle.previous
    start = previous.deadline.date() if previous is not None and previous.deadline else None
    if end is not None:
        return Period(start or end - timedelta(days=365), end)
    year_ce = int(cycle.year_be) - 543
    return Period(date(year_ce - 1, 10, 1), date(year_ce, 9, 30))


def _pdf_dates(data: bytes) -> tuple[date, ...]:
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(data)).metadata
    if meta is None:
        return ()
    found = [meta.creation_date, meta.modification_date]
    return tuple(d.date() for d in found if isinstance(d, datetime))


def _ooxml_dates(data: bytes) -> tuple[date, ...]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            core = archive.read("docProps/core.xml")
        except KeyError:
            return ()
    out = []
    for _, text in _CORE_DATE.findall(core):
        try:
            out.append(datetime.fromisoformat(text.decode().strip().replace("Z", "+00:00")).date())
        except ValueError:
            continue
    return tuple(out)


def _ole_dates(data: bytes) -> tuple[date, ...]:
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        meta = ole.get_metadata()
    found = [meta.create_time, meta.last_saved_time]
    # an unset OLE time is 1601-01-01
    return tuple(d.date() for d in found if isinstance(d, datetime) and d.year > 1601)


def document_dates(data: bytes) -> tuple[date, ...]:
    """A document's own dates (creation, modification) from its metadata, by its first
    bytes: PDF, Office Open XML (a zip with docProps/core.xml), OLE; () otherwise or when
    it cannot be read."""
    try:
        if data.startswith(b"%PDF"):
            return _pdf_dates(data)
        if data.startswith(b"PK\x03\x04"):
            return _ooxml_dates(data)
        if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return _ole_dates(data)
    except Exception:  # noqa: BLE001 -- a damaged upload must not stop the screens
        return ()
    return ()


def _read(file: IO[bytes]) -> bytes:
    return file.read(MAX_DATED_BYTES + 1)


def evidence_dates(name: str, sha256: str) -> tuple[date, ...]:
    """The dates of the stored evidence file ``name``, remembered per SHA-256 for the life
    of the process."""
    if not name:
        return ()
    if sha256 and sha256 in _dates_by_sha:
        return _dates_by_sha[sha256]
    storage = Evidence._meta.get_field("file").storage  # type: ignore[union-attr]
    try:
        with storage.open(name, "rb") as handle:
            data = _read(handle)
    except OSError:
        return ()
    dates = document_dates(data) if len(data) <= MAX_DATED_BYTES else ()
    if sha256:
        _dates_by_sha[sha256] = dates
    return dates


def evidence_items(
    cycle: Cycle, *, read_dates: bool = True, responses: dict[int, str] | None = None
) -> list[EvidenceItem]:
    """The evidence of every response of the cycle that is not removed, as the screens
    read it (one query of plain rows: a cycle holds hundreds of thousands); of the
    responses named in RESPONSES (response id -> agency code) only, when given."""
    rows = Evidence.objects.filter(removed_at__isnull=True)
    if responses is None:
        rows = rows.filter(response__cycle=cycle)
        responses = dict(cycle.responses.values_list("pk", "agency__code"))
    else:
        rows = rows.filter(response_id__in=list(responses))
    rows = rows.order_by("pk").values_list(
        "response_id", "question", "sha256", "url", "original_name", "carried_from_id", "file",
    )
    items = []
    append = items.append
    for response, question, sha256, url, name, carried, file in rows.iterator(chunk_size=20000):
        append(
            EvidenceItem(
                responses[response],
                question,
                sha256,
                url,
                name or url,
                carried is not None,
                evidence_dates(file, sha256) if read_dates and file else (),
            )
        )
    return items


def verdict_rows(cycle: Cycle) -> list[VerdictRow]:
    """Every reviewer's verdicts on the cycle's answers (phrom.reviews)."""
    from phrom.reviews.models import Verdict

    rows = (
        Verdict.objects.filter(response__cycle=cycle, by__isnull=False)
        .values_list("by__username", "response__agency__code", "question", "verdict")
        .iterator(chunk_size=20000)
    )
    return [VerdictRow(str(by), str(agency), str(q), str(v)) for by, agency, q, v in rows]


@dataclass(frozen=True)
class CycleIntegrity:
    """A cycle's integrity report with what the pages and the command need to link it."""

    scored: ScoredCycle
    report: Report
    responses: dict[str, int]  # agency code -> response id
    # response id -> its questionnaire's URL, filled as links are asked for
    _urls: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    def answer_links(self, agency: str, questions: tuple[str, ...]) -> list[tuple[str, str]]:
        """(question code, URL of the answer in the agency's response) for each question;
        the response itself when no question is named."""
        response = self.responses.get(agency)
        if response is None:
            return []
        base = self._urls.get(response)
        if base is None:
            base = self._urls[response] = reverse("responses:questionnaire", args=[response])
        if not questions:
            return [("", base)]
        return [(q, f"{base}#q-{q}") for q in questions]

    def as_dict(self) -> dict[str, object]:
        data = self.report.as_dict()
        data["cycle"] = self.scored.cycle.code
        flags = data["flags"]
        assert isinstance(flags, list)
        for flag in flags:
            flag["links"] = [url for _, url in self.answer_links(flag["agency"], tuple(flag["questions"]))]
        return data


def cycle_integrity(
    cycle: Cycle,
    *,
    settings: Settings | None = None,
    read_dates: bool = True,
    scored: ScoredCycle | None = None,
) -> CycleIntegrity:
    """Every integrity screen over a stored cycle's submitted responses, as claimed (not
    the reviewers' verified values: the screens look for inflated self-assessments);
    SCORED, the cycle already scored as claimed, is not scored again."""
    # millions of small acyclic objects (rows, answers, evidence items) are made here:
    # the cyclic garbage collector would rescan them all again and again for nothing
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _cycle_integrity(
            cycle, settings, read_dates, scored or score_cycle_from_db(cycle=cycle)
        )
    finally:
        if enabled:
            gc.enable()


def kept_cycle_integrity(cycle: Cycle) -> CycleIntegrity:
    """:func:`cycle_integrity` with the default settings, kept per process and cycle under
    what the screens read (:func:`screens_stamp`), as the results pages keep figures: for
    the pages (a page of flags after another, the audit sample)."""
    stamp = screens_stamp(cycle)
    with _screened_lock:
        kept = _screened.get(cycle.pk)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    from phrom.results.selectors import kept_claims

    found = cycle_integrity(cycle, scored=kept_claims(cycle))
    with _screened_lock:
        _screened[cycle.pk] = (stamp, found)
    return found


def screens_stamp(cycle: Cycle) -> str:
    """What the screens of CYCLE read, as aggregates over the rows: the claims and the
    previous cycle's figures (``phrom.results.selectors``), the evidence (a row is only
    ever added or marked removed), every reviewer's verdicts (those on submitted responses
    included, so not asked of ``figures_stamp`` again), and the deadlines that make the
    period."""
    from django.db.models import Count, Max, Sum

    from phrom.results.selectors import claims_stamp, gains_stamp
    from phrom.reviews.models import Verdict

    evidence = Evidence.objects.filter(response__cycle=cycle).aggregate(
        n=Count("id"), last=Max("id"), removed=Count("removed_at"), last_removed=Max("removed_at")
    )
    verdicts = Verdict.objects.filter(response__cycle=cycle).aggregate(
        n=Count("id"), last=Max("id"), versions=Sum("version")
    )
    current = Cycle.objects.values_list("deadline", "year_be", "previous_id").get(pk=cycle.pk)
    previous = (Cycle.objects.values_list("deadline", flat=True).get(pk=cycle.previous_id)
                if cycle.previous_id is not None else None)
    gains = gains_stamp(cycle) if cycle.previous_id is not None else ""
    return "|".join(str(part) for part in (
        claims_stamp(cycle), gains, *evidence.values(), *verdicts.values(), *current, previous,
    ))


def _cycle_integrity(
    cycle: Cycle, settings: Settings | None, read_dates: bool, scored: ScoredCycle
) -> CycleIntegrity:
    submitted = set(scored.result.agencies)
    codes = {
        pk: code
        for pk, code in cycle.responses.values_list("pk", "agency__code")
        if code in submitted
    }
    evidence = evidence_items(cycle, read_dates=read_dates, responses=codes)
    report = screen_cycle(
        scored.result,
        evidence,
        cycle_period(cycle),
        settings or Settings(),
        verdicts=verdict_rows(cycle),
    )
    responses = {code: pk for pk, code in codes.items()}
    return CycleIntegrity(scored=scored, report=report, responses=responses)
