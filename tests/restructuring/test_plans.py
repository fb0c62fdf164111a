"""Restructuring: operations move organisations, members and roles together; plans are checked as a
whole, applied as one and reverted as one; earlier figures never change (DOMAIN.md §10)."""

import datetime as dt
from typing import Any

import pytest

from dangvu.accounts.models import Role, RoleGrant
from dangvu.accounts.services import role_grant
from dangvu.members.models import MembershipEvent, PartyMember
from dangvu.members.selectors import member_on, stats
from dangvu.orgs.models import Lineage, Organisation, Placement
from dangvu.restructuring.models import Operation, Plan
from dangvu.restructuring.services import (
    PlanRefused,
    plan_apply,
    plan_check,
    plan_from_rows,
    plan_preview,
    plan_revert,
)
from tests.conftest import decision, make_org

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date(2024, 7, 1)


def plan_of(*ops, on=D):
    plan = Plan.objects.create(
        name="Sắp xếp thử", effective_on=on, decision=decision(on, "99-QĐ/TU")
    )
    for seq, op in enumerate(ops, start=1):
        Operation.objects.create(plan=plan, seq=seq, **op)
    return plan


def snapshot(world):
    return {
        org.code: stats(org, dt.date(2024, 6, 30))
        for org in (world.province, world.phuoc_hai, world.tan_son)
    }


def test_merging_two_cells_moves_the_members_and_the_roles_and_keeps_earlier_figures(world):
    role_grant(
        user=world.dung,
        org=world.ph2,
        role=Role.SECRETARY,
        valid_from=dt.date(2020, 1, 1),
        actor=None,
    )
    before = snapshot(world)
    plan = plan_of({"kind": "merge", "source": "PH-2", "target": "PH-1"})
    assert plan_check(plan=plan) == []
    preview = {row["code"]: row for row in plan_preview(plan=plan)}
    assert preview["PH-1"]["members_before"] == 2 and preview["PH-1"]["members_after"] == 3
    assert preview["PH-2"]["members_after"] is None
    plan_apply(plan=plan, actor=world.an)
    thanh = PartyMember.objects.get(pk=world.members["thanh"].pk)
    assert thanh.org.code == "PH-1" and member_on(thanh, D)["org"] == "PH-1"
    assert member_on(thanh, dt.date(2024, 6, 30))["org"] == "PH-2"
    assert snapshot(world) == before  # DOMAIN.md §10: history intact
    assert stats(world.ph1, D)["members.total"] == 3
    assert Organisation.objects.get(code="PH-2").dissolved_on == D
    assert Lineage.objects.filter(
        predecessor__code="PH-2", successor__code="PH-1", relation="merged_into"
    ).exists()
    assert RoleGrant.objects.filter(
        user=world.dung, org=world.ph1, role=Role.SECRETARY, valid_from=D
    ).exists()
    assert RoleGrant.objects.get(user=world.dung, org__code="PH-2").valid_to == D


def test_a_plan_with_an_orphan_a_cycle_and_an_unknown_code_lists_every_problem_and_applies_nothing(
    world,
):
    plan = plan_of(
        {"kind": "move", "source": "X-PH", "parent": "PH-1"},
        {"kind": "merge", "source": "ZZ-1", "target": "PH-1"},
    )
    problems = plan_check(plan=plan)
    messages = " ".join(p.message for p in problems)
    assert "chu trình" in messages and "ZZ-1" in messages
    orphan = plan_of({"kind": "dissolve", "source": "X-TS"})
    problems = plan_check(plan=orphan)
    assert problems and any("TS-1" in p.message for p in problems)
    member_orphan = plan_of(
        {
            "kind": "create",
            "target": "PH-9",
            "name": "Chi bộ 9",
            "org_kind": "cell",
            "parent": "X-PH",
        },
        {"kind": "dissolve", "source": "PH-2"},
    )
    problems = plan_check(plan=member_orphan)
    assert any("Đàng Văn Thành" in p.message for p in problems)
    with pytest.raises(PlanRefused):
        plan_apply(plan=member_orphan, actor=world.an)
    assert not Organisation.objects.filter(code="PH-9").exists()
    assert Organisation.objects.get(code="PH-2").dissolved_on is None


def test_split_and_new_organisations_follow_the_assignment(world):
    plan = plan_of(
        {
            "kind": "create",
            "target": "X-PH-A",
            "name": "Đảng bộ xã Phước Hải A",
            "org_kind": "grassroots_committee",
            "parent": "HU-A",
            "category": "xa",
        },
        {
            "kind": "create",
            "target": "X-PH-B",
            "name": "Đảng bộ xã Phước Hải B",
            "org_kind": "grassroots_committee",
            "parent": "HU-A",
            "category": "xa",
        },
        {
            "kind": "split",
            "source": "X-PH",
            "assignment": {"children": {"PH-1": "X-PH-A", "PH-2": "X-PH-B"}, "default": "X-PH-A"},
        },
    )
    plan_apply(plan=plan, actor=world.an)
    assert Organisation.objects.get(code="PH-1").parent.code == "X-PH-A"
    assert Organisation.objects.get(code="PH-2").parent.code == "X-PH-B"
    assert set(
        Lineage.objects.filter(predecessor__code="X-PH").values_list("successor__code", flat=True)
    ) == {"X-PH-A", "X-PH-B"}
    assert stats(Organisation.objects.get(code="X-PH-B"), D)["members.total"] == 1


def test_an_applied_plan_is_reverted_as_one_while_nothing_later_depends_on_it(world):
    before_now = stats(world.province, dt.date.today())
    plan = plan_of(
        {"kind": "merge", "source": "PH-2", "target": "PH-1"},
        {"kind": "rename", "source": "PH-1", "name": "Chi bộ Thôn Phước Lập – Hữu Đức"},
    )
    plan_apply(plan=plan, actor=world.an)
    assert Organisation.objects.get(code="PH-1").name == "Chi bộ Thôn Phước Lập – Hữu Đức"
    plan_revert(plan=plan, actor=world.an, reason="Quyết định bị thu hồi")
    ph1, ph2 = Organisation.objects.get(code="PH-1"), Organisation.objects.get(code="PH-2")
    assert (
        ph1.name == "Chi bộ Thôn Phước Lập"
        and ph2.dissolved_on is None
        and ph2.parent.code == "X-PH"
    )
    thanh = PartyMember.objects.get(pk=world.members["thanh"].pk)
    assert thanh.org.code == "PH-2" and member_on(thanh, dt.date.today())["org"] == "PH-2"
    assert stats(world.province, dt.date.today()) == before_now
    assert not Lineage.objects.filter(predecessor__code="PH-2").exists()
    plan.refresh_from_db()
    assert plan.status == "reverted"


def test_moves_under_one_parent_are_applied_together_and_a_refused_one_is_named(world):
    """Consecutive moves to one parent go in one statement set (issue 28, point 4): each
    organisation gets its placement and its change-log entry as when moved one by one; when one
    of them is refused, nothing is moved and the problem names that operation."""
    from dangvu.core.models import ChangeLogEntry

    refused = plan_of(
        {"kind": "move", "source": "PH-1", "parent": "X-TS"},
        {"kind": "move", "source": "TS-1", "parent": "X-TS"},  # already there
    )
    with pytest.raises(PlanRefused) as caught:
        plan_apply(plan=refused, actor=world.an)
    assert [p.seq for p in caught.value.problems] == [2]
    assert caught.value.problems[0].message == "Tổ chức đã trực thuộc Đảng bộ thị trấn Tân Sơn."
    assert Organisation.objects.get(code="PH-1").parent.code == "X-PH"

    plan = plan_of(
        {"kind": "move", "source": "PH-1", "parent": "X-TS"},
        {"kind": "move", "source": "PH-2", "parent": "X-TS"},
    )
    plan_apply(plan=plan, actor=world.an)
    tan_son = Organisation.objects.get(code="X-TS")
    for code in ("PH-1", "PH-2"):
        org = Organisation.objects.get(code=code)
        assert org.parent == tan_son and org.path.startswith(tan_son.path)
        assert Placement.objects.get(org=org, valid_from=D).parent == tan_son
    assert ChangeLogEntry.objects.filter(action="org.move", changeset=plan.applied).count() == 2
    assert stats(tan_son, D)["members.total"] == 4  # Hoa, An, Thành and Sơn


def test_a_plan_cannot_be_reverted_once_later_records_depend_on_it(world):
    from dangvu.members.events import event_record

    plan = plan_of({"kind": "merge", "source": "PH-2", "target": "PH-1"})
    plan_apply(plan=plan, actor=world.an)
    thanh = PartyMember.objects.get(pk=world.members["thanh"].pk)
    event_record(
        member=thanh,
        kind="exemption",
        on=dt.date(2024, 9, 1),
        actor=None,
        decision=decision(dt.date(2024, 9, 1)),
        details={"ground": "health"},
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        plan_revert(plan=plan, actor=world.an, reason="thử")
    assert "1" in " ".join(caught.value.messages)
    plan.refresh_from_db()
    assert plan.status == "applied"
    assert Organisation.objects.get(code="PH-2").dissolved_on == D


def test_a_plan_from_a_spreadsheet_old_code_to_new_code(world):
    plan = Plan.objects.create(
        name="Từ bảng tính", effective_on=D, decision=decision(D, "100-QĐ/TU")
    )
    rows = [
        {
            "_row": "2",
            "old": "",
            "new": "X-MOI",
            "name": "Đảng bộ xã Mới",
            "kind": "grassroots_committee",
            "parent": "HU-A",
        },
        {"_row": "3", "old": "X-PH", "new": "X-MOI"},
        {"_row": "4", "old": "X-TS", "new": "X-MOI"},
        {"_row": "5", "old": "PH-1", "new": "", "parent": "", "name": "Chi bộ Thôn Phước Lập 1"},
    ]
    assert plan_from_rows(plan, rows) == []
    kinds = list(plan.operations.values_list("kind", "source", "target"))
    assert kinds[0] == ("create", "", "X-MOI") and ("merge", "X-PH", "X-MOI") in kinds
    assert plan_check(plan=plan) == []
    plan_apply(plan=plan, actor=world.an)
    assert stats(Organisation.objects.get(code="X-MOI"), D)["members.total"] == 4
    bad = Plan.objects.create(name="Sai", effective_on=D, decision=decision(D, "101-QĐ/TU"))
    problems = plan_from_rows(
        bad, [{"_row": "2", "old": "", "new": ""}, {"_row": "3", "old": "PH-1", "kind": "xyz"}]
    )
    assert [p.row for p in problems] == [2, 3]


def test_change_of_kind_keeps_the_place_and_the_history(world):
    plan = plan_of({"kind": "change_kind", "source": "X-TS", "org_kind": "grassroots_cell"})
    problems = plan_check(plan=plan)
    # TS-1 (Chi bộ Khu phố 1) could not stay under a grassroots cell
    assert any("Chi bộ Khu phố 1" in p.message for p in problems)
    empty = make_org(
        "X-NEW",
        "Đảng bộ cơ sở Trường học",
        "grassroots_committee",
        Organisation.objects.get(code="HU-A"),
    )
    plan_apply(
        plan=plan_of({"kind": "change_kind", "source": "X-NEW", "org_kind": "grassroots_cell"}),
        actor=world.an,
    )
    kinds = list(
        Placement.objects.filter(org=empty).order_by("valid_from").values_list("kind", "valid_from")
    )
    assert kinds == [("grassroots_committee", dt.date(2000, 1, 1)), ("grassroots_cell", D)]
    assert Organisation.objects.get(code="X-NEW").path == empty.path  # same place in the tree


def test_the_plan_command_imports_a_csv_dry_run_then_applies(world, tmp_path):
    import io
    import json

    from django.core.management import call_command

    sheet = tmp_path / "sap-xep.csv"
    sheet.write_text(
        "Mã cũ,Mã mới,Tên mới,Loại,Cấp trên mới\n"
        ",X-MOI,Đảng bộ xã Mới,Đảng bộ cơ sở,HU-A\nX-PH,X-MOI,,,\nX-TS,X-MOI,,,\n",
        encoding="utf-8",
    )
    args = [
        "plan",
        "import",
        str(sheet),
        "--name",
        "Hợp nhất xã",
        "--on",
        "2024-07-01",
        "--decision-number",
        "5-QĐ/HU",
        "--decision-issuer",
        "Ban Thường vụ Huyện ủy",
        "--format",
        "json",
    ]
    out = io.StringIO()
    call_command(*args, "--dry-run", stdout=out)
    document = json.loads(out.getvalue())
    assert document["problems"] == [] and document["plan"] is None
    assert {r["code"]: r["members_after"] for r in document["preview"]}["X-MOI"] == 4
    assert not Organisation.objects.filter(code="X-MOI").exists() and not Plan.objects.exists()
    out = io.StringIO()
    call_command(*args, "--apply", stdout=out)
    assert Organisation.objects.get(code="X-PH").dissolved_on == D
    assert stats(Organisation.objects.get(code="X-MOI"), D)["members.total"] == 4


def test_a_bad_sheet_names_the_rows(world, tmp_path):
    import io
    import json

    from django.core.management import call_command

    sheet = tmp_path / "sai.csv"
    sheet.write_text("Mã cũ,Mã mới,Cấp trên mới\nX-PH,,PH-1\nZZ-9,X-TS,\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command(
            "plan",
            "import",
            str(sheet),
            "--name",
            "Sai",
            "--on",
            "2024-07-01",
            "--decision-issuer",
            "HU",
            "--format",
            "json",
            stdout=out,
        )
    assert exit_code.value.code == 1
    problems = json.loads(out.getvalue())["problems"]
    assert {p["row"] for p in problems} >= {3}
    assert any("chu trình" in p["message"] or "cycle" in p["message"] for p in problems)
    assert Organisation.objects.get(code="X-PH").parent.code == "HU-A"


def test_the_plan_pages_upload_check_apply_and_revert(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.an)
    sheet = SimpleUploadedFile(
        "p.csv", "Mã cũ,Mã mới\nPH-2,PH-1\n".encode(), content_type="text/csv"
    )
    response = client.post(
        reverse("restructuring:list"),
        {
            "name": "Hợp nhất chi bộ",
            "effective_on": "01/07/2024",
            "decision_number": "7-QĐ/ĐU",
            "decision_date": "25/06/2024",
            "decision_issuer": "Đảng ủy xã Phước Hải",
            "sheet": sheet,
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "PH-1" in page and "Áp dụng" in page
    response = client.post(response["Location"], {"action": "apply"})
    assert Organisation.objects.get(code="PH-2").dissolved_on == D
    page = client.post(
        response["Location"], {"action": "revert", "reason": "Thu hồi"}, follow=True
    ).content.decode()
    assert Organisation.objects.get(code="PH-2").dissolved_on is None
    client.force_login(world.binh)
    assert client.get(reverse("restructuring:list")).status_code == 404


def test_one_plan_with_an_orphaned_member_an_orphaned_organisation_and_a_cycle_lists_all_three(
    world,
):
    plan = plan_of(
        {"kind": "move", "source": "X-PH", "parent": "PH-1"},  # a cycle
        {"kind": "dissolve", "source": "X-TS"},  # leaves TS-1 without a superior
        {"kind": "dissolve", "source": "PH-2"},  # leaves Đàng Văn Thành without a cell
    )
    messages = " ".join(p.message for p in plan_check(plan=plan))
    assert "chu trình" in messages and "TS-1" in messages and "Đàng Văn Thành" in messages
    with pytest.raises(PlanRefused) as refused:
        plan_apply(plan=plan, actor=world.an)
    refused_messages = " ".join(p.message for p in refused.value.problems)
    assert "TS-1" in refused_messages and "Đàng Văn Thành" in refused_messages
    assert Organisation.objects.get(code="PH-2").dissolved_on is None
    assert Organisation.objects.get(code="X-TS").dissolved_on is None


def test_a_plan_from_an_xlsx_file(world, tmp_path):
    import xlsxwriter

    from dangvu.restructuring.spreadsheet import read_rows

    path = tmp_path / "p.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate(
        [
            ["Mã cũ", "Mã mới", "Tên mới", "Loại", "Cấp trên mới"],
            ["", "PH-M", "Chi bộ Thôn Mới", "Chi bộ trực thuộc", "X-PH"],
            ["PH-1", "PH-M", "", "", ""],
            ["PH-2", "PH-M", "", "", ""],
        ]
    ):
        sheet.write_row(r, 0, row)
    book.close()
    rows = read_rows(path.read_bytes(), "p.xlsx")
    assert rows[0]["kind"] == "cell" and rows[1]["_row"] == "3"
    plan = Plan.objects.create(name="Từ xlsx", effective_on=D, decision=decision(D, "102-QĐ/TU"))
    assert plan_from_rows(plan, rows) == []
    plan_apply(plan=plan, actor=world.an)
    assert stats(Organisation.objects.get(code="PH-M"), D)["members.total"] == 3


def test_then_and_now_and_lineage_pages_show_the_tree_before_and_after(client, world):
    from django.urls import reverse

    plan_apply(plan=plan_of({"kind": "merge", "source": "PH-2", "target": "PH-1"}), actor=world.an)
    client.force_login(world.an)
    page = client.get(
        reverse("orgs:compare"), {"truoc": "30/06/2024", "sau": "01/07/2024"}
    ).content.decode()
    before, after = page.split("01/07/2024</h2>")
    # Each date shows the tops and their subordinates; a node opened reads the level below it as
    # it stood on its column's date.
    assert "Đảng bộ huyện An Phước" in before and "Đảng bộ huyện An Phước" in after
    assert reverse("orgs:children", args=["HU-A"]) + "?ngay=30/06/2024" in before
    assert reverse("orgs:children", args=["HU-A"]) + "?ngay=01/07/2024" in after

    def cells(day: str) -> str:
        url = reverse("orgs:children", args=["X-PH"])
        return client.get(url, {"ngay": day}, HTTP_HX_REQUEST="true").content.decode()

    assert "Chi bộ Thôn Hữu Đức" in cells("30/06/2024")
    assert "Chi bộ Thôn Hữu Đức" not in cells("01/07/2024")
    detail = client.get(reverse("orgs:detail", args=["PH-1"])).content.decode()
    assert "Chi bộ Thôn Hữu Đức (PH-2)" in detail and "01/07/2024" in detail
    # The secretary of the merged cell's successor reads the old cell's history too.
    role_grant(user=world.cuong, org=world.ph1, role=Role.VIEWER, valid_from=D, actor=None)
    client.force_login(world.cuong)
    assert client.get(reverse("orgs:detail", args=["PH-2"])).status_code == 200


def test_a_cell_shared_out_between_two_new_cells_counts_member_by_member_before(world):
    """Issue 19, point 1: a split predecessor contributes only what went to each successor. PH-1
    (Hoa and An) is split on 1/7/2024 into PH-1A (Hoa) and PH-1B (An): before that day, each new
    cell answers for its own member — its list, its admissions, its form 1 — and the two make
    PH-1 again."""
    from dangvu.members.selectors import members_on_list
    from dangvu.reports.indicators import FAMILY, Scope, records_of

    hoa, an = world.members["hoa"], world.members["an"]
    cell = {"org_kind": "cell", "parent": "X-PH"}
    plan = plan_of(
        {"kind": "create", "target": "PH-1A", "name": "Chi bộ Thôn Phước Lập A", **cell},
        {"kind": "create", "target": "PH-1B", "name": "Chi bộ Thôn Phước Lập B", **cell},
        {
            "kind": "split",
            "source": "PH-1",
            "assignment": {"members": {str(hoa.pk): "PH-1A", str(an.pk): "PH-1B"}},
        },
    )
    assert plan_check(plan=plan) == []
    plan_apply(plan=plan, actor=world.an)
    a, b = (Organisation.objects.get(code=c) for c in ("PH-1A", "PH-1B"))
    eve = dt.date(2024, 6, 30)
    assert [m.pk for m, _s in members_on_list(a, eve)] == [hoa.pk]
    assert [m.pk for m, _s in members_on_list(b, eve)] == [an.pk]
    assert stats(a, eve)["members.total"] + stats(b, eve)["members.total"] == 2
    assert stats(world.phuoc_hai, eve)["members.total"] == 3  # the commune as it was
    ever = (dt.date(2000, 1, 1), eve)
    admitted_a = records_of(Scope(a, *ever), "flow.in.admitted")
    assert {e.member_id for e in MembershipEvent.objects.filter(pk__in=admitted_a)} == {hoa.pk}
    assert records_of(Scope(a, *ever), "members.total") == [hoa.pk]
    flows = FAMILY["flows"]
    for unit, member in ((a, hoa), (b, an)):
        flow = flows.compute(Scope.year(unit, 2024))
        assert flow.start_members == flow.end_members == {member.pk}
        assert flows.unexplained(flow) == {}


def test_a_plan_upload_is_in_the_change_log_and_one_beyond_the_users_area_is_not_saved(
    client, world
):
    """Issue 21, point 8: an uploaded plan has its change-log entry, filed under the organisations
    it names; a plan naming an organisation outside the officer's area is refused whole, with the
    same words whether the code is another area's or nobody's."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from dangvu.core.models import ChangeLogEntry

    def upload(text: str) -> Any:
        return client.post(
            reverse("restructuring:list"),
            {
                "name": "Hợp nhất chi bộ",
                "effective_on": "01/07/2024",
                "decision_number": "7-QĐ/ĐU",
                "decision_date": "25/06/2024",
                "decision_issuer": "Đảng ủy",
                "sheet": SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv"),
            },
        )

    client.force_login(world.cuong)  # an officer of Tân Sơn only
    plans = Plan.objects.count()
    page = upload("Mã cũ,Mã mới\nPH-2,PH-1\n").content.decode()
    assert Plan.objects.count() == plans
    assert "Dòng 2: PH-2 không phải tổ chức bạn được thay đổi." in page
    nobody = upload("Mã cũ,Mã mới\nKHONG-CO,PH-1\n").content.decode()
    assert "Dòng 2: KHONG-CO không phải tổ chức bạn được thay đổi." in nobody
    assert "Phước Lập" not in page + nobody and "Hữu Đức" not in page + nobody
    assert not ChangeLogEntry.objects.filter(action="plan.create").exists()

    response = upload("Mã cũ,Tên mới\nTS-1,Chi bộ Khu phố Một\n")
    assert response.status_code == 302
    plan = Plan.objects.latest("pk")
    entry = ChangeLogEntry.objects.get(action="plan.create")
    assert entry.object_id == str(plan.pk) and entry.actor_id == world.cuong.pk
    assert entry.after["operations"] == 1 and entry.scope_path == world.ts1.path


def _records_after(plan):
    """What a plan leaves, by codes and names (keys differ between two applications)."""
    from collections import Counter

    from dangvu.core.models import ChangeLogEntry
    from dangvu.members.models import MembershipPeriod

    def code(org):
        return org.code if org else None

    return {
        "placements": sorted(
            (p.org.code, code(p.parent), p.kind, p.valid_from, p.valid_to)
            for p in Placement.objects.select_related("org", "parent")
        ),
        "dissolved": sorted(
            Organisation.objects.filter(dissolved_on__isnull=False).values_list(
                "code", "dissolved_on"
            )
        ),
        "members": sorted(
            (m.person.full_name, m.org.code, m.status)
            for m in PartyMember.objects.select_related("person", "org")
        ),
        "periods": sorted(
            (p.member.person.full_name, p.org.code, p.valid_from, p.valid_to)
            for p in MembershipPeriod.objects.select_related("member__person", "org")
        ),
        "lineage": sorted(
            Lineage.objects.values_list("predecessor__code", "successor__code", "relation")
        ),
        "roles": sorted(
            (g.user.username, g.org.code, g.valid_from, g.valid_to, g.needs_review)
            for g in RoleGrant.objects.select_related("user", "org")
        ),
        "log": Counter(
            ChangeLogEntry.objects.filter(changeset=plan.applied).values_list(
                "action", "object_label"
            )
        ),
    }


NEW_CELL = {
    "kind": "create",
    "target": "TS-2",
    "name": "Chi bộ Khu phố 2",
    "org_kind": "cell",
    "parent": "X-TS",
}


def _applied_both_ways(world, monkeypatch, ops, more=dict):
    """The plan of `ops` applied as the service groups it, then one operation at a time, each in
    a savepoint rolled back: for each way, the records it leaves (and `more()`), the statements
    it sent; and the number of batches the grouped way made."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from dangvu.restructuring.services import checking

    groups = []
    together = checking._batches
    monkeypatch.setattr(
        checking, "_batches", lambda o: groups.append(len(together(o))) or together(o)
    )
    records, statements = {}, {}
    for way in ("together", "one by one"):
        if way == "one by one":
            monkeypatch.setattr(checking, "_batches", lambda o: [[op] for op in o])
        with transaction.atomic():
            plan = plan_of(*ops)
            with CaptureQueriesContext(connection) as queries:
                plan_apply(plan=plan, actor=world.an)
            statements[way] = len(queries)
            plan.refresh_from_db()
            records[way] = {**_records_after(plan), **more()}
            transaction.set_rollback(True)
    return records, statements, groups


def test_merges_applied_together_leave_the_records_one_by_one_would(world, monkeypatch):
    """Consecutive merges go a group at a time (issue 28, point 4): PH-2 into PH-1 and TS-1 into a
    new cell TS-2 together; then PH-1, which received Thành, into TS-2 (it touches the first
    group); then X-PH, which held PH-1, into X-TS (it touches the second). The records afterwards
    are those of the same plan applied one operation at a time, in fewer statements: the four
    members in TS-2, Thành moved twice, Dũng's role on PH-2 carried to PH-1, then to TS-2."""
    role_grant(
        user=world.dung,
        org=world.ph2,
        role=Role.SECRETARY,
        valid_from=dt.date(2020, 1, 1),
        actor=None,
    )
    ops = (
        NEW_CELL,
        {"kind": "merge", "source": "PH-2", "target": "PH-1"},
        {"kind": "merge", "source": "TS-1", "target": "TS-2"},
        {"kind": "merge", "source": "PH-1", "target": "TS-2"},
        {"kind": "merge", "source": "X-PH", "target": "X-TS"},
    )
    records, seen, groups = _applied_both_ways(world, monkeypatch, ops)
    assert groups == [2]  # the creation, then the four merges
    assert records["together"] == records["one by one"]
    after = records["together"]
    assert sorted(name for name, cell, _status in after["members"] if cell == "TS-2") == sorted(
        ["Nguyễn Thị Hoa", "Nguyễn Văn An", "Đàng Văn Thành", "Lê Minh Sơn"]
    )
    assert {("PH-2", "PH-1"), ("TS-1", "TS-2"), ("PH-1", "TS-2"), ("X-PH", "X-TS")} == {
        (a, b) for a, b, relation in after["lineage"] if relation == "merged_into"
    }
    assert [(r[1], r[3]) for r in after["roles"] if r[0] == "dung" and r[1] != "TU-T"] == [
        ("PH-1", D),
        ("PH-2", D),
        ("TS-2", None),
    ]
    thanh = [p for p in after["periods"] if p[0] == "Đàng Văn Thành"]
    # PH-2 until the plan's day, then TS-2: his day in PH-1 lasts no time and is no period
    assert [(cell, end) for _n, cell, _start, end in thanh][-2:] == [("PH-2", D), ("TS-2", None)]
    assert seen["together"] < seen["one by one"]


def test_a_member_on_a_temporary_transfer_is_reassigned_at_home_and_at_the_host_together(
    world, monkeypatch
):
    """Hoa, of PH-1, is on a temporary transfer to TS-1 when PH-1 is merged into PH-2 and TS-1 into
    a new TS-2, the two merges in one group: two reassignments, her home to PH-2 and her stay to
    TS-2, as one by one (a review found the grouped merge kept one of her two memberships)."""
    from dangvu.members.events import event_record

    hoa = world.members["hoa"]
    event_record(
        member=hoa,
        kind="temp_transfer_out",
        on=dt.date(2024, 3, 4),
        org=world.ts1,
        details={"until": dt.date(2024, 12, 31)},
        decision=decision(dt.date(2024, 3, 4), "5-QĐ/ĐU"),
        actor=None,
    )
    event_record(
        member=hoa, kind="temp_transfer_in", on=dt.date(2024, 3, 8), org=world.ts1, actor=None
    )
    ops = (
        NEW_CELL,
        {"kind": "merge", "source": "PH-1", "target": "PH-2"},
        {"kind": "merge", "source": "TS-1", "target": "TS-2"},
    )

    def hoa_now():
        now = member_on(PartyMember.objects.get(pk=hoa.pk), D)
        return {"hoa": (now["org"], now["temp_org"])}

    records, _statements, _groups = _applied_both_ways(world, monkeypatch, ops, hoa_now)
    assert records["together"] == records["one by one"]
    assert records["together"]["hoa"] == ("PH-2", "TS-2")
