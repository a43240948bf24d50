from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "codesign.accounts"
    label = "accounts"
    verbose_name = "Accounts"
