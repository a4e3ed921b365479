"""The frameworks shipped in ``frameworks/``, found by name (no Django import)."""

from __future__ import annotations

from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "frameworks"


def shipped_framework_path(name: str) -> Path | None:
    """The shipped framework file called NAME (``th-2564`` or ``th-2564.yaml``)."""
    stem = name[:-5] if name.endswith(".yaml") else name
    path = SHIPPED_DIR / f"{stem}.yaml"
    return path if path.exists() else None


def shipped_framework_names() -> list[str]:
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def resolve_framework_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.exists():
        return path
    shipped = shipped_framework_path(name_or_path)
    if shipped is not None:
        return shipped
    raise FileNotFoundError(
        f"no framework file or shipped framework called {name_or_path!r}; "
        f"shipped: {', '.join(shipped_framework_names())}"
    )
