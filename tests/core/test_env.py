import pytest
from django.core.exceptions import ImproperlyConfigured

from phrom.core.env import env_bool, env_database, secret_key


def test_env_bool_accepts_true_and_false_words(monkeypatch):
    monkeypatch.setenv("X_FLAG", "true")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_refuses_nonsense_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe'"):
        env_bool("X_FLAG", False)


def test_database_url_must_be_sqlite_or_postgres(monkeypatch):
    monkeypatch.setenv("X_DB", "mysql://root@localhost/db")
    with pytest.raises(ImproperlyConfigured, match="sqlite:/// or postgres://"):
        env_database("X_DB", "sqlite:///x.sqlite3")


def test_postgres_url_is_parsed(monkeypatch):
    monkeypatch.setenv("X_DB", "postgres://u@127.0.0.1:5432/phrom")
    config = env_database("X_DB", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "phrom"


def test_secret_key_is_generated_once_into_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) > 40
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
