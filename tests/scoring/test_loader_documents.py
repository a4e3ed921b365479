"""Property-based tests of the framework loader on whole YAML documents: random documents,
and a shipped framework with a random part replaced, removed or retyped. Each loads or is
refused with :class:`FrameworkError` listing problems; no other exception escapes.

(Random text and edits of a small framework's text are in ``test_loader.py``.)
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.loader import FrameworkError, load_framework_text
from scoring.model import Framework

SHIPPED = Path(__file__).resolve().parents[2] / "frameworks" / "un-egdi.yaml"
SOURCE = "un-egdi.yaml"
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = ["format", "code", "name", "th", "en", "cycle", "year_be", "year_ce", "dimensions",
        "indicators", "questions", "type", "text", "weight", "options", "points", "levels",
        "thresholds", "minimum", "maximum", "when", "question", "bands", "awards", "scale",
        "precision", "peer_groups", "whole", "cap", "", "ก"]
SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["yes_no", "number", "maturity", "phrom-framework/1", "2564", "", "ก"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10),
)
def _hashable(value: Any) -> bool:
    return not (isinstance(value, float) and math.isnan(value))


VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), SCALARS.filter(_hashable)), inner,
                        max_size=4),
    ),
    max_leaves=25,
)


@functools.cache
def shipped() -> Any:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def loads_or_is_refused(document: Any) -> Framework | None:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    try:
        return load_framework_text(text, SOURCE)
    except FrameworkError as error:
        assert error.problems and all(p.source == SOURCE and p.message for p in error.problems)
        return None


@QUICK
@given(VALUES)
def test_any_yaml_document_is_a_framework_or_a_refusal(document: Any) -> None:
    loads_or_is_refused(document)


@QUICK
@given(VALUES)
def test_any_document_under_the_framework_header_is_a_framework_or_a_refusal(
    document: Any,
) -> None:
    top = {k: v for k, v in shipped().items() if k in ("format", "code", "name", "cycle")}
    loads_or_is_refused({**top, "dimensions": document})


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node of a parsed document, the root first."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*path, index))
    return found


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


@QUICK
@given(st.data())
def test_a_shipped_framework_with_parts_changed_loads_or_is_refused(data: st.DataObject) -> None:
    document = _copy(shipped())
    for _ in range(data.draw(st.integers(1, 3))):
        places = [p for p in _places(document) if p]
        path = data.draw(st.sampled_from(places))
        *parents, last = path
        parent = document
        for step in parents:
            parent = parent[step]
        how = data.draw(st.sampled_from(["replace", "remove", "duplicate", "retype"]))
        if how == "replace":
            parent[last] = data.draw(VALUES)
        elif how == "remove":
            del parent[last]
        elif how == "duplicate" and isinstance(parent, list):
            parent.insert(last, _copy(parent[last]))
        else:
            value = parent[last]
            parent[last] = [value] if not isinstance(value, list) else {"value": value}
    loads_or_is_refused(document)


def test_the_shipped_framework_itself_loads() -> None:
    assert loads_or_is_refused(_copy(shipped())) is not None
