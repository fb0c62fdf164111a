from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_collation(sender: object, connection: object, **kwargs: object) -> None:
    if getattr(connection, "vendor", None) == "sqlite":
        from dangvu.core.text import collation_compare

        connection.connection.create_collation("vi_icu", collation_compare)  # type: ignore[attr-defined]


class CoreConfig(AppConfig):
    name = "dangvu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from dangvu.core import labels

        connection_created.connect(_register_sqlite_collation, dispatch_uid="dangvu-vi-icu")
        labels.register_actions(
            {
                "calendar.set": _("Day of the working calendar recorded"),
                "calendar.unset": _("Day of the working calendar reset to its weekday"),
            }
        )
