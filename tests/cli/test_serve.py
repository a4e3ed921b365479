"""``phrom serve`` runs gunicorn with static files, and /healthz reports the database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_serve_answers_health_pages_and_static_files(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, PHROM_DATA_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    server = subprocess.Popen(
        [sys.executable, "-m", "phrom.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            try:
                status, body, _ = get(f"{base}/healthz")
                break
            except (ConnectionError, urllib.error.URLError, OSError):
                time.sleep(0.3)
        assert status == 200, "phrom serve did not answer /healthz within 60 s"
        assert body.strip() == b"ok"
        status, body, headers = get(f"{base}/static/phrom/phrom.css")
        assert status == 200 and b"--fg:" in body  # the site's own stylesheet
        status, _, _ = get(f"{base}/static/vendor/htmx/htmx.min.js")
        assert status == 200
        status, body, _ = get(f"{base}/")
        assert status == 200 and "พร้อม".encode() in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    log = server.stdout.read().decode() if server.stdout else ""
    assert "gunicorn" in log.lower() or "Phrom is serving" in log
