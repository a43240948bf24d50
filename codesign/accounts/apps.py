from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "codesign.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from codesign.accounts.middleware import on_user_logged_in

        # Staff sign-ins get their shorter expiry the moment they start.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="codesign-staff-session")
