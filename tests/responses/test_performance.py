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
from phrom.responses.models import Answer, Evidence, Response
from phrom.responses.selectors import questionnaire
from scoring.synthetic import synthetic_framework
from tests.responses.helpers import valid_value, write_framework

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
    rows, evidence = [], []
    for i, question in enumerate(questions):
        value = valid_value(question)
        rows.append(Answer(response=previous, question=question.code, value=value, version=1))
        if i % 2 == 0:
            rows.append(Answer(response=response, question=question.code, value=value,
                               version=2, updated_by=user, explanation="ok"))
        if i % 3 == 0:
            evidence.append(Evidence(response=response, question=question.code,
                                     url=f"https://example.go.th/{question.code}"))
            evidence.append(Evidence(response=previous, question=question.code,
                                     url=f"https://example.go.th/old/{question.code}"))
    Answer.objects.bulk_create(rows)
    Evidence.objects.bulk_create(evidence)
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
