"""The inspection pages as the commune's inspection officer: a case from decision to discipline
through the forms, its documents opened as DOCX, a denunciation and a complaint, the statistics
with the records behind a figure and the XLSX opened; the same pages answer 404 to the province's
organisation board and to the object's cell secretary (issue 27)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from dangvu.accounts.models import AccessRecord
from dangvu.discipline.selectors import member_under_discipline
from dangvu.inspection.models import Case, Denunciation
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.once]

D = dt.date


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_a_case_through_the_pages_and_nobody_else_sees_it(world, officers):
    khanh, _lan = officers
    hoa = world.members["hoa"]
    client = sign_in(Client(), khanh)
    desk = client.get(reverse("inspection:index"))
    assert desk.status_code == 302 and desk.url == reverse("inspection:org", args=["X-PH"])
    page = client.get(desk.url).content.decode()
    assert "Kiểm tra, giám sát" in page and "QĐ 296-QĐ/TW" in page
    new = reverse("inspection:case_new", args=["X-PH"])
    assert "Nguyễn Thị Hoa (1985)" in client.get(new).content.decode()
    refused = client.post(new, {"body": rules.ADVISORY, "kind": rules.SIGNS, "object": hoa.pk})
    assert refused.status_code == 200
    _post(
        client,
        new,
        {
            "body": rules.INSPECTION,
            "kind": rules.SIGNS,
            "content": "ethics",
            "summary": "Dấu hiệu vi phạm đạo đức, lối sống",
            "plan": "Từ 02/3 đến 20/3/2026; làm việc trực tiếp",
            "object": str(hoa.pk),
            "decision_number": "12-QĐ/UBKT",
            "decision_date": "02/03/2026",
            "decision_issuer": "Ủy ban Kiểm tra Đảng ủy xã Phước Hải",
        },
    )
    case = Case.objects.get()
    url = reverse("inspection:case", args=[case.pk])
    early = client.post(
        url,
        {
            "do": "conclude",
            "conclude-degree": rules.SERIOUS,
            "conclude-conclusion": "x",
            "conclude-on": "05/03/2026",
        },
    )
    assert "Trước khi kết luận cần" in early.content.decode()
    for step, day in (
        (rules.NOTICE, "04/03/2026"),
        (rules.SELF_REPORT, "09/03/2026"),
        (rules.VERIFICATION, "12/03/2026"),
        (rules.HEARING, "16/03/2026"),
    ):
        _post(client, url, {"do": "step", "step-step": step, "step-on": day})
    _post(
        client,
        url,
        {
            "do": "conclude",
            "conclude-degree": rules.SERIOUS,
            "conclude-conclusion": "Vi phạm quy định những điều đảng viên không được làm",
            "conclude-discipline_form": penalties.WARNING,
            "conclude-on": "20/03/2026",
        },
    )
    _post(
        client,
        url,
        {
            "do": "discipline",
            "discipline-form": penalties.WARNING,
            "discipline-decision_number": "05-QĐ/ĐU",
            "discipline-decision_date": "01/04/2026",
            "discipline-decision_issuer": "Đảng ủy xã Phước Hải",
            "discipline-announced_on": "02/04/2026",
            "discipline-deciding_body": "Đảng ủy xã Phước Hải",
        },
    )
    assert member_under_discipline(hoa.pk, D(2026, 4, 2))
    body = client.get(url).content.decode()
    assert "Cảnh cáo" in body and "02/04/2026" in body and "2026-" not in body
    decision = Document(
        io.BytesIO(client.get(reverse("reports:inspection_decision", args=[case.pk])).content)
    )
    text = "\n".join(p.text for p in decision.paragraphs)
    assert "QUYẾT ĐỊNH" in text and "đồng chí Nguyễn Thị Hoa" in text and "QĐ 296-QĐ/TW" in text
    notice = Document(
        io.BytesIO(client.get(reverse("reports:inspection_conclusion", args=[case.pk])).content)
    )
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "THÔNG BÁO" in text and "cảnh cáo" in text and "20/03/2026" in text
    assert AccessRecord.objects.filter(
        action=AccessRecord.Action.INSPECTION_READ, user=khanh
    ).exists()
    # Nobody else: the province's organisation board, the cell's secretary, the other commune.
    for user in (world.an, world.binh, world.cuong):
        other = sign_in(Client(), user)
        for path in (
            url,
            reverse("inspection:org", args=["X-PH"]),
            reverse("inspection:stats", args=["X-PH"]),
            reverse("reports:inspection_decision", args=[case.pk]),
        ):
            assert other.get(path).status_code == 404, (user, path)


def test_the_statistics_page_the_records_behind_a_figure_and_the_xlsx(world, officers):
    khanh, lan = officers
    from dangvu.core.changes import get_or_create_decision
    from dangvu.inspection import services

    for member, kind in (("hoa", rules.SIGNS), ("an", rules.SUPERVISION_THEMATIC)):
        services.case_open(
            org=world.phuoc_hai,
            body=rules.INSPECTION,
            kind=kind,
            content="ethics",
            summary="x",
            decision=get_or_create_decision(number="", date=D(2026, 2, 2), issuer="UBKT"),
            opened_on=D(2026, 2, 2),
            object_member=world.members[member],
            actor=khanh,
        )
    client = sign_in(Client(), lan)
    page = client.get(reverse("inspection:stats", args=["TU-T"]), {"ky": "2026"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kiểm tra đảng viên khi có dấu hiệu vi phạm" in body
    tables = page.context["tables"]
    first = tables[0].rows[0][1][0]  # form 01, total, inspected
    assert first.value == 1
    records = client.get(
        reverse("inspection:stats_records", args=["TU-T"]), {"ky": "2026", "chi-tieu": first.spec}
    )
    assert "Nguyễn Thị Hoa" in records.content.decode()
    assert "Nguyễn Văn An" not in records.content.decode()
    file = client.get(reverse("reports:inspection_xlsx", args=["TU-T"]), {"ky": "2026"})
    book = openpyxl.load_workbook(io.BytesIO(file.content))
    assert book.sheetnames[0] == "Biểu 01"
    rows = list(book["Biểu 01"].iter_rows(values_only=True))
    total = next(r for r in rows if r[1] == "Tổng số")
    assert total[2] == 1
    supervision = next(
        r for r in book["Biểu 04"].iter_rows(values_only=True) if r[1] == "đảng viên"
    )
    assert supervision[2] == 1
    assert (
        client.get(reverse("inspection:stats", args=["TU-T"]), {"ky": "13/2026"}).status_code == 200
    )


def test_the_same_period_last_year_opens_last_years_records_under_last_years_dates(world, officers):
    """The last column of a statistics form is the same period last year: its records page says
    so and gives last year's dates, not the period asked (found in Chromium: it was headed with
    this year's dates over last year's cases)."""
    khanh, lan = officers
    from dangvu.core.changes import get_or_create_decision
    from dangvu.inspection import services

    for member, opened in (("hoa", D(2025, 3, 4)), ("an", D(2026, 2, 2))):
        services.case_open(
            org=world.phuoc_hai,
            body=rules.INSPECTION,
            kind=rules.SIGNS,
            content="ethics",
            summary="x",
            decision=get_or_create_decision(number="", date=opened, issuer="UBKT"),
            opened_on=opened,
            object_member=world.members[member],
            actor=khanh,
        )
    client = sign_in(Client(), lan)
    page = client.get(reverse("inspection:stats", args=["TU-T"]), {"ky": "2026"})
    cells = page.context["tables"][0].rows[0][1]
    this_year, last_year = cells[0], cells[-1]
    assert (this_year.value, last_year.value) == (1, 1)
    assert last_year.spec.endswith(";last_year=yes")
    records = reverse("inspection:stats_records", args=["TU-T"])
    before = client.get(records, {"ky": "2026", "chi-tieu": last_year.spec}).content.decode()
    assert "Nguyễn Thị Hoa" in before and "Nguyễn Văn An" not in before
    assert "Cùng kỳ năm trước</h1>" in before
    assert "01/01/2025–31/12/2025: 1" in before and "2026" not in before.split("<h1>", 1)[1]
    now = client.get(records, {"ky": "2026", "chi-tieu": this_year.spec}).content.decode()
    assert "Nguyễn Văn An" in now and "Nguyễn Thị Hoa" not in now
    assert "01/01/2026–31/12/2026: 1" in now and "Cùng kỳ năm trước" not in now


def test_a_denunciation_and_its_denouncer_through_the_pages(world, officers):
    khanh, lan = officers
    client = sign_in(Client(), khanh)
    _post(
        client,
        reverse("inspection:denunciation_new", args=["X-PH"]),
        {
            "body": rules.INSPECTION,
            "received_on": "02/03/2026",
            "against": str(world.members["an"].pk),
            "category": "ethics",
            "content": "Tố cáo vi phạm đạo đức",
            "named": "on",
            "concrete": "on",
            "denouncer": "Nguyễn Văn Tố",
        },
    )
    d = Denunciation.objects.get()
    assert d.due_on is not None and not d.limit_confirmed
    url = reverse("inspection:denunciation", args=[d.pk])
    # The commune's officer has no permission for sensitive data: the denouncer stays hidden.
    assert "Nguyễn Văn Tố" not in client.get(url).content.decode()
    assert "Nguyễn Văn Tố" in sign_in(Client(), lan).get(url).content.decode()
    assert (
        "CHƯA XÁC NHẬN" in client.get(url).content.decode().upper()
        or "UNCONFIRMED" in client.get(url).content.decode()
    )
    assert sign_in(Client(), world.an).get(url).status_code == 404


def test_the_review_points_the_access_log_naming_and_the_complaints_doors(world, officers):
    """After the review: the access log's inspection lines are the inspection role's only; a
    person named on a case sees it until they are no longer named; a supervision does not
    conclude on discipline; the organisation of the object is chosen by its name; a complaint
    is recorded at the organisation's own level, once at a time; the denouncer needs one grant
    that is both the inspection role and sensitive; odd years answer with a message."""
    from dangvu.core.changes import get_or_create_decision
    from dangvu.core.errors import RuleError
    from dangvu.discipline.services import discipline_record
    from dangvu.inspection import access, services

    khanh, lan = officers
    hoa = world.members["hoa"]
    case = services.case_open(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        kind=rules.SUPERVISION_THEMATIC,
        content="ethics",
        summary="Giám sát chuyên đề",
        decision=get_or_create_decision(number="", date=D(2026, 2, 2), issuer="UBKT"),
        opened_on=D(2026, 2, 2),
        object_member=hoa,
        actor=khanh,
    )
    client = sign_in(Client(), khanh)
    client.get(reverse("inspection:case", args=[case.pk]))
    board_log = sign_in(Client(), world.an).get(reverse("access_log")).content.decode()
    assert "Vụ việc số" not in board_log and "đọc hồ sơ kiểm tra" not in board_log
    assert (
        "đọc hồ sơ kiểm tra" in sign_in(Client(), lan).get(reverse("access_log")).content.decode()
    )
    # Named, then no longer.
    named = services.name_on_case(
        case=case, user=world.dung, role="reader", since=D(2026, 2, 3), actor=khanh
    )
    reader = sign_in(Client(), world.dung)
    assert reader.get(reverse("inspection:case", args=[case.pk])).status_code == 200
    _post(
        client,
        reverse("inspection:case", args=[case.pk]),
        {"do": "unname", "named": named.pk, "unname-on": dt.date.today().strftime("%d/%m/%Y")},
    )
    assert reader.get(reverse("inspection:case", args=[case.pk])).status_code == 404
    services.step_record(case=case, step=rules.NOTICE, on=D(2026, 2, 4), actor=khanh)
    with pytest.raises(RuleError, match="chuyển sang kiểm tra"):
        services.case_conclude(
            case=case,
            on=D(2026, 2, 20),
            degree=rules.SERIOUS,
            conclusion="x",
            discipline_form=penalties.WARNING,
            actor=khanh,
        )
    # The object's organisation by its name (a part of it), not its code.
    page = client.get(reverse("inspection:case_new", args=["X-PH"]), {"doi-tuong": "Phước Lập"})
    assert page.context["within"] == world.ph1
    page = client.get(reverse("inspection:case_new", args=["X-PH"]), {"doi-tuong": "Không có"})
    assert page.context["within"] == world.phuoc_hai and "Không có tổ chức" in page.content.decode()
    # Complaints: at the organisation's own level, one at a time.
    record = discipline_record(
        form="khien_trach",
        decision=get_or_create_decision(number="", date=D(2026, 3, 1), issuer="Chi bộ"),
        announced_on=D(2026, 3, 1),
        deciding_body="Chi bộ Thôn Phước Lập",
        member=hoa,
        actor=None,
    )
    filing = dict(
        discipline=record,
        org=world.phuoc_hai,
        received_decision_on=D(2026, 3, 2),
        filed_on=D(2026, 3, 10),
        content="Khiếu nại",
        actor=khanh,
    )
    with pytest.raises(RuleError, match="ở cấp mình"):
        services.complaint_file(level=rules.LEVEL_PROVINCE, **filing)
    services.complaint_file(level=rules.LEVEL_GRASSROOTS, **filing)
    with pytest.raises(RuleError, match="Đang giải quyết"):
        services.complaint_file(level=rules.LEVEL_GRASSROOTS, **filing)
    # The province's organisation officer holds the sensitive permission; given the inspection
    # role without it, he still does not see denouncers.
    from dangvu.accounts.models import Role
    from dangvu.accounts.services import role_grant
    from tests.conftest import FOUNDED

    role_grant(
        user=world.an,
        org=world.province,
        role=Role.INSPECTION_OFFICER,
        valid_from=FOUNDED,
        actor=None,
    )
    petition = services.denunciation_receive(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        received_on=D(2026, 3, 3),
        content="Tố cáo",
        category="ethics",
        petition=rules.Petition(named=True, concrete=True),
        denouncer="Nguyễn Văn Tố",
        against_member=hoa,
        actor=khanh,
    )
    assert not access.may_see_denouncer(world.an, petition)
    assert access.may_see_denouncer(lan, petition)
    odd = client.get(reverse("inspection:org", args=["X-PH"]), {"nam": "²"})
    assert odd.status_code == 200 and "Không hiểu năm" in odd.content.decode()


def test_after_the_probe_titles_passing_on_once_and_the_access_log(world, officers):
    """Found in Chromium: the denunciation page's forms leaked into its <title>; a supervision
    could be passed to two inspections; the access log's sensitive reading of a denouncer was
    shown to the organisation board."""
    import re

    from dangvu.core.changes import get_or_create_decision
    from dangvu.core.errors import RuleError
    from dangvu.inspection import services

    khanh, lan = officers
    hoa = world.members["hoa"]
    petition = services.denunciation_receive(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        received_on=D(2026, 3, 3),
        content="Tố cáo",
        category="ethics",
        petition=rules.Petition(named=True, concrete=True),
        denouncer="Nguyễn Văn Tố",
        against_member=hoa,
        actor=khanh,
    )
    services.denunciation_resolve(
        denunciation=petition, founded=services.UNFOUNDED, resolved_on=D(2026, 4, 1), actor=khanh
    )
    page = sign_in(Client(), lan).get(reverse("inspection:denunciation", args=[petition.pk]))
    title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1)
    assert "<" not in title and "Đơn tố cáo số 01/2026" in title
    board_log = sign_in(Client(), world.an).get(reverse("access_log")).content.decode()
    assert "Đơn tố cáo số" not in board_log
    watch = services.case_open(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        kind=rules.SUPERVISION_REGULAR,
        content="ethics",
        summary="Giám sát",
        decision=get_or_create_decision(number="", date=D(2026, 2, 2), issuer="UBKT"),
        opened_on=D(2026, 2, 2),
        object_member=hoa,
        actor=khanh,
    )
    services.step_record(case=watch, step=rules.NOTICE, on=D(2026, 2, 3), actor=khanh)
    services.case_conclude(
        case=watch, on=D(2026, 2, 10), degree=rules.NOT_SERIOUS, conclusion="x", actor=khanh
    )
    common = dict(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        kind=rules.SIGNS,
        content="ethics",
        summary="Dấu hiệu",
        decision=get_or_create_decision(number="", date=D(2026, 2, 11), issuer="UBKT"),
        opened_on=D(2026, 2, 11),
        object_member=hoa,
        from_supervision=watch,
        actor=khanh,
    )
    services.case_open(**common)
    with pytest.raises(RuleError, match="đã được chuyển"):
        services.case_open(**common)
