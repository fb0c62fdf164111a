"""The statutory statistics forms as data (FORMS.md §3.1, the post-2017 "Biểu số N-BTCTW").

A form is rows and columns; a cell names the indicator it prints. A newer official form is a new
entry here, not new code. Two layouts: "compare" (Tiêu chí | Kỳ này | Cùng kỳ năm trước | %)
and "grid" (a row per category, a column per breakdown, each cell an indicator of the row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dangvu.orgs.models import Category
from dangvu.reports.indicators import (
    ADMISSION_PERIODS,
    ORG_COLUMNS,
    REGISTRY,
    Scope,
    compute_all,
)
from dangvu.rules import charter
from dangvu.rules import evaluation as ev
from dangvu.rules import reference as ref


@dataclass(frozen=True)
class Row:
    number: str
    label: str
    code: str | None = None  # None: a heading
    level: int = 0
    compared: bool = True  # False: no "%" against last year (a note, a difference)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    template: str = "{code}"  # the indicator of a row's cell
    share_of: str | None = None  # a percentage: this column's value × 100 / that indicator


@dataclass(frozen=True)
class StatutoryForm:
    number: str
    code: str
    title: str
    layout: str  # compare | grid
    rows: tuple[Row, ...]
    columns: tuple[Column, ...] = ()
    unit: str = "người"
    note: str = ""
    families: tuple[str, ...] = field(default=())


COMPARE_COLUMNS = (
    Column("current", "Kỳ này"),
    Column("previous", "Cùng kỳ năm trước"),
    Column("pct", "% = (2) × 100 / (3)"),
)


def _person_rows(prefix: str, number: str) -> list[Row]:
    """Sections of a form that break a group of people down (forms 2 and 3)."""
    rows: list[Row] = []
    rows.append(Row(f"{number}.1", "Nghề nghiệp", None, 1))
    for code, _label in ref.OCCUPATIONS:
        rows.append(
            Row(
                "",
                REGISTRY[f"{prefix}.occupation.{code}"].label_vi,
                f"{prefix}.occupation.{code}",
                2,
            )
        )
    rows.append(Row(f"{number}.2", "Tuổi đời", None, 1))
    for code, _low, _high in ref.AGE_BANDS:
        rows.append(Row("", REGISTRY[f"{prefix}.age.{code}"].label_vi, f"{prefix}.age.{code}", 2))
    rows.append(Row("", "Tuổi bình quân", f"{prefix}.age.average", 2))
    rows.append(Row(f"{number}.3", "Trình độ giáo dục phổ thông", None, 1))
    for code, _label in ref.GENERAL_EDUCATION:
        rows.append(
            Row(
                "", REGISTRY[f"{prefix}.education.{code}"].label_vi, f"{prefix}.education.{code}", 2
            )
        )
    rows.append(Row(f"{number}.4", "Trình độ chuyên môn, nghiệp vụ", None, 1))
    for code, _label in ref.PROFESSIONAL_LEVELS:
        if code != "none":
            rows.append(
                Row(
                    "",
                    REGISTRY[f"{prefix}.professional.{code}"].label_vi,
                    f"{prefix}.professional.{code}",
                    2,
                )
            )
    rows.append(Row(f"{number}.5", "Chức danh khoa học", None, 1))
    for code, _label in ref.ACADEMIC_TITLES:
        if code != "none":
            rows.append(
                Row("", REGISTRY[f"{prefix}.title.{code}"].label_vi, f"{prefix}.title.{code}", 2)
            )
    return rows


def _ethnic_religion_rows(prefix: str) -> tuple[Row, ...]:
    """Forms 2B and 4: the 54 groups, "Dân tộc khác", "Quốc tịch gốc nước ngoài", the religions."""
    religions = [code for code, _l in ref.RELIGIONS if code != "none"]
    return (
        Row("I", "Dân tộc", None),
        *[
            Row(str(n), name, f"{prefix}.ethnicity.{code}", 1)
            for n, (code, name) in enumerate(ref.ETHNIC_GROUPS, 1)
        ],
        Row("II", "Tôn giáo", None),
        *[
            Row(
                str(n),
                REGISTRY[f"{prefix}.religion.{code}"].label_vi,
                f"{prefix}.religion.{code}",
                1,
            )
            for n, code in enumerate(religions, 1)
        ],
    )


def _ethnic_religion_columns(total: str) -> tuple[Column, ...]:
    return (
        Column("total", "Tổng số"),
        Column("women", "Trong đó nữ", "{code}.women"),
        Column("pct", "Tỷ lệ %", "{code}", share_of=total),
    )


FORM_1 = StatutoryForm(
    "1",
    "1-BTCTW",
    "THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN",
    "compare",
    (
        Row("A", "Tổng số đảng viên cuối kỳ trước chuyển sang", "flow.start"),
        Row("B", "Tăng trong kỳ", "flow.in.total"),
        Row("1", "Kết nạp", "flow.in.admitted", 1),
        Row("", "Trong đó: kết nạp lại", "flow.in.readmitted", 2),
        Row(
            "2",
            "Chuyển đến: a) từ tỉnh ủy và tương đương khác",
            "flow.in.transfer_other_province",
            1,
        ),
        Row("", "b) từ đơn vị khác trong tỉnh", "flow.in.transfer_other_unit", 2),
        Row("3", "Phục hồi đảng tịch", "flow.in.restored", 1),
        Row("C", "Giảm trong kỳ", "flow.out.total"),
        Row("1", "Từ trần", "flow.out.death", 1),
        Row("2", "Khai trừ", "flow.out.expulsion", 1),
        Row("3", "Xóa tên", "flow.out.removal", 1),
        Row("", "Trong đó: đảng viên dự bị", "flow.out.removal_probationary", 2),
        Row("4", "Xin ra khỏi Đảng", "flow.out.resignation", 1),
        Row(
            "5",
            "Chuyển đi: a) đi tỉnh ủy và tương đương khác",
            "flow.out.transfer_other_province",
            1,
        ),
        Row("", "b) đi đơn vị khác trong tỉnh", "flow.out.transfer_other_unit", 2),
        Row("D", "Đảng viên trong danh sách cuối kỳ báo cáo", "flow.end"),
        Row(
            "",
            "Ghi chú: chênh lệch do sắp xếp tổ chức, giấy giới thiệu chưa nộp (D − A − B + C)",
            "flow.adjustment",
            compared=False,
        ),
    ),
    COMPARE_COLUMNS,
    families=("flows",),
)

FORM_2 = StatutoryForm(
    "2",
    "2-BTCTW",
    "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP",
    "compare",
    (
        Row("I", "Tổng số đảng viên mới kết nạp", "admitted.total"),
        Row("", "Trong đó: nữ", "admitted.women", 1),
        Row("", "Dân tộc thiểu số", "admitted.ethnic_minority", 1),
        Row("", "Người có đạo", "admitted.religious", 1),
        Row("", "Kết nạp lại", "admitted.readmitted", 1),
        Row("", "Chỉ tiêu kết nạp trong năm", "admitted.target", 1),
        Row("", "Tỷ lệ so với chỉ tiêu (%)", "admitted.target_pct", 1),
        Row("II", "Phân tích", None),
        *_person_rows("admitted", "II"),
        Row(
            "III",
            "Tổ chức cơ sở đảng có kết nạp đảng viên trong kỳ",
            "admitted.grassroots_admitting",
        ),
    ),
    COMPARE_COLUMNS,
    families=("admitted",),
)

FORM_2B = StatutoryForm(
    "2B",
    "2B-BTCTW",
    "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP THEO DÂN TỘC, TÔN GIÁO",
    "grid",
    _ethnic_religion_rows("admitted"),
    _ethnic_religion_columns("admitted.total"),
    families=("admitted",),
)

FORM_3 = StatutoryForm(
    "3",
    "3-BTCTW",
    "THỐNG KÊ ĐỘI NGŨ ĐẢNG VIÊN",
    "compare",
    (
        Row("I", "Tổng số đảng viên trong danh sách cuối kỳ", "members.total"),
        Row("", "Trong đó: nữ", "members.women", 1),
        Row("", "Đảng viên dự bị", "members.probationary", 1),
        Row("", "Dân tộc thiểu số", "members.ethnic_minority", 1),
        Row("", "Người có đạo", "members.religious", 1),
        Row("", "Được miễn công tác và sinh hoạt đảng", "members.exempted", 1),
        Row("II", "Phân tích", None),
        *_person_rows("members", "II"),
        Row("II.6", "Thời gian vào Đảng", None, 1),
        *[
            Row("", REGISTRY[f"members.admitted.{code}"].label_vi, f"members.admitted.{code}", 2)
            for code, *_r in ADMISSION_PERIODS
        ],
        Row("II.7", "Tuổi đảng", None, 1),
        *[
            Row("", REGISTRY[f"members.seniority.{tier}"].label_vi, f"members.seniority.{tier}", 2)
            for tier in charter.BADGE_TIERS
        ],
        Row("II.8", "Trình độ lý luận chính trị", None, 1),
        *[
            Row("", REGISTRY[f"members.theory.{code}"].label_vi, f"members.theory.{code}", 2)
            for code, _l in ref.THEORY_LEVELS
            if code != "none"
        ],
    ),
    COMPARE_COLUMNS,
    families=("members", "seniority"),
)

FORM_4 = StatutoryForm(
    "4",
    "4-BTCTW",
    "THỐNG KÊ ĐẢNG VIÊN CHIA THEO DÂN TỘC VÀ TRONG CÁC TÔN GIÁO",
    "grid",
    _ethnic_religion_rows("members"),
    _ethnic_religion_columns("members.total"),
    note="Có đến ngày cuối kỳ; tỷ lệ so với tổng số đảng viên trong danh sách.",
    families=("members",),
)


def _category_rows() -> tuple[Row, ...]:
    from dangvu.reports.indicators import vi

    rows = [
        Row(str(n), vi(label), category)
        for n, (category, label) in enumerate([*Category.choices, ("none", "Chưa phân loại")], 1)
    ]
    rows.append(Row("", "Tổng cộng", "all"))
    return tuple(rows)


FORM_5 = StatutoryForm(
    "5",
    "5-BTCTW",
    "THỐNG KÊ TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN TRONG CÁC LOẠI HÌNH CƠ SỞ",
    "grid",
    _category_rows(),
    tuple(Column(key, label, f"orgs.{{code}}.{key}") for key, label, _en in ORG_COLUMNS),
    unit="tổ chức, người",
    families=("orgs",),
)

FORM_6 = StatutoryForm(
    "6",
    "6-BTCTW",
    "THỐNG KÊ KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN",
    "compare",
    (
        Row("I", "Tổ chức đảng được xếp loại", "ratings.orgs.rated"),
        *[
            Row(str(n), ev.LEVEL_NAMES_VI[lv], f"ratings.orgs.{lv}", 1)
            for n, lv in enumerate(ev.LEVELS, 1)
        ],
        Row("", "Tỷ lệ hoàn thành tốt nhiệm vụ trở lên (%)", "ratings.orgs.good_pct", 1),
        Row("", "Trong đó: đảng bộ cơ sở", None, 1),
        *[
            Row("", ev.LEVEL_NAMES_VI[lv], f"ratings.orgs.grassroots_committee.{lv}", 2)
            for lv in ev.LEVELS
        ],
        Row("", "Chi bộ cơ sở", None, 1),
        *[
            Row("", ev.LEVEL_NAMES_VI[lv], f"ratings.orgs.grassroots_cell.{lv}", 2)
            for lv in ev.LEVELS
        ],
        Row("", "Chi bộ trực thuộc", None, 1),
        *[Row("", ev.LEVEL_NAMES_VI[lv], f"ratings.orgs.cell.{lv}", 2) for lv in ev.LEVELS],
        Row("II", "Đảng viên được xếp loại", "ratings.members.rated"),
        *[
            Row(str(n), ev.LEVEL_NAMES_VI[lv], f"ratings.members.{lv}", 1)
            for n, lv in enumerate(ev.LEVELS, 1)
        ],
        Row("", "Tỷ lệ hoàn thành tốt nhiệm vụ trở lên (%)", "ratings.members.good_pct", 1),
        Row("III", "Đảng viên trong danh sách chưa được xếp loại", "ratings.members.unrated"),
    ),
    COMPARE_COLUMNS,
    unit="tổ chức, người",
    note="Năm đánh giá là năm của ngày cuối kỳ; cùng kỳ năm trước là năm liền trước.",
    families=("ratings",),
)

FORM_7 = StatutoryForm(
    "7",
    "7-BTCTW",
    "THỐNG KÊ VỀ NGHIỆP VỤ CÔNG TÁC ĐẢNG VIÊN",
    "compare",
    (
        Row("I", "Khen thưởng", None),
        *[
            Row("", REGISTRY[i.code].label_vi, i.code, 1)
            for i in REGISTRY.values()
            if i.code.startswith(("awards.orgs.", "awards.members."))
        ],
        Row("II", "Tặng Huy hiệu Đảng", "awards.badges.total"),
        *[
            Row("", REGISTRY[f"awards.badges.{tier}"].label_vi, f"awards.badges.{tier}", 1)
            for tier in charter.BADGE_TIERS
        ],
        Row("III", "Chuyển sinh hoạt đảng", None),
        Row("1", "Lượt chuyển sinh hoạt đảng tạm thời: đi", "flow.temporary.out", 1),
        Row("", "đến", "flow.temporary.in", 2),
        Row(
            "2",
            "Chuyển sinh hoạt đảng chính thức: đi",
            "flow.out.transfer_other_province+flow.out.transfer_other_unit",
            1,
        ),
        Row("", "đến", "flow.in.transfer_other_province+flow.in.transfer_other_unit", 2),
    ),
    COMPARE_COLUMNS,
    unit="lượt, người",
    note="Thẻ đảng viên (cấp, cấp lại, đổi) chưa có trong hồ sơ của dangvu; các dòng đó để trống.",
    families=("awards", "flows"),
)

FORMS: dict[str, StatutoryForm] = {
    f.number: f for f in (FORM_1, FORM_2, FORM_2B, FORM_3, FORM_4, FORM_5, FORM_6, FORM_7)
}


def codes_of(spec: str) -> list[str]:
    """A cell may add indicators ("a+b"): each one's records are behind the sum."""
    return spec.split("+")


def value_of(values: dict[str, float], spec: str) -> float:
    return sum(values.get(code, 0) for code in codes_of(spec))


def percent(part: float, whole: float) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class Cell:
    value: float | None
    code: str | None = None  # the indicator(s) behind it, for the drill-down
    previous: bool = False


@dataclass
class Table:
    form: StatutoryForm
    scope: Scope
    header: list[str]
    rows: list[tuple[Row, list[Cell]]]
    values: dict[str, float]
    previous: dict[str, float]


def fill(
    form: StatutoryForm,
    scope: Scope,
    values: dict[str, Any] | None = None,
    previous: dict[str, Any] | None = None,
) -> Table:
    """The form's cells for the scope; `values` / `previous` given: those figures (a stored run)."""
    if values is None:
        values = compute_all(scope, form.families)
    if form.layout == "compare" and previous is None:
        previous = compute_all(scope.previous(), form.families)
    previous = previous or {}
    rows: list[tuple[Row, list[Cell]]] = []
    for row in form.rows:
        cells: list[Cell] = []
        if row.code is None:
            rows.append((row, cells))
            continue
        if form.layout == "compare":
            now, before = value_of(values, row.code), value_of(previous, row.code)
            unit = REGISTRY[codes_of(row.code)[0]].unit
            cells = [
                Cell(now, row.code),
                Cell(before, row.code, previous=True),
                Cell(
                    percent(now, before)
                    if unit not in ("%", "tuổi") and row.compared and now >= 0 and before > 0
                    else None
                ),
            ]
        else:
            for column in form.columns:
                spec = column.template.format(code=row.code)
                if column.share_of:
                    cells.append(
                        Cell(percent(value_of(values, spec), values.get(column.share_of, 0)))
                    )
                else:
                    cells.append(Cell(value_of(values, spec), spec))
        rows.append((row, cells))
    header = ["Chỉ tiêu", *[c.label for c in form.columns]]
    return Table(form, scope, header, rows, values, previous)
