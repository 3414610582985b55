import httpx

from core.db import Database


async def test_healthz_answers_without_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert len(response.headers["x-request-id"]) == 32


async def test_readyz_checks_the_database(client: httpx.AsyncClient, db: Database) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "consumers": {
            "search-indexer": {"pendingEvents": 0, "lagSeconds": 0.0},
            "supervision": {"pendingEvents": 0, "lagSeconds": 0.0},
            "partner-messages": {"pendingEvents": 0, "lagSeconds": 0.0},
        },
    }
