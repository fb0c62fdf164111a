"""The congress's documents in the Party's format (DOCX, reports.lists): the vote-count minutes
(biên bản kiểm phiếu), the congress's result report, and the list of the new committee with its
composition table (DOMAIN.md §8, §9). Every figure is read from the records: the count as
entered, the composition as congress.selectors computes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from dangvu.congress.models import Congress, Election, Seat, Term
from dangvu.congress.selectors import Composition, composition_of, directive_of
from dangvu.core.dates import today
from dangvu.core.numbers import vn_number
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.reports.lists import as_bytes, centred, grid, party_document, signature
from dangvu.rules import congress as rules
from dangvu.rules import organisation as org_rules
from dangvu.rules.reference import ETHNIC_LABELS
from dangvu.tree.selectors import names_on

BODY_LABELS = {
    rules.EXECUTIVE: "Ban Chấp hành",
    rules.STANDING: "Ban Thường vụ",
    rules.SECRETARY: "Bí thư",
    rules.DEPUTY: "Phó Bí thư",
    rules.INSPECTION: "Ủy ban Kiểm tra",
    rules.INSPECTION_CHAIR: "Chủ nhiệm Ủy ban Kiểm tra",
    rules.DELEGATE: "Đại biểu dự đại hội cấp trên",
}
HOW_LABELS = {
    rules.AT_CONGRESS: "Bầu tại đại hội",
    rules.AT_PLENUM: "Bầu tại hội nghị",
    rules.APPOINTED: "Chỉ định",
    rules.BY_ELECTION: "Bầu bổ sung",
}
KIND_LABELS = {
    rules.MEMBER_CONGRESS: "Đại hội đảng viên",
    rules.DELEGATE_CONGRESS: "Đại hội đại biểu",
}
DEDUCTION_LABELS = {
    "temporary_elsewhere": "đảng viên sinh hoạt tạm thời ở đảng bộ khác",
    "exempt_absent": "đảng viên được miễn sinh hoạt không có mặt",
    "suspended": "đảng viên bị đình chỉ sinh hoạt đảng",
    "prosecuted": "đảng viên bị khởi tố, truy tố, tạm giam",
    "absent_with_reason": "đảng viên vắng mặt suốt thời gian đại hội có lý do",
    "convening_absent": "ủy viên cấp ủy triệu tập vắng mặt",
    "absent_no_alternate": "đại biểu vắng mặt suốt thời gian đại hội không có dự khuyết",
}
CONTENT_LABELS = {
    rules.REVIEW: "Tổng kết nhiệm kỳ, xác định phương hướng nhiệm kỳ tới",
    rules.DRAFTS: "Thảo luận, góp ý dự thảo văn kiện của cấp trên",
    rules.ELECT_COMMITTEE: "Bầu cấp ủy",
    rules.ELECT_DELEGATES: "Bầu đại biểu dự đại hội cấp trên",
}


def _cell(org: Organisation) -> bool:
    return org.kind in org_rules.MEMBER_HOLDING_KINDS


def _body(org: Organisation, body: str) -> str:
    """A cell's executive is its chi ủy (Điều lệ Điều 24)."""
    return "Chi ủy" if body == rules.EXECUTIVE and _cell(org) else BODY_LABELS[body]


def _signer(org: Organisation) -> str:
    return "T/M CHI BỘ" if _cell(org) else "T/M BAN CHẤP HÀNH"


def _d(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _roman(n: int | None) -> str:
    if not n:
        return ""
    values = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in values:
        while n >= v:
            out, n = out + s, n - v
    return out


def congress_heading(org: Organisation, on: dt.date, congress: Congress | None) -> dict[str, str]:
    """A congress's documents: the organisation on the first line, the congress below (§9.1)."""
    name = names_on([org.pk], on).get(org.pk, org.name)
    number = f" LẦN THỨ {_roman(congress.number)}" if congress and congress.number else ""
    kind = (
        "ĐẠI HỘI ĐẠI BIỂU" if congress and congress.kind == rules.DELEGATE_CONGRESS else "ĐẠI HỘI"
    )
    return {"superior": name.upper(), "issuer": f"{kind}{number}"}


def _pct(part: int, whole: int) -> str:
    return f"{vn_number(round(100 * part / whole, 2))} %" if whole else ""


def minutes(election: Election) -> bytes:
    """Biên bản kiểm phiếu of one round: the ballots, each candidate's votes against the base,
    who is elected, who is tied for the congress to decide."""
    org = election.org
    congress = election.congress
    head = (
        congress_heading(org, election.held_on, congress)
        if congress
        else {"superior": "", "issuer": ""}
    )
    doc = party_document(org, election.held_on, landscape=False, **head)
    centred(doc, "BIÊN BẢN KIỂM PHIẾU", bold=True, size=14)
    centred(
        doc,
        f"Bầu {_body(org, election.body)} nhiệm kỳ {election.term.first_year}–"
        f"{election.term.last_year}"
        + (f" (lần bầu thứ {election.round})" if election.round > 1 else ""),
        bold=True,
    )
    base = rules.base_of(election.base_kind, election.convened, election.deductions)
    who = "đại biểu" if election.base_kind == rules.DELEGATE_CONGRESS else "đảng viên chính thức"
    lines = [
        f"Hôm nay, ngày {election.held_on.day:02d} tháng {election.held_on.month:02d} năm "
        f"{election.held_on.year}, Ban Kiểm phiếu đã kiểm phiếu bầu {_body(org, election.body)}.",
        f"Số lượng cần bầu: {election.seats}.",
        f"Tổng số {who} được triệu tập: {vn_number(election.convened)}.",
    ]
    for key, n in election.deductions.items():
        lines.append(f"Trừ {vn_number(n)} {DEDUCTION_LABELS[key]}.")
    lines += [
        f"Số tính kết quả bầu cử: {vn_number(base)}; người trúng cử phải đạt quá một nửa, "
        f"tức ít nhất {vn_number(rules.votes_needed(base))} phiếu (Quy chế bầu cử trong Đảng, "
        "Quy định 190-QĐ/TW, Điều 30).",
        f"Số có mặt: {vn_number(election.present)}.",
        f"Số phiếu phát ra: {vn_number(election.ballots_issued)}; số phiếu thu vào: "
        f"{vn_number(election.ballots_collected)}; số phiếu hợp lệ: {vn_number(election.valid)}; "
        f"số phiếu không hợp lệ: {vn_number(election.invalid)}.",
    ]
    for line in lines:
        doc.add_paragraph(line)
    doc.add_paragraph("Kết quả số phiếu bầu cho từng người (xếp theo số phiếu):")
    outcome = {
        "elected": "Trúng cử",
        "tied": "Bằng phiếu ở vị trí cuối, đại hội quyết định",
        "passed": "Quá một nửa, ngoài số lượng cần bầu",
        "failed": "Không trúng cử",
    }
    nominees = list(election.nominees.select_related("member__person").order_by("rank"))
    grid(
        doc,
        ["Họ và tên", "Năm sinh", "Số phiếu đồng ý", "Tỷ lệ so với số tính kết quả", "Kết quả"],
        [
            [
                n.member.person.full_name,
                n.member.person.birth_date.year,
                vn_number(n.votes),
                _pct(n.votes or 0, base),
                outcome.get(n.outcome, ""),
            ]
            for n in nominees
        ],
    )
    elected = [n.member.person.full_name for n in nominees if n.outcome == "elected"]
    tied = [n.member.person.full_name for n in nominees if n.outcome == "tied"]
    doc.add_paragraph(
        f"Các đồng chí trúng cử ({len(elected)}/{election.seats}): "
        + (", ".join(elected) if elected else "không có")
        + "."
    )
    if tied:
        doc.add_paragraph(
            "Các đồng chí bằng số phiếu ở vị trí cuối: "
            + ", ".join(tied)
            + ". Quy chế bầu cử không quy định cách xác định người trúng cử khi bằng phiếu; "
            "đại hội xem xét, quyết định."
        )
    if election.status == "void":
        doc.add_paragraph(f"Lần bầu này đã được hủy do ghi sai: {election.void_reason}.")
    elif election.approval_id:
        doc.add_paragraph(f"Kết quả đã được chuẩn y: {election.approval}.")
    else:
        doc.add_paragraph("Kết quả bầu cử có hiệu lực sau khi được cấp có thẩm quyền chuẩn y.")
    doc.add_paragraph("Biên bản lập xong hồi … giờ … phút cùng ngày.")
    signature(doc, "TM. BAN KIỂM PHIẾU", "TRƯỞNG BAN")
    return as_bytes(doc)


def _composition_rows(c: Composition) -> list[list[str]]:
    """The composition table in the document's language: the page's own figures, labels and
    targets (rules.congress.composition) rendered in Vietnamese, unconfirmed ones marked."""
    rows = []
    with translation.override("vi"):
        for f in c.figures:
            share = "" if f.key in ("size", "deputies", "standing_size") else _pct(f.count, f.total)
            met = "Đạt" if f.met is True else "Chưa đạt" if f.met is False else ""
            target = str(f.target)
            if f.unconfirmed and target:
                target += " (chưa được xác nhận trong nguồn)"
            rows.append([str(f.label), vn_number(f.count), share, target, met])
    return rows


def _seat_rows(org: Organisation, seats: list[Seat], c: Composition | None) -> list[list[Any]]:
    sexes = {"M": "Nam", "F": "Nữ"}
    by_member: dict[int, list[Seat]] = {}
    for s in seats:
        by_member.setdefault(s.member_id, []).append(s)
    order = [
        rules.SECRETARY,
        rules.DEPUTY,
        rules.STANDING,
        rules.EXECUTIVE,
        rules.INSPECTION_CHAIR,
        rules.INSPECTION,
    ]
    rank = {b: i for i, b in enumerate(order)}
    rows = []
    for member_id, held in sorted(
        by_member.items(),
        key=lambda kv: (min(rank.get(s.body, 99) for s in kv[1]), kv[1][0].member.person.sort_key),
    ):
        p = held[0].member.person
        posts = ", ".join(
            _body(org, s.body) for s in sorted(held, key=lambda s: rank.get(s.body, 99))
        )
        first = None
        if c and member_id in c.people:
            held_posts = c.people[member_id].posts
            first = (
                c.people[member_id].first_time
                if rules.EXECUTIVE in held_posts
                else c.inspection_first.get(member_id)
            )
        rows.append(
            [
                p.full_name,
                p.birth_date.year,
                sexes.get(p.sex, ""),
                ETHNIC_LABELS.get(p.ethnicity, ""),
                posts,
                "" if first is None else ("Lần đầu" if first else "Tái cử"),
                HOW_LABELS[held[0].how],
            ]
        )
    return rows


def committee_list(org: Organisation, term: Term) -> bytes:
    """Danh sách Ban Chấp hành …, nhiệm kỳ …: the members on the committee's day, with the
    composition table against the directive."""
    with translation.override("vi"):  # the figures' words, in the document's language
        c = composition_of(org, term)
    day = c.day if c else min(dt.date(term.first_year, 12, 31), today())
    seats = [
        s
        for s in Seat.objects.filter(term=term)
        .exclude(body=rules.DELEGATE)
        .select_related("member__person")
        if s.since <= day and (s.until is None or s.until > day)
    ]
    doc = party_document(org, day)
    name = names_on([org.pk], day).get(org.pk, org.name)
    centred(
        doc, "DANH SÁCH CHI ỦY" if _cell(org) else "DANH SÁCH BAN CHẤP HÀNH", bold=True, size=14
    )
    centred(doc, f"{name}, nhiệm kỳ {term.first_year}–{term.last_year}", bold=True)
    grid(
        doc,
        [
            "Họ và tên",
            "Năm sinh",
            "Giới tính",
            "Dân tộc",
            "Chức vụ trong cấp ủy",
            "Lần đầu / tái cử",
            "Hình thức",
        ],
        _seat_rows(org, seats, c),
    )
    if c:
        doc.add_paragraph()
        centred(doc, f"CƠ CẤU CẤP ỦY SO VỚI {c.directive.title.upper()}", bold=True)
        grid(doc, ["Nội dung", "Số lượng", "Tỷ lệ", "Yêu cầu", "Kết quả"], _composition_rows(c))
    signature(doc, _signer(org), "BÍ THƯ")
    return as_bytes(doc)


def congress_report(congress: Congress) -> bytes:
    """Báo cáo kết quả đại hội: the congress held, its contents, each election's result, the
    committee's composition against the directive and the deadline."""
    org, term = congress.org, congress.term
    doc = party_document(org, congress.closes_on, landscape=False)
    name = names_on([org.pk], congress.closes_on).get(org.pk, org.name)
    centred(doc, "BÁO CÁO", bold=True, size=14)
    centred(doc, f"Kết quả Đại hội {name}, nhiệm kỳ {term.first_year}–{term.last_year}", bold=True)
    place = Placement.objects.filter(valid_on(congress.opens_on), org=org).first()
    directive = directive_of(congress, congress.opens_on)
    deadline = directive.deadline(rules.level_of(place.kind if place else org.kind))
    held = (
        f"ngày {_d(congress.opens_on)}"
        if congress.opens_on == congress.closes_on
        else f"từ ngày {_d(congress.opens_on)} đến ngày {_d(congress.closes_on)}"
    )
    doc.add_paragraph(
        f"1. {KIND_LABELS[congress.kind]} {name} đã diễn ra {held}"
        + (f" (phiên trù bị ngày {_d(congress.preparatory_on)})" if congress.preparatory_on else "")
        + f"; triệu tập {vn_number(congress.convened)}, có mặt {vn_number(congress.present)}."
    )
    if deadline:
        status = rules.deadline_status(congress.closes_on, deadline, congress.closes_on)
        on_time = "đúng" if status == "held" else "chậm so với"
        doc.add_paragraph(
            f"Đại hội hoàn thành {on_time} thời hạn theo {directive.title} (trước ngày {_d(deadline)})."
        )
    doc.add_paragraph(
        "2. Nội dung đại hội: " + "; ".join(CONTENT_LABELS[c] for c in congress.contents) + "."
    )
    if congress.appointed:
        doc.add_paragraph(
            "Đảng bộ hợp nhất, sáp nhập: cấp ủy, ban thường vụ, bí thư, phó bí thư do cấp ủy cấp "
            "trên chỉ định (Chỉ thị 45-CT/TW)."
        )
    doc.add_paragraph("3. Kết quả bầu cử:")
    for e in (
        Election.objects.filter(term=term)
        .exclude(status__in=("open", "void"))
        .order_by("held_on", "pk")
    ):
        elected = [
            n.member.person.full_name
            for n in e.nominees.filter(outcome="elected").select_related("member__person")
        ]
        state = "đã chuẩn y" if e.approval_id else "chờ chuẩn y"
        doc.add_paragraph(
            f"- {_body(org, e.body)} (lần bầu thứ {e.round}, ngày {_d(e.held_on)}): "
            f"{len(elected)}/{e.seats} trúng cử ({state})"
            + (": " + ", ".join(elected) if elected else "")
            + "."
        )
    appointed: dict[tuple[str, str], list[str]] = {}
    for s in (
        Seat.objects.filter(term=term, how=rules.APPOINTED)
        .select_related("member__person", "decision")
        .order_by("member__person__sort_key")
    ):
        appointed.setdefault((s.body, str(s.decision)), []).append(s.member.person.full_name)
    order = [b for b, _l in rules.BODIES]
    for (body, decision), people in sorted(appointed.items(), key=lambda kv: order.index(kv[0][0])):
        doc.add_paragraph(
            f"- {_body(org, body)} (chỉ định, {decision}; {len(people)} đồng chí): "
            + ", ".join(people)
            + "."
        )
    with translation.override("vi"):  # the figures' words, in the document's language
        c = composition_of(org, term)
    if c:
        doc.add_paragraph(f"4. Cơ cấu cấp ủy ngày {_d(c.day)} so với {c.directive.title}:")
        grid(doc, ["Nội dung", "Số lượng", "Tỷ lệ", "Yêu cầu", "Kết quả"], _composition_rows(c))
    signature(doc, _signer(org), "BÍ THƯ")
    return as_bytes(doc)


def delegates_list(org: Organisation, term: Term) -> bytes:
    """Danh sách đại biểu dự đại hội cấp trên: the delegates elected (or appointed), sent up."""
    seats = list(
        Seat.objects.filter(term=term, body=rules.DELEGATE)
        .select_related("member__person", "decision")
        .order_by("member__person__sort_key")
    )
    day = max((s.since for s in seats), default=min(dt.date(term.first_year, 12, 31), today()))
    name = names_on([org.pk], day).get(org.pk, org.name)
    doc = party_document(org, day)
    centred(doc, "DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI CẤP TRÊN", bold=True, size=14)
    centred(doc, f"Đoàn đại biểu {name}, nhiệm kỳ {term.first_year}–{term.last_year}", bold=True)
    grid(
        doc,
        ["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Hình thức", "Chuẩn y"],
        [
            [
                s.member.person.full_name,
                s.member.person.birth_date.year,
                {"M": "Nam", "F": "Nữ"}.get(s.member.person.sex, ""),
                ETHNIC_LABELS.get(s.member.person.ethnicity, ""),
                HOW_LABELS[s.how],
                str(s.decision) if s.decision else "",
            ]
            for s in seats
        ],
    )
    signature(doc, _signer(org), "BÍ THƯ")
    return as_bytes(doc)
