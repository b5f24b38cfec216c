from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imhhv.accounts"
    label = "accounts"
