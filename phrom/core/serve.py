"""``phrom serve``: gunicorn (WSGI) with static files through whitenoise."""

from __future__ import annotations

import os
import sys


def serve(*, host: str, port: int, workers: int = 0) -> int:
    count = workers or max(2, 2 * (os.cpu_count() or 1))
    argv = [
        sys.executable, "-m", "gunicorn", "phrom.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(count),
        "--access-logfile", "-",
        "--graceful-timeout", "10",
        "--timeout", "60",
    ]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    print(f"Phrom is serving on http://{host}:{port}/ with {count} gunicorn workers", flush=True)
    os.execv(sys.executable, argv)
    return 0  # not reached: execv replaces the process
