"""The year of comings and goings the report tests count (tests/reports)."""

from __future__ import annotations

import datetime as dt

from dangvu.awards.services import badge_record, commendation_record
from dangvu.evaluation.services import (
    Proposal,
    org_rating_propose,
    ratings_decide,
    ratings_propose,
)
from dangvu.members.events import event_record
from dangvu.members.models import MembershipPeriod
from dangvu.members.services import PersonInput, member_admit
from dangvu.rules.evaluation import HTNV, HTTNV
from tests.conftest import admit, decision

D = dt.date
YEAR = 2023


def event(member, kind, on, **kwargs):
    if kind not in ("death", "transfer_in", "temp_transfer_in", "temp_transfer_end"):
        kwargs.setdefault("decision", decision(on, f"{kind}-{on}-{member.pk}"))
    return event_record(member=member, kind=kind, on=on, actor=None, **kwargs)


def build_history(world):
    """The named world's members and the year 2023 around them; returns (world, members)."""
    w = world
    m = dict(w.members)
    m["moi_a"] = admit(
        w.ph1,
        "Chamaléa Thị Mới",
        sex="F",
        birth=D(2000, 3, 1),
        ethnicity="21",
        religion="phat_giao",
        occupation="student",
        general_education="thpt",
        decided=D(2023, 4, 10),
        ceremony=D(2023, 4, 20),
        recognised=False,
    )
    m["moi_b"] = admit(
        w.ts1,
        "Trần Văn Mới",
        birth=D(1990, 8, 9),
        occupation="agriculture",
        professional_level="dai_hoc",
        decided=D(2023, 9, 1),
        ceremony=D(2023, 9, 15),
        recognised=False,
    )
    m["moi_2022"] = admit(
        w.ph2,
        "Hồ Thị Năm Trước",
        sex="F",
        birth=D(1998, 1, 1),
        decided=D(2022, 5, 5),
        ceremony=D(2022, 5, 20),
        recognised=False,
    )
    m["xoa"] = admit(
        w.ph1,
        "Lê Văn Xóa",
        birth=D(1992, 2, 2),
        decided=D(2022, 11, 1),
        ceremony=D(2022, 11, 15),
        recognised=False,
    )
    m["chuyen"] = admit(
        w.ph2,
        "Phan Văn Chuyển",
        birth=D(1975, 5, 5),
        decided=D(2012, 1, 5),
        ceremony=D(2012, 1, 20),
    )
    m["ra"] = admit(
        w.ph2, "Đỗ Văn Ra", birth=D(1970, 1, 1), decided=D(2011, 1, 1), ceremony=D(2011, 1, 10)
    )
    m["khai"] = admit(
        w.ts1, "Vũ Văn Khai", birth=D(1972, 1, 1), decided=D(2011, 1, 1), ceremony=D(2011, 1, 10)
    )
    m["lao"] = member_admit(  # admitted in 1988 elsewhere, here since 2005
        person=PersonInput(
            full_name="Cao Văn Lão",
            sex="M",
            birth_date=D(1950, 3, 3),
            theory_level="cao_cap",
            academic_title="pgs",
        ),
        org=w.ts1,
        decision=decision(D(1988, 5, 1), "lao-1988", "Huyện ủy Cũ"),
        ceremony_date=D(1988, 5, 15),
        recognised=True,
        actor=None,
        external_org="Chi bộ Cũ",
    )
    event(m["lao"], "transfer_in", D(2005, 3, 1), org=w.ts1, details={"external_from": "tỉnh Cũ"})
    m["den"] = member_admit(
        person=PersonInput(full_name="Mai Văn Đến", sex="M", birth_date=D(1983, 6, 6)),
        org=w.ph1,
        decision=decision(D(2008, 2, 2), "den-2008", "Ban Thường vụ Huyện ủy Khác"),
        ceremony_date=D(2008, 2, 20),
        recognised=True,
        actor=None,
        external_org="Chi bộ cơ sở, tỉnh Khác",
    )
    # The year 2023.
    event(m["den"], "transfer_in", D(2023, 2, 1), org=w.ph1, details={"external_from": "tỉnh Khác"})
    event(m["son"], "transfer_out", D(2023, 3, 1), org=w.ph2)  # X-TS → X-PH, inside the district
    event(m["son"], "transfer_in", D(2023, 3, 10), org=w.ph2)
    event(m["chuyen"], "transfer_out", D(2023, 5, 2))  # out of the province
    event(m["ra"], "resignation", D(2023, 6, 1))
    event(m["an"], "death", D(2023, 7, 1))
    event(m["xoa"], "removal", D(2023, 8, 1), details={"ground": "probation_unqualified"})
    event(m["khai"], "expulsion", D(2023, 10, 1))
    event(
        m["hoa"], "temp_transfer_out", D(2023, 4, 3), org=w.ts1, details={"until": D(2023, 10, 1)}
    )
    event(m["hoa"], "temp_transfer_in", D(2023, 4, 5), org=w.ts1)
    event(m["hoa"], "temp_transfer_end", D(2023, 10, 1))
    event(m["lao"], "exemption", D(2023, 1, 5), details={"ground": "age"})
    # Ratings of 2023 decided by the commune for PH-1's members in the list on 31/12.
    cell = [
        p.member
        for p in MembershipPeriod.objects.filter(org=w.ph1, valid_to__isnull=True, temporary=False)
    ]
    reviewed = [x for x in cell if x.admission_decision_date <= D(2023, 6, 30)]
    ratings = ratings_propose(
        cell=w.ph1,
        year=YEAR,
        actor=w.binh,
        proposals=[Proposal(x, HTNV if x == m["den"] else HTTNV) for x in reviewed],
    )
    ratings_decide(
        deciding_org=w.phuoc_hai,
        year=YEAR,
        actor=w.an,
        levels=[(r, r.proposed_level) for r in ratings],
        decision=decision(D(2023, 12, 20), "2023-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
    )
    # PH-1 itself rated by the commune; a certificate of merit to hoa and one to the cell.
    cell_rating = org_rating_propose(
        org=w.ph1, year=YEAR, proposal=Proposal(w.ph1, HTTNV), actor=w.an
    )
    ratings_decide(
        deciding_org=w.phuoc_hai,
        year=YEAR,
        actor=w.an,
        levels=[(cell_rating, HTTNV)],
        decision=decision(D(2023, 12, 21), "2023-QĐ/ĐU-CB", "Đảng ủy xã Phước Hải"),
    )
    for subject in ({"member": m["hoa"]}, {"org": w.ph1}):
        commendation_record(
            kind="giay_khen",
            basis="other",
            first_year=YEAR,
            last_year=YEAR,
            giver=w.phuoc_hai,
            decision=decision(
                D(2023, 12, 28), f"khen-{next(iter(subject))}", "Đảng ủy xã Phước Hải"
            ),
            actor=None,
            **subject,
        )
    badge_record(member=m["lao"], tier=30, awarded_on=D(2018, 5, 19), decision=None, actor=None)
    return w, m
