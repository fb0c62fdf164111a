"""The annual and term reviews of party-building work as DOCX (docxtpl), with charts
(matplotlib) and an XLSX annex of every table. Figures first, document second: a report run
stores the figures, and the document is always written from stored figures."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.conf import settings

from dangvu.core.numbers import vn_number
from dangvu.recruitment.selectors import funnel
from dangvu.reports.heading import heading_of
from dangvu.reports.indicators import REGISTRY, Scope, compute_all, target_of
from dangvu.reports.statutory_forms import FORMS, fill, percent
from dangvu.rules import evaluation as ev

TEMPLATE_DIR = Path(__file__).resolve().parent / "docx"
GOOD_TARGET = 90  # % rated HTTNV or better, Nghị quyết 21-NQ/TW (DOMAIN.md §1.6)
SERIES_YEARS = 6


def template_path(name: str) -> Path:
    """The province's own template when it put one in DATA_DIR/report-templates/, else ours."""
    own = Path(settings.DATA_DIR) / "report-templates" / f"{name}.docx"
    return own if own.exists() else TEMPLATE_DIR / f"{name}.docx"


# ---------------------------------------------------------------------------------------------
# Figures


def annual_figures(org: Any, year: int) -> dict[str, Any]:
    scope = Scope.year(org, year)
    series = {}
    for y in range(year - SERIES_YEARS + 1, year + 1):
        s = Scope.year(org, y)
        values = compute_all(s, ("members", "admitted"))
        series[str(y)] = {
            "members": values["members.total"],
            "admitted": values["admitted.total"],
            "target": values["admitted.target"],
        }
    return {
        "kind": "annual",
        "current": compute_all(scope),
        "previous": compute_all(scope.previous()),
        "series": series,
        "next_target": target_of(org, year + 1) or 0,
        # The candidates' files of the year (recruitment.selectors.funnel).
        "pipeline": funnel(org, scope.start, scope.end)["counts"],
    }


def term_figures(org: Any, first: int, last: int) -> dict[str, Any]:
    years = {}
    for y in range(first, last + 1):
        values = compute_all(Scope.year(org, y), ("members", "admitted", "ratings"))
        years[str(y)] = {
            k: values[k]
            for k in (
                "members.total",
                "admitted.total",
                "admitted.target",
                "admitted.target_pct",
                "ratings.members.good_pct",
                "ratings.orgs.good_pct",
                *[f"ratings.members.{lv}" for lv in ev.LEVELS],
                *[f"ratings.orgs.{lv}" for lv in ev.LEVELS],
            )
        }
    whole = Scope(org, dt.date(first, 1, 1), dt.date(last, 12, 31))
    return {
        "kind": "term",
        "current": compute_all(whole),
        "start": compute_all(Scope.year(org, first - 1), ("members", "orgs")),
        "years": years,
    }


# ---------------------------------------------------------------------------------------------
# Wording


def change(now: float, before: float) -> str:
    diff = now - before
    if not before:
        return ""
    if diff == 0:
        return " (bằng cùng kỳ năm trước)"
    word = "tăng" if diff > 0 else "giảm"
    return f" ({word} {vn_number(abs(diff))} so với cùng kỳ năm trước, {vn_number(percent(now, before))} %)"


def share(part: float, whole: float) -> str:
    p = percent(part, whole)
    return f"{vn_number(part)} ({vn_number(p)} %)" if p is not None else vn_number(part)


def pipeline_paragraph(counts: dict[str, int] | None) -> list[str]:
    """The year's candidates' files, when dangvu kept them (a review of an earlier year, or of a run
    made before, says nothing of them)."""
    if not counts or not counts.get("introduced"):
        return []
    return [
        f"Các đoàn thể giới thiệu {vn_number(counts['introduced'])} quần chúng ưu tú; cấp ủy công "
        f"nhận {vn_number(counts['recognised'])} đối tượng kết nạp; "
        f"{vn_number(counts['certified'])} người được cấp giấy chứng nhận học lớp bồi dưỡng nhận "
        f"thức về Đảng; chi bộ ra {vn_number(counts['cell_resolutions'])} nghị quyết đề nghị kết "
        f"nạp; cuối năm còn {vn_number(counts['verifying'])} hồ sơ đang thẩm tra lý lịch. Công nhận "
        f"đảng viên chính thức {vn_number(counts['recognised_official'])} đồng chí; xóa tên "
        f"{vn_number(counts['struck_off'])} đảng viên dự bị."
    ]


def annual_sections(figures: dict[str, Any], year: int) -> list[dict[str, Any]]:
    c, p = figures["current"], figures["previous"]
    total = c["members.total"]
    sections = [
        {
            "key": "to-chuc",
            "title": "I. CÔNG TÁC XÂY DỰNG TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN",
            "paragraphs": [
                f"Đến ngày 31/12/{year}, toàn đảng bộ có {vn_number(c['orgs.all.grassroots'])} tổ chức cơ "
                f"sở đảng ({vn_number(c['orgs.all.committee'])} đảng bộ cơ sở, {vn_number(c['orgs.all.cell'])} chi "
                f"bộ cơ sở), {vn_number(c['orgs.all.sub_committee'])} đảng bộ bộ phận và "
                f"{vn_number(c['orgs.all.cell_under'])} chi bộ trực thuộc.",
                f"Tổng số đảng viên trong danh sách là {vn_number(total)}"
                f"{change(total, p['members.total'])}; trong đó đảng viên chính thức "
                f"{share(c['members.official'], total)}, dự bị {share(c['members.probationary'], total)}, "
                f"nữ {share(c['members.women'], total)}, dân tộc thiểu số "
                f"{share(c['members.ethnic_minority'], total)}, người có đạo "
                f"{share(c['members.religious'], total)}. Tuổi bình quân {vn_number(c['members.age.average'])}.",
                f"Trong năm, đảng viên giảm {vn_number(c['flow.out.total'])}: từ trần {vn_number(c['flow.out.death'])}, "
                f"khai trừ {vn_number(c['flow.out.expulsion'])}, xóa tên {vn_number(c['flow.out.removal'])}, xin ra "
                f"khỏi Đảng {vn_number(c['flow.out.resignation'])}, chuyển đi "
                f"{vn_number(c['flow.out.transfer_other_province'] + c['flow.out.transfer_other_unit'])}; "
                f"tăng {vn_number(c['flow.in.total'])}: kết nạp {vn_number(c['flow.in.admitted'])}, chuyển đến "
                f"{vn_number(c['flow.in.transfer_other_province'] + c['flow.in.transfer_other_unit'])}, phục "
                f"hồi đảng tịch {vn_number(c['flow.in.restored'])}.",
            ],
            "chart": "members",
        },
        {
            "key": "phat-trien",
            "title": "II. CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN",
            "paragraphs": [
                f"Kết nạp {vn_number(c['admitted.total'])} đảng viên"
                + (
                    f", đạt {vn_number(c['admitted.target_pct'])} % chỉ tiêu ({vn_number(c['admitted.target'])})"
                    if c["admitted.target"]
                    else ""  # no target set for the year: the review says nothing of it
                )
                + f"{change(c['admitted.total'], p['admitted.total'])}; trong đó nữ "
                f"{share(c['admitted.women'], c['admitted.total'])}, dân tộc thiểu số "
                f"{share(c['admitted.ethnic_minority'], c['admitted.total'])}, tuổi 18–30 "
                f"{share(c['admitted.age.18_30'], c['admitted.total'])}, kết nạp lại "
                f"{vn_number(c['admitted.readmitted'])}. Tuổi bình quân khi kết nạp "
                f"{vn_number(c['admitted.age.average'])}. Có {vn_number(c['admitted.grassroots_admitting'])} tổ "
                f"chức cơ sở đảng kết nạp được đảng viên.",
                *pipeline_paragraph(figures.get("pipeline")),
            ],
            "chart": "admitted",
        },
        {
            "key": "danh-gia",
            "title": "III. KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
            "paragraphs": [
                f"Tổ chức đảng: {vn_number(c['ratings.orgs.rated'])} được xếp loại; hoàn thành xuất sắc "
                f"nhiệm vụ {share(c['ratings.orgs.HTXSNV'], c['ratings.orgs.rated'])}, hoàn thành "
                f"tốt {share(c['ratings.orgs.HTTNV'], c['ratings.orgs.rated'])}, hoàn thành "
                f"{share(c['ratings.orgs.HTNV'], c['ratings.orgs.rated'])}, không hoàn thành "
                f"{share(c['ratings.orgs.KHTNV'], c['ratings.orgs.rated'])}. Tỷ lệ hoàn thành tốt "
                f"nhiệm vụ trở lên {vn_number(c['ratings.orgs.good_pct'])} % (mục tiêu trên {GOOD_TARGET} %).",
                f"Đảng viên: {vn_number(c['ratings.members.rated'])} được xếp loại; hoàn thành xuất sắc "
                f"nhiệm vụ {share(c['ratings.members.HTXSNV'], c['ratings.members.rated'])}, hoàn "
                f"thành tốt {share(c['ratings.members.HTTNV'], c['ratings.members.rated'])}, hoàn "
                f"thành {share(c['ratings.members.HTNV'], c['ratings.members.rated'])}, không hoàn "
                f"thành {share(c['ratings.members.KHTNV'], c['ratings.members.rated'])}. Tỷ lệ hoàn "
                f"thành tốt nhiệm vụ trở lên {vn_number(c['ratings.members.good_pct'])} %"
                + (
                    f" (năm trước {vn_number(p['ratings.members.good_pct'])} %)."
                    if p["ratings.members.rated"]
                    else "."
                ),
            ],
            "chart": "ratings",
        },
        {
            "key": "khen-thuong",
            "title": "IV. KHEN THƯỞNG, TẶNG HUY HIỆU ĐẢNG",
            "paragraphs": [
                "Khen thưởng: "
                + ", ".join(
                    f"{REGISTRY[k].label_vi.lower()} {vn_number(c[k])}"
                    for k in REGISTRY
                    if k.startswith(("awards.orgs.", "awards.members.")) and c.get(k)
                )
                + "."
                if any(
                    c.get(k) for k in REGISTRY if k.startswith(("awards.orgs.", "awards.members."))
                )
                else "Trong năm không có quyết định khen thưởng được ghi nhận.",
                f"Tặng Huy hiệu Đảng cho {vn_number(c['awards.badges.total'])} đảng viên"
                + (
                    ": "
                    + ", ".join(
                        f"{vn_number(c[f'awards.badges.{t}'])} huy hiệu {t} năm"
                        for t in (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
                        if c.get(f"awards.badges.{t}")
                    )
                    if c["awards.badges.total"]
                    else ""
                )
                + ".",
            ],
            "chart": "",
        },
        {
            "key": "phuong-huong",
            "title": f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}",
            "paragraphs": [
                f"Phấn đấu tỷ lệ tổ chức cơ sở đảng và đảng viên hoàn thành tốt nhiệm vụ trở lên "
                f"đạt trên {GOOD_TARGET} %; kết nạp "
                + (
                    f"{vn_number(figures['next_target'])} đảng viên mới theo chỉ tiêu được giao."
                    if figures.get("next_target")
                    else "đảng viên mới bằng 3–4 % tổng số đảng viên (Nghị quyết 21-NQ/TW)."
                ),
            ],
            "chart": "",
        },
    ]
    return sections


MAIN_ROWS = [
    ("orgs.all.grassroots", None),
    ("members.total", None),
    ("members.women", None),
    ("members.ethnic_minority", None),
    ("admitted.total", "admitted.target"),
    ("flow.out.total", None),
    ("ratings.orgs.good_pct", GOOD_TARGET),
    ("ratings.members.good_pct", GOOD_TARGET),
    ("awards.badges.total", None),
]


def annual_table(figures: dict[str, Any]) -> list[dict[str, str]]:
    c, p = figures["current"], figures["previous"]
    rows = []
    for code, target in MAIN_ROWS:
        unit = REGISTRY[code].unit
        if isinstance(target, str):  # a figure of the year (the admission target), if set
            target_text = vn_number(c[target]) if c.get(target) else ""
        else:
            target_text = f"> {target} %" if target else ""
        rows.append(
            {
                "code": code,
                "label": REGISTRY[code].label_vi + (" (%)" if unit == "%" else ""),
                "current": vn_number(c[code]),
                "previous": vn_number(p[code]),
                "pct": "" if unit == "%" else vn_number(percent(c[code], p[code])),
                "target": target_text,
            }
        )
    return rows


def term_sections(figures: dict[str, Any], first: int, last: int) -> list[dict[str, Any]]:
    c, s, years = figures["current"], figures["start"], figures["years"]
    admitted = sum(v["admitted.total"] for v in years.values())
    targets = sum(v["admitted.target"] for v in years.values())
    end_members = years[str(last)]["members.total"]
    return [
        {
            "key": "to-chuc",
            "title": "I. TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN QUA NHIỆM KỲ",
            "paragraphs": [
                f"Đầu nhiệm kỳ (31/12/{first - 1}) toàn đảng bộ có {vn_number(s['members.total'])} đảng viên "
                f"và {vn_number(s['orgs.all.grassroots'])} tổ chức cơ sở đảng; đến 31/12/{last} có "
                f"{vn_number(end_members)} đảng viên ({'tăng' if end_members >= s['members.total'] else 'giảm'} "
                f"{vn_number(abs(end_members - s['members.total']))}) và {vn_number(c['orgs.all.grassroots'])} tổ chức "
                f"cơ sở đảng.",
                f"Trong nhiệm kỳ, đảng viên giảm {vn_number(c['flow.out.total'])} (từ trần "
                f"{vn_number(c['flow.out.death'])}, khai trừ {vn_number(c['flow.out.expulsion'])}, xóa tên "
                f"{vn_number(c['flow.out.removal'])}, xin ra khỏi Đảng {vn_number(c['flow.out.resignation'])}).",
            ],
            "chart": "members",
        },
        {
            "key": "phat-trien",
            "title": "II. PHÁT TRIỂN ĐẢNG VIÊN",
            "paragraphs": [
                f"Cả nhiệm kỳ kết nạp {vn_number(admitted)} đảng viên"
                + (
                    f", đạt {vn_number(percent(admitted, targets))} % tổng chỉ tiêu ({vn_number(targets)})"
                    if targets
                    else ""
                )
                + f"; trong đó nữ {share(c['admitted.women'], c['admitted.total'])}, dân tộc thiểu số "
                f"{share(c['admitted.ethnic_minority'], c['admitted.total'])}, tuổi 18–30 "
                f"{share(c['admitted.age.18_30'], c['admitted.total'])}."
            ],
            "chart": "admitted",
        },
        {
            "key": "danh-gia",
            "title": "III. ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG HẰNG NĂM",
            "paragraphs": [
                "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên qua các năm: "
                + "; ".join(
                    f"{y}: {vn_number(v['ratings.members.good_pct'])} %" for y, v in years.items()
                )
                + ". Tỷ lệ tổ chức đảng: "
                + "; ".join(
                    f"{y}: {vn_number(v['ratings.orgs.good_pct'])} %" for y, v in years.items()
                )
                + f" (mục tiêu trên {GOOD_TARGET} %)."
            ],
            "chart": "ratings",
        },
        {
            "key": "khen-thuong",
            "title": "IV. KHEN THƯỞNG, TẶNG HUY HIỆU ĐẢNG",
            "paragraphs": [
                f"Trong nhiệm kỳ đã tặng {vn_number(c['awards.badges.total'])} Huy hiệu Đảng; bằng khen cho "
                f"{vn_number(c.get('awards.orgs.bang_khen', 0))} tổ chức đảng và "
                f"{vn_number(c.get('awards.members.bang_khen', 0))} đảng viên, giấy khen cho "
                f"{vn_number(c.get('awards.orgs.giay_khen', 0))} tổ chức đảng và "
                f"{vn_number(c.get('awards.members.giay_khen', 0))} đảng viên."
            ],
            "chart": "",
        },
    ]


def term_table(figures: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "year": y,
            "members": vn_number(v["members.total"]),
            "admitted": vn_number(v["admitted.total"]),
            "target": vn_number(v["admitted.target"]) if v["admitted.target"] else "",
            "target_pct": vn_number(v["admitted.target_pct"]) if v["admitted.target"] else "",
            "members_good": vn_number(v["ratings.members.good_pct"]),
            "orgs_good": vn_number(v["ratings.orgs.good_pct"]),
        }
        for y, v in figures["years"].items()
    ]


# ---------------------------------------------------------------------------------------------
# Charts


def _chart(kind: str, figures: dict[str, Any]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.0), dpi=150)
    try:
        if figures["kind"] == "annual":
            series = figures["series"]
        else:
            series = {
                y: {
                    "members": v["members.total"],
                    "admitted": v["admitted.total"],
                    "target": v["admitted.target"],
                }
                for y, v in figures["years"].items()
            }
        years = list(series)
        if kind == "members":
            ax.plot(years, [series[y]["members"] for y in years], marker="o", color="#b71c1c")
            ax.set_title("Đảng viên trong danh sách cuối năm")
        elif kind == "admitted":
            xs = range(len(years))
            ax.bar(
                [x - 0.2 for x in xs],
                [series[y]["admitted"] for y in years],
                0.4,
                label="Kết nạp",
                color="#b71c1c",
            )
            ax.bar(
                [x + 0.2 for x in xs],
                [series[y]["target"] for y in years],
                0.4,
                label="Chỉ tiêu",
                color="#9e9e9e",
            )
            ax.set_xticks(list(xs), years)
            ax.legend(frameon=False)
            ax.set_title("Kết nạp đảng viên so với chỉ tiêu")
        else:
            if figures["kind"] == "annual":
                c = figures["current"]
                counts = [c[f"ratings.members.{lv}"] for lv in ev.LEVELS]
                ax.bar(list(ev.LEVELS), counts, color=["#1b5e20", "#2e7d32", "#f9a825", "#b71c1c"])
                ax.set_title("Xếp loại chất lượng đảng viên")
            else:
                ax.plot(
                    years,
                    [figures["years"][y]["ratings.members.good_pct"] for y in years],
                    marker="o",
                    label="Đảng viên",
                )
                ax.plot(
                    years,
                    [figures["years"][y]["ratings.orgs.good_pct"] for y in years],
                    marker="s",
                    label="Tổ chức đảng",
                )
                ax.axhline(
                    GOOD_TARGET, color="#9e9e9e", linestyle="--", label=f"Mục tiêu {GOOD_TARGET} %"
                )
                ax.legend(frameon=False)
                ax.set_title("Tỷ lệ hoàn thành tốt nhiệm vụ trở lên (%)")
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------------------------------
# Documents


def render(
    kind: str,
    org: Any,
    start: dt.date,
    end: dt.date,
    figures: dict[str, Any],
    *,
    number: str = "",
    draft: bool = False,
    on: dt.date | None = None,
) -> bytes:
    """The review as DOCX from stored figures."""
    from docx.shared import Cm
    from docxtpl import DocxTemplate, InlineImage

    heading = heading_of(org, end)
    document = DocxTemplate(str(template_path(kind)))
    if kind == "annual":
        sections = annual_sections(figures, end.year)
        table = annual_table(figures)
    else:
        sections = term_sections(figures, start.year, end.year)
        table = term_table(figures)
    for section in sections:
        chart = section["chart"]
        section["chart"] = (
            InlineImage(document, io.BytesIO(_chart(chart, figures)), width=Cm(15)) if chart else ""
        )
    context = {
        "h": heading,
        "number_line": heading.number(number),
        "place_date": heading.place_date(on or dt.date.today()),
        "draft_mark": "DỰ THẢO" if draft else "",
        "year": end.year,
        "first_year": start.year,
        "last_year": end.year,
        "sections": sections,
        "table": table,
        "recipients": (
            ["Ban Tổ chức Trung ương", "Văn phòng Trung ương Đảng"]
            if heading.code == "TU"
            else ["Cấp ủy cấp trên trực tiếp"]
        )
        + ["Các đồng chí cấp ủy viên"],
        "signer_title": "BÍ THƯ"
        if heading.issuer in ("TỈNH ỦY", "HUYỆN ỦY", "ĐẢNG ỦY", "CHI BỘ")
        else "",
        "signer_name": "",
    }
    document.render(context)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def annex(kind: str, org: Any, start: dt.date, end: dt.date, figures: dict[str, Any]) -> bytes:
    """Every table of the review in one workbook: the main table, the year series, and the
    statistics forms the figures fill."""
    import xlsxwriter

    from dangvu.reports.xlsx import write_form

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_name": "Times New Roman", "border": 1})
    cell = book.add_format({"font_name": "Times New Roman", "border": 1})
    sheet = book.add_worksheet("Bảng chỉ tiêu")
    if kind == "annual":
        headers = [
            "Chỉ tiêu",
            f"Năm {end.year}",
            f"Năm {end.year - 1}",
            "So sánh (%)",
            "Chỉ tiêu, mục tiêu",
        ]
        rows = [
            [r["label"], r["current"], r["previous"], r["pct"], r["target"]]
            for r in annual_table(figures)
        ]
    else:
        headers = [
            "Năm",
            "Đảng viên cuối năm",
            "Kết nạp",
            "Chỉ tiêu",
            "% chỉ tiêu",
            "ĐV HTTNV trở lên (%)",
            "TCĐ HTTNV trở lên (%)",
        ]
        rows = [list(r.values()) for r in term_table(figures)]
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, len(headers), 16)
    sheet.write_row(0, 0, headers, bold)
    for r, row in enumerate(rows, 1):
        sheet.write_row(r, 0, row, cell)
    if kind == "annual":
        scope = Scope.year(org, end.year)
        for number in ("1", "2", "3", "4", "5", "6", "7"):
            table = fill(FORMS[number], scope, figures["current"], figures["previous"])
            write_form(book, table)
    book.close()
    return out.getvalue()
