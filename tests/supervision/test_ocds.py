"""OCDS open data: activated agreements and announced orders as releases, paged by date and
cursor, checked by libcoveocds against the vendored 1.1.5 schema and techniques extension."""

import asyncio
import base64
import functools
import http.server
import json
import os
import re
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from libcoveocds.api import ocds_json_output  # type: ignore[import-untyped]
from libcoveocds.config import LibCoveOCDSConfig  # type: ignore[import-untyped]

from core.clock import FrozenClock
from core.db import Database
from core.principal import Actor
from core.settings import Settings
from marketplace.agreements.models import Agreement, SelectionMethod
from marketplace.agreements.quotes import set_quote
from supervision.ocds.json_text import dumps
from supplier_portal.listings import ListingPatch, approve_listing, update_listing
from tests import agreements as agreement_world
from tests.factories import T0
from tests.orders.world import ANNOUNCE, RECORD_TREASURY, REQUEST_PAYMENT, World, make_world
from yiwang.app import create_app

ROOT = Path(__file__).resolve().parents[2]
# The OCDS 1.1.5 schema and the techniques extension (Apache 2.0), vendored for offline checks.
OCDS = ROOT / "tests" / "data" / "ocds"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TERMINATE = """mutation($id: ID!, $r: String!) { terminateAgreement(id: $id, reason: $r) {
  agreement { id status } errors { code field message } } }"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def extension_url() -> Iterator[str]:
    """The vendored techniques extension over http on loopback: libcoveocds takes only URLs."""
    handler = functools.partial(_QuietHandler, directory=str(OCDS / "extensions" / "techniques"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/extension.json"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
async def feed(
    settings: Settings, clock: FrozenClock, db: Database, extension_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings.model_copy(update={"ocds_techniques_extension_url": extension_url}),
        clock=clock,
        db=db,
    )
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://open.test") as http:
        yield http


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


# --- validation ---------------------------------------------------------------------------------


def cove(package: dict[str, Any]) -> dict[str, Any]:
    """libcoveocds' API, offline: the standard from the vendored zip, no output files kept."""
    config = LibCoveOCDSConfig()
    config.config["standard_zip"] = (OCDS / "standard-1__1__5.zip").as_uri()
    config.config["context"] = "api"
    with tempfile.TemporaryDirectory() as tmp:
        result: dict[str, Any] = ocds_json_output(
            tmp, json_data=package, lib_cove_ocds_config=config
        )
    return result


def assert_valid(package: dict[str, Any]) -> None:
    """libcoveocds reports problems in its result, never by failing: read every part of it."""
    result = cove(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["extensions"]["invalid_extensions"] == []
    assert result["extensions"]["is_extended_schema"] is True
    assert [e["failed_codelists"] for e in result["extensions"]["extensions"]] == [{}]
    assert result["additional_fields"] == []  # techniques fields are known: the extension loaded
    assert result["additional_checks"] == {}
    assert "json_deref_error" not in result


# --- building the world through the domain --------------------------------------------------------


async def quote(w: World, supplier: int, product: int, price: str) -> None:
    actor = Actor(principal=w.suppliers[supplier].principal)
    product_id = w.products[product].id
    async with w.db.unit_of_work() as s:
        await set_quote(s, w.agreement.id, product_id, Decimal(price), actor=actor, clock=w.clock)


async def reprice(w: World, index: int, price: str) -> None:
    """The supplier changes its listed price; the operator approves the change."""
    offer_id, supplier = w.offers[index].id, w.suppliers[index]
    async with w.db.unit_of_work() as s:
        patch = ListingPatch(price=Decimal(price))
        actor = Actor(principal=supplier.principal)
        await update_listing(s, offer_id, patch, actor=actor, clock=w.clock)
    async with w.db.unit_of_work() as s:
        operator = Actor(principal=w.operator.principal)
        await approve_listing(s, offer_id, actor=operator, clock=w.clock)


async def announce(w: World, order: dict[str, Any]) -> None:
    announced = await w.as_(w.buyer, ANNOUNCE, {"c": order["contract"]["id"]})
    assert announced["errors"] == [], announced


async def announced_order(w: World) -> dict[str, Any]:
    order = await w.signed_order()
    await announce(w, order)
    return order


async def paid_order(w: World) -> dict[str, Any]:
    """Accepted, announced the next day, paid through the treasury the day after."""
    order = await w.accepted_order()
    w.clock.advance(timedelta(days=1))
    await announce(w, order)
    w.clock.advance(timedelta(days=1))
    how = {"input": {"orderId": order["id"], "method": "TREASURY"}}
    requested = await w.as_(w.buyer, REQUEST_PAYMENT, how)
    assert requested["errors"] == [], requested
    voucher = {"p": requested["payment"]["id"], "v": "GK2026110400123"}
    recorded = await w.as_(w.buyer, RECORD_TREASURY, voucher)
    assert recorded["payment"]["status"] == "PAID", recorded
    return order


async def rich_world(w: World) -> dict[str, Any]:
    """Quotes, a price of ¥1,234.56, an order paid, and one signed but never announced."""
    await quote(w, 0, 0, "4321.09")
    await quote(w, 1, 1, "2999.99")
    await reprice(w, 0, "1234.56")
    paid = await paid_order(w)
    await w.signed_order()
    return paid


# --- reading the feed --------------------------------------------------------------------------


async def read(feed: httpx.AsyncClient, url: str, **params: str) -> tuple[str, dict[str, Any]]:
    response = await feed.get(url, params=params or None)  # {} would drop the URL's own query
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.text, json.loads(response.text, parse_float=Decimal)


async def pages(feed: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    """The first page and every page `links.next` leads to."""
    _, first = await read(feed, "/ocds/releases", **params)
    found = [first]
    while "links" in found[-1]:
        _, body = await read(feed, found[-1]["links"]["next"])
        found.append(body)
    return found


async def releases(feed: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    return [r for page in await pages(feed, **params) for r in page["releases"]]


def agreement_ocid(agreement_id: int) -> str:
    return f"ocds-yiwang-agreement-{agreement_id}"


def order_ocid(order: dict[str, Any]) -> str:
    return f"ocds-yiwang-order-{order['number']}"


def money(amount: str) -> dict[str, Any]:
    return {"amount": Decimal(amount), "currency": "CNY"}


def pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


# --- the tests ---------------------------------------------------------------------------------


async def test_the_feed_is_a_valid_ocds_release_package(feed: httpx.AsyncClient, w: World) -> None:
    order = await rich_world(w)
    text, body = await read(feed, "/ocds/releases")
    assert body["version"] == "1.1"
    assert body["uri"] == "http://open.test/ocds/releases"
    assert body["publisher"] == {"name": "一网 政府采购电子卖场"}
    assert body["publishedDate"] == "2026-11-04T09:30:00+08:00"
    assert [r["ocid"] for r in body["releases"]] == [
        agreement_ocid(w.agreement.id),
        order_ocid(order),
    ]
    assert body["extensions"][0].startswith("http://127.0.0.1:")
    assert_valid(json.loads(text))


async def test_the_validation_would_catch_a_broken_release(
    feed: httpx.AsyncClient, w: World
) -> None:
    await rich_world(w)
    text, _ = await read(feed, "/ocds/releases")
    package = json.loads(text)
    agreement, order = package["releases"]
    agreement["tender"]["techniques"]["frameworkAgreement"]["method"] = "byLottery"
    order["tag"] = ["orderPlaced"]
    del order["date"]
    result = cove(package)
    (missing,) = result["validation_errors"]
    assert (missing["type"], missing["path"]) == ("required", "releases/1")
    assert "date" in missing["description"]
    closed = result["additional_closed_codelist_values"]
    assert closed["releases/tag"]["values"] == ["orderPlaced"]
    method = closed["releases/tender/techniques/frameworkAgreement/method"]
    assert method["values"] == ["byLottery"]
    assert method["extension_codelist"] is True


async def test_an_agreement_release_describes_the_framework_and_its_prices(
    feed: httpx.AsyncClient, w: World
) -> None:
    await rich_world(w)
    release = (await releases(feed))[0]
    assert release["ocid"] == agreement_ocid(w.agreement.id)
    assert release["tag"] == ["tender", "award"]
    assert (release["initiationType"], release["language"]) == ("tender", "zh")
    tender = release["tender"]
    assert tender["procurementMethod"] == "selective"
    assert tender["procurementMethodDetails"] == "框架协议征集（封闭式，直接选定）"
    assert tender["mainProcurementCategory"] == "goods"
    techniques = tender["techniques"]
    assert techniques["hasFrameworkAgreement"] is True
    framework = techniques["frameworkAgreement"]
    assert framework["method"] == "withoutReopeningCompetition"
    assert framework["period"] == {
        "startDate": "2026-11-01T00:00:00+08:00",
        "endDate": "2027-10-31T23:59:59+08:00",
    }
    assert framework["buyerCategories"] == "丽水市行政区域内的采购人"
    assert [i["unit"]["value"] for i in tender["items"]] == [money("5000.00")]
    assert tender["items"][0]["classification"] == {
        "scheme": "CN-GPCC",
        "id": "A02010104",
        "description": "台式计算机",
    }
    (award,) = release["awards"]
    assert award["status"] == "active"
    names = [s.organisation.name for s in w.suppliers]
    assert [s["name"] for s in award["suppliers"]] == names
    assert [(i["description"], i["unit"]["value"]) for i in award["items"]] == [
        (f"{w.products[0].name}（{names[0]}）", money("4321.09")),
        (f"{w.products[1].name}（{names[1]}）", money("2999.99")),
    ]
    supplier = release["parties"][1]
    credit_code = w.suppliers[0].organisation.credit_code
    assert supplier["id"] == f"CN-USCI-{credit_code}"
    assert supplier["identifier"] == {"scheme": "CN-USCI", "id": credit_code, "legalName": names[0]}
    assert supplier["roles"] == ["tenderer", "supplier"]


async def test_an_order_release_follows_its_agreement_and_keeps_the_money_exact(
    feed: httpx.AsyncClient, w: World
) -> None:
    order = await rich_world(w)
    text, body = await read(feed, "/ocds/releases")
    release = body["releases"][1]
    assert release["ocid"] == order_ocid(order)
    assert release["tag"] == ["award", "contract", "implementation", "contractTermination"]
    assert release["relatedProcesses"] == [
        {
            "id": "1",
            "relationship": ["framework"],
            "title": w.agreement.title,
            "scheme": "ocid",
            "identifier": body["releases"][0]["ocid"],
        }
    ]
    tender = release["tender"]
    assert (tender["procurementMethod"], tender["competitive"]) == ("direct", False)
    assert tender["procurementMethodDetails"] == "框架协议采购（直接选定）"
    buyer = w.buyer.organisation
    assert release["buyer"] == {"id": f"CN-USCI-{buyer.credit_code}", "name": buyer.name}
    roles = [p["roles"] for p in release["parties"]]
    assert roles == [["buyer", "procuringEntity", "payer"], ["supplier", "payee"]]
    assert release["planning"]["budget"] == {
        "id": w.plan.code,
        "description": "2026年度 办公设备购置费（一般公共预算）",
        "amount": money("200000.00"),
        "project": "2026年办公设备购置",
    }
    (award,) = release["awards"]
    (item,) = award["items"]
    assert (item["quantity"], item["unit"]) == (2, {"name": "台", "value": money("1234.56")})
    assert item["classification"]["id"] == "A02010104"
    assert award["value"] == money("2469.12")
    (contract,) = release["contracts"]
    assert contract["awardID"] == award["id"] == order["number"]
    assert contract["id"] == order["contract"]["number"]
    assert contract["status"] == "terminated"  # paid in full: the contract has run its course
    assert contract["dateSigned"] == "2026-11-02T09:30:00+08:00"
    assert contract["period"]["endDate"] == "2026-11-09T23:59:59+08:00"
    (payment,) = contract["implementation"]["transactions"]
    assert payment["value"] == money("2469.12")
    assert payment["date"] == "2026-11-04T09:30:00+08:00"
    assert '"unit":{"name":"台","value":{"amount":1234.56,"currency":"CNY"}}' in text
    for private in ("王老师", "0578-2123456", "人民街", w.buyer.user.username, "测试用户"):
        assert private not in text


@pytest.mark.parametrize(
    ("method", "threshold_fen", "framework", "procurement", "details"),
    [
        (
            SelectionMethod.DIRECT_SELECTION,
            None,
            "withoutReopeningCompetition",
            "direct",
            "直接选定",
        ),
        (
            SelectionMethod.DIRECT_SELECTION,
            5_000_000,
            "withAndWithoutReopeningCompetition",
            "direct",
            "直接选定",
        ),
        (
            SelectionMethod.SECOND_COMPETITION,
            None,
            "withReopeningCompetition",
            "limited",
            "二次竞价",
        ),
        (SelectionMethod.ROTATION, None, "withoutReopeningCompetition", "direct", "顺序轮候"),
    ],
)
async def test_the_selection_method_decides_how_each_stage_is_described(
    feed: httpx.AsyncClient,
    client: httpx.AsyncClient,
    db: Database,
    clock: FrozenClock,
    method: SelectionMethod,
    threshold_fen: int | None,
    framework: str,
    procurement: str,
    details: str,
) -> None:
    w = await make_world(client, db, clock)
    async with db.unit_of_work() as s:
        row = await s.get(Agreement, w.agreement.id)
        assert row is not None
        row.selection_method, row.second_competition_above_fen = method, threshold_fen
    await announced_order(w)
    agreement, order = await releases(feed)
    assert agreement["tender"]["techniques"]["frameworkAgreement"]["method"] == framework
    assert order["tender"]["procurementMethod"] == procurement
    assert order["tender"]["competitive"] is (procurement == "limited")
    assert order["tender"]["procurementMethodDetails"] == f"框架协议采购（{details}）"
    assert order["contracts"][0]["status"] == "active"
    assert order["tag"] == ["award", "contract"]


async def test_an_order_is_private_until_its_contract_is_announced(
    feed: httpx.AsyncClient, w: World
) -> None:
    await w.placed_order()
    order = await w.signed_order()
    assert [r["ocid"] for r in await releases(feed)] == [agreement_ocid(w.agreement.id)]
    w.clock.advance(timedelta(hours=3))
    await announce(w, order)
    published = await releases(feed)
    assert [r["ocid"] for r in published] == [agreement_ocid(w.agreement.id), order_ocid(order)]
    assert published[1]["date"] == "2026-11-02T12:30:00+08:00"


async def test_agreements_are_published_once_activated(
    feed: httpx.AsyncClient, client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    aw = await agreement_world.make_world(client, db, clock)
    agreement = await agreement_world.drafted(aw)
    assert await releases(feed) == []
    opened = await aw.as_(aw.operator, agreement_world.OPEN, {"id": agreement})
    assert opened["agreement"]["status"] == "SOLICITING"
    clock.advance(timedelta(hours=1))
    await _admit_two_of_three(aw, agreement)
    assert await releases(feed) == []
    activated = await aw.as_(aw.operator, agreement_world.ACTIVATE, {"id": agreement})
    assert activated["agreement"]["status"] == "ACTIVE", activated
    (release,) = await releases(feed)
    assert release["ocid"] == agreement_ocid(pk(agreement))
    assert [s["name"] for s in release["awards"][0]["suppliers"]] == [
        s.organisation.name for s in aw.suppliers[:2]
    ]
    framework = release["tender"]["techniques"]["frameworkAgreement"]
    assert framework["method"] == "withAndWithoutReopeningCompetition"
    assert framework["value"] == money("1000000.00")
    assert (
        framework["description"] == "单笔订单限额 50000.00 元；订单金额超过 200000.00 元须二次竞价"
    )
    clock.advance(timedelta(days=3))
    stopped = await aw.as_(aw.operator, TERMINATE, {"id": agreement, "r": "供应商串通报价"})
    assert stopped["agreement"]["status"] == "TERMINATED", stopped
    text, body = await read(feed, "/ocds/releases")
    (ended,) = body["releases"]
    assert ended["tag"] == ["awardCancellation"]
    assert ended["awards"][0]["status"] == "cancelled"
    assert ended["awards"][0]["description"] == "协议已终止：供应商串通报价"
    assert ended["id"] != release["id"]
    assert_valid(json.loads(text))


async def _admit_two_of_three(aw: agreement_world.World, agreement: str) -> None:
    applied = [await aw.as_(s, agreement_world.APPLY, {"a": agreement}) for s in aw.suppliers]
    for entrant in applied[:2]:
        admitted = await aw.as_(aw.operator, agreement_world.ADMIT, {"e": entrant["entrant"]["id"]})
        assert admitted["errors"] == [], admitted
    lost = {
        "entrantId": applied[2]["entrant"]["id"],
        "reason": "综合评分排名靠后",
        "eliminated": True,
    }
    assert (await aw.as_(aw.operator, agreement_world.REJECT, {"input": lost}))["errors"] == []


async def test_since_and_the_cursor_give_every_release_once_in_date_order(
    feed: httpx.AsyncClient, w: World
) -> None:
    w.clock.advance(timedelta(hours=1))
    first = await announced_order(w)
    w.clock.advance(timedelta(hours=1))
    second, third = await announced_order(w), await announced_order(w)  # the same instant
    expected = [agreement_ocid(w.agreement.id), *map(order_ocid, (first, second, third))]

    one_by_one = await pages(feed, limit="1")
    assert [len(p["releases"]) for p in one_by_one] == [1, 1, 1, 1]
    assert [p["releases"][0]["ocid"] for p in one_by_one] == expected
    assert "links" not in one_by_one[-1]
    assert [len(p["releases"]) for p in await pages(feed, limit="3")] == [3, 1]
    assert [r["ocid"] for r in await releases(feed)] == expected

    at_second = T0 + timedelta(hours=2)
    for since in (at_second.isoformat(), "2026-11-02T11:30:00+08:00", "2026-11-02T03:30:00Z"):
        assert [r["ocid"] for r in await releases(feed, since=since)] == expected[2:]
    just_after = (at_second + timedelta(microseconds=1)).isoformat()
    assert await releases(feed, since=just_after) == []
    later = await releases(feed, since=(T0 + timedelta(minutes=30)).isoformat(), limit="2")
    assert [r["ocid"] for r in later] == expected[1:]

    before = {r["ocid"]: r["id"] for r in await releases(feed)}
    assert before == {r["ocid"]: r["id"] for r in await releases(feed)}  # same state, same id
    w.clock.advance(timedelta(hours=1))
    await quote(w, 0, 0, "4321.09")
    from_start_cursor = one_by_one[0]["links"]["next"]
    _, resumed = await read(feed, str(httpx.URL(from_start_cursor).copy_set_param("limit", "10")))
    assert [r["ocid"] for r in resumed["releases"]] == expected[1:] + expected[:1]
    moved = resumed["releases"][-1]
    assert moved["date"] == "2026-11-02T12:30:00+08:00"
    assert moved["id"] != before[moved["ocid"]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": "0"}, "INVALID_LIMIT"),
        ({"limit": "1001"}, "INVALID_LIMIT"),
        ({"limit": "ten"}, "INVALID_LIMIT"),
        ({"limit": "-5"}, "INVALID_LIMIT"),
        ({"since": "yesterday"}, "INVALID_SINCE"),
        ({"since": "2026-11-02T09:30:00"}, "INVALID_SINCE"),
        ({"since": "2026-11-02T09:30:00 08:00"}, "INVALID_SINCE"),
        ({"cursor": "not-a-cursor"}, "INVALID_CURSOR"),
        ({"cursor": base64.urlsafe_b64encode(b"[1,2,3]").decode()}, "INVALID_CURSOR"),
        ({"cursor": base64.urlsafe_b64encode(b'["2026-11-02",1,1]').decode()}, "INVALID_CURSOR"),
    ],
)
async def test_bad_parameters_are_refused_in_chinese(
    feed: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    response = await feed.get("/ocds/releases", params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"code", "message"}
    assert error["code"] == code
    assert CHINESE.search(error["message"]), error


def test_money_is_written_as_the_exact_decimal() -> None:
    value = {"amount": Decimal("1234.56"), "list": [Decimal("0.10"), 1, "文", None, True]}
    assert dumps(value) == '{"amount":1234.56,"list":[0.10,1,"文",null,true]}'
    assert dumps(Decimal("9999999999999.99")) == "9999999999999.99"
    with pytest.raises(TypeError):
        dumps({"amount": 1234.56})


async def _cli(settings: Settings, extension_url: str, *args: str) -> tuple[int, str, str]:
    env = os.environ | {
        "YIWANG_DATABASE_URL": settings.database_url,
        "YIWANG_OCDS_TECHNIQUES_EXTENSION_URL": extension_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "yiwang.cli",
        "export-ocds",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_cli_writes_every_release_as_one_valid_package(
    w: World, settings: Settings, extension_url: str, tmp_path: Path
) -> None:
    order = await rich_world(w)
    output = tmp_path / "ocds.json"
    code, _, err = await _cli(settings, extension_url, "--output", str(output))
    assert code == 0, err
    package = json.loads(output.read_text(encoding="utf-8"))
    assert [r["ocid"] for r in package["releases"]] == [
        agreement_ocid(w.agreement.id),
        order_ocid(order),
    ]
    assert "links" not in package
    assert package["extensions"] == [extension_url]
    assert_valid(package)

    code, out, err = await _cli(settings, extension_url, "--since", "2026-11-04T09:30:00+08:00")
    assert code == 0, err
    assert [r["ocid"] for r in json.loads(out)["releases"]] == [order_ocid(order)]
    code, out, err = await _cli(settings, extension_url, "--since", "明天")
    assert (code, out) == (2, "")
    assert "since" in err
