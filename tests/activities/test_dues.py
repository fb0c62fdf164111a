"""Dues through the one computation every door uses (DOMAIN.md §7, §16.7): the book of a month,
payments (cash, ahead, above the dues, the portal's statement), reliefs, the past that does not
move, three months unpaid on the work list, the committee's summary, the command."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dangvu.activities import dues, selectors, statement
from dangvu.activities.models import DuesLine, DuesPayment
from dangvu.members import worklists as member_worklists
from dangvu.rules import dues as rules
from tests.conftest import admit, decision

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def salaried(world):
    hoa, an = world.members["hoa"], world.members["an"]
    dues.basis_record(
        member=hoa,
        since=dt.date(2025, 7, 1),
        category=rules.INSURED,
        amount=8_450_000,
        actor=world.binh,
    )
    dues.basis_record(
        member=hoa, since=FEB, category=rules.INSURED, amount=9_100_000, actor=world.binh
    )
    dues.basis_record(
        member=an,
        since=dt.date(2025, 7, 1),
        category=rules.PENSION,
        amount=6_000_000,
        actor=world.binh,
    )
    return hoa, an


def line(member, month):
    return DuesLine.objects.get(member=member, month=month)


def test_the_book_follows_the_regulation_of_the_month(world):
    """Hoa earns 8,450,000 until January 2026 and 9,100,000 from February: 84,500 in January
    (342), 84,500 in February (01-QĐ/TW: January's salary), 91,000 in March. An's pension of
    6,000,000: 30,000 (0.5 %)."""
    hoa, an = salaried(world)
    for month in (JAN, FEB, MAR):
        dues.assess(org=world.phuoc_hai, month=month, actor=world.an)
    assert [line(hoa, m).amount for m in (JAN, FEB, MAR)] == [84_500, 84_500, 91_000]
    assert [line(hoa, m).regulation for m in (JAN, FEB)] == ["342-QĐ/TW", "01-QĐ/TW"]
    assert line(an, MAR).amount == 30_000
    assert line(hoa, MAR).org_id == world.ph1.pk
    # Thành (probationary, Hữu Đức) has no basis: a line of nothing due, in his cell's book.
    assert line(world.members["thanh"], MAR).amount == 0


def test_a_past_month_does_not_move(world):
    """Once a month has ended its lines stay: a basis recorded late for January leaves January's
    book as it was written; the current month's unpaid lines follow it."""
    hoa, _an = salaried(world)
    dues.assess(org=world.phuoc_hai, month=JAN, actor=world.an)
    dues.basis_record(
        member=hoa, since=JAN, category=rules.INSURED, amount=20_000_000, actor=world.binh
    )
    done = dues.assess(org=world.phuoc_hai, month=JAN, actor=world.an)
    assert done["updated"] == 0 and line(hoa, JAN).amount == 84_500


def test_paying_in_cash_ahead_and_above_the_dues(world):
    hoa, an = salaried(world)
    dues.assess(org=world.phuoc_hai, month=MAR, actor=world.an)
    payment = dues.pay(
        member=hoa, paid_on=dt.date(2026, 3, 5), amount=91_000, first=MAR, actor=world.binh
    )
    assert payment.receipt == "1/2026" and payment.voluntary == 0
    assert line(hoa, MAR).paid == 91_000
    # Ahead for April–June and 20,000 more of his own will (kept on June).
    ahead = dues.pay(
        member=an,
        paid_on=dt.date(2026, 3, 5),
        amount=110_000,
        first=dt.date(2026, 4, 1),
        last=dt.date(2026, 6, 1),
        actor=world.binh,
    )
    assert ahead.voluntary == 20_000 and ahead.receipt == "2/2026"
    assert [line(an, dt.date(2026, m, 1)).paid for m in (4, 5, 6)] == [30_000, 30_000, 50_000]
    with pytest.raises(ValidationError, match=r"30\.000"):
        dues.pay(member=an, paid_on=dt.date(2026, 3, 6), amount=10_000, first=MAR, actor=world.binh)
    with pytest.raises(ValidationError, match="12"):
        dues.pay(
            member=an,
            paid_on=dt.date(2026, 3, 6),
            amount=900_000,
            first=MAR,
            last=dt.date(2027, 6, 1),
            actor=world.binh,
        )


def test_a_reduction_applies_to_this_months_line_not_to_an_ended_months(world):
    """A 50 % reduction decided now from March: this month's line, not paid yet, is computed again
    (91,000 → 45,500); March's line, written when March was under way, stays (the past does not
    move). 13 months are refused."""
    from dangvu.core.dates import today

    hoa, _an = salaried(world)
    now = today().replace(day=1)
    dues.assess(org=world.phuoc_hai, month=MAR, actor=world.an)
    dues.assess(org=world.phuoc_hai, month=now, actor=world.an)
    dues.relief_record(
        member=hoa,
        kind=rules.HARDSHIP,
        percent=50,
        first=MAR,
        last=dt.date(2027, 2, 1),
        decision="NQ chi bộ 01",
        actor=world.binh,
    )
    assert (line(hoa, now).amount, line(hoa, now).percent) == (45_500, 50)
    assert (line(hoa, MAR).amount, line(hoa, MAR).percent) == (91_000, 0)
    with pytest.raises(ValidationError, match="12"):
        dues.relief_record(
            member=hoa,
            kind=rules.HARDSHIP,
            percent=50,
            first=MAR,
            last=dt.date(2027, 3, 1),
            decision="NQ",
            actor=world.binh,
        )


def test_three_months_unpaid_on_the_secretarys_list(world):
    hoa, an = salaried(world)
    for month in range(1, 6):
        day = dt.date(2026, month, 1)
        dues.assess(org=world.phuoc_hai, month=day, actor=world.an)
        dues.pay(member=an, paid_on=day, amount=line(an, day).amount, first=day, actor=world.binh)
        if month in (1, 3):
            dues.pay(
                member=hoa, paid_on=day, amount=line(hoa, day).amount, first=day, actor=world.binh
            )
    found = member_worklists.work_list(world.binh, world.ph1, dt.date(2026, 6, 10))
    items = found["dues_unpaid_three_months"]
    assert [i.name for i in items] == ["Nguyễn Thị Hoa"]
    assert "02/2026, 04/2026, 05/2026" in items[0].note


def test_collect_and_the_summary_equal_the_lines(world):
    hoa, _an = salaried(world)
    son = world.members["son"]
    dues.basis_record(
        member=son, since=JAN, category=rules.OTHER, amount=0, region="2", actor=world.an
    )
    dues.collect(
        org=world.province,
        month=MAR,
        paid={hoa.pk: (dt.date(2026, 3, 4), "cash"), son.pk: (dt.date(2026, 3, 9), "portal")},
        actor=world.an,
    )
    found = selectors.dues_summary(world.province, MAR)
    t = found["totals"]
    # Hoa 91,000 paid; An 30,000 unpaid; Sơn 0.3 % of 4,730,000 = 14,190 paid; Thành nothing due.
    assert (t["members"], t["due"], t["paid"], t["unpaid"]) == (4, 135_190, 105_190, 1)
    assert sum(found["split"].values()) == 105_190
    assert DuesPayment.objects.filter(channel="portal").get().member == son
    out = io.StringIO()
    call_command(
        "dues",
        "month",
        "--org",
        world.province.code,
        "--month",
        "2026-03",
        "--format",
        "json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert (printed["due"], printed["paid"], printed["regulation"]) == (
        135_190,
        105_190,
        "01-QĐ/TW",
    )


def test_the_portal_statement_is_paid_through_the_one_door(world):
    hoa, _an = salaried(world)
    hoa.card_number = "58123456"
    hoa.save(update_fields=["card_number"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["BẢNG KÊ ĐẢNG PHÍ NỘP QUA CỔNG DỊCH VỤ CÔNG"])
    sheet.append(
        ["Số thẻ đảng viên", "Họ và tên", "Kỳ đóng", "Số tiền", "Ngày nộp", "Mã giao dịch"]
    )
    sheet.append(["58123456", "Nguyễn Thị Hoa", "03/2026", 91000, "06/03/2026", "DVC0001"])
    out = io.BytesIO()
    book.save(out)
    assert (
        statement.import_statement(
            org=world.ph1, content=out.getvalue(), filename="bk.xlsx", actor=world.binh
        )
        == 1
    )
    payment = DuesPayment.objects.get(receipt="DVC0001")
    assert (payment.channel, line(hoa, MAR).paid) == ("portal", 91_000)
    again = io.BytesIO()
    book.save(again)
    with pytest.raises(statement.StatementError) as twice:
        statement.import_statement(
            org=world.ph1, content=again.getvalue(), filename="bk.xlsx", actor=world.binh
        )
    assert "DVC0001" in "\n".join(twice.value.problems)
    assert line(hoa, MAR).paid == 91_000  # not paid twice
    sheet.append(["99999999", "Người Lạ", "13/2026", "x", "", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(statement.StatementError) as caught:
        statement.import_statement(
            org=world.ph1, content=out.getvalue(), filename="bk.xlsx", actor=world.binh
        )
    text = "\n".join(caught.value.problems)
    assert "4" in text and "Người Lạ" not in text
    assert DuesPayment.objects.count() == 1  # nothing half-written


def test_someone_elses_cell_is_not_written(world):
    other = admit(world.ts1, "Đỗ Văn Khải")
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises((Http404, PermissionDenied)):
        dues.basis_record(
            member=other, since=MAR, category=rules.STUDENT, amount=0, actor=world.binh
        )


def test_remittances_up_the_levels(world):
    """The cell sends up what it collected less its share (30 %, UNCONFIRMED configuration), the
    grassroots committee what it received less its own (50 %)."""
    hoa, _an = salaried(world)
    dues.assess(org=world.phuoc_hai, month=MAR, actor=world.an)
    dues.pay(member=hoa, paid_on=dt.date(2026, 3, 5), amount=91_000, first=MAR, actor=world.binh)
    sent = dues.remit(org=world.ph1, month=MAR, sent_on=dt.date(2026, 3, 28), actor=world.an)
    assert (sent.amount, sent.to_org) == (91_000 - 27_300, world.phuoc_hai)
    up = dues.remit(org=world.phuoc_hai, month=MAR, sent_on=dt.date(2026, 3, 30), actor=world.an)
    assert up.amount == 63_700 - 31_850
    with pytest.raises(ValidationError):
        dues.remit(org=world.ph1, month=MAR, sent_on=dt.date(2026, 3, 29), actor=world.an)


def test_a_deferral_is_for_a_temporarily_exempted_member_and_then_counts(world):
    """01-QĐ/TW (DOMAIN.md §7.2): paying late only while temporarily exempted from activity, for
    at most its months; once the deferral is over, the months still unpaid count towards three."""
    from dangvu.members.events import event_record

    hoa, _an = salaried(world)
    may = dt.date(2026, 5, 1)
    with pytest.raises(ValidationError):
        dues.relief_record(
            member=hoa,
            kind=rules.DEFERRAL,
            percent=0,
            first=MAR,
            last=may,
            decision="NQ",
            actor=world.binh,
        )
    event_record(
        member=hoa,
        kind="temp_exemption",
        on=dt.date(2026, 2, 20),
        details={"until": "2026-05-31"},
        decision=decision(dt.date(2026, 2, 20)),
        actor=world.an,
    )
    with pytest.raises(ValidationError):  # longer than the exemption
        dues.relief_record(
            member=hoa,
            kind=rules.DEFERRAL,
            percent=0,
            first=MAR,
            last=dt.date(2026, 7, 1),
            decision="NQ",
            actor=world.binh,
        )
    dues.relief_record(
        member=hoa,
        kind=rules.DEFERRAL,
        percent=0,
        first=MAR,
        last=may,
        decision="NQ",
        actor=world.binh,
    )
    for month in (MAR, dt.date(2026, 4, 1), may):
        dues.assess(org=world.phuoc_hai, month=month, actor=world.an)
    assert line(hoa, MAR).deferred
    assert selectors.unpaid_of([hoa.pk], 2026, dt.date(2026, 5, 20)) == {}
    after = selectors.unpaid_of([hoa.pk], 2026, dt.date(2026, 6, 10))
    assert after == {hoa.pk: [MAR, dt.date(2026, 4, 1), may]}
