"""Attributes with a history (issue 19, point 4): a change of occupation, schooling, degrees,
political theory or religion takes effect from a day and never moves a figure for an earlier day; a
correction (the value was wrong from the start) may, and is listed with the answer. Every door —
the record's page, the import, the service — goes through `members.services.attribute_history`."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvu.core.errors import RuleError
from dangvu.members.models import AttributeChange, Correction, PartyMember
from dangvu.members.selectors import corrections_for
from dangvu.members.services import PersonInput, member_update
from dangvu.reports.indicators import Scope, compute_all, records_of

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

D = dt.date
Y2023 = (D(2023, 1, 1), D(2023, 12, 31))
Y2025 = (D(2025, 1, 1), D(2025, 12, 31))


def edit(member: PartyMember, *, effective=None, correction=False, reason="Cập nhật", **changes):
    member.refresh_from_db()
    member.person.refresh_from_db()  # as a new request reads it, after any refused edit
    person = member.person
    values = {f: getattr(person, f) for f in PersonInput.__dataclass_fields__ if hasattr(person, f)}
    values.update(card_number=member.card_number, dossier_number=member.dossier_number)
    values.update(changes)
    return member_update(
        member=member,
        person=PersonInput.from_mapping(values),
        actor=None,
        reason=reason,
        effective=effective,
        correction=correction,
    )


def test_a_change_from_a_day_leaves_the_figures_before_it_and_moves_those_after(world, history):
    w, m = world, history
    root = w.province
    moi = m["moi_a"]  # admitted 10/4/2023, a student
    before_2023 = compute_all(Scope(root, *Y2023))
    before_2025 = compute_all(Scope(root, *Y2025))
    assert moi.pk in records_of(Scope(root, *Y2023), "members.occupation.student")

    # She finished university and took a job in a public unit on 1/9/2025.
    edit(
        moi,
        effective=D(2025, 9, 1),
        occupation="public_employee",
        professional_level="dai_hoc",
    )

    # 2023 is as it was: all of its figures, and the records behind the student count.
    assert compute_all(Scope(root, *Y2023)) == before_2023
    students = records_of(Scope(root, *Y2023), "members.occupation.student")
    assert moi.pk in students
    assert moi.pk not in records_of(Scope(root, *Y2023), "members.occupation.public_employee")
    # Admitted in 2023 as a student: form 2 of 2023 still says so.
    assert before_2023["admitted.occupation.student"] >= 1
    assert (
        compute_all(Scope(root, *Y2023))["admitted.occupation.student"]
        == (before_2023["admitted.occupation.student"])
    )
    # On the last day of August 2025 she was still a student; on 31/12/2025 a public employee
    # with a university degree: one student fewer, one public employee and one graduate more.
    aug = compute_all(Scope(root, D(2025, 1, 1), D(2025, 8, 31)))
    assert moi.pk in records_of(
        Scope(root, D(2025, 1, 1), D(2025, 8, 31)), "members.occupation.student"
    )
    after_2025 = compute_all(Scope(root, *Y2025))
    assert after_2025["members.occupation.student"] == before_2025["members.occupation.student"] - 1
    assert after_2025["members.occupation.public_employee"] == (
        before_2025["members.occupation.public_employee"] + 1
    )
    assert after_2025["members.professional.dai_hoc"] == (
        before_2025["members.professional.dai_hoc"] + 1
    )
    assert aug["members.occupation.student"] == before_2025["members.occupation.student"]
    # The records behind a figure follow the same dates as the figure.
    for code in ("members.occupation.student", "members.occupation.public_employee"):
        assert len(records_of(Scope(root, *Y2025), code)) == after_2025[code]
        assert len(records_of(Scope(root, *Y2023), code)) == before_2023[code]
    # No correction is listed: nothing about an earlier day moved.
    assert corrections_for(root, D(2023, 12, 31)) == []
    change = AttributeChange.objects.get(person=moi.person, field="occupation")
    assert (change.before, change.after, change.effective) == (
        "student",
        "public_employee",
        D(2025, 9, 1),
    )


def test_a_correction_moves_the_figures_of_every_day_and_is_listed_with_them(world, history):
    w, m = world, history
    root = w.province
    moi_b = m["moi_b"]  # admitted 1/9/2023 with a university degree
    before = compute_all(Scope(root, *Y2023))
    edit(
        moi_b,
        correction=True,
        professional_level="thac_si",
        reason="Hồ sơ ghi nhầm: bằng thạc sĩ từ 2019",
    )
    after = compute_all(Scope(root, *Y2023))
    assert after["members.professional.thac_si"] == before["members.professional.thac_si"] + 1
    assert after["members.professional.dai_hoc"] == before["members.professional.dai_hoc"] - 1
    assert after["admitted.professional.thac_si"] == before["admitted.professional.thac_si"] + 1
    listed = corrections_for(root, D(2023, 12, 31))
    assert [(c.member_id, c.field) for c in listed] == [(moi_b.pk, "professional_level")]
    assert listed[0].describe() == "Chuyên môn nghiệp vụ: Đại học → Thạc sĩ"
    # `dangvu stats` says so beside its figures.
    out = io.StringIO()
    call_command(
        "stats", "--org", root.code, "--as-of", "2023-12-31", "--format", "json", stdout=out
    )
    document = json.loads(out.getvalue())
    assert [c["member"] for c in document["corrections"]] == [moi_b.pk]


def test_a_change_of_sex_or_date_of_birth_is_a_correction_from_birth(world, history):
    w, m = world, history
    hoa = m["hoa"]
    # Her citizen ID fixes the year of birth; the day was wrong.
    born = hoa.person.birth_date
    edit(hoa, birth_date=born.replace(day=1 if born.day != 1 else 2), reason="Sai ngày sinh")
    assert not AttributeChange.objects.filter(person=hoa.person).exists()
    hoa.person.refresh_from_db()
    c = Correction.objects.get(member=hoa, field="birth_date")
    assert c.affects_from == min(born, hoa.person.birth_date)  # every answer since may move
    assert c in corrections_for(w.province, D(2019, 12, 31))
    new = hoa.person.birth_date
    assert c.describe() == f"Ngày sinh: {born:%d/%m/%Y} → {new:%d/%m/%Y}"


def test_the_dates_a_change_may_take(world, history):
    _w, m = world, history
    moi = m["moi_a"]
    edit(moi, effective=D(2025, 9, 1), occupation="public_employee")
    # A second change dated before the first would rewrite the past: refused, naming the field.
    with pytest.raises(RuleError) as refused:
        edit(moi, effective=D(2025, 1, 1), occupation="other")
    assert "effective" in refused.value.message_dict
    assert "01/09/2025" in refused.value.message_dict["effective"][0]
    with pytest.raises(RuleError) as future:
        edit(moi, effective=dt.date.today() + dt.timedelta(days=3), occupation="retired")
    assert "effective" in future.value.message_dict
    with pytest.raises(RuleError):
        edit(moi, effective=D(1999, 1, 1), occupation="retired")  # before her birth (2000)
    # Nothing of the refused edits was written.
    moi.refresh_from_db()
    moi.person.refresh_from_db()
    assert moi.person.occupation == "public_employee"
    assert AttributeChange.objects.filter(person=moi.person).count() == 1
    # A later change chains on: the value on each day is the one then in force.
    edit(moi, effective=D(2026, 2, 1), occupation="other")
    changes = list(AttributeChange.objects.filter(person=moi.person, field="occupation"))
    assert [(c.before, c.after) for c in changes] == [
        ("student", "public_employee"),
        ("public_employee", "other"),
    ]
    # A correction of the newest value rewrites it since its change (1/2/2026) and no earlier.
    edit(moi, correction=True, occupation="retired", reason="Nhầm: đã nghỉ hưu")
    correction = Correction.objects.get(member=moi, field="occupation")
    assert correction.affects_from == D(2026, 2, 1)
    assert (
        AttributeChange.objects.get(person=moi.person, effective=D(2026, 2, 1)).after == "retired"
    )
    assert corrections_for(_w.province, D(2025, 12, 31)) == []


def test_the_record_page_asks_for_the_date_and_shows_the_history(world, history, client):
    from tests.ui.test_pages import edit_payload

    w, m = world, history
    moi = m["moi_a"]
    client.force_login(w.an)
    url = reverse("members:edit", args=[moi.pk])
    assert (
        "Thay đổi có hiệu lực từ ngày" in client.get(url, {"purpose": "dossier"}).content.decode()
    )
    done = client.post(
        url,
        edit_payload(moi, occupation="public_employee", effective="01/09/2025", reason="Đi làm"),
    )
    assert done.status_code == 302
    change = AttributeChange.objects.get(person=moi.person)
    assert (change.field, change.effective) == ("occupation", D(2025, 9, 1))
    refused = client.post(
        url, edit_payload(moi, occupation="other", effective="01/01/2025", reason="Nhầm ngày")
    )
    assert refused.status_code == 200
    assert "01/09/2025" in refused.content.decode()  # the message, on the date's field
    shown = client.get(reverse("members:detail", args=[moi.pk])).content.decode()
    table = shown.split("Thay đổi lý lịch theo thời gian", 1)[1].split("</table>", 1)[0]
    assert "01/09/2025" in table
    assert "Sinh viên" in table and "Viên chức" in table
    assert "2025-09-01" not in table and "public_employee" not in table


@pytest.mark.once
def test_editing_the_demo_today_moves_no_figure_of_an_earlier_year_but_a_correction_does(demo):
    """The bar of issue 19, point 4, on the demo province: every indicator of TU-KH (through its
    predecessors before 1/7/2025) for 2023, 2024 and 2025 is unchanged after 40 members' schooling,
    degrees, theory, occupation and religion change today; a correction then moves 2024 and is
    listed with it."""
    from dangvu.core.dates import today
    from dangvu.orgs.models import Organisation
    from dangvu.reports.indicators import REGISTRY

    kh = Organisation.objects.get(code="TU-KH")
    years = (2023, 2024, 2025)
    before = {y: compute_all(Scope.year(kh, y)) for y in years}
    assert len(before[2024]) == len(REGISTRY) - sum(c.startswith("_") for c in REGISTRY)
    members = list(
        PartyMember.objects.filter(status="official", first_admission_date__year__lt=2015)
        .select_related("person")
        .order_by("pk")[:40]
    )
    for n, member in enumerate(members):
        p = member.person
        edit(
            member,
            effective=today(),
            general_education="thpt" if p.general_education != "thpt" else "thcs",
            professional_level="thac_si" if p.professional_level != "thac_si" else "dai_hoc",
            theory_level="cao_cap" if p.theory_level != "cao_cap" else "trung_cap",
            occupation="retired" if p.occupation != "retired" else "other",
            religion=("phat_giao" if p.religion != "phat_giao" else "none")
            if n % 2
            else p.religion,
        )
    assert AttributeChange.objects.count() >= 40 * 4
    for year in years:
        after = compute_all(Scope.year(kh, year))
        moved = {c: (before[year][c], after[c]) for c in after if after[c] != before[year][c]}
        assert moved == {}, year
    # Today the forty count as they are now.
    now = compute_all(Scope(kh, today(), today()), ("members",))
    assert now["members.occupation.retired"] >= sum(
        1 for m in members if m.person.occupation != "retired"
    )
    # A correction is a different matter: the value was wrong from the start, so 2024 moves by
    # one and lists it. (A correction of the forty's new values would go back only to today.)
    other = (
        PartyMember.objects.filter(status="official", first_admission_date__year__lt=2015)
        .exclude(person__occupation="agriculture")
        .exclude(pk__in=[m.pk for m in members])
        .select_related("person")
        .first()
    )
    edit(other, correction=True, occupation="agriculture", reason="Ghi nhầm từ đầu")
    corrected = compute_all(Scope.year(kh, 2024))
    assert corrected["members.occupation.agriculture"] == (
        before[2024]["members.occupation.agriculture"] + 1
    )
    assert [c.member_id for c in corrections_for(kh, dt.date(2024, 12, 31))] == [other.pk]


def test_an_export_as_of_a_day_gives_the_attributes_of_that_day(world, history, tmp_path):
    import openpyxl

    moi = history["moi_a"]
    edit(moi, effective=D(2025, 9, 1), occupation="public_employee")

    def occupation_in_export(as_of: str) -> str:
        path = tmp_path / f"dang-vien-{as_of}.xlsx"
        call_command("export", "members", "--org", "TU-T", "--as-of", as_of, str(path))
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        header = next(r for r in rows if "Nghề nghiệp" in r)
        row = next(r for r in rows if moi.person.full_name in r)
        return row[header.index("Nghề nghiệp")]

    assert occupation_in_export("2023-12-31") == "Sinh viên"
    assert occupation_in_export("2025-12-31") == "Viên chức trong đơn vị sự nghiệp công lập"


def test_a_correction_takes_no_date_and_the_log_says_in_words(world, history, client):
    moi = history["moi_a"]
    with pytest.raises(RuleError) as refused:
        edit(moi, correction=True, effective=D(2025, 1, 1), occupation="retired")
    assert "effective" in refused.value.message_dict
    edit(moi, effective=D(2025, 9, 1), occupation="public_employee", reason="Đi làm")
    from dangvu.core.models import ChangeLogEntry

    entry = ChangeLogEntry.objects.filter(action="member.update").latest("id")
    assert entry.reason == "Đi làm (có hiệu lực từ 01/09/2025)"
    assert "effective" not in entry.after and "correction" not in entry.after
    edit(moi, correction=True, general_education="thcs", reason="Ghi nhầm")
    client.force_login(world.an)
    page = client.get(reverse("members:detail", args=[moi.pk])).content.decode()
    # From when the correction counts: no earlier change of schooling, so from her birth.
    assert f"(tính từ {moi.person.birth_date:%d/%m/%Y})" in page
