from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "phrom.results"
    label = "results"
