"""The evidence page of one question, and its remove confirmation, look like the
questionnaire: its stylesheet, the question's card, a way back."""

import pytest

from phrom.responses.evidence import evidence_add_url

pytestmark = pytest.mark.django_db

POLICY_Q = "POL-01-1"  # evidence required


def test_the_evidence_page_is_the_questions_card_with_the_questionnaires_style(world, client):
    client.force_login(world.user("coordinator_a"))
    back = f"/responses/{world.response_a.pk}/"
    page = client.get(
        f"/responses/{world.response_a.pk}/questions/{POLICY_Q}/evidence/", {"next": back}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/responses/questionnaire.css" in html
    assert '<div class="q">' in html and '<div class="q-evidence">' in html
    assert f'class="qn-back"><a href="{back}' in html  # back to the questionnaire
    assert 'class="text-size"' in html  # the site's frame


def test_the_remove_confirmation_has_the_same_style(world, client):
    evidence = evidence_add_url(
        response=world.response_a, question=POLICY_Q, url="https://www.example.go.th/plan.pdf",
        by=world.user("coordinator_a"),
    )
    client.force_login(world.user("coordinator_a"))
    html = client.get(f"/responses/evidence/{evidence.pk}/remove").content.decode()
    assert "/static/responses/questionnaire.css" in html
    assert 'class="q-confirm"' in html
