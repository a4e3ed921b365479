"""Third-party apps under names in the reader's language.

Their own names ("Axes", "Tasks Database Backend") are not translatable, and they head their
models in the admin; Django's way to rename an app is a subclass of its configuration, named
in INSTALLED_APPS. Labels, models and tables stay the apps' own.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class SignInRecordsConfig(AxesConfig):
    """django-axes: failed sign-ins, lock-outs and the sign-in log."""

    verbose_name = _("Sign-in records")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db: the results of the worker's tasks."""

    verbose_name = _("Background tasks")
