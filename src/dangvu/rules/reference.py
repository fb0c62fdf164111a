"""Reference lists of the member record, as the statistics forms name them (FORMS.md §3.1, §5).

Codes are stable identifiers kept in the database; labels are what users read.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The 54 ethnic groups in the order of the General Statistics Office's list (codes 01–54),
# plus "Dân tộc khác" and "Quốc tịch gốc nước ngoài" (FORMS.md §5, "Ethnicity"). Proper names:
# not translated.
ETHNIC_GROUPS: list[tuple[str, str]] = [
    ("01", "Kinh"),
    ("02", "Tày"),
    ("03", "Thái"),
    ("04", "Hoa"),
    ("05", "Khơ-me"),
    ("06", "Mường"),
    ("07", "Nùng"),
    ("08", "HMông"),
    ("09", "Dao"),
    ("10", "Gia-rai"),
    ("11", "Ngái"),
    ("12", "Ê-đê"),
    ("13", "Ba-na"),
    ("14", "Xơ-đăng"),
    ("15", "Sán Chay"),
    ("16", "Cơ-ho"),
    ("17", "Chăm"),
    ("18", "Sán Dìu"),
    ("19", "Hrê"),
    ("20", "Mnông"),
    ("21", "Ra-glai"),
    ("22", "Xtiêng"),
    ("23", "Bru-Vân Kiều"),
    ("24", "Thổ"),
    ("25", "Giáy"),
    ("26", "Cơ-tu"),
    ("27", "Giẻ-Triêng"),
    ("28", "Mạ"),
    ("29", "Khơ-mú"),
    ("30", "Co"),
    ("31", "Tà-ôi"),
    ("32", "Chơ-ro"),
    ("33", "Kháng"),
    ("34", "Xinh-mun"),
    ("35", "Hà Nhì"),
    ("36", "Chu-ru"),
    ("37", "Lào"),
    ("38", "La Chí"),
    ("39", "La Ha"),
    ("40", "Phù Lá"),
    ("41", "La Hủ"),
    ("42", "Lự"),
    ("43", "Lô Lô"),
    ("44", "Chứt"),
    ("45", "Mảng"),
    ("46", "Pà Thẻn"),
    ("47", "Cờ Lao"),
    ("48", "Cống"),
    ("49", "Bố Y"),
    ("50", "Si La"),
    ("51", "Pu Péo"),
    ("52", "Brâu"),
    ("53", "Ơ Đu"),
    ("54", "Rơ-măm"),
    ("55", "Dân tộc khác"),
    ("56", "Quốc tịch gốc nước ngoài"),
]
KINH = "01"
ETHNIC_LABELS = dict(ETHNIC_GROUPS)

# Religions of the post-2017 forms (FORMS.md §5, "Religions"); "none" is not a religion.
RELIGIONS = [
    ("none", _("None")),
    ("phat_giao", pgettext_lazy("religion", "Buddhism")),
    ("cong_giao", pgettext_lazy("religion", "Catholicism")),
    ("hoa_hao", pgettext_lazy("religion", "Hoa Hao Buddhism")),
    ("cao_dai", pgettext_lazy("religion", "Caodaism")),
    ("tin_lanh", pgettext_lazy("religion", "Protestantism")),
    ("hoi_giao", pgettext_lazy("religion", "Islam")),
    ("khac", pgettext_lazy("religion", "Other religion")),
]

# General education (trình độ giáo dục phổ thông), forms 2 and 3.
GENERAL_EDUCATION = [
    ("doc_viet", _("Literate")),
    ("tieu_hoc", _("Primary")),
    ("thcs", _("Lower secondary")),
    ("thpt", _("Upper secondary")),
]

# Professional level (trình độ chuyên môn nghiệp vụ), counted by the highest diploma.
PROFESSIONAL_LEVELS = [
    ("none", _("None")),
    ("so_cap", _("Technical worker, elementary")),
    ("trung_cap", _("Intermediate")),
    ("cao_dang", _("College")),
    ("dai_hoc", _("University")),
    ("thac_si", _("Master")),
    ("tien_si", _("Doctorate")),
]

ACADEMIC_TITLES = [
    ("none", _("None")),
    ("pgs", _("Associate professor")),
    ("gs", _("Professor")),
]

# Political theory (lý luận chính trị): three levels (FORMS.md §5).
THEORY_LEVELS = [
    ("none", _("None")),
    ("so_cap", pgettext_lazy("theory", "Elementary")),
    ("trung_cap", pgettext_lazy("theory", "Intermediate")),
    ("cao_cap", pgettext_lazy("theory", "Advanced, bachelor")),
]

# Occupation groups of forms 2 and 3 (FORMS.md §3.1), plus the retired of form 3 II.1.b.
OCCUPATIONS = [
    ("state_official", _("State official, district level and above")),
    ("party_official", _("Party, Front or mass-organisation official, district level and above")),
    ("commune_official", _("Commune official or part-time commune worker")),
    ("village_worker", _("Part-time worker of a village or residential group")),
    ("public_employee", _("Employee of a public service unit")),
    ("nonpublic_employee", _("Worker of a non-public service unit")),
    ("enterprise_manager", _("Enterprise: leader or manager")),
    ("enterprise_staff", _("Enterprise: indirect staff")),
    ("enterprise_worker", _("Enterprise: direct worker")),
    ("agriculture", _("Agriculture, forestry, fishery")),
    ("armed_forces", _("Officer or soldier of the army or police")),
    ("student", _("University or college student")),
    ("pupil", _("Pupil")),
    ("other", _("Other occupation")),
    ("retired", _("Retired or no longer working")),
]

SEXES = [("M", _("Male")), ("F", _("Female"))]

# Age bands of forms 2 and 3 (FORMS.md §3.1): 18–30, 31–35, …, 56–60, over 60.
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("18_30", 0, 30),
    ("31_35", 31, 35),
    ("36_40", 36, 40),
    ("41_45", 41, 45),
    ("46_50", 46, 50),
    ("51_55", 51, 55),
    ("56_60", 56, 60),
    ("over_60", 61, None),
]
AGE_BAND_LABELS = {
    "18_30": _("18–30"),
    "31_35": _("31–35"),
    "36_40": _("36–40"),
    "41_45": _("41–45"),
    "46_50": _("46–50"),
    "51_55": _("51–55"),
    "56_60": _("56–60"),
    "over_60": _("over 60"),
}


_CODES: dict[int, tuple[list[tuple[str, object]], frozenset[str]]] = {}


def codes(choices: list[tuple[str, object]]) -> frozenset[str]:
    """The codes of a list of choices (remembered: the lists are the constants above)."""
    known = _CODES.get(id(choices))
    if known is None or known[0] is not choices:
        known = _CODES[id(choices)] = (choices, frozenset(code for code, _label in choices))
    return known[1]
