from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = _("Party members")

    def ready(self) -> None:
        from dangvu.members.services import register_dissolve_check

        register_dissolve_check()
