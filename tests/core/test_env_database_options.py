"""PostgreSQL connection options read from the environment (``env_database``)."""

import pytest
from django.db import connection

from phrom.core.env import env_database


def test_postgres_binds_parameters_on_the_server_and_prepares_repeated_statements(
    monkeypatch,
):
    monkeypatch.delenv("PHROM_DB_PREPARED", raising=False)
    monkeypatch.setenv("X_DB", "postgres://u@127.0.0.1:5432/phrom")
    options = env_database("X_DB", "sqlite:///x")["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("PHROM_DB_PREPARED", "false")
    monkeypatch.setenv("X_DB", "postgres://u@127.0.0.1:5432/phrom")
    options = env_database("X_DB", "sqlite:///x")["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] is None


def test_options_in_the_url_win(monkeypatch):
    monkeypatch.delenv("PHROM_DB_PREPARED", raising=False)
    monkeypatch.setenv("X_DB", "postgres://u@127.0.0.1:5432/phrom?sslmode=require")
    options = env_database("X_DB", "sqlite:///x")["OPTIONS"]
    assert options["sslmode"] == "require"
    assert options["prepare_threshold"] == 5


def test_sqlite_takes_none_of_the_postgres_options(monkeypatch):
    monkeypatch.setenv("X_DB", "sqlite:///x.sqlite3")
    options = env_database("X_DB", "sqlite:///x")["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_the_test_database_runs_with_the_same_options():
    if connection.vendor != "postgresql":
        pytest.skip("runs against PostgreSQL only")
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
