"""Signing in: Argon2 hashes, lockout after repeated failures."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_passwords_are_hashed_with_argon2(world):
    """The suite signs in with a fast hasher (tests/settings.py); the application's own settings
    hash with Argon2, and a password so hashed signs in."""
    from django.conf import settings
    from django.test import override_settings

    from dangvu import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.PRODUCTION_PASSWORD_HASHERS == production.PASSWORD_HASHERS
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        world.an.set_password(PASSWORD)
        world.an.save(update_fields=["password"])
        assert world.an.password.startswith("argon2$argon2id$")
        client = Client()
        response = client.post(reverse("login"), {"username": "an", "password": PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session


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
