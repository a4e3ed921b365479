from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "phrom.agencies"
    label = "agencies"
