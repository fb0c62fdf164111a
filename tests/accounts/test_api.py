"""The API goes through the same door as the pages."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_api_requires_sign_in(client, world):
    assert client.get("/api/v1/stats", {"org": "TU-T"}).status_code == 401


def test_api_stats_and_members_are_scoped(client, world):
    client.force_login(world.binh)
    assert client.get("/api/v1/stats", {"org": "PH-2"}).status_code == 404
    assert client.get("/api/v1/members", {"org": "TS-1"}).status_code == 404
    data = client.get("/api/v1/stats", {"org": "PH-1", "as_of": "2024-12-31"}).json()
    assert data["indicators"]["members.total"] == 2
    names = [m["name"] for m in client.get("/api/v1/members", {"org": "PH-1"}).json()["members"]]
    assert names == ["Nguyễn Văn An", "Nguyễn Thị Hoa"]
    tree = client.get("/api/v1/orgs/tree").json()
    assert [o["code"] for o in tree["organisations"]] == ["PH-1"]


def test_openapi_document_is_published(client, world):
    client.force_login(world.an)
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/stats", "/api/v1/members", "/api/v1/orgs/tree"} <= set(document["paths"])
