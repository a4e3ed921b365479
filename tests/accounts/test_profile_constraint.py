"""A coordinator or respondent without an agency is refused with a message that says what
to choose (the admin's user page shows it), not the constraint's name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from phrom.accounts.models import Profile, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.RESPONDENT])
def test_an_agency_role_without_an_agency_says_to_choose_one(world, role):  # type: ignore[no-untyped-def]
    profile = Profile(user=world.user("outsider"), role=role, agency=None)
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        profile.validate_constraints()
    message = " ".join(refused.value.messages)
    assert "เลือกหน่วยงาน" in message and "agency_roles_need_an_agency" not in message
