"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import re

from django.core import mail

LINK = re.compile(r"https?://\S+/accounts/invitation/[\w-]+/")


def invitation_link_in_last_mail() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
