"""A 200-question page renders in a fixed number of queries.

Its render time is measured in bench/bench_questionnaire_page.py, not here: timing targets
belong in benchmarks, never in tests.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from phrom.accounts.models import Profile
from phrom.agencies.models import Agency
from phrom.frameworks.models import CycleStatus
from phrom.frameworks.services import load_framework
from phrom.responses.models import Answer, AnswerChange, Response
from phrom.responses.selectors import questionnaire
from tests.responses.helpers import fill_like_a_busy_agency, post_answer, write_framework
from tests.synthetic.cycles import synthetic_framework

pytestmark = pytest.mark.django_db

QUERIES = 8  # session, user, profile, response, answers, evidence, last cycle's answers
# and evidence
WIDGET_QUERIES = 2  # the embedded evidence widget's own: editable response, evidence rows


@pytest.fixture
def big(tmp_path):
    """A 200-question cycle with half of it answered, evidence, and last cycle's answers."""
    spec = synthetic_framework(n_questions=200, seed=7)
    load_framework(path=write_framework(tmp_path, spec, code="synthetic-7-previous",
                                        year_be=2563))
    cycle = load_framework(
        path=write_framework(tmp_path, spec, code="synthetic-7", previous="synthetic-7-previous")
    ).cycle
    cycle.status = CycleStatus.OPEN
    cycle.save()
    agency = Agency.objects.create(code="big", name_th="หน่วยงานทดสอบ", kind="department")
    user = get_user_model().objects.create_user(username="big@example.go.th", first_name="Big")
    Profile.objects.create(user=user, role="coordinator", agency=agency)
    response = Response.objects.create(cycle=cycle, agency=agency, status="in_progress")
    previous = Response.objects.create(cycle=cycle.previous, agency=agency, status="submitted")
    questions = spec.questions
    assert len(questions) >= 200
    fill_like_a_busy_agency(response=response, previous=previous, user=user,
                            questions=questions)
    return response, user, spec


def test_the_200_question_page_keeps_its_query_count(big, client, django_assert_max_num_queries):
    response, user, spec = big
    client.force_login(user)
    client.get(f"/responses/{response.pk}/")  # parse the framework once
    with django_assert_max_num_queries(QUERIES):
        reply = client.get(f"/responses/{response.pk}/")
    assert reply.status_code == 200
    html = reply.content.decode()
    assert html.count('class="q-form"') == len(spec.questions)


def test_a_dimension_page_with_evidence_widgets_keeps_its_query_count(
    big, client, django_assert_max_num_queries
):
    response, user, spec = big
    client.force_login(user)
    client.get(f"/responses/{response.pk}/D1/")
    with django_assert_max_num_queries(QUERIES + WIDGET_QUERIES):
        reply = client.get(f"/responses/{response.pk}/D1/")
    assert reply.content.decode().count('class="evidence"') > 20  # widgets are embedded


def test_the_query_count_does_not_grow_with_the_answers(big, client, django_assert_max_num_queries):
    response, user, _spec = big
    Answer.objects.filter(response=response).delete()
    client.force_login(user)
    client.get(f"/responses/{response.pk}/")
    with django_assert_max_num_queries(QUERIES):
        client.get(f"/responses/{response.pk}/")


def test_the_selector_reads_in_four_queries(big, django_assert_num_queries):
    response, user, spec = big
    response = Response.objects.select_related("cycle__framework", "agency").get(pk=response.pk)
    response.cycle.framework.spec()
    with django_assert_num_queries(4):
        page = questionnaire(response=response, profile=user.profile, language="th")
    assert sum(len(i.questions) for d in page.dimensions for i in d.indicators) == len(
        spec.questions
    )


# One autosave of an answer that exists, a new value: session, user, profile, the response
# with its cycle and framework (not its YAML source) read and locked once, the answer
# locked (without its last editor), the UPDATE of the changed columns, the history row;
# SAVEPOINT and RELEASE are the view's transaction inside the test's. With
# phrom.accounts.backends.ProfileBackend the profile comes with the user: one fewer. The
# same on every database.
SAVE_QUERIES = 9


@pytest.mark.parametrize(
    ("backend", "fewer"),
    [
        ("django.contrib.auth.backends.ModelBackend", 0),
        ("phrom.accounts.backends.ProfileBackend", 1),
    ],
)
def test_one_autosave_keeps_its_query_count(
    world, client, settings, django_assert_num_queries, backend, fewer
):
    settings.AUTHENTICATION_BACKENDS = [backend]
    expected = SAVE_QUERIES - fewer
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "POL-04-2", {"value": "1"}).status_code == 200
    with django_assert_num_queries(expected) as captured:
        reply = post_answer(client, world.response_a, "POL-04-2", {"value": "2"}, version=1)
    assert reply.status_code == 200, reply.content
    assert reply.json()["version"] == 2
    sql = [q["sql"] for q in captured.captured_queries]
    assert not any('"frameworks_framework"."source"' in q for q in sql)
    assert not any('"auth_user"' in q and q.startswith("SELECT") for q in sql[3:])  # no editor
    assert sum('FROM "responses_response"' in q for q in sql) == 1  # read once, locked
    update = next(q for q in sql if q.startswith('UPDATE "responses_answer"'))
    assert '"response_id" =' not in update.split("WHERE")[0]  # changed columns only
    answer = Answer.objects.get(response=world.response_a, question="POL-04-2")
    assert (answer.value, answer.version) == (2, 2)
    history = AnswerChange.objects.filter(response=world.response_a, question="POL-04-2")
    assert [(h.old_value, h.new_value, h.version, h.by_id) for h in history] == [
        (None, {"value": 1, "not_applicable": False, "explanation": ""}, 1,
         world.user("coordinator_a").pk),
        ({"value": 1, "not_applicable": False, "explanation": ""},
         {"value": 2, "not_applicable": False, "explanation": ""}, 2,
         world.user("coordinator_a").pk),
    ]
