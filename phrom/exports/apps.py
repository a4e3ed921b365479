from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "phrom.exports"
    label = "exports"
