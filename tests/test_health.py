"""/healthz and /readyz, in-process against the real PostgreSQL and Redis of the test settings."""

import pytest


async def test_healthz_answers_ok(async_client):
    response = await async_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
async def test_readyz_is_ready_when_database_channel_layer_and_broker_answer(async_client):
    response = await async_client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert body["failed"] == []
    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["checks"]["channel_layer"] == {"ok": True, "backend": "RedisChannelLayer"}
    assert body["checks"]["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


async def test_readyz_refuses_other_methods(async_client):
    response = await async_client.post("/readyz")

    assert response.status_code == 405
