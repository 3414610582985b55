"""Accounts: an operator onboards a unit, its administrator invites, users set and reset their
passwords, and a disabled user's tokens stop working at once."""

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from identity.models import Invitation, User
from tests import factories
from tests.gql import gql

CREATE_UNIT = """mutation($name: String!, $code: String!) {
  createOrganisation(input: {kind: PURCHASING_UNIT, name: $name, regionCode: "331102",
                             creditCode: $code}) {
    organisation { id } errors { code message } } }"""
INVITE = """mutation($org: ID!, $role: Role!, $admin: Boolean!) {
  inviteUser(input: {organisationId: $org, role: $role, displayName: "林芳",
                     contact: "lin@example.cn", isAdmin: $admin}) {
    invitation { id role isAdmin expiresAt } token errors { code field message } } }"""
ACCEPT = """mutation($t: String!, $u: String!, $p: String!) {
  acceptInvitation(input: {token: $t, username: $u, password: $p}) {
    member { id username role isAdmin isActive } errors { code field message } } }"""
LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    tokens { accessToken refreshToken } errors { code message } } }"""
REFRESH = """mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) { tokens { accessToken } errors { code } } }"""
ME = "{ me { username role organisation { name } } }"
MEMBERS = """query($org: ID!) {
  organisationMembers(organisationId: $org) {
    members { username isAdmin isActive } invitations { displayName role } } }"""
SET_ACTIVE = """mutation($id: ID!, $active: Boolean!) {
  setUserActive(input: {userId: $id, active: $active, reason: "调离"}) {
    member { username isActive } errors { code message } } }"""
CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(input: {current: $c, new: $n}) { member { username } errors { code field } } }"""
ISSUE_RESET = """mutation($id: ID!) {
  issuePasswordReset(userId: $id) { token expiresAt errors { code } } }"""
RESET = """mutation($t: String!, $p: String!) {
  resetPassword(input: {token: $t, password: $p}) { member { username } errors { code field } } }"""


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _call(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    body = await gql(client, query, variables, headers=headers)
    (payload,) = body["data"].values()
    assert isinstance(payload, dict)
    return payload


async def _login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any]:
    payload = await _call(client, LOGIN, u=username, p=password)
    assert payload["errors"] == [], payload
    tokens: dict[str, Any] = payload["tokens"]
    return tokens


async def _invite(
    client: httpx.AsyncClient, headers: dict[str, str], org: str, *, admin: bool = False
) -> str:
    payload = await _call(client, INVITE, headers, org=org, role="PURCHASER", admin=admin)
    assert payload["errors"] == [], payload
    token: str = payload["token"]
    return token


async def test_an_operator_onboards_a_unit_whose_administrator_invites_a_colleague(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    created = await _call(
        client,
        CREATE_UNIT,
        factories.bearer(operator),
        name="丽水市莲都区教育局",
        code=factories.credit_code(),
    )
    org = created["organisation"]["id"]
    token = await _invite(client, factories.bearer(operator), org, admin=True)
    joined = await _call(client, ACCEPT, t=token, u="linfang", p="lishui2026")
    assert joined["errors"] == []
    assert joined["member"] == {
        "id": joined["member"]["id"],
        "username": "linfang",
        "role": "PURCHASER",
        "isAdmin": True,
        "isActive": True,
    }
    admin = await _login(client, "linfang", "lishui2026")
    me = await gql(client, ME, headers=_auth(admin["accessToken"]))
    assert me["data"]["me"]["organisation"]["name"] == "丽水市莲都区教育局"

    colleague = await _invite(client, _auth(admin["accessToken"]), org)
    assert (await _call(client, ACCEPT, t=colleague, u="chen.jing", p="ab12cd34"))["errors"] == []
    members = await _call(client, MEMBERS, _auth(admin["accessToken"]), org=org)
    assert members == {
        "members": [
            {"username": "linfang", "isAdmin": True, "isActive": True},
            {"username": "chen.jing", "isAdmin": False, "isActive": True},
        ],
        "invitations": [],
    }


async def test_an_invitation_is_single_use_and_expires(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    admin = await factories.member(db, Role.PURCHASER, admin=True)
    org = factories.gid("Organisation", admin.organisation.id)
    token = await _invite(client, factories.bearer(admin), org)
    assert (await _call(client, ACCEPT, t=token, u="first", p="pass1234"))["errors"] == []
    again = await _call(client, ACCEPT, t=token, u="second", p="pass1234")
    assert [e["code"] for e in again["errors"]] == ["INVITATION_INVALID"]

    late = await _invite(client, factories.bearer(admin), org)
    clock.advance(timedelta(days=7, seconds=1))
    expired = await _call(client, ACCEPT, t=late, u="third", p="pass1234")
    assert [e["code"] for e in expired["errors"]] == ["INVITATION_INVALID"]
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(User)) == 2


async def test_bad_usernames_and_weak_passwords_change_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin = await factories.member(db, Role.PURCHASER, admin=True)
    org = factories.gid("Organisation", admin.organisation.id)
    token = await _invite(client, factories.bearer(admin), org)
    cases = [
        ("ab", "pass1234", "USERNAME_INVALID", "username"),
        ("王丽", "pass1234", "USERNAME_INVALID", "username"),
        ("wangli", "short1", "WEAK_PASSWORD", "password"),
        ("wangli", "onlyletters", "WEAK_PASSWORD", "password"),
        ("wangli", "wangli2026", "WEAK_PASSWORD", "password"),
        (admin.user.username, "pass1234", "DUPLICATE_USERNAME", "username"),
    ]
    for username, password, code, field in cases:
        payload = await _call(client, ACCEPT, t=token, u=username, p=password)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], username
    async with db.reader() as s:
        invitation = await s.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.accepted_at is None


async def test_only_managers_invite_and_only_roles_the_kind_allows(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin = await factories.member(db, Role.PURCHASER, admin=True)
    org = factories.gid("Organisation", admin.organisation.id)
    plain = await factories.member(db, Role.PURCHASER, organisation=admin.organisation)
    elsewhere = await factories.member(db, Role.OPERATOR, region="320400")
    wrong_role = await _call(
        client, INVITE, factories.bearer(admin), org=org, role="SUPPLIER", admin=False
    )
    assert [e["code"] for e in wrong_role["errors"]] == ["ROLE_NOT_ALLOWED"]
    for outsider in (plain, elsewhere):
        refused = await _call(
            client, INVITE, factories.bearer(outsider), org=org, role="PURCHASER", admin=False
        )
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Invitation)) == 0


async def test_a_disabled_user_is_logged_out_everywhere_at_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin = await factories.member(db, Role.PURCHASER, admin=True)
    user = await factories.member(db, Role.PURCHASER, organisation=admin.organisation)
    tokens = await _login(client, user.user.username, factories.PASSWORD)
    assert (await gql(client, ME, headers=_auth(tokens["accessToken"])))["data"]["me"]

    off = await _call(
        client, SET_ACTIVE, factories.bearer(admin), id=str(user.user.id), active=False
    )
    assert off["member"] == {"username": user.user.username, "isActive": False}
    refused = await gql(client, ME, headers=_auth(tokens["accessToken"]), expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"
    refreshed = await _call(client, REFRESH, t=tokens["refreshToken"])
    assert refreshed["tokens"] is None
    login = await _call(client, LOGIN, u=user.user.username, p=factories.PASSWORD)
    assert [e["code"] for e in login["errors"]] == ["ACCOUNT_DISABLED"]

    self_off = await _call(
        client, SET_ACTIVE, factories.bearer(admin), id=str(admin.user.id), active=False
    )
    assert [e["code"] for e in self_off["errors"]] == ["CANNOT_DISABLE_SELF"]
    on = await _call(client, SET_ACTIVE, factories.bearer(admin), id=str(user.user.id), active=True)
    assert on["member"]["isActive"] is True
    await _login(client, user.user.username, factories.PASSWORD)


async def test_changing_a_password_ends_the_other_sessions(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await factories.member(db, Role.SUPPLIER)
    old = await _login(client, user.user.username, factories.PASSWORD)
    wrong = await _call(client, CHANGE, _auth(old["accessToken"]), c="nope", n="newpass123")
    assert wrong["errors"] == [{"code": "WRONG_PASSWORD", "field": "current"}]
    weak = await _call(client, CHANGE, _auth(old["accessToken"]), c=factories.PASSWORD, n="123")
    assert weak["errors"] == [{"code": "WEAK_PASSWORD", "field": "new"}]
    done = await _call(
        client, CHANGE, _auth(old["accessToken"]), c=factories.PASSWORD, n="newpass123"
    )
    assert done["errors"] == []
    stale = await gql(client, ME, headers=_auth(old["accessToken"]), expect_errors=True)
    assert stale["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"
    fresh = await _login(client, user.user.username, "newpass123")
    assert (await gql(client, ME, headers=_auth(fresh["accessToken"])))["data"]["me"]


async def test_a_reset_link_sets_a_new_password_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    user = await factories.member(db, Role.PURCHASER)
    issued = await _call(client, ISSUE_RESET, factories.bearer(operator), id=str(user.user.id))
    assert issued["errors"] == []
    assert issued["token"]
    outsider = await factories.member(db, Role.PURCHASER)
    refused = await _call(client, ISSUE_RESET, factories.bearer(outsider), id=str(user.user.id))
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]

    done = await _call(client, RESET, t=issued["token"], p="fresh2026")
    assert done["errors"] == []
    again = await _call(client, RESET, t=issued["token"], p="other2026")
    assert again["errors"] == [{"code": "RESET_TOKEN_INVALID", "field": "token"}]
    await _login(client, user.user.username, "fresh2026")
