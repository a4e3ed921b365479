"""Shared fixtures: real files, a real database, no mocks of Phrom's own parts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

REPO = Path(__file__).resolve().parents[1]
EGDI = REPO / "data" / "egdi"
FRAMEWORKS = REPO / "frameworks"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Argon2 is slow by design; tests that need it ask for it explicitly."""
    from django.test.utils import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher",
                          "django.contrib.auth.hashers.Argon2PasswordHasher"]
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def _static_files_looked_up_on_request():
    """WhiteNoise looks a static file up when it is asked for, not at start-up.

    Otherwise every test client lists every static file when its middleware is built, which
    costs far more than the few static files the tests ask for. `phrom serve` (tested in
    tests/cli/test_serve.py) keeps the production setting.
    """
    from django.test.utils import override_settings

    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(autouse=True)
def _no_language_from_the_last_test():
    """Each test starts in no language, as a new process (the task worker) does.

    A request through the test client leaves its language active in the thread (Django's
    middleware does not undo it): an English request would otherwise make the next test's
    work outside a request, such as an e-mail, English.
    """
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest
) -> None:
    """On SQLite, the test database is a file, as in production, not Django's in-memory one.

    Django hands one shared connection to every thread of the live server when the test
    database is in memory; the browser's overlapping autosaves then interleave their
    savepoints on it ("no such savepoint") and an answer is lost. With a file each request
    has its own connection and SQLite's own locking, as under gunicorn.

    Each pytest process has its own file (test-phrom_gw0_<pid>.sqlite3, ...): pytest-django
    suffixes the test databases of PostgreSQL per xdist worker itself, but not a SQLite one
    without a name, and two runs at once in one checkout (a `make test` and a single test
    file) would otherwise recreate each other's database under their feet.
    """
    from django.conf import settings

    config = settings.DATABASES["default"]
    if config["ENGINE"] == "django.db.backends.sqlite3":
        folder = Path(os.environ.get("PHROM_DATA_DIR") or REPO / "var" / "test")
        folder.mkdir(parents=True, exist_ok=True)
        test = config.setdefault("TEST", {})
        if not test.get("NAME"):  # (Django has put NAME: None there already)
            worker = getattr(request.config, "workerinput", {}).get("workerid")
            suffix = f"_{worker}_{os.getpid()}" if worker else f"_{os.getpid()}"
            test["NAME"] = str(folder / f"test-phrom{suffix}.sqlite3")


# --- the order in which `make test` hands files to its workers ------------------------------
# `make test` gives whole files to the pytest-xdist workers in collection order (--dist
# loadfile --no-loadscope-reorder). The costliest go first, so that no worker is left
# running a long one alone at the end: each file's seconds in the last runs, kept in pytest's
# cache (.pytest_cache), else a guess from its tests.

FILE_SECONDS = "phrom/file-seconds"
# Files whose tests share a costly module-scoped setup (tests/demo loads the demo once).
COSTLY_SETUP = {"tests/demo/": 20.0}


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _guess_seconds(item: pytest.Item) -> float:
    return 2.5 if item.get_closest_marker("browser") else 0.1


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """(pytest-xdist, on the controller) every worker orders by the same figures."""
    cache = getattr(node.config, "cache", None)
    node.workerinput[FILE_SECONDS] = cache.get(FILE_SECONDS, {}) if cache else {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the files costliest first (the tests of a file keep their order)."""
    if not hasattr(config, "workerinput"):
        return
    known: dict[str, float] = config.workerinput.get(FILE_SECONDS) or {}
    cost: dict[str, float] = {}
    for item in items:
        path = _file_of(item.nodeid)
        if path not in cost:
            cost[path] = next((s for p, s in COSTLY_SETUP.items() if path.startswith(p)), 0.0)
        cost[path] += _guess_seconds(item)
    cost.update((path, float(known[path])) for path in cost if path in known)
    items.sort(key=lambda item: (-cost[_file_of(item.nodeid)], _file_of(item.nodeid)))


_seconds_of_files: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Each file's seconds (setup, call and teardown of its tests). The main process of
    pytest-xdist sees every worker's reports."""
    path = _file_of(report.nodeid)
    _seconds_of_files[path] = _seconds_of_files.get(path, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep each file's seconds for the next run's order (half the last figure, half this),
    unless only some of a file's tests may have run."""
    config = session.config
    if hasattr(config, "workerinput") or not _seconds_of_files:
        return
    option = config.option
    some = (getattr(option, "keyword", ""), getattr(option, "markexpr", ""),
            getattr(option, "lf", False), getattr(option, "stepwise", False),
            session.shouldstop, session.shouldfail, any("::" in arg for arg in config.args))
    if any(some):
        return
    cache = getattr(config, "cache", None)
    if cache is None:
        return
    kept: dict[str, float] = dict(cache.get(FILE_SECONDS, {}))
    for path, seconds in _seconds_of_files.items():
        kept[path] = round((kept[path] + seconds) / 2 if path in kept else seconds, 2)
    cache.set(FILE_SECONDS, kept)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def egdi_dir() -> Path:
    """The UN E-Government Development Index 2010-2018, kept in the repository (public data)."""
    return EGDI


def in_english(client: Any) -> Any:
    """The test client with English chosen through the language switch's cookie.

    Phrom ignores the browser's Accept-Language (Thai first), as a person would find it.
    """
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- personas ---------------------------------------------------------------------------
# One open th-2564 cycle, two agencies (A: Department of Rural Roads, B: Department of
# Highways), and one person per role. Passwords are all PASSWORD.

PASSWORD = "phrom-test-Password-1"


@dataclass
class World:
    cycle: Any
    agency_a: Any
    agency_b: Any
    response_a: Any
    response_b: Any
    users: dict[str, Any]

    def user(self, persona: str) -> Any:
        return self.users[persona]


PERSONAS = {
    # persona: (role, agency key or None, dimensions)
    "administrator": ("administrator", None, []),
    "lead_reviewer": ("lead_reviewer", None, []),
    "reviewer": ("reviewer", None, []),
    "executive": ("executive", None, []),
    "coordinator_a": ("coordinator", "a", []),
    "respondent_a": ("respondent", "a", ["policy"]),
    "coordinator_b": ("coordinator", "b", []),
    "outsider": (None, None, []),
}


def make_world() -> World:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from phrom.accounts.models import Profile
    from phrom.agencies.models import Agency
    from phrom.frameworks.models import Cycle, CycleStatus
    from phrom.frameworks.services import load_framework
    from phrom.responses.models import Response

    load_framework(path=FRAMEWORKS / "th-2563.yaml")
    cycle = load_framework(path=FRAMEWORKS / "th-2564.yaml").cycle
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.OPEN)
    cycle.refresh_from_db()
    mot = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", name_en="Ministry of Transport",
                                kind="ministry")
    a = Agency.objects.create(code="mot-drr", name_th="กรมทางหลวงชนบท",
                              name_en="Department of Rural Roads", kind="department",
                              ministry=mot, group="service")
    b = Agency.objects.create(code="mot-doh", name_th="กรมทางหลวง",
                              name_en="Department of Highways", kind="department",
                              ministry=mot, group="service")
    # One INSERT for the people and one for their profiles (the world is built for a
    # thousand tests); the password is hashed as create_user would hash it.
    User = get_user_model()
    hashed = make_password(PASSWORD)
    users = dict(zip(PERSONAS, User.objects.bulk_create(
        User(username=f"{persona}@example.go.th", email=f"{persona}@example.go.th",
             password=hashed, first_name=persona)
        for persona in PERSONAS
    ), strict=True))
    Profile.objects.bulk_create(
        Profile(user=users[persona], role=role, agency={"a": a, "b": b}.get(agency_key or ""),
                dimensions=dims)
        for persona, (role, agency_key, dims) in PERSONAS.items()
        if role
    )
    return World(
        cycle=cycle, agency_a=a, agency_b=b,
        response_a=Response.objects.create(cycle=cycle, agency=a),
        response_b=Response.objects.create(cycle=cycle, agency=b),
        users=users,
    )


@pytest.fixture
def world(db) -> World:
    return make_world()


def submit_yes_no_answers(world: World) -> World:
    """WORLD's responses A and B submitted with every yes/no question of its framework
    answered, A yes and B no: a cycle with figures, ranks and award winners."""
    from phrom.responses.models import Answer, Response

    for response in (world.response_a, world.response_b):
        for question in world.cycle.framework.spec().questions:
            if question.type == "yes_no":
                Answer.objects.create(response=response, question=question.code,
                                      value=response == world.response_a, version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status="submitted")
    return world


# --- browser ------------------------------------------------------------------------------

# Chromium's headless shell (the old headless mode, Playwright's own default) draws no
# browser window around the page, so the browser tests cost it far less processor time than
# the whole browser (docs/benchmarks.md). The whole one, which previews PDF files in a page,
# is there for the test that looks at such a preview.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def run_axe(page):  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on PAGE (id, impact, first nodes)."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")  # (no inline script: CSP)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="session")
def _playwright():  # type: ignore[no-untyped-def]
    """Playwright, which drives Debian's Chromium (no browser download)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p
        # While Playwright's event loop runs in this thread, Django keeps the thread's
        # database connections apart from those opened before it started (asgiref's Local
        # of a thread with a running loop). Close them while they can be reached: the one
        # left open by the last tests would keep PostgreSQL from dropping the test database.
        from django.db import connections

        connections.close_all()


def _launched(playwright: Any, executable: str):  # type: ignore[no-untyped-def]
    if not Path(executable).exists():
        pytest.skip(f"{executable} is not installed (make test installs it as root)")
    instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def browser(_playwright):  # type: ignore[no-untyped-def]
    """Chromium's headless shell: what most browser tests run in."""
    yield from _launched(_playwright, HEADLESS_SHELL)


@pytest.fixture(scope="session")
def full_browser(_playwright):  # type: ignore[no-untyped-def]
    """The whole Chromium, with its PDF viewer, for a test that looks at a PDF in a page."""
    yield from _launched(_playwright, CHROMIUM)


@pytest.fixture
def login(live_server):
    """login(context_or_page, persona_user) signs a browser page in through the real form.

    With ``then="/path/"`` the form is opened as a link to that page opens it (``?next=``),
    so that the sign-in lands there rather than on the home page: one page load fewer.
    """

    def do(page: Any, user: Any, then: str | None = None) -> Any:
        query = "?" + urlencode({"next": then}) if then else ""
        page.goto(f"{live_server.url}/accounts/login/{query}")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        return page

    return do
