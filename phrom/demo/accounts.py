"""Demo accounts, one per role, all with the same published password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table

from phrom.accounts.models import Role
from phrom.accounts.services import account_ensure
from phrom.agencies.models import Agency

DEMO_PASSWORD = "phrom-demo-2564"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    agency: str | None = None
    dimensions: tuple[str, ...] = ()
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.phrom.local", "ผู้ดูแล ระบบ", Role.ADMINISTRATOR, superuser=True),
    DemoAccount("lead.reviewer@demo.phrom.local", "หัวหน้า ผู้ตรวจ", Role.LEAD_REVIEWER),
    DemoAccount("reviewer@demo.phrom.local", "ผู้ตรวจ ประเมิน", Role.REVIEWER),
    DemoAccount("executive@demo.phrom.local", "ผู้บริหาร ติดตามผล", Role.EXECUTIVE),
    DemoAccount(
        "drr.coordinator@demo.phrom.local", "ผู้ประสานงาน ทช.", Role.COORDINATOR, "mot-drr"
    ),
    DemoAccount(
        "drr.respondent@demo.phrom.local",
        "ผู้ตอบ ทช.",
        Role.RESPONDENT,
        "mot-drr",
        ("policy", "capability"),
    ),
    DemoAccount(
        "doh.coordinator@demo.phrom.local", "ผู้ประสานงาน ทล.", Role.COORDINATOR, "mot-doh"
    ),
)


def create_demo_accounts(*, console: Any) -> None:
    """Create (or keep) one demo account per role and print them. Running it twice
    changes nothing."""
    table = Table(title="Demo accounts (password for all: " + DEMO_PASSWORD + ")")
    for column in ("e-mail", "role", "agency", "dimensions", "password", ""):
        table.add_column(column)
    for spec in DEMO_ACCOUNTS:
        agency = None
        if spec.agency:
            agency = Agency.objects.filter(code=spec.agency).first()
            if agency is None:
                console.print(
                    f"[yellow]skipped {spec.email}: agency {spec.agency} is not loaded[/yellow]"
                )
                continue
        _user, created = account_ensure(
            email=spec.email,
            name=spec.name,
            password=DEMO_PASSWORD,
            role=spec.role,
            agency=agency,
            dimensions=spec.dimensions,
            superuser=spec.superuser,
        )
        table.add_row(
            spec.email,
            # The role's code: Thai labels do not line up in every terminal.
            str(spec.role),
            spec.agency or "",
            ", ".join(spec.dimensions) or ("all" if spec.role == Role.RESPONDENT else ""),
            DEMO_PASSWORD,
            "created" if created else "kept",
        )
    console.print(table)
