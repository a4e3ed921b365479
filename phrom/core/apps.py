from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "phrom.core"
    label = "core"

    def ready(self) -> None:
        from phrom.core.thai import buddhist_era_in_django_formats

        buddhist_era_in_django_formats()
