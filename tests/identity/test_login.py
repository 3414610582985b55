from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from tests import factories
from tests.gql import gql

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    tokens { accessToken refreshToken tokenType }
    errors { code field message }
  }
}"""
ME = "{ me { username role organisation { name kind } } }"
REFRESH = """mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) { tokens { accessToken refreshToken } errors { code } }
}"""


async def _login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any]:
    body = await gql(client, LOGIN, {"u": username, "p": password})
    payload: dict[str, Any] = body["data"]["login"]
    return payload


async def test_a_purchaser_logs_in_and_sees_who_they_are(
    client: httpx.AsyncClient, db: Database
) -> None:
    member = await factories.member(db, Role.PURCHASER)
    payload = await _login(client, member.user.username, factories.PASSWORD)
    assert payload["errors"] == []
    tokens = payload["tokens"]
    assert isinstance(tokens, dict)
    body = await gql(client, ME, headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert body["data"]["me"] == {
        "username": member.user.username,
        "role": "PURCHASER",
        "organisation": {"name": member.organisation.name, "kind": "PURCHASING_UNIT"},
    }


async def test_a_wrong_password_is_refused_and_audited(
    client: httpx.AsyncClient, db: Database
) -> None:
    member = await factories.member(db, Role.SUPPLIER)
    payload = await _login(client, member.user.username, "wrong")
    assert payload["tokens"] is None
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]
    async with db.reader() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login_failed"))
    assert entry is not None
    assert entry.client_address == "203.0.113.7"
    assert entry.target_id == str(member.user.id)


async def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: httpx.AsyncClient, db: Database
) -> None:
    payload = await _login(client, "nobody", "whatever")
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]


async def test_repeated_failures_lock_the_account_for_a_while(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    member = await factories.member(db, Role.PURCHASER)
    codes = [
        (await _login(client, member.user.username, "wrong"))["errors"][0]["code"] for _ in range(5)
    ]
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["ACCOUNT_LOCKED"]
    locked = await _login(client, member.user.username, factories.PASSWORD)
    assert [e["code"] for e in locked["errors"]] == ["ACCOUNT_LOCKED"]
    clock.advance(timedelta(minutes=16))
    assert (await _login(client, member.user.username, factories.PASSWORD))["errors"] == []


async def test_an_expired_token_gets_token_expired(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    member = await factories.member(db, Role.PURCHASER)
    headers = factories.bearer(member, minutes=15)
    clock.advance(timedelta(minutes=16))
    body = await gql(client, ME, headers=headers, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"
    assert body["errors"][0]["message"] == "登录已过期, 请重新登录"


async def test_a_forged_token_gets_token_invalid(client: httpx.AsyncClient, db: Database) -> None:
    member = await factories.member(db, Role.OPERATOR)
    forged = factories.bearer(member, key="not-the-server-key-0123456789abcd")
    body = await gql(client, ME, headers=forged, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"


async def test_me_without_a_token_is_unauthenticated(
    client: httpx.AsyncClient, db: Database
) -> None:
    body = await gql(client, ME, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(
    client: httpx.AsyncClient, db: Database
) -> None:
    member = await factories.member(db, Role.PURCHASER)
    first = (await _login(client, member.user.username, factories.PASSWORD))["tokens"]
    assert isinstance(first, dict)
    rotated = (await gql(client, REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert rotated["errors"] == []
    assert rotated["tokens"]["refreshToken"] != first["refreshToken"]

    reused = (await gql(client, REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert [e["code"] for e in reused["errors"]] == ["TOKEN_INVALID"]
    # the theft signal revoked the newer token too
    newer = (await gql(client, REFRESH, {"t": rotated["tokens"]["refreshToken"]}))["data"][
        "refreshToken"
    ]
    assert [e["code"] for e in newer["errors"]] == ["TOKEN_INVALID"]
    async with db.reader() as s:
        reuse_audits = await s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "auth.refresh_reused")
        )
    assert reuse_audits == 2  # each presentation of a spent token is recorded
