"""dangvu's pages and a few more, served only by bench/scale.py.

- An empty page behind the whole middleware stack (session, sign-in, second factor, session limit,
  language, CSRF, CSP…) that reads the signed-in user and nothing else. Its latency under load is
  the floor of the web stack on this machine: no page of dangvu can be served faster than it.
- The floors of the member list and of the member page (issue 28, point 2): behind the same
  middleware, in the same workers, the same rows fetched by hand-written SQL and sent as the same
  HTML, asked with `khung=1`: the frame (head, menu, language switch, footer) drawn for the
  request as dangvu draws it (base.html: the user's name and menu — which reads the user's
  grants — and the CSRF tokens of its forms), and the record checked against the user's scope;
  what changes from request to request — the rows, the record, its events, badges and history —
  written by f-strings from the rows. The list's floor sends exactly dangvu's page (checked on
  the national dataset: identical but for the CSRF tokens, which differ at every drawing); the
  member's floor sends less than dangvu's page (no masked fields, ages, badges due, links to
  corrections), so the member page's ratio to it is an upper bound. What dangvu adds over these
  is its Python: the ORM, its forms and labels, its rules.
- The same floors without `khung=1`, for reference: the page around the part that changes is
  the one dangvu sent for the first such request the worker served, kept and sent as it was to
  every user — another user's name, menu and CSRF token, which no page may send.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dangvu.accounts.scope import scope_for
from dangvu.core.labels import choices_of
from dangvu.members.models import PartyMember, Person
from dangvu.urls import urlpatterns as dangvu_pages


def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{request.user.pk}</p>")


def _rows(statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


_FRAMES: dict[str, tuple[str, str]] = {}


_IN_FRAME: list[Any] = []


def _framed(request: HttpRequest, title: str, inner: str) -> HttpResponse:
    """`inner` in dangvu's frame (base.html), drawn for this request as dangvu's pages are."""
    if not _IN_FRAME:
        _IN_FRAME.append(
            engines["django"].from_string(
                '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}'
                "{% block content %}{{ inner }}{% endblock %}"
            )
        )
    inner = mark_safe(inner)  # noqa: S308 (every value escaped where it was written)
    return HttpResponse(_IN_FRAME[0].render({"title": title, "inner": inner}, request))


def _inside(head: str, tail: str) -> tuple[str, str]:
    """The kept frame's part inside <main> (the page's own heading, filters, table heads)."""
    start, end = '<main id="main">', "</main>"
    return head.split(start, 1)[1], tail.split(end, 1)[0]


# The organisation whose list the kept frame was drawn for: (code, name).
_FRAMED_FOR: dict[str, tuple[str, str]] = {}


def _frame(
    kind: str,
    request: HttpRequest,
    render: Any,
    start: str,
    end: str,
    who: tuple[str, str] = ("", ""),
) -> tuple[str, str]:
    """The page around the part that changes, as dangvu sent it the first time (kept)."""
    frame = _FRAMES.get(kind)
    if frame is None:
        html = render().content.decode()
        head, rest = html.split(start, 1)
        tail = rest.split(end, 1)[1]
        frame = _FRAMES[kind] = (head + start, end + tail)
        _FRAMED_FOR[kind] = who
    return frame


# The roll by hand: dangvu's plan and statements (members/selectors._cell_by_cell), without the
# scope's condition — the rest of the token's cell, then the next few cells with members, in one
# statement a batch, as many cells as the members per cell seen so far say the page needs.
_COLUMNS = (
    "SELECT m.id, p.full_name, p.birth_date, p.sex, p.ethnicity, m.status, o.name, o.path, "
    "p.sort_key, m.org_id FROM "
    "members_partymember m JOIN members_person p ON p.id = m.person_id JOIN "
    "orgs_organisation o ON o.id = m.org_id WHERE o.path >= %s AND o.path < %s "
    "AND m.status IN ('official', 'probationary') "
)
_ORDER = " ORDER BY o.path, p.sort_key LIMIT %s"
_REST_OF_CELL = _COLUMNS + "AND o.path = %s AND lower(p.sort_key) > %s" + _ORDER
_CELLS = (
    "SELECT c.id FROM orgs_organisation c WHERE c.path {} %s AND c.path < %s AND EXISTS "
    "(SELECT 1 FROM members_partymember cm WHERE cm.org_id = c.id AND c.path >= %s AND "
    "c.path < %s AND cm.status IN ('official', 'probationary')) ORDER BY c.path LIMIT %s"
)
_BATCH = _COLUMNS + "AND m.org_id IN (" + _CELLS + ")" + _ORDER
_SEX = {"M": "Nam", "F": "Nữ"}
_STATUS = {"official": "Chính thức", "probationary": "Dự bị"}


def floor_list(request: HttpRequest) -> HttpResponse:
    """The first page of a province's roll, or a page after a member (`sau`), as its officer
    asks it (the requests bench/scale.py makes). The part above the rows is kept from the first
    request and only its organisation's name and code are put in for this one: for a district's
    list the picker would also name the province; for a user of another role the admit button
    and the sensitive filters would differ; a page after the province's last member would say
    "No member matches". None of these is asked by the bench."""
    from dangvu.members.views import member_list

    code = request.GET.get("org", "")
    after = request.GET.get("sau", "")
    root, root_name = _rows("SELECT path, name FROM orgs_organisation WHERE code = %s", [code])[0]
    framed = request.GET.get("khung") == "1"
    if framed and not scope_for(request.user).covers(root):
        raise Http404
    request.GET = request.GET.copy()  # dangvu's page for the same query, when the frame is kept
    request.GET.pop("khung", None)
    low, high = root, root + "\uffff"
    rows: list[tuple[Any, ...]] = []
    from_path, op = low, ">="
    if after:
        size = int(after[:2])
        cell, key = after[2 : 2 + size], after[2 + size :]
        rows = _rows(_REST_OF_CELL, [low, high, cell, key, 51])
        from_path, op = cell, ">"
    cells_read = rows_read = 0
    while len(rows) <= 50:
        wanted = 51 - len(rows)
        per_cell = max(rows_read // cells_read, 1) if cells_read else 100
        batch = min(-(-wanted // per_cell), 64)
        found = _rows(_BATCH.format(op), [low, high, from_path, high, low, high, batch, wanted])
        if not found:
            break
        rows += found
        cells_read += len({row[9] for row in found})
        rows_read += len(found)
        from_path, op = found[-1][7], ">"
    head, tail = _frame(
        "list",
        request,
        lambda: member_list(request),
        '<tbody id="rows">',
        "</tbody>",
        (code, root_name),
    )
    today = dt.date.today()
    # The labels dangvu shows (its tables of labels, in the request's language).
    sexes, ethnicities, statuses = (
        {value: escape(label) for value, label in choices_of(model, field).items()}
        for model, field in ((Person, "sex"), (Person, "ethnicity"), (PartyMember, "status"))
    )
    out = []
    for pk, name, born, sex, ethnicity, status, cell_name, _path, _key, _cell in rows[:50]:
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        out.append(
            f'<tr>\n<td><a href="/dang-vien/{pk}/">{escape(name)}</a></td>\n'
            f'<td class="day">{_day(born)}</td><td class="num">{age}</td>\n'
            f"<td>{sexes.get(sex) or escape(sex)}</td>"
            f"<td>{ethnicities.get(ethnicity) or escape(ethnicity)}</td>\n"
            f"<td>{statuses.get(status) or escape(status)}</td><td>{escape(cell_name)}</td></tr>"
        )
    if len(rows) > 50:
        last = rows[49]
        more = escape(f"?org={code}&sau={len(last[7]):02d}{last[7]}{last[8]}")
        out.append(
            f'<tr class="more noprint"><td colspan="7"><a href="{more}" hx-get="{more}" '
            f'hx-target="closest tr" hx-swap="outerHTML">{escape(_("Next page"))}</a></td></tr>'
        )
    # "End of the list" below the table when no page follows, as dangvu says it.
    end = f'\n<p class="muted">{escape(_("End of the list."))}</p>'
    tail = tail.replace("</table>" + end, "</table>")
    if len(rows) <= 50:
        tail = tail.replace("</table>", "</table>" + end, 1)
    if framed:
        inside_head, inside_tail = _inside(head, tail)
        # The heading, the picker and the links name this request's organisation, as dangvu's do.
        kept_code, kept_name = _FRAMED_FOR["list"]
        if kept_code != code:
            inside_head = inside_head.replace(escape(kept_name), escape(root_name)).replace(
                kept_code, code
            )
        title = f"{_('Party members')} — {root_name}"
        return _framed(request, title, inside_head + "\n".join(out) + inside_tail)
    return HttpResponse(head + "\n".join(out) + tail)


def floor_member(request: HttpRequest, pk: int) -> HttpResponse:
    """The record, its placements and flags today, its events, badges, corrections and history."""
    from dangvu.members.views import detail

    today = dt.date.today()
    (m,) = _rows(
        "SELECT p.full_name, p.family_name, p.middle_name, p.given_name, p.sex, p.birth_date, "
        "p.ethnicity, p.hometown, p.residence, p.phone, m.status, m.status_since, "
        "m.admission_decision_date, m.ceremony_date, m.official_date, m.card_number, "
        "m.dossier_number, o.code, o.name, o.path FROM members_partymember m JOIN members_person p ON "
        "p.id = m.person_id LEFT JOIN orgs_organisation o ON o.id = m.org_id WHERE m.id = %s",
        [pk],
    )
    framed = request.GET.get("khung") == "1"
    if framed and not scope_for(request.user).covers(m[-1]):
        raise Http404
    valid = "AND valid_from <= %s AND (valid_to IS NULL OR valid_to > %s)"
    _rows(
        "SELECT p.temporary, o.name FROM members_membershipperiod p JOIN orgs_organisation o ON "
        f"o.id = p.org_id WHERE p.member_id = %s {valid}",
        [pk, today, today],
    )
    flags = _rows(
        f"SELECT flag FROM members_flagperiod WHERE member_id = %s {valid}", [pk, today, today]
    )
    events = _rows(
        'SELECT e."on", e.kind, o.name, d.number FROM members_membershipevent e LEFT JOIN '
        "orgs_organisation o ON o.id = e.org_id LEFT JOIN core_decision d ON d.id = e.decision_id "
        'WHERE e.member_id = %s ORDER BY e."on", e.id',
        [pk],
    )
    badges = _rows(
        "SELECT tier, awarded_on FROM awards_badgeaward WHERE member_id = %s ORDER BY tier", [pk]
    )
    _rows("SELECT id FROM members_correction WHERE member_id = %s", [pk])
    history = _rows(
        "SELECT at, actor_name, action FROM core_changelogentry WHERE subject_type = "
        "'members.partymember' AND subject_id = %s ORDER BY at DESC, id DESC LIMIT 100",
        [str(pk)],
    )
    head, tail = _frame(
        "member", request, lambda: detail(request, pk), '<main id="main">', "</main>"
    )
    (name, family, middle, given, sex, born, ethnicity, hometown, residence, phone, status, since,
     decided, ceremony, official, card, dossier, org_code, org_name, _path) = m  # fmt: skip
    facts = [
        ("Họ", family), ("Tên đệm", middle or "—"), ("Tên", given), ("Giới tính", _SEX.get(sex, sex)),
        ("Ngày sinh", _day(born)), ("Dân tộc", ethnicity), ("Quê quán", hometown or "—"),
        ("Nơi ở", residence or "—"), ("Điện thoại", phone or "—"), ("Chi bộ", org_name or "—"),
        ("Ngày quyết định kết nạp", _day(decided)), ("Ngày kết nạp", _day(ceremony)),
        ("Ngày chính thức", _day(official)), ("Số thẻ đảng viên", card or "—"),
        ("Số hồ sơ", dossier or "—"),
    ]  # fmt: skip
    body = [
        f'<p class="crumbs"><a href="/dang-vien/?org={escape(org_code or "")}">Đảng viên</a> › '
        f"{escape(org_name or '')}</p><h1>{escape(name)}</h1>",
        f'<p class="status {status}">{_STATUS.get(status, status)} — từ {_day(since)}</p>',
        "".join(f'<span class="flag">{escape(f)}</span> ' for (f,) in flags),
        '<div class="cols"><dl class="facts">',
        *(f"<dt>{label}</dt><dd>{escape(str(value))}</dd>" for label, value in facts),
        '</dl></div><h2>Quá trình</h2><ol class="timeline">',
        *(
            f"<li><b>{_day(on)}</b> — {escape(kind)}{', ' + escape(o) if o else ''}"
            f"{'<br><small>Quyết định: ' + escape(d) + '</small>' if d else ''}</li>"
            for on, kind, o, d in events
        ),
        "</ol><h2>Huy hiệu Đảng</h2><ul>",
        *(f"<li>Huy hiệu {tier} năm, trao ngày {_day(on)}</li>" for tier, on in badges),
        "</ul><h2>Lịch sử</h2><ul>",
        *(
            f"<li>{at:%d/%m/%Y %H:%M} {escape(who)}: {escape(what)}</li>"
            for at, who, what in history
        ),
        "</ul>",
    ]
    if framed:
        return _framed(request, name, "\n".join(body))
    return HttpResponse(head + "\n".join(body) + tail)


urlpatterns = [
    path("bench/trang-trong/", empty),
    path("bench/san/dang-vien/", floor_list),
    path("bench/san/dang-vien/<int:pk>/", floor_member),
    *dangvu_pages,
]
