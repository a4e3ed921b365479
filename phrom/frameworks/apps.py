from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "phrom.frameworks"
    label = "frameworks"
