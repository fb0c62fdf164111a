"""The columns of each kind of file: the Vietnamese header, its English and accent-free aliases,
how a cell is read, and which columns are written on export. Import and export share them, so an
exported file re-imports as it is (docs/nhap-xuat.md lists them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from dangvu.core.text import search_key
from dangvu.members.models import EventKind
from dangvu.orgs.models import Category, Kind
from dangvu.rules import reference as ref
from dangvu.rules.charter import REMOVAL_GROUNDS

KINDS = ("orgs", "members", "events", "ratings", "org_ratings")
KIND_LABELS = {
    "orgs": _("Party organisations"),
    "members": _("Party members"),
    "events": _("Membership events"),
    "ratings": _("Members' quality ratings"),
    "org_ratings": _("Organisations' quality ratings"),
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese, as written in templates and exports
    aliases: tuple[str, ...] = ()
    type: str = "text"  # text, date, choice, citizen_id, code
    max_length: int | None = None
    choices: list[tuple[str, Any]] | None = None
    choice_aliases: dict[str, str] = field(default_factory=dict)
    sensitive: bool = False
    imported: bool = True  # False: written on export for the reader, ignored on import
    note: str = ""  # Vietnamese, for the template's instructions

    def names(self) -> set[str]:
        return {search_key(n) for n in (self.header, *self.aliases, self.key)}


SEX_ALIASES = {"nam": "M", "nu": "F", "m": "M", "f": "F", "male": "M", "female": "F"}

_KEYS_NOTE = "Số CCCD, số thẻ đảng hoặc số hồ sơ xác định hồ sơ có sẵn."

MEMBER_COLUMNS: list[Column] = [
    Column(
        "citizen_id",
        "Số CCCD",
        ("citizen id", "cccd", "số định danh cá nhân", "so dinh danh"),
        "citizen_id",
        12,
        sensitive=True,
        note="12 chữ số; định dạng cột là văn bản. " + _KEYS_NOTE,
    ),
    Column(
        "card_number",
        "Số thẻ đảng",
        ("party card number", "card number", "thẻ đảng"),
        "code",
        16,
        note="8–12 chữ số.",
    ),
    Column(
        "dossier_number",
        "Số hồ sơ",
        ("dossier number", "số lý lịch", "so ly lich"),
        "code",
        16,
        note="6 chữ số và 1–3 chữ cái, ví dụ 012345NT.",
    ),
    Column(
        "full_name",
        "Họ và tên",
        ("full name", "họ tên", "name"),
        "text",
        200,
        note="Bắt buộc khi thêm mới.",
    ),
    Column(
        "sex",
        "Giới tính",
        ("sex", "gender"),
        "choice",
        choices=ref.SEXES,
        choice_aliases=SEX_ALIASES,
        note="Nam hoặc Nữ.",
    ),
    Column(
        "birth_date",
        "Ngày sinh",
        ("date of birth", "birth date", "sinh ngày"),
        "date",
        note="dd/mm/yyyy.",
    ),
    Column("ethnicity", "Dân tộc", ("ethnicity",), "choice", choices=ref.ETHNIC_GROUPS),
    Column("religion", "Tôn giáo", ("religion",), "choice", choices=ref.RELIGIONS, sensitive=True),
    Column("hometown", "Quê quán", ("home town", "hometown"), "text", 255),
    Column(
        "residence", "Nơi ở hiện nay", ("residence", "nơi ở", "địa chỉ", "address"), "text", 255
    ),
    Column("phone", "Điện thoại", ("phone", "số điện thoại"), "text", 20),
    Column(
        "general_education",
        "Giáo dục phổ thông",
        ("general education", "trình độ học vấn", "văn hóa"),
        "choice",
        choices=ref.GENERAL_EDUCATION,
    ),
    Column(
        "professional_level",
        "Chuyên môn, nghiệp vụ",
        ("professional level", "chuyên môn", "trình độ chuyên môn"),
        "choice",
        choices=ref.PROFESSIONAL_LEVELS,
    ),
    Column("academic_title", "Học hàm", ("academic title",), "choice", choices=ref.ACADEMIC_TITLES),
    Column(
        "theory_level",
        "Lý luận chính trị",
        ("political theory level", "theory level", "trình độ lý luận chính trị"),
        "choice",
        choices=ref.THEORY_LEVELS,
    ),
    Column("occupation", "Nghề nghiệp", ("occupation",), "choice", choices=ref.OCCUPATIONS),
    Column(
        "effective_date",
        "Ngày có hiệu lực",
        ("effective date", "có hiệu lực từ", "ngày thay đổi", "ngay hieu luc"),
        "date",
        note=(
            "Ngày thay đổi tôn giáo, trình độ, lý luận chính trị, nghề nghiệp có hiệu lực; báo cáo "
            "cho ngày trước đó giữ giá trị cũ. Để trống: ngày lưu tệp (hoặc hôm nay)."
        ),
    ),
    Column("health", "Sức khỏe", ("health", "tình trạng sức khỏe"), "text", 255, sensitive=True),
    Column(
        "family", "Hoàn cảnh gia đình", ("family details", "gia đình"), "text", 2000, sensitive=True
    ),
    Column(
        "org",
        "Mã chi bộ",
        ("cell code", "party cell code", "mã tổ chức"),
        "code",
        32,
        note="Mã của chi bộ nơi đảng viên sinh hoạt; bắt buộc khi thêm mới.",
    ),
    Column(
        "org_name",
        "Tên chi bộ",
        ("party cell", "chi bộ"),
        imported=False,
        note="Chỉ để đọc; không dùng khi nhập.",
    ),
    Column(
        "admission_date",
        "Ngày quyết định kết nạp",
        ("date of the admission decision", "admission date", "ngày vào đảng"),
        "date",
        note="Bắt buộc khi thêm mới.",
    ),
    Column("admission_number", "Số quyết định kết nạp", ("admission decision number",), "text", 64),
    Column(
        "admission_issuer",
        "Cơ quan quyết định kết nạp",
        ("admission decision issuer",),
        "text",
        200,
    ),
    Column(
        "ceremony_date",
        "Ngày lễ kết nạp",
        ("date of the admission ceremony", "ceremony date", "ngày kết nạp"),
        "date",
    ),
    Column(
        "official_date",
        "Ngày chính thức",
        ("official date", "date of becoming an official member"),
        "date",
        note="Đúng 12 tháng sau ngày lễ kết nạp.",
    ),
    Column(
        "status",
        "Trạng thái",
        ("status",),
        imported=False,
        note="Chỉ để đọc; trạng thái tính từ các sự kiện.",
    ),
]

EVENT_DETAIL_KEYS = (
    "received_on",
    "exception",
    "until",
    "purpose",
    "ground",
    "explanation",
    "external_from",
    "external_to",
    "vote_date",
)
GROUNDS: list[tuple[str, Any]] = [
    ("age", _("Advanced age")),
    ("health", _("Poor health")),
    *REMOVAL_GROUNDS.items(),
]
GROUND_ALIASES = {"tuổi cao": "age", "sức khỏe": "health", "sức khoẻ yếu": "health"}
PURPOSES: list[tuple[str, Any]] = [
    ("work", _("Work or residence")),
    ("study", _("Full-time study in Vietnam")),
]
PURPOSE_ALIASES = {"công tác": "work", "học tập": "study", "học": "study"}

EVENT_COLUMNS: list[Column] = [
    Column(
        "citizen_id",
        "Số CCCD",
        ("citizen id", "cccd", "số định danh cá nhân"),
        "citizen_id",
        12,
        sensitive=True,
        note=_KEYS_NOTE,
    ),
    Column("card_number", "Số thẻ đảng", ("party card number", "card number"), "code", 16),
    Column("dossier_number", "Số hồ sơ", ("dossier number", "số lý lịch"), "code", 16),
    Column(
        "full_name",
        "Họ và tên",
        ("full name", "họ tên", "name"),
        "text",
        200,
        note="Phải khớp với hồ sơ (kiểm tra nhầm người).",
    ),
    Column(
        "birth_date",
        "Ngày sinh",
        ("date of birth", "birth date"),
        "date",
        note="Cùng họ tên, xác định người không có số CCCD, thẻ đảng, hồ sơ.",
    ),
    Column(
        "kind",
        "Sự kiện",
        ("event", "loại sự kiện", "kind"),
        "choice",
        choices=list(EventKind.choices),
        note="Ví dụ: Kết nạp, Chuyển sinh hoạt đi, Miễn công tác và sinh hoạt đảng.",
    ),
    Column("on", "Ngày hiệu lực", ("effective date", "ngày", "date"), "date"),
    Column(
        "org",
        "Mã chi bộ",
        ("cell code", "party cell code", "mã tổ chức", "organisation code"),
        "code",
        32,
        note="Chi bộ nhận (chuyển đến, phục hồi, kết nạp lại).",
    ),
    Column("decision_number", "Số quyết định", ("decision number",), "text", 64),
    Column("decision_date", "Ngày quyết định", ("decision date",), "date"),
    Column("decision_issuer", "Cơ quan ra quyết định", ("issuing body", "issuer"), "text", 200),
    Column("until", "Đến ngày", ("until", "planned end"), "date"),
    Column(
        "ground",
        "Lý do",
        ("ground",),
        "choice",
        choices=GROUNDS,
        choice_aliases=GROUND_ALIASES,
        note="Miễn sinh hoạt: tuổi cao hoặc sức khỏe; xóa tên: lý do theo quy định.",
    ),
    Column(
        "purpose",
        "Mục đích",
        ("purpose",),
        "choice",
        choices=PURPOSES,
        choice_aliases=PURPOSE_ALIASES,
        note="Chuyển tạm thời: công tác hoặc học tập.",
    ),
    Column("received_on", "Ngày nhận quyết định", ("date the decision was received",), "date"),
    Column("exception", "Ý kiến cấp trên về lễ muộn", ("exception",), "text", 300),
    Column("explanation", "Giải trình", ("explanation",), "text", 300),
    Column("external_from", "Nơi chuyển đến từ", ("coming from",), "text", 300),
    Column("external_to", "Nơi chuyển đi", ("going to",), "text", 300),
    Column("vote_date", "Ngày chi bộ biểu quyết", ("date of the cell's vote",), "date"),
    Column("note", "Ghi chú", ("note", "reason"), "text", 500),
]

ORG_COLUMNS: list[Column] = [
    Column(
        "code",
        "Mã",
        ("code", "mã tổ chức"),
        "code",
        32,
        note="Mã duy nhất; xác định tổ chức có sẵn.",
    ),
    Column("name", "Tên", ("name", "tên tổ chức"), "text", 255),
    Column("kind", "Loại", ("kind", "loại tổ chức"), "choice", choices=list(Kind.choices)),
    Column(
        "category",
        "Loại hình cơ sở",
        ("category", "base-unit category"),
        "choice",
        choices=list(Category.choices),
    ),
    Column("parent", "Mã cấp trên", ("parent", "parent code", "cấp trên"), "code", 32),
    Column("established_on", "Ngày thành lập", ("established on", "date established"), "date"),
    Column("decision_number", "Số quyết định", ("decision number",), "text", 64),
    Column("decision_issuer", "Cơ quan ra quyết định", ("issuing body", "issuer"), "text", 200),
    Column(
        "renamed_on",
        "Ngày đổi tên",
        ("renamed on",),
        "date",
        note="Khi tên khác với tên hiện tại: ngày tên mới có hiệu lực.",
    ),
    Column("dissolved_on", "Ngày giải thể", ("dissolved on",), imported=False, note="Chỉ để đọc."),
]

RATING_COLUMNS: list[Column] = [
    *EVENT_COLUMNS[:4],  # the member's identifiers and name, as in a file of events
    Column("year", "Năm", ("year", "năm xếp loại"), "year", note="Năm được xếp loại, ví dụ 2021."),
    Column(
        "level",
        "Xếp loại",
        ("rating", "mức xếp loại", "kết quả xếp loại"),
        "rating",
        note="HTXSNV, HTTNV, HTNV, KHTNV hoặc tên đầy đủ; tên mức của các năm trước 2018 "
        "(“Đủ tư cách, hoàn thành tốt nhiệm vụ”…) được quy đổi.",
    ),
    Column(
        "deciding_org",
        "Mã cấp quyết định",
        ("deciding organisation", "cấp quyết định"),
        "code",
        32,
        note="Bỏ trống: tổ chức cơ sở đảng của chi bộ đảng viên sinh hoạt.",
    ),
    Column("decision_number", "Số quyết định", ("decision number",), max_length=64),
    Column("decision_date", "Ngày quyết định", ("decision date",), "date"),
    Column(
        "score_general",
        "Điểm tiêu chí chung",
        ("general criteria points",),
        "score",
        note="Từ năm 2025: tối đa 30 điểm, ghi đến một chữ số thập phân (dấu phẩy hoặc dấu chấm).",
    ),
    Column(
        "score_tasks",
        "Điểm kết quả nhiệm vụ",
        ("task results points",),
        "score",
        note="Từ năm 2025: tối đa 70 điểm, ghi đến một chữ số thập phân (dấu phẩy hoặc dấu chấm).",
    ),
]

ORG_RATING_COLUMNS: list[Column] = [
    Column("code", "Mã tổ chức", ("code", "organisation code", "mã"), "code", 32),
    Column(
        "name",
        "Tên tổ chức",
        ("name", "organisation name", "tên"),
        max_length=255,
        note="Đối chiếu với tên đang dùng; không đổi tên.",
    ),
    *(
        c
        for c in RATING_COLUMNS
        if c.key not in ("citizen_id", "card_number", "dossier_number", "full_name", "level")
    ),
    Column(
        "level",
        "Xếp loại",
        ("rating", "mức xếp loại", "kết quả xếp loại"),
        "org_rating",
        note="HTXSNV, HTTNV, HTNV, KHTNV hoặc tên đầy đủ; “Trong sạch, vững mạnh (tiêu biểu)”, "
        "“Yếu kém” của các năm trước 2018 được quy đổi.",
    ),
]

COLUMNS: dict[str, list[Column]] = {
    "orgs": ORG_COLUMNS,
    "members": MEMBER_COLUMNS,
    "events": EVENT_COLUMNS,
    "ratings": RATING_COLUMNS,
    "org_ratings": ORG_RATING_COLUMNS,
}


def header_score(kind: str) -> Any:
    known: set[str] = set().union(*(c.names() for c in COLUMNS[kind]))

    def score(cells: list[str]) -> int:
        return sum(1 for c in cells if c and search_key(c) in known)

    return score


def match_headers(
    kind: str, headers: Iterable[str], mapping: dict[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """{column key: index in the row} for the file's headers, and the headers left unmatched.

    `mapping` ({file header: column key, or "" to ignore}) is the user's choice for headers that
    do not match; it wins over the names."""
    by_name = {n: c.key for c in COLUMNS[kind] for n in c.names()}
    chosen = {search_key(k): v for k, v in (mapping or {}).items()}
    found: dict[str, int] = {}
    unmatched: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = chosen.get(search_key(header), by_name.get(search_key(header)))
        if key and key not in found:
            found[key] = index
        elif key is None:
            unmatched.append(header)
    return found, unmatched


def column(kind: str, key: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.key == key)
