from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class DisciplineConfig(AppConfig):
    name = "dangvu.discipline"
    label = "discipline"
    verbose_name = _("Discipline")

    def ready(self) -> None:
        from dangvu.discipline.selectors import decisions_of, ending_between
        from dangvu.members import extensions

        extensions.register_member_section("discipline", decisions_of)
        extensions.register_work_list(
            "discipline_ending", _("Discipline decisions ending"), ending_between, sensitive=True
        )
        labels.register_actions(
            {
                "discipline.record": _("Discipline decision recorded"),
            }
        )
