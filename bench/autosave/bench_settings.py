"""Phrom's settings with the lean autosave prototypes routed (bench_autosave --prototype)."""

from phrom.settings import *  # noqa: F403

ROOT_URLCONF = "lean_save"
