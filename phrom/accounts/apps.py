from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "phrom.accounts"
    label = "accounts"
