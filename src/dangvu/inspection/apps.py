from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class InspectionConfig(AppConfig):
    name = "dangvu.inspection"
    label = "inspection"
    verbose_name = _("Inspection and supervision")

    def ready(self) -> None:
        labels.register_actions(
            {
                "inspection.programme": _("Inspection programme recorded"),
                "inspection.item": _("Item of an inspection programme recorded"),
                "inspection.case": _("Inspection case opened"),
                "inspection.step": _("Step of an inspection case recorded"),
                "inspection.conclusion": _("Inspection case concluded"),
                "inspection.access": _("Person named on an inspection case"),
                "inspection.denunciation": _("Denunciation received"),
                "inspection.denunciation_outcome": _("Denunciation resolved"),
                "inspection.complaint": _("Complaint against discipline received"),
                "inspection.complaint_outcome": _("Complaint against discipline resolved"),
                "inspection.notice": _("State body's notice on a member recorded"),
            }
        )
        from dangvu.inspection import access

        access.register_write_checks()
