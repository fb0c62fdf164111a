"""Signing in: Argon2 hashes, lockout after repeated failures."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(world):
    assert world.an.password.startswith("argon2")


def test_sign_in_then_lockout_after_five_failures(client, world):
    url = reverse("login")
    response = client.post(url, {"username": "binh", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    for _ in range(5):
        page = client.post(url, {"username": "binh", "password": "sai-mat-khau"})
    response = client.post(url, {"username": "binh", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert page.status_code in (200, 403, 429)
