"""The organisation picker (orgs.pickers, tree.views.pick): found by name without diacritics,
labelled with the path above it as far as the user's scope reaches, offered only within the scope
of the ability the form needs (issue 23, point 2)."""

import re

import pytest
from django.urls import reverse

from dangvu.accounts.models import Ability
from dangvu.members.forms import AdmitForm
from dangvu.tree.selectors import visible_orgs
from tests.conftest import sign_in

pytestmark = pytest.mark.once


def matches(client, text, ability="manage_members", cells="1"):
    page = client.get(
        reverse("orgs:pick"),
        {"field": "org", "org__q": text, "ability": ability, "cells": cells},
    ).content.decode()
    return re.findall(r'value="([^"]+)"[^>]*> ([^<]+)</label>', page)


@pytest.mark.both_databases  # the database answers the query
def test_a_search_without_diacritics_finds_cells_with_their_path(client, world):
    sign_in(client, world.an)
    found = matches(client, "thon")  # Thôn Phước Lập, Thôn Hữu Đức
    assert [code for code, _ in found] == ["PH-2", "PH-1"]  # Hữu Đức before Phước Lập
    assert found[1][1].strip() == (
        "Chi bộ Thôn Phước Lập · Đảng bộ xã Phước Hải · Đảng bộ huyện An Phước · "
        "Đảng bộ tỉnh Thử Nghiệm"
    )
    # every word typed must match; committees are not offered for a cell
    assert [c for c, _ in matches(client, "phuoc lap")] == ["PH-1"]
    assert matches(client, "dang bo xa") == []
    assert [c for c, _ in matches(client, "dang bo xa", cells="")] == ["X-PH"]


@pytest.mark.both_databases  # the database answers the query
def test_the_picker_offers_nothing_outside_the_scope_and_names_nothing_above_it(client, world):
    sign_in(client, world.cuong)  # an officer of Tân Sơn only
    assert matches(client, "phuoc") == []
    assert [c for c, _ in matches(client, "khu pho")] == ["TS-1"]
    # a transfer's destination may be any cell, but nothing above the user's scope is named
    elsewhere = dict(matches(client, "phuoc lap", ability="anywhere"))
    assert elsewhere["PH-1"].strip() == "Chi bộ Thôn Phước Lập"
    own = dict(matches(client, "khu pho", ability="anywhere"))
    assert own["TS-1"].strip() == "Chi bộ Khu phố 1 · Đảng bộ thị trấn Tân Sơn"
    assert client.get(reverse("orgs:pick"), {"field": "org", "ability": "root"}).status_code == 404


def test_the_form_takes_a_whole_name_typed_and_asks_for_more_when_several_match(world):
    form = AdmitForm({"org__q": "chi bo thon phuoc lap"})
    form.fields["org"].set_scope(visible_orgs(world.an, Ability.MANAGE_MEMBERS))
    form.is_valid()
    assert form.cleaned_data["org"] == world.ph1
    form = AdmitForm({"org__q": "thon"})
    form.fields["org"].set_scope(visible_orgs(world.an, Ability.MANAGE_MEMBERS))
    assert not form.is_valid()
    assert "Có nhiều tổ chức khớp với “thon”" in form.errors["org"][0]
    # binh, the secretary of PH-1, cannot choose PH-2
    form = AdmitForm({"org": "PH-2"})
    form.fields["org"].set_scope(visible_orgs(world.binh, Ability.MANAGE_MEMBERS))
    assert not form.is_valid() and "org" in form.errors


def test_the_admission_form_reads_in_the_paper_order_and_defaults_to_the_only_cell(client, world):
    sign_in(client, world.binh)
    page = client.get(reverse("members:admit")).content.decode()
    fields = re.findall(r'name="(org|full_name|decision_number)"', page)
    assert fields == ["org", "full_name", "decision_number"]
    assert re.search(r'value="PH-1" checked> Chi bộ Thôn Phước Lập', page)


def test_the_tree_lists_in_vietnamese_order_and_only_nodes_with_subordinates_open(client, world):
    """Vietnamese alphabetical order: a ă â b c d đ e … v (đ is a letter after d; tones weigh
    after letters): Cà Ná, Cam Thịnh Đông, Dương, Đông Hải, Văn Hải (issue 23, point 5)."""
    from tests.conftest import make_org

    for i, name in enumerate(["Văn Hải", "Đông Hải", "Cam Thịnh Đông", "Dương", "Cà Ná"]):
        make_org(f"PH-Z{i}", f"Chi bộ {name}", "cell", world.phuoc_hai)
    sign_in(client, world.an)
    page = client.get(reverse("orgs:children", args=["X-PH"]), HTTP_HX_REQUEST="true")
    names = re.findall(r'<a href="/to-chuc/[^"]+/">Chi bộ ([^<]+)</a>', page.content.decode())
    assert names == [
        "Cà Ná",
        "Cam Thịnh Đông",
        "Dương",
        "Đông Hải",
        "Thôn Hữu Đức",
        "Thôn Phước Lập",
        "Văn Hải",
    ]
    assert 'class="toggle"' not in page.content.decode()  # cells: nothing to open
    tree = client.get(reverse("orgs:tree")).content.decode()
    assert 'aria-label="Các tổ chức trực thuộc Đảng bộ huyện An Phước"' in tree


def test_the_member_list_chooses_its_organisation_with_the_picker(client, world):
    sign_in(client, world.an)
    page = client.get(reverse("members:list"), {"org__q": "phuoc lap"}).content.decode()
    assert "Đảng viên của Chi bộ Thôn Phước Lập" in page
    assert re.search(r'value="PH-1" checked> Chi bộ Thôn Phước Lập', page)
    # a name outside the scope finds nothing there: cuong stays on Tân Sơn
    sign_in(client, world.cuong)
    page = client.get(reverse("members:list"), {"org__q": "phuoc lap"}).content.decode()
    assert "Phước Lập" not in page


def test_two_cells_of_the_same_name_are_told_apart(client, world):
    from tests.conftest import make_org

    make_org("PH-9", "Chi bộ Thôn Phước Lập", "cell", world.phuoc_hai)
    sign_in(client, world.an)
    found = dict(matches(client, "phuoc lap"))
    assert set(found) == {"PH-1", "PH-9"}
    assert found["PH-1"] != found["PH-9"] and found["PH-9"].strip().endswith("(PH-9)")


@pytest.mark.django_db
def test_an_organisation_given_to_one_form_is_drawn_without_a_query_and_stays_with_that_form(
    world, django_assert_num_queries
):
    """The member list gives its picker the organisation it read through the scope: the picker
    draws it without reading it again (issue 28), and a second form — another request, another
    user — starts with nothing of it (Django copies a widget shallowly)."""
    from dangvu.members.forms import OrgChoiceForm
    from dangvu.orgs.pickers import scope_picker

    first = OrgChoiceForm(initial={"org": world.ph1})
    scope_picker(first, "org", visible_orgs(world.an))
    with django_assert_num_queries(1):  # its label's superiors; not the organisation itself
        html = str(first["org"])
    assert 'value="PH-1" checked' in html and "Chi bộ Thôn Phước Lập" in html
    second = OrgChoiceForm(initial={"org": "PH-1"})
    scope_picker(second, "org", visible_orgs(world.binh))
    assert second.fields["org"].widget.known == {}
    assert first.fields["org"].widget.known == {"PH-1": world.ph1}
