from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class RestructuringConfig(AppConfig):
    name = "dangvu.restructuring"
    label = "restructuring"
    verbose_name = _("Restructuring")

    def ready(self) -> None:
        from dangvu.accounts.guard import register_write_check
        from dangvu.restructuring.selectors import written_plans

        register_write_check("restructuring.plan", written_plans)
        labels.register_actions(
            {
                "plan.create": _("Restructuring plan uploaded"),
                "restructuring.apply": _("Restructuring applied"),
                "restructuring.revert": _("Restructuring reverted"),
            }
        )
