from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "phrom.awards"
    label = "awards"
