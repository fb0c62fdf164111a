"""The inspection sector's statistical forms as data (issue 27 point 7; DOMAIN-2.md §1.9).

QĐ 885-QĐ/UBKTTW (29/12/2022) has 26 forms whose annex is not public: their numbers, titles and
exact cells are UNCONFIRMED. These forms follow the layouts DOMAIN-2.md §1.9 records from a
system built on the earlier set (report codes KTDV_D30, GSDV/GSTCD, KT_THNVKT, KTDHVPDV/TC,
THKL, GQKNKL) and the national summaries' figures: rows and columns are filters over the facts of
inspection/selectors.py, so that a corrected official layout is a new entry here, not new code.
Each row also shows the same period last year (its first column).
"""

from __future__ import annotations

from dataclasses import dataclass

from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules

NOTE = (
    "Mẫu biểu do dangvu lập theo cách trình bày của hệ thống biểu mẫu thống kê ngành kiểm tra "
    "(QĐ 885-QĐ/UBKTTW); số hiệu và tên biểu chính thức chưa đối chiếu."
)


@dataclass(frozen=True)
class Line:
    number: str
    label: str
    spec: str | None  # None: a heading
    level: int = 0


@dataclass(frozen=True)
class Col:
    label: str
    spec: str


@dataclass(frozen=True)
class StatForm:
    number: str
    title: str
    base: str
    lines: tuple[Line, ...]
    columns: tuple[Col, ...]
    unit: str = "trường hợp"


LEVEL_LINES = (
    Line("1", "Cấp tỉnh", "level=provincial", 1),
    Line("2", "Cấp huyện (đến 30/6/2025)", "level=district", 1),
    Line("3", "Cấp ủy cấp trên trực tiếp cơ sở", "level=commune_superior", 1),
    Line("4", "Đảng ủy cơ sở", "level=grassroots", 1),
    Line("5", "Chi bộ", "level=cell", 1),
)
CONTENT_LINES = tuple(
    Line(str(n), label, f"content={key}", 1)
    for n, (key, label) in enumerate(
        (
            ("democracy", "Nguyên tắc tập trung dân chủ, quy chế làm việc"),
            ("ethics", "Đạo đức, lối sống"),
            ("unity", "Đoàn kết nội bộ"),
            ("prohibitions", "Những điều đảng viên không được làm"),
            ("population", "Dân số – kế hoạch hóa gia đình"),
            ("corruption", "Tham nhũng, cố ý làm trái"),
            ("negligence", "Thiếu trách nhiệm, buông lỏng lãnh đạo"),
            ("land", "Đất đai, tài nguyên, khoáng sản"),
            ("finance", "Tài chính, ngân hàng, đầu tư, xây dựng cơ bản"),
            ("assets", "Kê khai tài sản, thu nhập"),
            ("other", "Khác"),
        ),
        start=1,
    )
)
TOTAL = Line("", "Tổng số", "", 0)


def _check_columns(who: str) -> tuple[Col, ...]:
    """Inspected, of which committee members (members only), concluded violating, required to be
    disciplined, disciplined."""
    columns = [Col("Số được kiểm tra", "event=opened")]
    if who == "member":
        columns.append(Col("Trong đó cấp ủy viên", "event=opened;cm=yes"))
    columns += [
        Col("Kết luận có vi phạm", "event=concluded;violating=yes"),
        Col("Phải thi hành kỷ luật", "event=concluded;required=yes"),
        Col("Đã thi hành kỷ luật", "event=disciplined"),
    ]
    return tuple(columns)


FORMS: tuple[StatForm, ...] = (
    StatForm(
        "01",
        "Kiểm tra đảng viên khi có dấu hiệu vi phạm",
        f"type=case;kind={rules.SIGNS};who=member",
        (
            TOTAL,
            Line("I", "Theo cấp kiểm tra", None),
            *LEVEL_LINES,
            Line("II", "Theo nội dung", None),
            *CONTENT_LINES,
        ),
        _check_columns("member"),
        "đảng viên",
    ),
    StatForm(
        "02",
        "Kiểm tra tổ chức đảng khi có dấu hiệu vi phạm",
        f"type=case;kind={rules.SIGNS};who=org",
        (
            TOTAL,
            Line("I", "Theo cấp kiểm tra", None),
            *LEVEL_LINES,
            Line("II", "Theo nội dung", None),
            *CONTENT_LINES,
        ),
        _check_columns("org"),
        "tổ chức đảng",
    ),
    StatForm(
        "03",
        "Kiểm tra chấp hành, kiểm tra thực hiện nhiệm vụ kiểm tra, tài chính đảng, kê khai tài sản",
        "type=case",
        (
            Line("1", "Kiểm tra chấp hành: tổ chức đảng", f"kind={rules.COMPLIANCE};who=org"),
            Line("", "đảng viên", f"kind={rules.COMPLIANCE};who=member", 1),
            Line(
                "2",
                "Kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật",
                f"kind={rules.DUTY}",
            ),
            Line(
                "3",
                "Kiểm tra tài chính đảng: thu, chi ngân sách, sản xuất kinh doanh",
                f"kind={rules.FINANCE_BUDGET}",
            ),
            Line("", "thu, nộp, quản lý, sử dụng đảng phí", f"kind={rules.FINANCE_DUES}", 1),
            Line("4", "Kiểm tra việc kê khai tài sản, thu nhập", f"kind={rules.ASSETS}"),
        ),
        (
            Col("Số được kiểm tra", "event=opened"),
            Col(
                "Kết luận có vi phạm, khuyết điểm",
                "event=concluded;degree=shortcoming|not_serious|serious|very_serious",
            ),
            Col("Phải thi hành kỷ luật", "event=concluded;required=yes"),
            Col("Đã thi hành kỷ luật", "event=disciplined"),
        ),
    ),
    StatForm(
        "04",
        "Giám sát thường xuyên và giám sát chuyên đề",
        "type=case",
        (
            Line(
                "1",
                "Giám sát chuyên đề: tổ chức đảng",
                f"kind={rules.SUPERVISION_THEMATIC};who=org",
            ),
            Line("", "đảng viên", f"kind={rules.SUPERVISION_THEMATIC};who=member", 1),
            Line(
                "",
                "trong đó cấp ủy viên",
                f"kind={rules.SUPERVISION_THEMATIC};who=member;cm=yes",
                2,
            ),
            Line(
                "2",
                "Giám sát thường xuyên: tổ chức đảng",
                f"kind={rules.SUPERVISION_REGULAR};who=org",
            ),
            Line("", "đảng viên", f"kind={rules.SUPERVISION_REGULAR};who=member", 1),
        ),
        (
            Col("Số được giám sát", "event=opened"),
            Col("Kết luận có vi phạm", "event=concluded;violating=yes"),
            Col("Chuyển kiểm tra khi có dấu hiệu vi phạm", "event=passed"),
        ),
    ),
    StatForm(
        "05",
        "Thi hành kỷ luật sau kiểm tra, giám sát",
        "type=case;event=disciplined",
        (
            Line("1", "Tổ chức đảng", "who=org"),
            Line("", "Khiển trách", f"who=org;form={penalties.REPRIMAND}", 1),
            Line("", "Cảnh cáo", f"who=org;form={penalties.WARNING}", 1),
            Line("", "Giải tán", f"who=org;form={penalties.DISSOLUTION}", 1),
            Line("2", "Đảng viên", "who=member"),
            Line("", "Khiển trách", f"who=member;form={penalties.REPRIMAND}", 1),
            Line("", "Cảnh cáo", f"who=member;form={penalties.WARNING}", 1),
            Line("", "Cách chức", f"who=member;form={penalties.DISMISSAL}", 1),
            Line("", "Khai trừ", f"who=member;form={penalties.EXPULSION}", 1),
        ),
        (Col("Số trường hợp", ""),),
    ),
    StatForm(
        "06",
        "Giải quyết tố cáo",
        "type=denunciation",
        (
            Line("1", "Đơn tố cáo nhận được", "event=received"),
            Line(
                "",
                "Thụ lý giải quyết",
                f"event=received;admissibility={rules.ADMISSIBLE};congress=no",
                1,
            ),
            Line("", "Chuyển cấp ủy khóa mới (trước đại hội)", "event=received;congress=yes", 1),
            Line(
                "",
                "Không giải quyết: nặc danh, mạo danh",
                f"event=received;admissibility={rules.ANONYMOUS}",
                1,
            ),
            Line(
                "",
                "Không giải quyết: tố cáo lại không có tình tiết mới",
                f"event=received;admissibility={rules.REPEATED}",
                1,
            ),
            Line(
                "",
                "Không giải quyết: không có nội dung cụ thể",
                f"event=received;admissibility={rules.NO_CONTENT}",
                1,
            ),
            Line(
                "",
                "Không giải quyết: rút đơn",
                f"event=received;admissibility={rules.WITHDRAWN}",
                1,
            ),
            Line("2", "Đã giải quyết", "event=resolved"),
            Line("", "Tố cáo đúng", "event=resolved;founded=founded", 1),
            Line("", "Tố cáo đúng một phần", "event=resolved;founded=partly", 1),
            Line("", "Tố cáo sai", "event=resolved;founded=unfounded", 1),
        ),
        (
            Col("Tổng số", ""),
            Col("Đối với tổ chức đảng", "who=org"),
            Col("Đối với đảng viên", "who=member"),
        ),
        "đơn",
    ),
    StatForm(
        "07",
        "Giải quyết khiếu nại kỷ luật đảng",
        "type=complaint",
        (
            Line("1", "Khiếu nại nhận được", "event=filed"),
            Line("2", "Đã giải quyết", "event=resolved"),
            Line("", "Giữ nguyên hình thức kỷ luật", f"event=resolved;outcome={rules.UPHELD}", 1),
            Line("", "Tăng hình thức kỷ luật", f"event=resolved;outcome={rules.INCREASED}", 1),
            Line("", "Giảm hình thức kỷ luật", f"event=resolved;outcome={rules.REDUCED}", 1),
            Line("", "Xóa quyết định kỷ luật", f"event=resolved;outcome={rules.ANNULLED}", 1),
        ),
        (
            Col("Tổng số", ""),
            Col("Của tổ chức đảng", "who=org"),
            Col("Của đảng viên", "who=member"),
        ),
        "đơn",
    ),
)
FORM_BY_NUMBER = {f.number: f for f in FORMS}
