"""The integrity flags as sentences in the reader's language.

``scoring.integrity`` gives each flag its figures (``Flag.figures``) beside an English
``detail`` for the command line and the JSON report. The integrity page says the same from
the figures, through gettext, so a Thai page reads Thai. A screen this module does not know
falls back to the English detail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from phrom.core.thai import format_date
from scoring.integrity import Flag, Settings


def _number(value: object, places: int = 2) -> str:
    # number_format cuts a float's decimals; round first, as the screen's English detail does
    return number_format(round(float(str(value)), places), places)


def _signed(value: object) -> str:
    number = float(str(value))
    return ("+" if number > 0 else "") + _number(number)


def _percent(value: object) -> str:
    return number_format(round(float(str(value)) * 100), 0) + "%"


def _date(value: object) -> str:
    return format_date(dt.date.fromisoformat(str(value)))


def shared_with(flags: Sequence[Flag]) -> dict[tuple[str, str], list[str]]:
    """For each shared file or URL (screen, value), the agencies that use it."""
    users: dict[tuple[str, str], list[str]] = defaultdict(list)
    for flag in flags:
        for key in ("sha256", "url"):
            if key in flag.figures:
                users[(flag.screen, str(flag.figures[key]))].append(flag.agency)
    return users


def flag_sentence(
    flag: Flag,
    settings: Settings,
    *,
    dimension_names: Mapping[str, str],
    agency_names: Mapping[str, str],
    shared: Mapping[tuple[str, str], list[str]],
) -> str:
    """What triggered FLAG, said in the active language from its figures."""
    f = flag.figures
    say = _SENTENCES.get(flag.screen)
    if say is None:
        return flag.detail
    try:
        return say(f, settings, dimension_names, agency_names, shared, flag)
    except (KeyError, ValueError, TypeError):  # figures of an older report: say it as stored
        return flag.detail


def _gain(f: Mapping[str, object], s: Settings, dims: Mapping[str, str], *rest: object) -> str:
    of = str(f["of"])
    what = _("the total") if of == "total" else dims.get(of, of)
    return _(
        "%(what)s rose by %(gain)s over the previous cycle, while the median gain was "
        "%(median)s (robust z-score %(z)s, above the threshold %(threshold)s)"
    ) % {"what": what, "gain": _signed(f["gain"]), "median": _signed(f["median"]),
         "z": _number(f["z"], 1), "threshold": _number(s.gain_z, 1)}


def _all_maximum(f: Mapping[str, object], s: Settings, *rest: object) -> str:
    return _(
        "%(k)s of %(n)s scored answers at full points (%(share)s; the threshold is %(limit)s)"
    ) % {"k": f["at_maximum"], "n": f["answered"], "share": _percent(f["share"]),
         "limit": _percent(s.maximum_share)}


def _shared(f: Mapping[str, object], s: Settings, dims: Mapping[str, str],
            names: Mapping[str, str], shared: Mapping[tuple[str, str], list[str]],
            flag: Flag) -> str:
    key = "sha256" if "sha256" in f else "url"
    others = [a for a in shared.get((flag.screen, str(f[key])), []) if a != flag.agency]
    count = max(int(str(f["agencies"])) - 1, len(others))
    shown = ", ".join(names.get(a, a) for a in others[: s.name_others])
    if key == "sha256":
        sentence = ngettext(
            "the same evidence file (SHA-256 %(sha)s) is used by %(n)d other agency",
            "the same evidence file (SHA-256 %(sha)s) is used by %(n)d other agencies",
            count,
        ) % {"sha": str(f[key])[:12], "n": count}
    else:
        sentence = ngettext(
            "the same evidence URL %(url)s is used by %(n)d other agency",
            "the same evidence URL %(url)s is used by %(n)d other agencies",
            count,
        ) % {"url": f[key], "n": count}
    return f"{sentence}: {shown}" if shown else sentence


def _carried_over(f: Mapping[str, object], *rest: object) -> str:
    n = int(str(f["items"]))
    return ngettext(
        "%(n)d evidence item carried over unchanged from the previous cycle",
        "%(n)d evidence items carried over unchanged from the previous cycle",
        n,
    ) % {"n": n}


def _out_of_period(f: Mapping[str, object], *rest: object) -> str:
    n = int(str(f["files"]))
    return ngettext(
        "%(n)d evidence file dated outside the cycle's period %(start)s to %(end)s "
        "(the earliest %(earliest)s)",
        "%(n)d evidence files dated outside the cycle's period %(start)s to %(end)s "
        "(the earliest %(earliest)s)",
        n,
    ) % {"n": n, "start": _date(f["start"]), "end": _date(f["end"]),
         "earliest": _date(f["earliest"])}


def _missing_evidence(f: Mapping[str, object], *rest: object) -> str:
    n = int(str(f["answers"]))
    return ngettext(
        "%(n)d answer without the evidence it requires",
        "%(n)d answers without the evidence they require",
        n,
    ) % {"n": n}


def _not_whole(f: Mapping[str, object], *rest: object) -> str:
    n = int(str(f["answers"]))
    return ngettext(
        "%(n)d whole count answered with decimals",
        "%(n)d whole counts answered with decimals",
        n,
    ) % {"n": n}


def _contradiction(f: Mapping[str, object], *rest: object) -> str:
    return _("answers that the consistency rule %(rule)s of the framework excludes") % {
        "rule": f["rule"]
    }


def _reviewer(f: Mapping[str, object], s: Settings, *rest: object) -> str:
    return _(
        "found %(share)s of %(n)s verdicts supported, while the reviewers' median is "
        "%(median)s (robust z-score %(z)s, beyond the threshold %(threshold)s)"
    ) % {"share": _percent(f["share"]), "n": f["verdicts"], "median": _percent(f["median"]),
         "z": _number(f["z"], 1), "threshold": _number(s.reviewer_z, 1)}


_SENTENCES: dict[str, Callable[..., str]] = {
    "gain": _gain,
    "all_maximum": _all_maximum,
    "shared_file": _shared,
    "shared_url": _shared,
    "carried_over": _carried_over,
    "out_of_period": _out_of_period,
    "missing_evidence": _missing_evidence,
    "not_whole": _not_whole,
    "contradiction": _contradiction,
    "reviewer": _reviewer,
}
