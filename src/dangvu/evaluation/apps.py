from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class EvaluationConfig(AppConfig):
    name = "dangvu.evaluation"
    label = "evaluation"
    verbose_name = _("Quality ratings")

    def ready(self) -> None:
        labels.register_actions(
            {
                "rating.round": _("Rating round opened or closed"),
                "rating.self": _("Self-assessment recorded"),
                "rating.propose": _("Rating proposed"),
                "rating.decide": _("Rating decided"),
                "rating.reclassify": _("Rating re-classified"),
                "rating.import": _("Rating imported"),
                "rating.delete": _("Imported rating taken back"),
                "rating.group": _("Group of similar role set up"),
            }
        )
