"""The history says in the reader's language why carried-over evidence was added."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [("th", "นำมาจากรอบที่แล้ว", "carried over from last cycle"),
     ("en", "carried over from last cycle", "นำมาจากรอบที่แล้ว")],
)
def test_the_reason_of_carried_over_evidence_is_in_the_readers_language(
    world, client, settings, previous_a, language, said, not_said
):
    client.force_login(world.user("coordinator_a"))
    reply = client.post(f"/responses/{world.response_a.pk}/answer/POL-01-1/carry-over/",
                        {"base_version": "0"}, HTTP_ACCEPT="application/json")
    assert reply.status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert said in page
    assert not_said not in page
    csv = b"".join(
        client.get(f"/responses/{world.response_a.pk}/history.csv").streaming_content
    ).decode()
    assert said in csv
    assert not_said not in csv
