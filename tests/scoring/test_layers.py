"""The modules of scoring/ import one another one way: no import cycle, counting imports
inside functions and under ``TYPE_CHECKING`` too."""

from __future__ import annotations

import ast
from pathlib import Path

SCORING = Path(__file__).resolve().parents[2] / "scoring"


def imports_of(path: Path) -> set[str]:
    """The scoring modules that the module at ``path`` imports, wherever it does."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "scoring":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("scoring."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.split(".")[1]
                for alias in node.names
                if alias.name.startswith("scoring.")
            )
    return found - {path.stem}


def graph() -> dict[str, set[str]]:
    return {path.stem: imports_of(path) for path in sorted(SCORING.glob("*.py"))}


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for other in sorted(edges.get(module, ())):
            if state.get(other) == "open":
                return path[path.index(other) :] + [other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        state[module] = "done"
        path.pop()
        return None

    for module in sorted(edges):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_scoring_has_no_import_cycle() -> None:
    assert cycle_in(graph()) is None, " -> ".join(cycle_in(graph()) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_the_engine_layers_import_downwards() -> None:
    """model <- answers <- matrix <- plan <- engine; ranking <- awards; result <- explain."""
    edges = graph()
    assert edges["model"] <= {"errors"}
    assert edges["answers"] <= {"model"}
    assert edges["matrix"] <= {"model", "answers"}
    assert edges["plan"] <= {"model", "answers", "matrix"}
    assert edges["engine"] <= {"model", "answers", "matrix", "plan"}
    assert edges["ranking"] <= {"model"}
    assert edges["awards"] <= {"model", "ranking"}
    assert "result" not in edges["awards"] | edges["engine"] | edges["plan"]
    assert "explain" not in set().union(*(v for k, v in edges.items() if k != "explain"))


def test_no_module_is_over_600_lines() -> None:
    # the loader is being split by what it checks
    long = {
        path.name: n
        for path in SCORING.glob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
        and path.name != "loader.py"
    }
    assert not long
