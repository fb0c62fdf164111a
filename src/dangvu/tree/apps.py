from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreeConfig(AppConfig):
    """The tree's selectors, services and pages: above the scope (accounts), which stands on the
    tree's tables (orgs)."""

    name = "dangvu.tree"
    label = "tree"
    verbose_name = _("Party organisations")

    def ready(self) -> None:
        from dangvu.accounts.guard import register_write_check
        from dangvu.tree.selectors import written_orgs

        register_write_check("orgs.organisation", written_orgs)
