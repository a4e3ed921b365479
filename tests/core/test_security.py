"""Transport and hosting: HTTPS settings from the environment, the Content-Security-Policy,
the health check's answer and the data folder's permissions."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from phrom.core.env import env_int, private_data_dir, secret_key
from tests.conftest import REPO


def run_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with Phrom's settings and the given variables."""
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PHROM_", "DATABASE_URL", "SECRET_KEY", "DEBUG"))
        # set by the browser tests' fixture in this process; no deployment has it
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(
        {"PHROM_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "phrom.settings"}
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True,
        text=True, timeout=120,
    )


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_python(
        "from phrom.cli import main; import sys; "
        "sys.exit(main(['manage', 'check', '--deploy', '--fail-level', 'WARNING']))",
        tmp_path, ALLOWED_HOSTS="phrom.example.go.th", **env,
    )


# --- HTTPS --------------------------------------------------------------------------------


def test_the_deployment_check_is_clean_with_https_on(tmp_path):
    result = deploy_check(tmp_path, PHROM_HTTPS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_names_what_is_missing_without_https(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stdout + result.stderr


def test_https_turns_on_secure_cookies_redirect_and_hsts(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER)",
        tmp_path, PHROM_HTTPS="true", PHROM_HSTS_SECONDS="3600",
    )
    assert result.stdout.split() == ["True", "True", "True", "3600", "True", "None"]


def test_the_proxy_https_header_is_trusted_only_behind_a_proxy(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER)",
        tmp_path, PHROM_HTTPS="true", PHROM_BEHIND_PROXY="true",
    )
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_https_is_off_by_default(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)",
        tmp_path,
    )
    assert result.stdout.split() == ["False", "False", "0"]


def test_nonsense_in_the_https_variables_is_refused_naming_the_variable(tmp_path):
    for name, value in (("PHROM_HTTPS", "sometimes"), ("PHROM_HSTS_SECONDS", "a year"),
                        ("PHROM_HSTS_SECONDS", "-5"), ("PHROM_BEHIND_PROXY", "nginx")):
        result = run_python("import django; django.setup()", tmp_path,
                            **{"PHROM_HTTPS": "true", name: value})
        assert result.returncode != 0
        assert f"{name}={value!r}" in result.stderr


def test_env_int_refuses_a_number_below_its_minimum(monkeypatch):
    monkeypatch.setenv("X_SECONDS", "-1")
    with pytest.raises(ImproperlyConfigured, match="X_SECONDS='-1' is too small"):
        env_int("X_SECONDS", 0, minimum=0)


@pytest.mark.django_db
def test_the_health_check_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_a_request_marked_https_by_the_proxy_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


# --- Content-Security-Policy --------------------------------------------------------------

def pages(world) -> dict[str | None, list[str]]:
    cycle, response = world.cycle.code, world.response_a.pk
    return {
        None: ["/", "/accounts/login/", "/accounts/password-reset/"],
        "coordinator_a": ["/", "/responses/", f"/responses/{response}/",
                          "/accounts/colleagues/", "/accounts/invite/"],
        "administrator": ["/", "/cycles/", f"/cycles/{cycle}/", "/accounts/invite/",
                          "/admin/", "/admin/accounts/invitation/"],
        "reviewer": ["/", f"/results/{cycle}/"],
    }


def csp_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
def test_every_html_page_has_a_content_security_policy_without_inline_scripts(client, world):
    admin = world.user("administrator")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    seen = 0
    for persona, paths in pages(world).items():
        client.logout()
        if persona:
            client.force_login(world.user(persona))
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            policy = csp_of(response)
            assert policy["script-src"].split()[1:2] == ["'self'"], path
            assert "'unsafe-inline'" not in policy["script-src"], path
            assert "'unsafe-eval'" not in policy["script-src"], path
            assert policy["object-src"] == "object-src 'none'"
            assert policy["frame-ancestors"] == "frame-ancestors 'none'"
            page = response.content.decode()
            # Every inline script or style carries the page's nonce; no inline handlers.
            nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
            for tag in re.findall(r"<(?:script|style)\b[^>]*>", page):
                if "src=" in tag or 'type="application/json"' in tag:
                    continue
                assert nonce and f'nonce="{nonce.group(1)}"' in tag, (path, tag)
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), path
            assert not re.search(r"<[^>]+\sstyle\s*=", page), path
            assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
            seen += 1
    assert seen == sum(len(paths) for paths in pages(world).values())


@pytest.mark.django_db
def test_progress_bars_take_their_width_from_a_class(client, world):
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/").content.decode()
    assert re.search(r'class="qn-bar"[^>]*><span class="w-\d{1,3}"></span>', page)


@pytest.mark.django_db
def test_the_paused_sign_in_page_has_the_policy_too(client, world):
    for _ in range(6):
        response = client.post(
            "/accounts/login/", {"username": "reviewer@example.go.th", "password": "wrong"}
        )
    assert response.status_code == 429
    assert "script-src 'self'" in response["Content-Security-Policy"]


# --- health check -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_health_check_answers_a_plain_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"].startswith("text/plain")


def test_the_health_check_says_only_unavailable_when_the_database_is_down(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, repr(r.content))",
        tmp_path, DATABASE_URL="postgres://phrom:secret-word@127.0.0.1:9/phrom_missing",
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert (status, body) == ("503", "b'unavailable\\n'")
    # The cause is in the log for the operator, not in the answer.
    assert "127.0.0.1" in result.stderr and "health check" in result.stderr


# --- the data folder ----------------------------------------------------------------------


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_data_folder_its_database_and_secret_key_are_the_owners_only(tmp_path):
    result = run_python(
        "from phrom.cli import main; import sys; sys.exit(main(['manage', 'migrate', '-v0']))",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = tmp_path / "data"
    assert mode(data) == 0o700
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "phrom.sqlite3") == 0o600
    for extra in data.glob("phrom.sqlite3-*"):
        assert mode(extra) == 0o600, extra
    assert mode(data / "static") == 0o700


def test_an_existing_data_folder_open_to_others_is_narrowed(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    database = data / "phrom.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    key = data / "secret_key"
    key.write_text("k" * 60)
    key.chmod(0o644)
    result = run_python("import django; django.setup()", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (mode(data), mode(database), mode(key)) == (0o700, 0o600, 0o600)


def test_private_data_dir_refuses_a_file_in_place_of_the_folder(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("X_DATA", str(tmp_path / "file"))
    umask = os.umask(0o022)
    os.umask(umask)
    try:
        with pytest.raises(ImproperlyConfigured, match="X_DATA=.* is not a folder"):
            private_data_dir("X_DATA", "unused")
    finally:
        os.umask(umask)


def test_the_generated_secret_key_is_never_readable_by_others(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    umask = os.umask(0)  # even with a permissive umask
    try:
        secret_key(tmp_path)
    finally:
        os.umask(umask)
    assert mode(tmp_path / "secret_key") == 0o600


@pytest.mark.django_db
def test_uploaded_files_are_the_owners_only(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = tmp_path / "media"
    storage = FileSystemStorage()
    name = storage.save("evidence/a/report.pdf", ContentFile(b"%PDF-1.4"))
    assert mode(Path(storage.path(name))) == 0o600
    assert mode(Path(storage.path(name)).parent) == 0o700
