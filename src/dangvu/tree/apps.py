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
        from dangvu.core.labels import register_value_labels
        from dangvu.tree.selectors import org_name, written_orgs

        register_write_check("orgs.organisation", written_orgs)
        # An organisation's superior in its history: by name, not by id.
        register_value_labels("parent", org_name)
        register_value_labels("parent_id", org_name)
