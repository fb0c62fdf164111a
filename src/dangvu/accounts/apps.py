from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels, periodic


class AccountsConfig(AppConfig):
    name = "dangvu.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from dangvu.accounts import accesslog

        # The access records spooled while the database was locked, carried in by the worker.
        periodic.register_periodic("access records spooled", accesslog.drain, every=5.0)
        labels.register_actions(
            {
                "account.create": _("Account created"),
                "account.password": _("Password changed"),
                "account.second_factor": _("Two-step sign-in turned on"),
                "role.grant": _("Role granted"),
                "role.sensitive_approve": _("Sensitive permission approved"),
                "role.sensitive_refuse": _("Sensitive permission refused"),
                "role.end": _("Role ended"),
                "role.confirm": _("Role kept after review"),
                "role.move": _("Role carried to the successor"),
                "token.create": _("API token made"),
                "token.revoke": _("API token revoked"),
            }
        )
