"""The server log: an expected refusal is one line; a server error keeps its traceback."""

import logging

import pytest
from django.core.handlers.exception import response_for_exception
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def _as_printed(record):
    return logging.Formatter().format(record)


def test_a_permission_denied_is_logged_in_one_line_without_a_traceback(world, client, caplog):
    client.force_login(world.user("respondent_a"))
    with caplog.at_level(logging.WARNING):
        response = client.get("/accounts/invite/")
    assert response.status_code == 403
    (record,) = _request_records(caplog)
    assert record.levelno == logging.WARNING and record.status_code == 403
    assert record.exc_info is None
    assert _as_printed(record) == "Forbidden (Permission denied): /accounts/invite/"
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(world, caplog):
    request = RequestFactory().get("/somewhere/")
    try:
        raise RuntimeError("a real bug")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR):
            response = response_for_exception(request, exc)
    assert response.status_code == 500
    (record,) = _request_records(caplog)
    assert record.status_code == 500 and record.exc_info is not None
    printed = _as_printed(record)
    assert printed.startswith("Internal Server Error: /somewhere/\nTraceback")
    assert "RuntimeError: a real bug" in printed
