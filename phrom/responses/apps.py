from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "phrom.responses"
    label = "responses"
