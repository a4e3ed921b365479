"""Demo accounts, one per role (filled in with the accounts work)."""

from __future__ import annotations

from typing import Any


def create_demo_accounts(*, console: Any) -> None:
    """Create (or keep) one demo account per role and print them."""
