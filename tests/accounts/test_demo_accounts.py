import io

import pytest
from django.contrib.auth import get_user_model
from rich.console import Console

from phrom.accounts.models import Profile
from phrom.demo.accounts import DEMO_PASSWORD, create_demo_accounts

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    create_demo_accounts(console=Console(file=out, width=200))
    return out.getvalue()


def test_demo_accounts_give_one_account_per_role_and_run_twice_changes_nothing(world):
    printed = run()
    demo = Profile.objects.filter(user__username__endswith="@demo.phrom.local")
    before = {(p.user.username, p.role, p.agency_id, tuple(p.dimensions), p.user.password)
              for p in demo.select_related("user")}
    assert {p.role for p in demo} == {"administrator", "lead_reviewer", "reviewer", "executive",
                                      "coordinator", "respondent"}
    assert "drr.coordinator@demo.phrom.local" in printed and DEMO_PASSWORD in printed
    run()
    after = {(p.user.username, p.role, p.agency_id, tuple(p.dimensions), p.user.password)
             for p in demo.select_related("user")}
    assert before == after and len(after) == 7


def test_demo_administrator_can_use_the_django_admin(client, world):
    run()
    admin = get_user_model().objects.get(username="admin@demo.phrom.local")
    assert admin.is_staff and admin.is_superuser
    client.post("/accounts/login/",
                {"username": "admin@demo.phrom.local", "password": DEMO_PASSWORD})
    assert client.get("/admin/accounts/invitation/").status_code == 200
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200
    change = client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
    assert 'name="profile-0-role"' in change


def test_demo_respondent_is_limited_to_policy_and_capability(world):
    run()
    profile = Profile.objects.get(user__username="drr.respondent@demo.phrom.local")
    assert profile.agency.code == "mot-drr"
    assert profile.dimensions == ["capability", "policy"]


def test_demo_coordinator_logs_in_with_the_published_password(client, world):
    run()
    response = client.post(
        "/accounts/login/",
        {"username": "doh.coordinator@demo.phrom.local", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
