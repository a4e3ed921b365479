"""``phrom integrity CYCLE [--json]``: the integrity screens of a stored cycle."""

from __future__ import annotations

import argparse
import json
import sys


def run(args: argparse.Namespace) -> int:
    """Screen the cycle named in ARGS and print the flags; 0 whether or not any is found."""
    from phrom.cli import _django, fail
    from scoring.integrity import Settings

    if not args.gain_z > 0:
        fail(f"--gain-z must be above 0, not {args.gain_z}")
    if not 0 < args.maximum_share <= 1:
        fail(f"--maximum-share must be above 0 and at most 1, not {args.maximum_share}")
    _django()
    from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
    from phrom.results.integrity import cycle_integrity

    try:
        cycle = cycle_by_name(args.cycle)
    except CycleNotFound as exc:
        fail(str(exc))
    settings = Settings(gain_z=args.gain_z, maximum_share=args.maximum_share)
    found = cycle_integrity(cycle, settings=settings, read_dates=not args.no_file_dates)
    if args.json:
        json.dump(found.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    report = found.report
    period = report.period
    # plain print: details quote file names, which are not rich markup
    print(
        f"{cycle.code}: {len(report.flagged())} of {report.agencies} agencies flagged, "
        f"{len(report.flags)} flag(s)"
        + (f"; evidence period {period.start} to {period.end}" if period else "")
    )
    counts = ", ".join(f"{screen} {n}" for screen, n in report.counts().items() if n)
    if counts:
        print(f"by screen: {counts}")
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for flag in report.flags:
        links = " ".join(url for _, url in found.answer_links(flag.agency, flag.questions[:3]))
        print(f"{flag.agency}\t{flag.screen}\t{flag.detail}\t{links}")
    for flag in report.reviewers:
        print(f"reviewer {flag.agency}\t{flag.screen}\t{flag.detail}")
    return 0
