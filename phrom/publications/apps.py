from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "phrom.publications"
    label = "publications"
