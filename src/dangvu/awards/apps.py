from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class AwardsConfig(AppConfig):
    name = "dangvu.awards"
    label = "awards"
    verbose_name = _("Commendations and party badges")

    def ready(self) -> None:
        labels.register_actions(
            {
                "badge.award": _("Party badge awarded"),
                "commendation.record": _("Commendation recorded"),
            }
        )
