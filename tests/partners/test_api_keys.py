"""Partners' API keys: scopes checked at issue, rotation with an overlap, revocation, who may see
which keys, last use, and per-key rate limits answered with 429 and Retry-After."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from core.settings import Settings
from identity.models import OrganisationKind
from tests import factories
from tests.gql import gql
from tests.orders.world import World, make_world
from yiwang.app import create_app

ERRORS = "errors { code field message }"
CREATE = f"""mutation($input: CreateApiKeyInput!) {{ createApiKey(input: $input) {{
  keyId prefix secret {ERRORS} }} }}"""
ROTATE = f"""mutation($id: ID!, $g: Int!) {{ rotateApiKey(id: $id, graceMinutes: $g) {{
  keyId secret {ERRORS} }} }}"""
REVOKE = f"mutation($id: ID!) {{ revokeApiKey(id: $id) {{ key {{ revokedAt }} {ERRORS} }} }}"
KEYS = """query($o: ID) { apiKeys(organisationId: $o) {
  id name prefix scopes ratePerSecond lastUsedAt revokedAt } }"""
ME = "{ partnerCategoryMappings { partnerCategory } }"


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _issue(w: World, **given: Any) -> dict[str, Any]:
    payload = {
        "organisationId": factories.gid("Organisation", w.partner.organisation.id),
        "name": "京东 VOP",
    } | given
    result: dict[str, Any] = await w.as_(w.operator, CREATE, {"input": payload})
    return result


async def _as_key(
    w: World, secret: str, query: str, variables: dict[str, Any] | None = None
) -> Any:
    return await gql(
        w.client, query, variables or {}, headers={"X-Api-Key": secret}, expect_errors=True
    )


def _refused(body: dict[str, Any]) -> bool:
    return bool(body.get("errors")) and body["errors"][0]["extensions"]["code"] == "API_KEY_INVALID"


async def test_scopes_and_rates_are_checked_when_a_key_is_issued(w: World) -> None:
    bad_scope = await _issue(w, scopes=["catalogue", "admin"])
    assert [(e["code"], e["field"]) for e in bad_scope["errors"]] == [("INVALID_INPUT", "scopes")]
    bad_rate = await _issue(w, ratePerSecond=0)
    assert [e["field"] for e in bad_rate["errors"]] == ["ratePerSecond"]
    assert await w.as_(w.operator, KEYS, {"o": _partner(w)}) == []


def _partner(w: World) -> str:
    return factories.gid("Organisation", w.partner.organisation.id)


async def test_a_rotated_key_keeps_working_through_its_overlap_then_stops(w: World) -> None:
    issued = await _issue(w, scopes=["catalogue"], ratePerSecond=20)
    old = issued["secret"]
    assert "errors" not in await _as_key(w, old, ME)
    rotated = (await _as_key(w, old, ROTATE, {"id": issued["keyId"], "g": 10}))["data"]
    new = rotated["rotateApiKey"]["secret"]
    assert new
    assert new != old
    assert "errors" not in await _as_key(w, old, ME)  # still inside the 10 minutes
    w.clock.advance(timedelta(minutes=11))
    assert _refused(await _as_key(w, old, ME))
    assert "errors" not in await _as_key(w, new, ME)
    keys = await w.as_(w.operator, KEYS, {"o": _partner(w)})
    assert [(k["scopes"], k["ratePerSecond"]) for k in keys] == [(["catalogue"], 20)] * 2
    assert keys[0]["lastUsedAt"] is not None
    assert keys[0]["revokedAt"] is not None
    assert keys[1]["revokedAt"] is None


async def test_a_revoked_key_is_refused_at_once(w: World) -> None:
    issued = await _issue(w)
    revoked = await w.as_(w.operator, REVOKE, {"id": issued["keyId"]})
    assert revoked["errors"] == []
    assert revoked["key"]["revokedAt"] is not None
    assert _refused(await _as_key(w, issued["secret"], ME))


async def test_a_partner_sees_and_manages_only_its_own_keys(w: World) -> None:
    other_org = await factories.organisation(w.db, OrganisationKind.PARTNER, region="331100")
    other = await factories.member(w.db, Role.PARTNER, organisation=other_org)
    issued = await _issue(w)
    theirs = await gql(
        w.client,
        KEYS,
        {"o": _partner(w)},
        headers=factories.bearer(other, now=w.clock.now()),
        expect_errors=True,
    )
    assert theirs["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    refused = await w.as_(other, REVOKE, {"id": issued["keyId"]})
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    assert "errors" not in await _as_key(w, issued["secret"], ME)


@pytest.fixture
async def strict_client(
    settings: Settings, clock: FrozenClock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    strict = settings.model_copy(update={"partner_requests_per_second": 1, "partner_burst": 2})
    app = create_app(strict, clock=clock, db=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mall.test") as http:
        yield http


async def test_a_key_over_its_rate_gets_429_with_retry_after(
    w: World, strict_client: httpx.AsyncClient
) -> None:
    slow, fast = (await _issue(w))["secret"], (await _issue(w, ratePerSecond=50))["secret"]

    async def ask(secret: str) -> httpx.Response:
        return await strict_client.post(
            "/graphql", json={"query": ME}, headers={"X-Api-Key": secret}
        )

    answers = [await ask(slow) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["retry-after"] == "1"
    error = answers[2].json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert "请求过于频繁" in error["message"]
    assert all(r.status_code == 200 for r in [await ask(fast) for _ in range(10)])
