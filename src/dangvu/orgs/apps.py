from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class OrgsConfig(AppConfig):
    name = "dangvu.orgs"
    label = "orgs"
    verbose_name = _("Party organisations")

    def ready(self) -> None:
        labels.register_actions(
            {
                "org.change_kind": _("Kind changed"),
                "org.delete": _("Imported organisation taken back"),
                "org.create": _("Established"),
                "org.rename": _("Renamed"),
                "org.move": _("Moved under another organisation"),
                "org.dissolve": _("Dissolved"),
            }
        )
        labels.register_field_models("orgs.Organisation")
