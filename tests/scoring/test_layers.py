"""The modules of scoring/ import one another one way: no import cycle, counting imports
inside functions and under ``TYPE_CHECKING`` too."""

from __future__ import annotations

import ast
from pathlib import Path

SCORING = Path(__file__).resolve().parents[2] / "scoring"


def module_name(path: Path) -> str:
    """``engine`` for scoring/engine.py, ``checks.values`` for scoring/checks/values.py."""
    parts = path.relative_to(SCORING).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The scoring modules (names below ``scoring.``) that the module at ``path``
    imports, wherever it does."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                up = package.split(".") if package else []
                up = up[: len(up) - (node.level - 1)] if node.level > 1 else up
                base = ".".join([*up, base] if base else up)
            elif base == "scoring" or base.startswith("scoring."):
                base = base.removeprefix("scoring").lstrip(".")
            else:
                continue
            for alias in node.names:  # ``from scoring import engine`` names a module
                found.add(f"{base}.{alias.name}" if base else alias.name)
                if base:
                    found.add(base)
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.removeprefix("scoring.")
                for alias in node.names
                if alias.name.startswith("scoring.")
            )
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in sorted(SCORING.rglob("*.py"))}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }


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
        for path in SCORING.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
        and path.name != "loader.py"
    }
    assert not long
