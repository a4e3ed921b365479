"""Typed readers of environment variables that fail loudly on nonsense."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; set it to true or false (or 1/0)."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is too small: use {minimum} or more.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_database(name: str, default: str) -> dict[str, Any]:
    import dj_database_url

    url = os.environ.get(name) or default
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name} must be a sqlite:/// or postgres:// URL, got scheme {scheme!r}."
        )
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several workers share one SQLite file: wait for locks instead of failing,
        # and let readers go on while one writer writes.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    else:
        # PostgreSQL: parameters bound by the server, and a statement a connection has run
        # five times prepared there once (psycopg's prepare_threshold): PostgreSQL then
        # skips parsing and planning it, which is about 40 % of its CPU on an autosave.
        # Behind a transaction-mode pooler without prepared-statement support (PgBouncer
        # before 1.21), set PHROM_DB_PREPARED=false. Options in the URL win.
        prepared = env_bool("PHROM_DB_PREPARED", True)
        config["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5 if prepared else None,
            **config.get("OPTIONS", {}),
        }
    return config


def secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into the data folder
    (readable by its owner only)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    if path.exists():
        _owner_only(path, 0o600)
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    # Created with its final mode: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


def private_data_dir(name: str, default: str) -> Path:
    """The data folder named by ``name``, made, or narrowed, to be its owner's only (0o700).

    The files Phrom makes from then on are its owner's only too (umask 077): the SQLite
    database, uploaded evidence and the generated secret key hold personal data.
    """
    os.umask(0o077)
    path = Path(env_str(name, default)).resolve()
    if path.exists() and not path.is_dir():
        raise ImproperlyConfigured(f"{name}={str(path)!r} is not a folder.")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(path, 0o700)
    return path


def private_sqlite_file(config: dict[str, Any]) -> None:
    """Narrow a SQLite database made before Phrom kept it private (and its journal files)."""
    if config.get("ENGINE") != "django.db.backends.sqlite3":
        return
    name = str(config.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        if path.exists():
            _owner_only(path, 0o600)


def _owner_only(path: Path, mode: int) -> None:
    """Take away group and others' access from a file or folder of this user's.

    Another user's is left as it is (only its owner may change it); Phrom then runs
    with whatever access that owner gave.
    """
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(mode)
