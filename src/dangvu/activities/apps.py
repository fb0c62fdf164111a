from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class ActivitiesConfig(AppConfig):
    name = "dangvu.activities"
    label = "activities"
    verbose_name = _("Cell life, political education and dues")

    def ready(self) -> None:
        labels.register_actions(
            {
                "meeting.plan": _("Meeting plan of the year recorded"),
                "meeting.create": _("Cell meeting recorded"),
                "study.document": _("Document to study registered"),
                "study.session": _("Study session recorded"),
                "study.essay": _("Essay recorded"),
                "study.programme": _("Action programme recorded"),
                "study.topic": _("Hồ Chí Minh study topic recorded"),
                "study.commitment": _("Commitment registered"),
                "study.exemplar": _("Exemplary model recorded"),
                "study.reporter": _("Reporter recognised"),
                "dues.basis": _("Dues basis recorded"),
                "dues.relief": _("Dues exemption or reduction recorded"),
                "dues.month": _("Dues of the month assessed"),
                "dues.payment": _("Dues paid"),
                "dues.remittance": _("Dues remitted"),
            }
        )
        from dangvu.activities import selectors, worklists

        worklists.register()
        selectors.register_write_checks()
