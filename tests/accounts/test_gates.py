"""The permission rules of phrom/accounts/gates.py, persona by persona, and that views and
services ask them instead of comparing roles themselves."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from phrom.accounts.gates import (
    edits_for,
    manages_every_agency,
    may_answer_for,
    may_manage_cycles,
    may_reopen,
    may_submit,
    may_watch_cycles,
    profile_of,
    reads_every_agency,
    response_for_editor,
    response_for_viewer,
)
from phrom.frameworks.services import response_reopen
from phrom.responses.models import ResponseStatus

pytestmark = pytest.mark.django_db

PERSONAS = ["administrator", "lead_reviewer", "reviewer", "executive", "coordinator_a",
            "respondent_a", "coordinator_b", "outsider"]
STAFF = {"administrator", "lead_reviewer", "reviewer", "executive"}
PHROM = Path(__file__).resolve().parents[2] / "phrom"


def profile(world, persona):
    return profile_of(world.user(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_read_every_agency(world, persona):
    assert reads_every_agency(profile(world, persona)) == (persona in STAFF)


def test_nobody_signed_out_passes_any_rule(world):
    for rule in (reads_every_agency, may_manage_cycles, may_watch_cycles, may_reopen,
                 manages_every_agency):
        assert rule(None) is False
    assert not may_submit(None, world.response_a)
    assert not edits_for(None, world.agency_a.pk)
    assert not may_answer_for(None, world.agency_a.pk, "policy")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_agencys_coordinator_submits_its_response(world, persona):
    assert may_submit(profile(world, persona), world.response_a) == (persona == "coordinator_a")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_agencys_members_change_its_response(world, persona):
    expected = persona in ("coordinator_a", "respondent_a")
    assert edits_for(profile(world, persona), world.agency_a.pk) == expected


def test_a_respondent_answers_only_their_dimensions_of_their_agency(world):
    respondent = profile(world, "respondent_a")
    assert may_answer_for(respondent, world.agency_a.pk, "policy")
    assert not may_answer_for(respondent, world.agency_a.pk, "services")
    assert not may_answer_for(respondent, world.agency_b.pk, "policy")


def test_a_coordinator_answers_every_dimension_of_their_agency_only(world):
    coordinator = profile(world, "coordinator_a")
    assert may_answer_for(coordinator, world.agency_a.pk, "services")
    assert not may_answer_for(coordinator, world.agency_b.pk, "services")
    assert not may_answer_for(profile(world, "administrator"), world.agency_a.pk, "policy")


@pytest.mark.parametrize("persona", PERSONAS)
def test_administrators_manage_cycles_and_reopen_executives_only_watch(world, persona):
    p = profile(world, persona)
    assert may_manage_cycles(p) == may_reopen(p) == (persona == "administrator")
    assert may_watch_cycles(p) == (persona in ("administrator", "executive"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_manage_every_agencys_people(world, persona):
    assert manages_every_agency(profile(world, persona)) == (persona == "administrator")


def test_another_agencys_response_is_not_found_rather_than_forbidden(world):
    with pytest.raises(Http404):
        response_for_viewer(world.user("coordinator_b"), world.response_a.pk)
    with pytest.raises(Http404):
        response_for_editor(world.user("coordinator_b"), world.response_a.pk)
    assert response_for_viewer(world.user("reviewer"), world.response_a.pk) == world.response_a


def test_staff_read_a_response_but_may_not_change_it(world):
    with pytest.raises(PermissionDenied):
        response_for_editor(world.user("administrator"), world.response_a.pk)


def test_reopening_asks_the_gate(world):
    world.response_a.status = ResponseStatus.SUBMITTED
    world.response_a.save()
    with pytest.raises(PermissionDenied):
        response_reopen(response=world.response_a, reason="typo", by=world.user("executive"))


def test_views_services_and_templates_do_not_compare_roles_themselves():
    # A role compared outside the gates is a permission rule that the gates do not know.
    compared = re.compile(r"\b\w*profile\w*\.role\s*(==|!=|in\b|not\s+in\b)")
    found = [
        f"{path.relative_to(PHROM)}:{number}"
        for path in [*PHROM.rglob("*.py"), *PHROM.rglob("*.html")]
        if path.name != "gates.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if compared.search(line)
    ]
    assert found == []
