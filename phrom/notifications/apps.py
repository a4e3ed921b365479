from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "phrom.notifications"
    label = "notifications"
