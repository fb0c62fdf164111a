"""Accounts in the web for the account administrator (issue 23, point 7): create with a
temporary password, reset it (the user chooses a new one at the next sign-in), close and open
again — never one's own account, never beyond what one administers, every change logged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import Role, User
from dangvu.accounts.services import role_grant
from dangvu.core.models import ChangeLogEntry
from tests.conftest import FOUNDED, make_user, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.once]


def test_create_reset_and_close_an_account_through_the_page(client, world):
    sign_in(client, world.admin)
    page = client.post(
        reverse("users"),
        {"action": "create", "username": "hanh", "full_name": "Vũ Thị Hạnh", "email": ""},
        follow=True,
    ).content.decode()
    user = User.objects.get(username="hanh")
    assert user.get_full_name() == "Vũ Thị Hạnh" and "Đã tạo tài khoản hanh" in page
    temporary = page.split('<code class="key">')[1].split("</code>")[0]
    assert user.check_password(temporary) and user.must_change_password
    # the new user signs in with it and must choose a password before anything else
    newcomer = Client()
    newcomer.force_login(user)
    assert newcomer.get(reverse("home"))["Location"] == reverse("password_change")
    assert newcomer.get(reverse("members:list"))["Location"] == reverse("password_change")
    changed = newcomer.post(
        reverse("password_change"),
        {
            "old_password": temporary,
            "new_password1": "Mật-khẩu-mới-2026!",
            "new_password2": "Mật-khẩu-mới-2026!",
        },
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert newcomer.get(reverse("home")).status_code == 200
    # the administrator resets it: the old sessions end, a new temporary password is shown
    page = client.post(reverse("user_reset", args=[user.pk]), follow=True).content.decode()
    temporary = page.split('<code class="key">')[1].split("</code>")[0]
    assert '<code class="key">' not in client.get(reverse("users")).content.decode()  # once
    user.refresh_from_db()
    assert user.check_password(temporary) and user.must_change_password
    assert newcomer.get(reverse("home"))["Location"].startswith(reverse("login"))
    # closing needs a reason; a closed account cannot go on
    client.post(reverse("user_state", args=[user.pk]), {"active": "0", "reason": ""})
    assert User.objects.get(pk=user.pk).is_active
    client.post(reverse("user_state", args=[user.pk]), {"active": "0", "reason": "Nghỉ hưu"})
    assert not User.objects.get(pk=user.pk).is_active
    actions = set(
        ChangeLogEntry.objects.filter(subject_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"account.create", "account.password_reset", "account.deactivate"} <= actions


@pytest.mark.both_databases  # the database answers the query
def test_no_one_resets_or_closes_their_own_account_or_one_beyond_their_scope(client, world):
    sign_in(client, world.admin)
    client.post(reverse("user_reset", args=[world.admin.pk]))
    client.post(reverse("user_state", args=[world.admin.pk]), {"active": "0", "reason": "x"})
    world.admin.refresh_from_db()
    assert world.admin.is_active and not world.admin.must_change_password
    # an administrator of Tân Sơn's accounts only: binh (Phước Hải) and the unrestricted
    # administrator are not theirs — not listed, not changed
    khoa = make_user("khoa", "Đỗ Văn Khoa")
    role_grant(
        user=khoa, org=world.tan_son, role=Role.ACCOUNT_ADMIN, valid_from=FOUNDED, actor=None
    )
    local = sign_in(Client(), khoa)
    page = local.get(reverse("users")).content.decode()
    assert "cuong" in page and "binh" not in page and "Quản Trị Viên" not in page
    for target in (world.binh, world.admin):
        assert local.post(reverse("user_reset", args=[target.pk])).status_code == 404
        target.refresh_from_db()
        assert not target.must_change_password
    # nor does a scoped administrator make an administrator
    assert Client().get(reverse("users")).status_code == 302  # anonymous: to sign in
    assert sign_in(Client(), world.cuong).get(reverse("users")).status_code == 404


def test_a_role_does_not_start_before_its_organisation(world):
    """A role on an organisation starts on or after the day it was established (the probe's
    grant on a province formed in 2025 dated 2019); the message names it, not its code."""
    import datetime as dt

    from dangvu.core.errors import RuleError
    from tests.conftest import make_org

    new = make_org("TU-M", "Đảng bộ tỉnh Mới", "provincial", None, on=dt.date(2025, 7, 1))
    with pytest.raises(RuleError) as refused:
        role_grant(
            user=world.dung, org=new, role=Role.VIEWER, valid_from=dt.date(2019, 1, 1),
            actor=world.admin, reason="Phân công",
        )  # fmt: skip
    assert "Đảng bộ tỉnh Mới được thành lập ngày 01/07/2025" in str(refused.value)
    assert "TU-M" not in str(refused.value)


@pytest.mark.both_databases  # the database answers the query
def test_the_change_log_says_a_bad_date_and_filters_by_local_days(client, world):
    """A day filters the log by the local day (an indexed range, not a function of the column);
    a day that is not one is said, not silently ignored; the pages' links do not pile up."""
    from dangvu.core.dates import today

    sign_in(client, world.an)
    url = reverse("change_log")
    day = today().strftime("%d/%m/%Y")
    page = client.get(url, {"from": day, "to": day}).content.decode()
    assert "Chưa có thay đổi nào" not in page  # the world was recorded today
    assert "Chưa có thay đổi nào" in client.get(url, {"to": "31/12/1999"}).content.decode()
    bad = client.get(url, {"from": "31/02/2026"}).content.decode()
    assert "“31/02/2026” không phải là ngày" in bad
