"""The synthetic demo province, shaped on Ninh Thuận before 2025 (DESIGN.md "The demo province").

Real place names, synthetic people, deterministic for a seed. Everything is written through the
services of orgs/ and members/, in one change set per phase, so the demo obeys every rule that
users' data obeys. The builder runs in phases (tree, members as of 31/12/2024); the history since
2019 and the 2025 restructuring are later phases (issues 3 and 4).

Simplification: every organisation is established on 01/05/1975 (the real province was part of
Thuận Hải until 1992, and Thuận Bắc and Thuận Nam were created in 2009); members are admitted on
or after that date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction

from dangvu.core.changes import get_or_create_decision, open_change_set
from dangvu.core.dates import add_years, today
from dangvu.core.models import ChangeSet, Decision
from dangvu.core.text import search_key
from dangvu.demo import data
from dangvu.members.services import AdmitRow, PersonInput, members_bulk_admit
from dangvu.orgs.models import Organisation
from dangvu.tree.services import org_create

T = TypeVar("T")
ESTABLISHED = dt.date(1975, 5, 1)
AS_OF = dt.date(2024, 12, 31)
PROVINCE_CODE = "TU-NT"
NEIGHBOUR_CODE = "TU-KHC"  # Khánh Hòa before the merger of 1/7/2025
MERGED_CODE = "TU-KH"  # the new Khánh Hòa provincial organisation
HISTORY_FROM = dt.date(2019, 1, 1)
# Share of a cell's members of 2024 admitted before 2019; the rest come by the history since.
BASELINE_SHARE = 0.83
# Share of each kind of cell's members admitted since 2019: villages admit fewer than schools,
# agencies and the armed forces.
RECENT_SHARE = {
    "village": 0.18,
    "commune_office": 0.3,
    "commune_armed": 0.4,
    "school": 0.3,
    "party": 0.22,
    "state": 0.22,
    "public": 0.25,
    "enterprise": 0.3,
    "armed": 0.45,
}


def analyse() -> None:
    """After a bulk load, fresh planner statistics on PostgreSQL (autovacuum would come too late for
    the queries that follow in the same run)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # The project's tables only: a plain ANALYZE also takes the shared catalogs, whose lock
        # is held to the end of the transaction and makes another database's ANALYZE wait.
        tables = ", ".join(
            connection.ops.quote_name(t) for t in connection.introspection.django_table_names()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def weighted(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    values = [v for v, _w in pairs]
    weights = [w for _v, w in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


def slug(name: str) -> str:
    return "".join(ch for ch in search_key(name).upper() if ch.isalnum())[:10]


@dataclass
class CellProfile:
    """What kind of people a cell holds: drives age, sex, occupation and schooling."""

    kind: str  # village, commune_office, commune_armed, school, party, state, public, enterprise, armed
    district: str  # key of data.ETHNIC_MIX
    size: float
    place: str = ""


@dataclass
class Built:
    province: Organisation
    neighbour: Organisation | None = None
    cells: list[tuple[Organisation, CellProfile]] = field(default_factory=list)
    superiors: dict[int, tuple[str, str]] = field(
        default_factory=dict
    )  # cell id -> (issuer, symbol)


class DemoBuilder:
    serial = 0
    next_card = 20_000_000

    def __init__(
        self,
        *,
        seed: int = 2024,
        scale: float = 1.0,
        progress: Callable[[str, int], None] | None = None,
        reform: bool = True,
        ratings: bool = True,
        districts: int | None = None,
    ):
        self.reform = reform
        # The first `districts` districts of each province and no provincial blocks: a smaller
        # province of the same shape, for the tests where the size does not matter.
        self.districts = districts
        self.with_ratings = ratings  # tests of the membership history leave them out (faster)
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        self.progress = progress or (lambda phase, n: None)
        self.changeset: ChangeSet | None = None
        self.until = HISTORY_FROM - dt.timedelta(days=1)  # the last day of history built
        self._decisions: dict[tuple[str, str], Decision] = {}

    # --- the tree -------------------------------------------------------------------------
    def _org(
        self, code: str, name: str, kind: str, parent: Organisation | None, category: str = ""
    ) -> Organisation:
        assert self.changeset is not None
        return org_create(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            established_on=ESTABLISHED,
            category=category,
            decision=self._founding,
            actor=None,
            changeset=self.changeset,
            source=ChangeSet.Source.SYSTEM,
        )

    def build_tree(self) -> Built:
        self._founding = get_or_create_decision(
            number="",
            date=ESTABLISHED,
            issuer="Ban Thường vụ Tỉnh ủy",
            summary="Thành lập (dữ liệu mẫu)",
        )
        province = self._org(PROVINCE_CODE, "Đảng bộ tỉnh Ninh Thuận", "provincial", None)
        built = Built(province=province)
        province_issuer = ("Ban Thường vụ Tỉnh ủy Ninh Thuận", "TU")
        for dcode, dname, place, communes in data.DISTRICTS[: self.districts]:
            self._district(built, province, "NT", dcode, dname, place, communes, dcode, full=True)
        if self.districts is None:
            self._blocks(built, province, province_issuer)
        # Khánh Hòa before 1/7/2025: a smaller synthetic set, merged with Ninh Thuận by the reform.
        neighbour = self._org(NEIGHBOUR_CODE, "Đảng bộ tỉnh Khánh Hòa", "provincial", None)
        built.neighbour = neighbour
        for dcode, dname, place, communes in data.KH_DISTRICTS[: self.districts]:
            self._district(built, neighbour, "KH", dcode, dname, place, communes, "KH", full=False)
        return built

    def _district(
        self,
        built: Built,
        province: Organisation,
        prefix: str,
        dcode: str,
        dname: str,
        place: str,
        communes: list[tuple[str, str]],
        mix: str,
        full: bool,
    ) -> None:
        rng = self.rng
        district = self._org(f"{prefix}-{dcode}", dname, "district", province)
        city = dname.startswith("Đảng bộ thành phố")
        level = "Thành ủy" if city else "Huyện ủy"
        issuer = (f"Ban Thường vụ {level} {place}", "TU" if city else "HU")
        if full:
            for index, (category, template) in enumerate(data.DISTRICT_AGENCIES, start=1):
                name = template.format(level=level, place=place if not city else "thành phố")
                cell = self._org(
                    f"{prefix}-{dcode}-CQ{index:02d}", name, "grassroots_cell", district, category
                )
                kind = {"co_quan_dang": "party", "co_quan_nha_nuoc": "state"}.get(
                    category, "public"
                )
                self._cell(built, cell, CellProfile(kind, "BLOCK", 10.0, place), issuer)
        for ckind, cname in communes:
            commune_prefix = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn"}[ckind]
            ccode = f"{prefix}-{dcode}-{slug(cname)}"
            commune = self._org(
                ccode, f"Đảng bộ {commune_prefix} {cname}", "grassroots_committee", district, ckind
            )
            n_villages = rng.randint(8, 13) if full else rng.randint(5, 8)
            words = rng.sample(data.VILLAGE_WORDS, k=min(len(data.VILLAGE_WORDS), n_villages * 2))
            unit = "Khu phố" if ckind == "phuong" else "Thôn"
            for v in range(n_villages):
                vname = f"Chi bộ {unit} {words[2 * v]} {words[2 * v + 1]}"
                cell = self._org(f"{ccode}-{v + 1:02d}", vname, "cell", commune)
                self._cell(built, cell, CellProfile("village", mix, 17.6, cname), issuer)
            for suffix, vname, kind in (
                ("CQ", "Chi bộ Cơ quan", "commune_office"),
                ("QS", "Chi bộ Quân sự", "commune_armed"),
                ("CA", "Chi bộ Công an", "commune_armed"),
            ):
                cell = self._org(
                    f"{ccode}-{suffix}", f"{vname} {commune_prefix} {cname}", "cell", commune
                )
                self._cell(built, cell, CellProfile(kind, mix, 8.0, cname), issuer)
            for s_index, template in enumerate(data.SCHOOL_CELLS, start=1):
                cell = self._org(
                    f"{ccode}-TH{s_index}",
                    template.format(commune=cname),
                    "grassroots_cell",
                    district,
                    "su_nghiep_cong_lap",
                )
                self._cell(built, cell, CellProfile("school", mix, 9.0, cname), issuer)
        if not full:
            return
        for index, (kind, label, category) in enumerate(
            (
                ("armed", "Đảng bộ Quân sự", "quan_doi"),
                ("armed", "Đảng bộ Công an", "cong_an"),
                ("state", "Đảng bộ Cơ quan chính quyền", "co_quan_nha_nuoc"),
                ("public", "Đảng bộ Trung tâm Y tế", "su_nghiep_cong_lap"),
                ("party", "Đảng bộ Cơ quan Đảng – Đoàn thể", "co_quan_dang"),
                ("public", "Đảng bộ Trường Trung học phổ thông", "su_nghiep_cong_lap"),
            ),
            start=1,
        ):
            committee = self._org(
                f"{prefix}-{dcode}-DB{index}",
                f"{label} {place}",
                "grassroots_committee",
                district,
                category,
            )
            for c in range(rng.randint(3, 5)):
                cell = self._org(
                    f"{prefix}-{dcode}-DB{index}-{c + 1:02d}",
                    f"Chi bộ {c + 1} – {label[8:]} {place}",
                    "cell",
                    committee,
                )
                self._cell(built, cell, CellProfile(kind, "BLOCK", 12.0, place), issuer)

    def _blocks(
        self, built: Built, province: Organisation, province_issuer: tuple[str, str]
    ) -> None:
        rng = self.rng
        blocks = [
            (
                "KCQ",
                "Đảng bộ Khối Cơ quan – Doanh nghiệp tỉnh",
                "Ban Thường vụ Đảng ủy Khối Cơ quan – Doanh nghiệp",
            ),
            ("QS", "Đảng bộ Quân sự tỉnh", "Ban Thường vụ Đảng ủy Quân sự tỉnh"),
            ("CA", "Đảng bộ Công an tỉnh", "Ban Thường vụ Đảng ủy Công an tỉnh"),
            (
                "BP",
                "Đảng bộ Bộ đội Biên phòng tỉnh",
                "Ban Thường vụ Đảng ủy Bộ đội Biên phòng tỉnh",
            ),
        ]
        for bcode, bname, issuer_name in blocks:
            block = self._org(f"NT-{bcode}", bname, "block", province)
            issuer = (issuer_name, "ĐU")
            if bcode == "KCQ":
                committees = data.PROVINCE_COMMITTEES
                cells = data.PROVINCE_CELLS
            else:
                category = {"QS": "quan_doi", "CA": "cong_an", "BP": "quan_doi"}[bcode]
                unit = {"QS": "Tiểu đoàn", "CA": "Phòng", "BP": "Đồn Biên phòng"}[bcode]
                committees = [(category, f"Đảng bộ {unit} {n}") for n in range(1, 9)]
                cells = [(category, f"Chi bộ {unit} {n} độc lập") for n in range(9, 17)]
            for index, (category, name) in enumerate(committees, start=1):
                committee = self._org(
                    f"NT-{bcode}-{index:02d}", name, "grassroots_committee", block, category
                )
                for c in range(rng.randint(3, 6)):
                    cell = self._org(
                        f"NT-{bcode}-{index:02d}-{c + 1:02d}",
                        f"Chi bộ {c + 1} – {name[8:]}",
                        "cell",
                        committee,
                    )
                    self._cell(
                        built,
                        cell,
                        CellProfile(self._profile_kind(category), "BLOCK", 13.0),
                        issuer,
                    )
            for index, (category, name) in enumerate(cells, start=len(committees) + 1):
                cell = self._org(
                    f"NT-{bcode}-{index:02d}", name, "grassroots_cell", block, category
                )
                self._cell(
                    built, cell, CellProfile(self._profile_kind(category), "BLOCK", 11.0), issuer
                )

    @staticmethod
    def _profile_kind(category: str) -> str:
        if category in ("quan_doi", "cong_an"):
            return "armed"
        if category.startswith("dn_") or category == "hop_tac_xa":
            return "enterprise"
        return {"co_quan_dang": "party", "co_quan_nha_nuoc": "state"}.get(category, "public")

    def _cell(
        self, built: Built, cell: Organisation, profile: CellProfile, issuer: tuple[str, str]
    ) -> None:
        built.cells.append((cell, profile))
        built.superiors[cell.pk] = issuer

    # --- the members ----------------------------------------------------------------------
    AGE_PROFILES: dict[str, list[tuple[tuple[int, int], int]]] = {
        "village": [
            ((20, 30), 7),
            ((31, 40), 14),
            ((41, 50), 17),
            ((51, 60), 19),
            ((61, 70), 23),
            ((71, 88), 20),
        ],
        "working": [((22, 30), 14), ((31, 40), 35), ((41, 50), 29), ((51, 60), 21), ((61, 62), 1)],
        "armed": [((20, 30), 34), ((31, 40), 36), ((41, 50), 22), ((51, 58), 8)],
    }
    FEMALE_SHARE = {
        "village": 30,
        "commune_office": 40,
        "commune_armed": 6,
        "school": 68,
        "party": 48,
        "state": 42,
        "public": 55,
        "enterprise": 33,
        "armed": 9,
    }

    def _admission_date(self, birth: dt.date, recent: bool) -> dt.date:
        """Recent admissions fall in 2019–2024 (about 800 a year, DOMAIN.md §11); older ones before."""
        rng = self.rng
        eighteen = add_years(birth, 18) + dt.timedelta(days=30)
        if recent:
            low, high = max(eighteen, HISTORY_FROM), AS_OF - dt.timedelta(days=20)
        else:
            sixty = add_years(birth, 60)  # DOMAIN.md §4.1: admitted at 60 at the most
            low, high = (
                max(eighteen, ESTABLISHED),
                min(HISTORY_FROM - dt.timedelta(days=1), AS_OF, sixty),
            )
            preferred = add_years(birth, int(rng.triangular(18, 45, 27))) + dt.timedelta(
                days=rng.randint(0, 364)
            )
            if low <= preferred <= high:
                return preferred
        if low > high:  # too young to be admitted before 2019: admitted since
            low, high = max(eighteen, HISTORY_FROM), AS_OF - dt.timedelta(days=20)
        return low + dt.timedelta(days=rng.randint(0, (high - low).days))

    def _person(
        self, profile: CellProfile, serial: int, recent: bool = False
    ) -> tuple[PersonInput, dt.date]:
        rng = self.rng
        kind = profile.kind
        if recent:
            # Admitted since 2019, at 18 to 40 (mostly mid-twenties).
            age = int(rng.triangular(19, 46, 27))
        else:
            age_profile = (
                "village"
                if kind == "village"
                else "armed"
                if kind in ("armed", "commune_armed")
                else "working"
            )
            low, high = weighted(rng, self.AGE_PROFILES[age_profile])
            # admitted before 2019 at 18 at the youngest: at least 25 at the end of 2024
            age = max(rng.randint(low, high), 25)
        birth = add_years(AS_OF, -age) - dt.timedelta(days=rng.randint(0, 364))
        female = rng.randrange(100) < self.FEMALE_SHARE[kind]
        sex = "F" if female else "M"
        ethnicity = weighted(rng, data.ETHNIC_MIX[profile.district])
        family_pool = {
            "17": data.FAMILY_CHAM,
            "21": data.FAMILY_RAGLAI,
            "04": data.FAMILY_HOA,
            "16": data.FAMILY_COHO,
        }.get(ethnicity, data.FAMILY_KINH)
        family = weighted(rng, family_pool)
        middle = weighted(rng, data.MIDDLE_FEMALE if female else data.MIDDLE_MALE)
        given = rng.choice(data.GIVEN_FEMALE if female else data.GIVEN_MALE)
        full_name = " ".join(p for p in (family, middle, given) if p)
        if ethnicity == "17":
            religion = weighted(rng, [("khac", 40), ("hoi_giao", 25), ("none", 35)])
        else:
            religion = weighted(
                rng, [("none", 960), ("phat_giao", 20), ("cong_giao", 15), ("cao_dai", 5)]
            )
        if kind == "village":
            education = weighted(
                rng, [("thpt", 55), ("thcs", 30), ("tieu_hoc", 12), ("doc_viet", 3)]
            )
            professional = weighted(
                rng,
                [("none", 55), ("so_cap", 15), ("trung_cap", 15), ("cao_dang", 5), ("dai_hoc", 10)],
            )
            theory = weighted(rng, [("so_cap", 70), ("none", 20), ("trung_cap", 10)])
        elif kind in ("armed", "commune_armed"):
            education = "thpt"
            professional = weighted(
                rng, [("dai_hoc", 50), ("trung_cap", 30), ("cao_dang", 10), ("none", 10)]
            )
            theory = weighted(
                rng, [("so_cap", 45), ("trung_cap", 40), ("cao_cap", 10), ("none", 5)]
            )
        else:
            education = weighted(rng, [("thpt", 98), ("thcs", 2)])
            professional = weighted(
                rng,
                [
                    ("dai_hoc", 62),
                    ("thac_si", 12),
                    ("tien_si", 1),
                    ("cao_dang", 8),
                    ("trung_cap", 12),
                    ("none", 5),
                ],
            )
            theory = weighted(
                rng, [("so_cap", 40), ("trung_cap", 40), ("cao_cap", 15), ("none", 5)]
            )
        academic = "pgs" if professional == "tien_si" and rng.random() < 0.2 else "none"
        occupation = self._occupation(kind, age)
        province_code = "058" if rng.random() < 0.85 else rng.choice(data.OTHER_PROVINCES)
        century = {19: 0, 20: 2}[birth.year // 100] + (1 if female else 0)
        citizen = f"{province_code}{century}{birth.year % 100:02d}{serial:06d}"
        place = profile.place or "Phan Rang – Tháp Chàm"
        person = PersonInput(
            full_name=full_name,
            sex=sex,
            birth_date=birth,
            ethnicity=ethnicity,
            religion=religion,
            citizen_id=citizen if rng.random() > 0.02 else None,
            hometown=f"{place}, Ninh Thuận",
            residence=f"{place}, Ninh Thuận",
            general_education=education,
            professional_level=professional,
            academic_title=academic,
            theory_level=theory,
            occupation=occupation,
            dossier_number=f"{serial:06d}NT",
        )
        return person, birth

    def _citizen_id(self, person: PersonInput, serial: int, elsewhere: bool = False) -> str:
        birth = person.birth_date
        assert birth is not None
        province = (
            self.rng.choice(data.OTHER_PROVINCES)
            if elsewhere or self.rng.random() > 0.85
            else "058"
        )
        century = {19: 0, 20: 2}[birth.year // 100] + (1 if person.sex == "F" else 0)
        return f"{province}{century}{birth.year % 100:02d}{serial:06d}"

    def _occupation(self, kind: str, age: int) -> str:
        rng = self.rng
        if age >= 61:
            return "retired"
        table: dict[str, list[tuple[str, int]]] = {
            "village": [
                ("agriculture", 50),
                ("village_worker", 20),
                ("retired", 10),
                ("other", 12),
                ("enterprise_worker", 6),
                ("student", 2),
            ],
            "commune_office": [("commune_official", 95), ("other", 5)],
            "commune_armed": [("commune_official", 60), ("armed_forces", 40)],
            "school": [("public_employee", 97), ("other", 3)],
            "party": [("party_official", 92), ("public_employee", 8)],
            "state": [("state_official", 90), ("public_employee", 10)],
            "public": [("public_employee", 90), ("nonpublic_employee", 5), ("other", 5)],
            "enterprise": [
                ("enterprise_manager", 15),
                ("enterprise_staff", 40),
                ("enterprise_worker", 45),
            ],
            "armed": [("armed_forces", 100)],
        }
        return weighted(rng, table[kind])

    def _decision(self, cell: Organisation, issuer: tuple[str, str], on: dt.date) -> Decision:
        key = (issuer[0], on.isoformat())
        decision = self._decisions.get(key)
        if decision is None:
            number = f"{len(self._decisions) + 1}-QĐ/{issuer[1]}"
            decision = Decision.objects.create(
                number=number, date=on, issuer=issuer[0], summary="Kết nạp đảng viên (dữ liệu mẫu)"
            )
            self._decisions[key] = decision
        return decision

    def build_members(self, built: Built) -> int:
        """The members admitted before 2019 (the history since then is demo/history.py)."""
        rng = self.rng
        rows: list[AdmitRow] = []
        card = rng.randint(10_000_000, 20_000_000)
        for cell, profile in built.cells:
            size = max(
                3, round(rng.gauss(profile.size, profile.size * 0.35) * self.scale * BASELINE_SHARE)
            )
            for _i in range(size):
                self.serial += 1
                person, birth = self._person(profile, self.serial, recent=False)
                admitted = self._admission_date(birth, recent=False)
                decision = self._decision(cell, built.superiors[cell.pk], admitted)
                ceremony = min(
                    decision.date + dt.timedelta(days=rng.randint(7, 40)),
                    HISTORY_FROM - dt.timedelta(days=1),
                )
                card += rng.randint(1, 40)
                official = add_years(ceremony, 1)
                # Cards are issued to official members only (DOMAIN.md §4.9).
                person.card_number = str(card) if official < HISTORY_FROM else None
                rows.append(
                    AdmitRow(
                        person=person,
                        org=cell,
                        decision=decision,
                        ceremony_date=ceremony,
                        recognised=True,
                    )
                )
        self.next_card = card
        for start in range(0, len(rows), 5000):
            batch = rows[start : start + 5000]
            assert self.changeset is not None
            members_bulk_admit(rows=batch, actor=None, changeset=self.changeset)
            self.progress("members", len(batch))
        return len(rows)

    def build(self, history_until: dt.date | None = None) -> Built:
        """The tree, the members admitted before 2019, then their history up to `history_until`
        (default: today) through the lifecycle services."""
        from dangvu.demo.history import History

        with transaction.atomic():
            self.changeset = open_change_set(
                actor=None, reason="Dữ liệu mẫu: tỉnh Ninh Thuận", source=ChangeSet.Source.SYSTEM
            )
            built = self.build_tree()
            self.progress("tree", len(built.cells))
            self.build_members(built)
            analyse()
        self.history = History(self, built)
        self.until = HISTORY_FROM - dt.timedelta(days=1)
        if self.with_ratings:
            from dangvu.demo.ratings import DemoRatings

            # A generator of their own: the history's draws do not depend on when ratings run.
            self.ratings = DemoRatings(random.Random(self.rng.random()))
        self.advance(history_until or today())
        return built

    def advance(self, until: dt.date) -> None:
        """The history from the day after the last one built up to `until` (the end of a month,
        or today), then the ratings of the years closed since, the five-year commendations once
        2023 is rated, and the badges of the award days reached. The history of `build(until=d)`
        equals that of a build to an earlier month's end followed by `advance(d)`; the ratings
        are drawn in the same order but on the records as they stand when `advance` rates them,
        so a year rated before later events were recorded may come out differently from one
        rated after them, as in a build in one go (`make run`)."""
        start = self.until + dt.timedelta(days=1)
        if start.day != 1 or until < start:
            raise ValueError(f"the demo advances by whole months from {start}, not to {until}")
        self.history.run(start, until)
        self.until = until
        if self.with_ratings:
            self.ratings.advance(until)
            self.progress("ratings", sum(self.ratings.counts.values()))
            # Fresh planner statistics for the ratings just written: PostgreSQL estimated one
            # rating for 2024 and joined 22,850 of them in a nested loop (4 s for a form).
            analyse()
