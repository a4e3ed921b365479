"""The ``phrom`` command: a thin layer that parses arguments and calls services.

Bad input ends with ``error: ...`` lines on standard error and exit code 2, never a
traceback. Commands that need the database set Django up and apply any pending
migrations first; ``score-file`` and ``framework validate`` need no database.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input: reported as ``error: <message>`` with exit code 2 (or ``exit_code``)."""

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.exit_code = EXIT_BAD_INPUT if exit_code is None else exit_code


def fail(message: str) -> NoReturn:
    raise UserError(message)


def _row_count(text: str) -> int:
    """--limit: a whole number of rows, 1 or more (argparse reports the message)."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of rows, 1 or more")
    return int(text)


def _console() -> Any:
    from rich.console import Console

    # Piped into a file or another program, rich would wrap tables at 80 columns.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 240)


def _err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _django() -> None:
    """Set Django up against the configured database, migrating it when needed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # an unreachable database is bad configuration, not a bug
        fail(f"cannot reach the database ({exc.__class__.__name__}: {exc}); check DATABASE_URL")
    if plan:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


# --- framework ---------------------------------------------------------------------------


def cmd_framework_validate(args: argparse.Namespace) -> int:
    from phrom.frameworks.shipped import resolve_framework_path
    from scoring.loader import load_framework

    path = _framework_path(args.file, resolve_framework_path)
    spec = load_framework(path)
    _console().print(
        f"[green]ok[/green] {path.name}: framework {spec.code} ({spec.name.en}), "
        f"{len(spec.dimensions)} dimensions, {len(spec.indicators)} indicators, "
        f"{len(spec.questions)} questions, {len(spec.awards)} awards"
    )
    return 0


def _framework_path(name: str, resolve: Callable[[str], Path]) -> Path:
    try:
        return resolve(name)
    except FileNotFoundError as exc:
        fail(str(exc))


def cmd_framework_load(args: argparse.Namespace) -> int:
    _django()
    from phrom.frameworks.services import load_framework
    from phrom.frameworks.shipped import resolve_framework_path

    path = _framework_path(args.file, resolve_framework_path)
    result = load_framework(path=path, cycle_code=args.cycle)
    verb = "loaded" if result.created else "updated"
    _console().print(
        f"[green]{verb}[/green] framework {result.spec.code} from {path.name}: "
        f"{len(result.spec.indicators)} indicators, {len(result.spec.questions)} questions; "
        f"cycle {result.cycle.code} ({result.cycle.get_status_display()})"
    )
    return 0


# --- agencies ----------------------------------------------------------------------------


def cmd_agencies_import(args: argparse.Namespace) -> int:
    _django()
    from phrom.agencies.services import import_agencies

    summary = import_agencies(path=Path(args.file))
    _console().print(
        f"[green]imported[/green] {Path(args.file).name}: {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged"
    )
    if summary.kept:
        _err_console().print(
            f"note: the file has no column {', '.join(summary.kept)}: registered agencies "
            "kept their values of it", markup=False, highlight=False, soft_wrap=True,
        )
    return 0


# --- answers ------------------------------------------------------------------------------


def cmd_answers_import(args: argparse.Namespace) -> int:
    _django()
    from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
    from phrom.responses.imports import AnswersImportRefused, answers_import

    try:
        cycle = cycle_by_name(args.cycle)
    except CycleNotFound as exc:
        fail(str(exc))
    path = Path(args.file)
    try:
        summary = answers_import(
            cycle=cycle, path=path, replace=args.replace, agency_column=args.agency_column,
            name_column=args.name_column, group_column=args.group_column,
        )
    except AnswersImportRefused as exc:
        fail(str(exc))
    # plain print: a file name is not rich markup
    print(
        f"imported {path.name} into {summary.cycle}: {summary.responses} response(s) "
        f"submitted ({summary.created} new, {summary.replaced} replaced), "
        f"{summary.written} answer(s) written, {summary.unchanged} unchanged; "
        f"SHA-256 {summary.sha256}"
    )
    if summary.not_imported:
        shown = ", ".join(summary.not_imported[:10])
        if len(summary.not_imported) > 10:
            shown += f" and {len(summary.not_imported) - 10} more"
        print(f"note: the format holds no answers to text and web-address questions ({shown})",
              file=sys.stderr)
    return 0


# --- scoring from the database -------------------------------------------------------------


def _scored_cycle(name: str, all_responses: bool, claimed: bool = False) -> Any:
    """The cycle scored now from its stored answers: as the results pages score a cycle not
    yet published (reviewers' verified values in place of the claims where they set one),
    or from the agencies' own answers with CLAIMED. For a published cycle, a note says
    whether the figures computed now are those of its latest published version."""
    _django()
    from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
    from phrom.results.adapter import score_cycle_from_db

    try:
        cycle = cycle_by_name(name)
    except CycleNotFound as exc:
        fail(str(exc))
    with _err_console().status(f"scoring {cycle.code} ..."):
        scored = score_cycle_from_db(
            cycle=cycle, submitted_only=not all_responses, verified=not claimed
        )
    if claimed:
        _err_console().print(
            "[yellow]note[/yellow]: scored from the agencies' own answers (claims), not the "
            "verified values the results pages use"
        )
    _note_published(cycle, scored, claimed or all_responses)
    return scored


def _note_published(cycle: Any, scored: Any, other_basis: bool) -> None:
    """For a published cycle: which version the public reads, and whether the figures just
    computed are still its figures (a correction is ``phrom publish``)."""
    from phrom.publications.selectors import current_publication
    from phrom.publications.services import results_csv_text

    publication = current_publication(cycle=cycle)
    if publication is None:
        return
    if other_basis:
        same = ""
    elif results_csv_text(scored.result) == (
        type(publication).objects.values_list("results_csv", flat=True).get(pk=publication.pk)
    ):
        same = ": the figures computed now are the same"
    else:
        same = (": the figures computed now DIFFER from it (answers or verified values "
                f"changed since); a correction is `phrom publish {cycle.code} --note ...`")
    _err_console().print(
        f"[yellow]note[/yellow]: {cycle.code} is published; the public reads version "
        f"{publication.version} of {publication.created_at:%Y-%m-%d}{same}",
        highlight=False, soft_wrap=True,
    )


def cmd_score(args: argparse.Namespace) -> int:
    from phrom.results.output import print_results_table, write_results_csv

    scored = _scored_cycle(args.cycle, args.all_responses, args.claimed)
    if scored.skipped:
        _err_console().print(
            f"[yellow]note[/yellow]: {len(scored.skipped)} stored answer(s) were not scored; "
            f"first: {scored.skipped[0][1]} {scored.skipped[0][0]}: {scored.skipped[0][2]}"
        )
    names = {code: a.name_th for code, a in scored.agencies.items()}
    if args.out:
        write_results_csv(scored.result, Path(args.out))
        _console().print(f"wrote {len(scored.result.agencies)} rows to {args.out}")
    else:
        print_results_table(_console(), scored.result, names=names, limit=args.limit)
    return 0


def cmd_integrity(args: argparse.Namespace) -> int:
    from phrom.results.integrity_command import run

    return run(args)


def cmd_audit_sample(args: argparse.Namespace) -> int:
    _django()
    from django.utils import translation

    from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
    from phrom.reviews.audit import (
        AuditRefused,
        audit_sample,
        new_seed,
        parse_seed,
        parse_share,
        write_sample_csv,
    )

    with translation.override("en"):  # the command speaks English, as the others do
        try:
            cycle = cycle_by_name(args.cycle)
            share = parse_share(args.share)
            seed = new_seed() if args.seed is None else parse_seed(args.seed)
        except (CycleNotFound, AuditRefused) as exc:
            fail(str(exc))
        sample = audit_sample(cycle=cycle, seed=seed, share=share)
        summary = (
            f"{cycle.code}: {len(sample.rows)} of {sample.population} submitted responses "
            f"({sample.candidates} award candidates, near misses or flagged, "
            f"{sample.random} random); share {share:g}, seed {seed} "
            f"(--seed {seed} draws the same sample)"
        )
        console = _console()
        if args.out:
            with Path(args.out).open("w", newline="", encoding="utf-8") as fh:
                write_sample_csv(sample, fh)
            console.print(f"{summary}\nwrote {len(sample.rows)} rows to {args.out}", markup=False)
            return 0
        console.print(summary, markup=False)
        for row in sample.rows:
            console.print(f"{row.agency.code}\t{row.agency.name_th}\t{row.why}", markup=False)
    return 0


def cmd_awards(args: argparse.Namespace) -> int:
    from phrom.results.output import print_awards

    scored = _scored_cycle(args.cycle, args.all_responses, args.claimed)
    names = {code: a.name_th for code, a in scored.agencies.items()}
    if scored.result.previous is None and any(a.kind == "top_gain" for a in scored.spec.awards):
        _err_console().print(
            "[yellow]note[/yellow]: this cycle has no previous cycle, so no gain-based award"
        )
    print_awards(_console(), scored.result, names=names, explain=args.explain)
    return 0


# --- scoring a spreadsheet -----------------------------------------------------------------


def cmd_publish(args: argparse.Namespace) -> int:
    _django()
    from phrom.frameworks.models import CycleStatus
    from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
    from phrom.publications.services import CorrectionRefused, publish_results

    try:
        cycle = cycle_by_name(args.cycle)
    except CycleNotFound as exc:
        fail(str(exc))
    if cycle.status != CycleStatus.PUBLISHED:
        fail(f"cycle {cycle.code} is not published (it is {cycle.status}); publish it first "
             "(the cycle's page, or the administrator's status change)")
    try:
        with _err_console().status(f"publishing {cycle.code} ..."):
            publication = publish_results(cycle=cycle, by=None, note=args.note or "")
    except CorrectionRefused as exc:
        fail(str(exc))
    _console().print(
        f"stored {cycle.code} version {publication.version}: {len(publication.rows)} rows, "
        f"framework {publication.framework_sha256[:12]}, phrom {publication.phrom_version}"
    )
    return 0


def cmd_score_file(args: argparse.Namespace) -> int:
    from phrom.frameworks.shipped import resolve_framework_path
    from phrom.results.output import print_results_table, write_awards_json, write_results_csv
    from phrom.results.spreadsheet import read_answers_file, read_previous_file
    from scoring.loader import load_framework
    from scoring.result import score_cycle

    spec = load_framework(_framework_path(args.framework, resolve_framework_path))
    if args.precision is not None:
        if not 0 <= args.precision <= 6:
            fail(f"--precision {args.precision} is out of range; give 0 to 6 decimals")
        spec = dataclasses.replace(spec, precision=args.precision)
    answers = read_answers_file(
        Path(args.answers), spec, agency_column=args.agency_column, name_column=args.name_column,
        group_column=args.group_column,
    )
    if answers.ignored:
        shown = ", ".join(answers.ignored[:10])
        if len(answers.ignored) > 10:
            shown += f" and {len(answers.ignored) - 10} more"
        from rich.markup import escape

        _err_console().print(f"[yellow]note[/yellow]: ignored column(s): {escape(shown)}")
    previous = None
    if args.previous:
        previous = read_previous_file(
            Path(args.previous), spec, agency_column=args.agency_column,
            name_column=args.name_column, group_column=args.group_column,
        )
    result = score_cycle(spec, answers.matrix, previous)
    names = answers.names
    # plain print: a file name is not rich markup, and rich is not imported for nothing
    if args.out:
        write_results_csv(result, Path(args.out))
        print(f"wrote {len(result.agencies)} rows to {args.out}")
    if args.awards_out:
        write_awards_json(result, Path(args.awards_out))
        print(f"wrote {len(result.awards)} award(s) to {args.awards_out}")
    if not args.out and not args.awards_out:
        print_results_table(_console(), result, names=names, limit=args.limit)
    return 0


# --- demo and serving ---------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from phrom.demo.generate import load_demo

    load_demo(console=_console(), seed=args.seed)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from phrom.core.serve import serve

    return serve(host=args.host, port=args.port, workers=args.workers)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the task worker (django-tasks-db's ``db_worker``): it sends the e-mails, stores
    publications, writes exports, expires clarification requests past their deadline and
    deletes the files of exports older than PHROM_EXPORT_KEEP_DAYS (both once at the start,
    then hourly)."""
    _django()
    from django.core.management import call_command

    from phrom.core import housekeeping

    options: dict[str, Any] = {"queue_name": "*", "interval": args.interval, "reload": False}
    if args.batch:
        # Sent now and done: the start-up delay that spreads many workers is not needed.
        options.update(batch=True, startup_delay=False)
        housekeeping.run_once()
    else:
        housekeeping.run_in_background()
    call_command("db_worker", **options)
    return 0


def _reporting_utility(argv: list[str]) -> Any:
    """Django's ``ManagementUtility``, except that a command's ``CommandError`` becomes a
    ``UserError`` for ``main`` to report (``error: ...``, exit 2) instead of Django's
    ``CommandError: ...`` and exit 1. ``dbshell`` passes on its database client's exit code
    instead (a failed psql script exits 3). With ``--traceback`` it is raised as it is."""
    from django.core.management import BaseCommand, CommandError, ManagementUtility

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand: str) -> BaseCommand:
            command = super().fetch_command(subcommand)
            execute = command.execute

            def reporting_execute(*args: Any, **options: Any) -> Any:
                try:
                    return execute(*args, **options)
                except CommandError as exc:
                    if options.get("traceback"):
                        raise
                    # not a CommandError: Django's run_from_argv lets it through
                    client = exc.returncode if subcommand == "dbshell" else None
                    raise UserError(str(exc), exit_code=client) from exc

            command.execute = reporting_execute  # type: ignore[method-assign]
            return command

    return Utility(argv)


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django
    from django.core.management import get_commands

    name = args.rest[0] if args.rest else ""
    if name and not name.startswith("-") and name != "help":
        django.setup()
        if name not in get_commands():
            # (Django would say "Unknown command" and exit with 1)
            print(f"error: no command {name!r}; 'phrom manage help' lists them",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
    _reporting_utility(["phrom manage", *args.rest]).execute()
    return 0


# --- parser -------------------------------------------------------------------------------


class _CommandParser(argparse.ArgumentParser):
    """The parser of one command: it refuses an argument it does not know itself, with its
    own usage line. (argparse would hand the argument up to the top-level parser, which
    refuses it with the usage of ``phrom`` and no word of the command's options.)"""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phrom",
        description="Phrom: digital-government readiness assessments and awards.",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser
    )

    fw = sub.add_parser("framework", help="validate or load a framework file")
    fw_sub = fw.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = fw_sub.add_parser("validate", help="check a framework file; needs no database")
    p.add_argument("file", help="a YAML file, or the name of a shipped framework (th-2564)")
    p.set_defaults(func=cmd_framework_validate)
    p = fw_sub.add_parser("load", help="validate and store a framework, with its cycle")
    p.add_argument("file", help="a YAML file, or the name of a shipped framework")
    p.add_argument("--cycle", help="cycle code (default: the framework's code)")
    p.set_defaults(func=cmd_framework_load)

    ag = sub.add_parser("agencies", help="the agency registry")
    ag_sub = ag.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ag_sub.add_parser("import", help="import agencies from CSV or XLSX, all or nothing")
    p.add_argument("file")
    p.set_defaults(func=cmd_agencies_import)

    an = sub.add_parser("answers", help="answers of a stored cycle")
    an_sub = an.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = an_sub.add_parser(
        "import", help="import answers from an ANSWERS file (as score-file reads), all or nothing"
    )
    p.add_argument("cycle", help="cycle code or B.E. year, e.g. 2563")
    p.add_argument("file", help="ANSWERS.csv or .xlsx: agency, name, group, <question codes>")
    p.add_argument("--replace", action="store_true",
                   help="replace the answers of responses that already have some")
    p.add_argument("--agency-column", default="agency", help="column holding agency codes")
    p.add_argument("--name-column", default="name", help="column holding agency names")
    p.add_argument("--group-column", default="group", help="column holding peer groups")
    p.set_defaults(func=cmd_answers_import)

    p = sub.add_parser("score", help="score a stored cycle")
    p.add_argument("cycle", help="cycle code or B.E. year, e.g. 2564")
    p.add_argument("--out", help="write RESULTS.csv here instead of printing a table")
    p.add_argument("--limit", type=_row_count, default=0, help="print only the first N rows (default: the first 200 of a larger cycle)")
    p.add_argument("--all-responses", action="store_true",
                   help="score responses not yet submitted too")
    p.add_argument("--claimed", action="store_true",
                   help="score the agencies' own answers instead of the reviewers' verified "
                        "values (the default, as the results pages)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("awards", help="compute the awards of a stored cycle")
    p.add_argument("cycle", help="cycle code or B.E. year")
    p.add_argument("--explain", action="store_true",
                   help="say why each winner won and why each near miss missed")
    p.add_argument("--all-responses", action="store_true",
                   help="score responses not yet submitted too")
    p.add_argument("--claimed", action="store_true",
                   help="from the agencies' own answers instead of the verified values")
    p.set_defaults(func=cmd_awards)

    p = sub.add_parser("integrity", help="screen a stored cycle for signs of inflated answers")
    p.add_argument("cycle", help="cycle code or B.E. year")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--gain-z", type=float, default=3.5,
                   help="flag gains whose robust z-score is above this (default 3.5)")
    p.add_argument("--maximum-share", type=float, default=1.0,
                   help="flag a share (0-1) of scored answers at full points (default 1)")
    p.add_argument("--no-file-dates", action="store_true",
                   help="do not open evidence files to read their own dates")
    p.set_defaults(func=cmd_integrity)

    p = sub.add_parser("audit-sample",
                       help="plan the responses of a cycle that get a second review")
    p.add_argument("cycle", help="cycle code or B.E. year")
    p.add_argument("--share", default="0.1",
                   help="share (0-1) of the responses that are not award candidates or "
                        "near misses drawn at random (default 0.1)")
    p.add_argument("--seed", help="seed of the random draw (default: a new one, printed)")
    p.add_argument("--out", help="write the sample as CSV here")
    p.set_defaults(func=cmd_audit_sample)

    p = sub.add_parser("publish",
                       help="store a published cycle's figures as a new version, now")
    p.add_argument("cycle", help="cycle code or B.E. year")
    p.add_argument("--note", help="what changed, why, who approved it: needed for every "
                                  "version after the first (a correction), shown on its pages")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("score-file", help="score a spreadsheet of answers; needs no database")
    p.add_argument("--framework", required=True, help="shipped framework name or YAML path")
    p.add_argument("--answers", required=True, help="ANSWERS.csv: agency, name, group, <question codes>")
    p.add_argument("--previous", help="an earlier RESULTS.csv, or answers of the previous cycle")
    p.add_argument("--out", help="write RESULTS.csv here")
    p.add_argument("--awards-out", help="write AWARDS.json here")
    p.add_argument("--agency-column", default="agency", help="column holding agency codes")
    p.add_argument("--name-column", default="name", help="column holding agency names")
    p.add_argument("--group-column", default="group", help="column holding peer groups")
    p.add_argument("--precision", type=int,
                   help="decimals for publication and ranking, instead of the framework's "
                        "(the UN published 2014 and 2016 with 5, 2018 with 4)")
    p.add_argument("--limit", type=_row_count, default=0, help="print only the first N rows (default: the first 200 of a larger cycle)")
    p.set_defaults(func=cmd_score_file)

    p = sub.add_parser("demo", help="load the demo data into the configured database")
    p.add_argument("--seed", type=int, default=2564)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve the web application with gunicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0, help="default: 2 x cores")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the task worker: e-mails, publications, exports, "
                       "clarification expiry, removal of old export files")
    p.add_argument("--batch", action="store_true", help="send what is waiting, then stop")
    p.add_argument("--interval", type=float, default=1.0,
                   help="seconds between looks at the queue when it is empty (default 1)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured

    from phrom.agencies.errors import ImportRejected
    from scoring.answers import InvalidAnswer
    from scoring.loader import FrameworkError

    known: tuple[type[BaseException], ...] = (
        UserError, FrameworkError, ImportRejected, InvalidAnswer, FileNotFoundError,
        IsADirectoryError, PermissionError, UnicodeDecodeError,
        ImproperlyConfigured,  # a setting of the environment (phrom/core/env.py) refused
    )
    try:
        from phrom.frameworks.errors import FrameworkRejected
        from phrom.results.output import OutputNotWritten
        from phrom.results.spreadsheet import SpreadsheetError

        known = (*known, FrameworkRejected, SpreadsheetError, OutputNotWritten)
        return int(args.func(args) or 0)
    except known as exc:
        _report(exc)
        return exc.exit_code if isinstance(exc, UserError) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def _report(exc: BaseException) -> None:
    if isinstance(exc, FileNotFoundError) and exc.filename:
        missing = Path(os.fsdecode(exc.filename))
        if not missing.parent.is_dir():
            # an output beside a folder that is not there: name the folder, not the
            # temporary file written first
            message = f"no such folder: {missing.parent}"
        else:
            message = f"no such file: {exc.filename}"
    elif isinstance(exc, PermissionError) and exc.filename:
        message = f"permission denied: {exc.filename}"
    elif isinstance(exc, UnicodeDecodeError):
        message = f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8"
    else:
        message = str(exc)
    lines = message.splitlines() or [exc.__class__.__name__]
    print(f"error: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
