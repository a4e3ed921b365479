"""Checks of peer groups and bands."""

from __future__ import annotations

from scoring.checks.values import Reader, Seen, fmt, on_scale
from scoring.checks.yaml_tree import Map, join
from scoring.model import Band, PeerGroup


def read_peer_groups(reader: Reader, top: Map) -> tuple[list[PeerGroup], Seen]:
    """The peer groups, and the codes declared (including those of groups with problems)."""
    codes: Seen = {}
    result: list[PeerGroup] = []
    for path, mapping in reader.items(top, "peer_groups", "", "peer group"):
        code, name = reader.coded(mapping, path, "peer group", codes, ("code", "name"))
        if code is not None and name is not None:
            result.append(PeerGroup(code=code, name=name))
    return result, codes


def read_bands(reader: Reader, top: Map, scale: float | None) -> list[Band]:
    """The bands on the output ``scale`` (None: a scale with a problem of its own)."""
    seen: Seen = {}
    minima: dict[float, int] = {}
    result: list[Band] = []
    complete = True
    rule, check = on_scale(scale)
    items = reader.items(top, "bands", "", "band")
    for path, mapping in items:
        code, name = reader.coded(mapping, path, "band", seen, ("code", "name", "minimum"))
        minimum = reader.number(mapping, "minimum", path, rule=rule, check=check)
        if minimum is None:
            complete = False
        else:
            line = mapping.entries["minimum"].key_line
            first = minima.get(minimum)
            if first is not None:
                reader.report(
                    line,
                    join(path, "minimum"),
                    f"another band (line {first}) already has minimum {fmt(minimum)}; give "
                    "each band its own minimum",
                )
            else:
                minima[minimum] = line
        if code is not None and name is not None and minimum is not None:
            result.append(Band(code=code, name=name, minimum=minimum))
    if items and complete and 0.0 not in minima:
        reader.report(
            top.entries["bands"].key_line,
            "bands",
            "no band has minimum 0, so a low total would fall in no band; give the lowest "
            'band "minimum: 0"',
        )
    return result
