from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "phrom.dashboard"
    label = "dashboard"
