"""Checks of award rules: kind, number of winners, peer groups, floor, dimensions, ties."""

from __future__ import annotations

from typing import Final, Literal

from scoring.checks.values import (
    Reader,
    Seen,
    as_string,
    describe,
    literal_choices,
    nearest_or,
    on_scale,
)
from scoring.checks.yaml_tree import Map, Seq, join
from scoring.model import AwardKind, AwardRule, Bilingual

DEFAULT_NEAR_MISSES: Final = 5

_AWARD_KINDS: Final[dict[str, AwardKind]] = literal_choices(AwardKind)
_TIES: Final[dict[str, Literal["share", "code"]]] = {"share": "share", "code": "code"}
_TIE_BREAKS: Final = ("total", "gain", "previous_total")
_DIMENSION_TIE_BREAK: Final = "dimension:"
_AWARD_REQUIRED: Final = ("code", "kind", "top")
_AWARD_OPTIONAL: Final = tuple(
    "name description per_group groups floor dimensions tie_break ties near_misses".split()
)


def read_awards(
    reader: Reader, top: Map, scale: float | None, groups_declared: Seen, dimensions_declared: Seen
) -> list[AwardRule]:
    """The award rules; ``scale`` is the output scale (None: it has a problem of its own)."""
    seen: Seen = {}
    result: list[AwardRule] = []
    declared = top.entries.get("peer_groups")
    has_groups = (
        declared is not None and isinstance(declared.value, Seq) and bool(declared.value.items)
    )
    floor_rule, floor_check = on_scale(scale)
    for path, mapping in reader.items(top, "awards", "", "award"):
        code, name = reader.coded(mapping, path, "award", seen, _AWARD_REQUIRED, _AWARD_OPTIONAL)
        description = reader.text(mapping, "description", path)
        kind = reader.choice(mapping, "kind", path, _AWARD_KINDS)
        top_count = reader.integer(
            mapping, "top", path, rule="a whole number, 1 or more", check=lambda v: v >= 1
        )
        per_group = reader.boolean(mapping, "per_group", path)
        if per_group and not has_groups:
            reader.report(
                mapping.entries["per_group"].key_line,
                join(path, "per_group"),
                "per_group needs peer groups, but the framework declares none; add "
                "peer_groups or remove per_group",
            )
        groups = reader.codes(mapping, "groups", path)
        reader.references(groups, groups_declared, "peer group", "peer_groups")
        floor = reader.number(mapping, "floor", path, rule=floor_rule, check=floor_check)
        dimensions = reader.codes(mapping, "dimensions", path)
        if "dimensions" in mapping.entries and kind is not None and kind != "best_dimension":
            reader.report(
                mapping.entries["dimensions"].key_line,
                join(path, "dimensions"),
                f'"dimensions" is only used by best_dimension awards, not {kind}; remove it',
            )
        else:
            reader.references(dimensions, dimensions_declared, "dimension", "dimensions")
        tie_break = _tie_breaks(reader, mapping, path, dimensions_declared)
        ties = reader.choice(mapping, "ties", path, _TIES)
        near_misses = reader.integer(
            mapping, "near_misses", path, rule="a whole number, 0 or more", check=lambda v: v >= 0
        )
        if code is None or kind is None or top_count is None:
            continue
        result.append(
            AwardRule(
                code=code,
                # The format's own example leaves out an award's name: show the code.
                name=name or Bilingual(code, code),
                kind=kind,
                top=top_count,
                per_group=bool(per_group),
                groups=tuple(group for group, _, _ in groups),
                floor=floor,
                dimensions=tuple(dimension for dimension, _, _ in dimensions),
                tie_break=tuple(tie_break),
                ties=ties or "share",
                near_misses=DEFAULT_NEAR_MISSES if near_misses is None else near_misses,
                description=description,
            )
        )
    return result


def _tie_breaks(reader: Reader, award: Map, path: str, dimensions_declared: Seen) -> list[str]:
    node = reader.listed(award, "tie_break", path, "like [total, gain]")
    if node is None:
        return []
    allowed = f"{', '.join(_TIE_BREAKS)} or {_DIMENSION_TIE_BREAK}<code>"
    result: list[str] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(node.items):
        item_path = f"{join(path, 'tie_break')}[{index}]"
        text = as_string(item)
        if text is None:
            reader.report(
                item.line, item_path, f"each tie-break must be {allowed}, got {describe(item)}"
            )
        elif not reader.once(seen, text, item.line, item_path):
            pass
        elif text in _TIE_BREAKS:
            result.append(text)
        elif text.startswith(_DIMENSION_TIE_BREAK):
            dimension = text[len(_DIMENSION_TIE_BREAK) :]
            if reader.references(
                [(dimension, item.line, item_path)], dimensions_declared, "dimension", "dimensions"
            ):
                result.append(text)
        else:
            choices = [*_TIE_BREAKS, *(_DIMENSION_TIE_BREAK + code for code in dimensions_declared)]
            hint = nearest_or(text, choices, f"use {allowed}")
            reader.report(item.line, item_path, f'unknown tie-break "{text}"; {hint}')
    return result
