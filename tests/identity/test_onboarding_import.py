"""Operators onboard organisations and their first administrators from .xlsx and .csv files."""

import csv
import io
import json
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from core.spreadsheets import Limits
from identity.models import Invitation, Organisation, OrganisationKind
from identity.onboarding import importer
from identity.onboarding.columns import HEADERS
from tests import factories
from tests.factories import Member
from tests.gql import ACCEPT, gql

IMPORT = """mutation($file: Upload!) {
  importOrganisations(file: $file) {
    report { created failed
      rows { row outcome code column message organisationId invitationToken } }
    errors { code field message } } }"""
JOIN = """mutation($t: String!, $u: String!) {
  acceptInvitation(input: {token: $t, username: $u, password: "lishui2026"}) {
    member { role isAdmin } errors { code } } }"""
LOGIN = """mutation($u: String!) {
  login(input: {username: $u, password: "lishui2026"}) {
    tokens { accessToken } errors { code } } }"""
ME = "{ me { role organisation { name kind regionCode } } }"


def _unit(**cells: object) -> dict[str, object]:
    return {
        "单位名称": "丽水市莲都区教育局",
        "统一社会信用代码": factories.credit_code("331102"),
        "行政区划代码": "331102",
        "管理员姓名": "王芳",
        "管理员联系方式": "13905781234",
        **cells,
    }


def _xlsx(rows: list[dict[str, object]], headers: tuple[str, ...] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "单位"
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[dict[str, object]], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else str(row[h]) for h in HEADERS])
    return out.getvalue().encode(encoding)


@pytest.fixture
async def operator(db: Database) -> Member:
    await factories.regions(db)
    return await factories.member(db, Role.OPERATOR, region="331100")


async def _import(
    client: httpx.AsyncClient, who: Member, data: bytes, filename: str = "units.xlsx"
) -> dict[str, Any]:
    operations = {"query": IMPORT, "variables": {"file": None}}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, data, "application/octet-stream")},
        headers={"accept": ACCEPT, "apollo-require-preflight": "true", **factories.bearer(who)},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["importOrganisations"]
    return payload


def _outcomes(payload: dict[str, Any]) -> list[tuple[int, str, str | None, str | None]]:
    rows = payload["report"]["rows"]
    return [(r["row"], r["outcome"], r["code"], r["column"]) for r in rows]


async def _count(db: Database, model: type[Any]) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_good_file_creates_each_unit_and_its_administrator_can_join(
    client: httpx.AsyncClient, db: Database, operator: Member
) -> None:
    organisations_before = await _count(db, Organisation)
    units = [
        _unit(),
        _unit(单位名称="丽水市财政局", 行政区划代码=331100, 管理员联系方式="caizheng@ls.gov.cn"),
        _unit(单位名称="丽水市莲都区瓯江文具店", 单位类型="供应商", 联系电话="0578-2123456"),
    ]
    payload = await _import(client, operator, _xlsx(units))
    assert payload["errors"] == []
    assert (payload["report"]["created"], payload["report"]["failed"]) == (3, 0)
    assert _outcomes(payload) == [(n, "CREATED", None, None) for n in (2, 3, 4)]

    expected = [
        ("丽水市莲都区教育局", "PURCHASING_UNIT", "331102", "PURCHASER"),
        ("丽水市财政局", "PURCHASING_UNIT", "331100", "PURCHASER"),
        ("丽水市莲都区瓯江文具店", "SUPPLIER", "331102", "SUPPLIER"),
    ]
    for n, (row, want) in enumerate(zip(payload["report"]["rows"], expected, strict=True)):
        joined = await gql(client, JOIN, {"t": row["invitationToken"], "u": f"admin{n}"})
        assert joined["data"]["acceptInvitation"] == {
            "member": {"role": want[3], "isAdmin": True},
            "errors": [],
        }
        login = (await gql(client, LOGIN, {"u": f"admin{n}"}))["data"]["login"]
        token = login["tokens"]["accessToken"]
        me = await gql(client, ME, headers={"Authorization": f"Bearer {token}"})
        assert me["data"]["me"] == {
            "role": want[3],
            "organisation": {"name": want[0], "kind": want[1], "regionCode": want[2]},
        }
    assert await _count(db, Organisation) == organisations_before + 3
    async with db.reader() as s:
        events = await s.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type == "OrganisationRegistered")
        )
        audits = await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
        actions = list(audits)
    assert events == 3
    assert actions.count("organisation.create") == 3
    assert actions.count("account.invited") == 3
    assert actions.count("organisation.import") == 1


async def test_bad_rows_are_reported_and_good_rows_kept(
    client: httpx.AsyncClient, db: Database, operator: Member
) -> None:
    taken = await factories.organisation(db, OrganisationKind.PURCHASING_UNIT)
    good = _unit()
    repeated = good["统一社会信用代码"]
    units = [
        good,
        _unit(统一社会信用代码="91331102MA12345678"),
        _unit(行政区划代码="331199"),
        _unit(统一社会信用代码=repeated),
        _unit(统一社会信用代码=taken.credit_code),
        _unit(行政区划代码="320402"),
        _unit(单位类型="运营机构"),
        _unit(单位类型="学校"),
        _unit(管理员联系方式="王芳的微信"),
        _unit(单位名称=None),
        _unit(统一社会信用代码=str(repeated).lower(), 单位名称="重复的小写代码"),
        _unit(单位类型="监管机构", 单位名称="丽水市财政局监督检查处"),
    ]
    payload = await _import(client, operator, _xlsx(units))
    assert _outcomes(payload) == [
        (2, "CREATED", None, None),
        (3, "ERROR", "INVALID_CREDIT_CODE", "统一社会信用代码"),
        (4, "ERROR", "UNKNOWN_REGION", "行政区划代码"),
        (5, "ERROR", "DUPLICATE_CREDIT_CODE", "统一社会信用代码"),
        (6, "ERROR", "DUPLICATE_CREDIT_CODE", "统一社会信用代码"),
        (7, "ERROR", "FORBIDDEN", "行政区划代码"),
        (8, "ERROR", "ROLE_NOT_ALLOWED", "单位类型"),
        (9, "ERROR", "INVALID_INPUT", "单位类型"),
        (10, "ERROR", "INVALID_INPUT", "管理员联系方式"),
        (11, "ERROR", "INVALID_INPUT", "单位名称"),
        (12, "ERROR", "DUPLICATE_CREDIT_CODE", "统一社会信用代码"),
        (13, "CREATED", None, None),
    ]
    rows = payload["report"]["rows"]
    assert "第 2 行已出现" in rows[3]["message"]
    assert all(r["invitationToken"] is None for r in rows if r["outcome"] == "ERROR")
    assert (payload["report"]["created"], payload["report"]["failed"]) == (2, 10)
    async with db.reader() as s:
        names = set(await s.scalars(select(Organisation.name)))
        roles = list(await s.scalars(select(Invitation.role).order_by(Invitation.id)))
    assert {"丽水市莲都区教育局", "丽水市财政局监督检查处"} <= names
    assert roles == [Role.PURCHASER, Role.SUPERVISOR]


async def test_importing_the_same_file_again_creates_nothing(
    client: httpx.AsyncClient, db: Database, operator: Member
) -> None:
    data = _xlsx([_unit(), _unit()])
    assert (await _import(client, operator, data))["report"]["created"] == 2
    before = (await _count(db, Organisation), await _count(db, Invitation))
    again = await _import(client, operator, data)
    assert _outcomes(again) == [
        (n, "ERROR", "DUPLICATE_CREDIT_CODE", "统一社会信用代码") for n in (2, 3)
    ]
    assert (await _count(db, Organisation), await _count(db, Invitation)) == before


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
async def test_a_csv_in_gbk_or_utf8_imports(
    client: httpx.AsyncClient, operator: Member, encoding: str
) -> None:
    payload = await _import(client, operator, _csv([_unit(), _unit()], encoding), "units.csv")
    assert _outcomes(payload) == [(2, "CREATED", None, None), (3, "CREATED", None, None)]


async def test_a_file_that_cannot_be_used_stores_nothing(
    client: httpx.AsyncClient, db: Database, operator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await _count(db, Organisation)
    wrong_columns = _xlsx([_unit()], headers=("单位名称", "邮编"))
    cases = [
        (b"PK\x03\x04 not really a zip", "IMPORT_UNREADABLE"),
        (_xlsx([]), "IMPORT_EMPTY"),
        (b"", "IMPORT_EMPTY"),
        (wrong_columns, "IMPORT_WRONG_COLUMNS"),
    ]
    for data, code in cases:
        payload = await _import(client, operator, data)
        assert payload["report"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "file")]
    monkeypatch.setattr(importer, "LIMITS", Limits(max_rows=1))
    payload = await _import(client, operator, _xlsx([_unit(), _unit()]))
    assert [e["code"] for e in payload["errors"]] == ["IMPORT_TOO_LARGE"]
    assert await _count(db, Organisation) == before


async def test_only_operators_import(client: httpx.AsyncClient, db: Database) -> None:
    await factories.regions(db)
    buyer = await factories.member(db, Role.PURCHASER, admin=True)
    before = await _count(db, Organisation)
    payload = await _import(client, buyer, _xlsx([_unit()]))
    assert payload["report"] is None
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert await _count(db, Organisation) == before


async def test_the_template_names_the_columns_and_imports_nothing_untouched(
    client: httpx.AsyncClient, operator: Member
) -> None:
    response = await client.get("/templates/organisations.xlsx")
    assert response.status_code == 200
    assert "organisations.xlsx" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["单位", "说明"]
    header = next(book["单位"].iter_rows(values_only=True))
    assert tuple(header) == HEADERS
    payload = await _import(client, operator, response.content)
    assert [e["code"] for e in payload["errors"]] == ["IMPORT_EMPTY"]
