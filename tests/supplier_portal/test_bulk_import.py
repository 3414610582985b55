"""Bulk import of listings from .xlsx and .csv: per-row results, and nothing half-applied."""

import csv
import io
import json
import zipfile
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from core.audit import AuditEntry
from core.clock import FrozenClock
from core.db import Database
from core.errors import DomainError
from core.outbox import OutboxEvent
from core.principal import Actor, Role
from marketplace.models import Offer, OfferDeliveryRegion, OfferStatus, Product
from supplier_portal import bulk_import, listings
from supplier_portal.bulk_import import ImportOutcome, ImportReport, import_listings
from supplier_portal.importing import reading
from supplier_portal.importing.columns import HEADERS
from supplier_portal.importing.lookups import Lookups, look_up
from tests import factories
from tests.agreements import World, active, make_world
from tests.factories import Member, gid
from tests.gql import ACCEPT

GTIN = "4006381333931"
AGREEMENT = "LS-2026-PC"  # tests.agreements: ceiling 5000 yuan for A02010104, region 331100
IMPORT = """mutation($file: Upload!) {
  importOffers(file: $file) {
    report { created updated unchanged failed rows { row outcome offerId code column message } }
    errors { code field message }
  }
}"""


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    w = await make_world(client, db, clock)
    await active(w)  # suppliers[0] and [1] admitted
    return w


async def _products(w: World) -> tuple[Product, Product]:
    """Beside the world's 联想 M740t: one found by GTIN, one by brand and model."""
    category = await factories.category_path(w.db)
    by_gtin = await factories.product(w.db, category, brand="华为", model="擎云 B730E")
    by_name = await factories.product(w.db, category, brand="Dell", model="OptiPlex 7010")
    async with w.db.unit_of_work() as s:
        await s.execute(update(Product).where(Product.id == by_gtin.id).values(gtin=GTIN))
    return by_gtin, by_name


def _row(**cells: object) -> dict[str, object]:
    return {"协议编号": AGREEMENT, "价格": "4888.00", "库存": 50} | cells


def _xlsx(rows: list[dict[str, object]], headers: tuple[str, ...] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
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
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in HEADERS])
    return out.getvalue().encode(encoding)


async def _import(
    w: World, data: bytes, *, filename: str = "挂牌.xlsx", who: Member | None = None
) -> ImportReport:
    actor = Actor(principal=(who or w.suppliers[0]).principal, request_id="test")
    async with w.db.unit_of_work() as s:
        return await import_listings(s, data, filename, actor=actor, clock=w.clock)


async def _refused(w: World, data: bytes, *, filename: str = "挂牌.xlsx") -> DomainError:
    with pytest.raises(DomainError) as caught:
        await _import(w, data, filename=filename)
    return caught.value


def _outcomes(report: ImportReport) -> list[tuple[int, str, str | None, str | None]]:
    return [(r.row, r.outcome.value, r.code, r.column) for r in report.rows]


async def _counts(db: Database) -> dict[str, int]:
    async with db.reader() as s:
        return {
            m.__tablename__: int(await s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Offer, OfferDeliveryRegion, OutboxEvent, AuditEntry)
        }


async def _offers(db: Database) -> dict[str, Offer]:
    async with db.reader() as s:
        return {o.supplier_sku: o for o in (await s.scalars(select(Offer))).all()}


async def test_a_spreadsheet_creates_drafts_and_submits_where_asked(world: World) -> None:
    by_gtin, by_name = await _products(world)
    rows = [
        _row(商品编号=world.product.id, SKU编码="PC-1", 配送区域="331102", 市场参考价="5299"),
        _row(条码=GTIN, SKU编码="PC-2", 价格=4700.5, 库存=8.0, 提交审核="是"),
        _row(品牌="dell", 型号="optiplex-7010", SKU编码=30001, 价格=4999),
    ]
    report = await _import(world, _xlsx(rows))
    assert _outcomes(report) == [(n, "CREATED", None, None) for n in (2, 3, 4)]
    assert (report.created, report.updated, report.unchanged, report.failed) == (3, 0, 0, 0)
    offers = await _offers(world.db)
    assert [r.offer_id for r in report.rows] == [offers[s].id for s in ("PC-1", "PC-2", "30001")]
    pc1, pc2, pc3 = offers["PC-1"], offers["PC-2"], offers["30001"]
    assert (pc1.product_id, pc1.price_fen, pc1.market_price_fen, pc1.status) == (
        world.product.id,
        488800,
        529900,
        OfferStatus.DRAFT,
    )
    assert (pc2.product_id, pc2.price_fen, pc2.stock, pc2.status) == (
        by_gtin.id,
        470050,
        8,
        OfferStatus.PENDING_REVIEW,
    )
    assert (pc3.product_id, pc3.price_fen) == (by_name.id, 499900)
    assert {o.agreement_id for o in offers.values()} == {pc1.agreement_id}
    async with world.db.reader() as s:
        regions = (await s.scalars(select(OfferDeliveryRegion.region_code))).all()
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "listing.import"))
        events = (
            await s.scalars(
                select(OutboxEvent.event_type).where(OutboxEvent.aggregate_type == "Offer")
            )
        ).all()
    assert regions == ["331102"]
    assert audit is not None
    assert audit.actor_organisation_id == world.suppliers[0].organisation.id
    assert audit.details == {
        "filename": "挂牌.xlsx",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert sorted(events) == ["ListingCreated"] * 3 + ["ListingSubmitted"]


async def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    await _products(world)
    rows = [
        _row(商品编号=world.product.id, SKU编码="PC-1", 配送区域="331102", 市场参考价="5299"),
        _row(条码=GTIN, SKU编码="PC-2", 提交审核="是"),
    ]
    data = _xlsx(rows)
    assert (await _import(world, data)).created == 2
    before = await _counts(world.db)
    again = await _import(world, data)
    # PC-2 is under review, where even an unchanged price would be refused: nothing is sent.
    assert _outcomes(again) == [(2, "UNCHANGED", None, None), (3, "UNCHANGED", None, None)]
    after = await _counts(world.db)
    assert after == before | {"audit_entry": before["audit_entry"] + 1}  # the import's own


async def test_a_known_sku_updates_its_listing(world: World) -> None:
    await _products(world)
    first = [
        _row(商品编号=world.product.id, SKU编码="PC-1", 配送区域="331102", 市场参考价="5299"),
        _row(条码=GTIN, SKU编码="PC-2", 提交审核="是"),
    ]
    await _import(world, _xlsx(first))
    second = [
        # Regions and market price left empty: kept as they were.
        _row(商品编号=world.product.id, SKU编码="PC-1", 价格="4777", 库存=60, 提交审核="是"),
        _row(条码=GTIN, SKU编码="PC-2", 库存=7),  # stock may change under review
    ]
    report = await _import(world, _xlsx(second))
    assert _outcomes(report) == [(2, "UPDATED", None, None), (3, "UPDATED", None, None)]
    offers = await _offers(world.db)
    pc1, pc2 = offers["PC-1"], offers["PC-2"]
    assert (pc1.price_fen, pc1.stock, pc1.market_price_fen) == (477700, 60, 529900)
    assert pc1.status is OfferStatus.PENDING_REVIEW
    assert (pc2.stock, pc2.status) == (7, OfferStatus.PENDING_REVIEW)
    async with world.db.reader() as s:
        assert (await s.scalars(select(OfferDeliveryRegion.region_code))).all() == ["331102"]
    repriced = await _import(world, _xlsx([_row(条码=GTIN, SKU编码="PC-2", 价格="4000")]))
    assert _outcomes(repriced) == [(2, "ERROR", "WRONG_LISTING_STATUS", "SKU编码")]
    assert repriced.rows[0].offer_id == pc2.id


async def test_a_bad_row_stores_nothing_and_the_good_rows_are_kept(world: World) -> None:
    by_gtin, by_name = await _products(world)
    rows = [
        _row(商品编号=world.product.id, SKU编码="GOOD-1"),
        _row(条码=GTIN, SKU编码="OVER", 价格="5000.01"),
        _row(条码=GTIN, SKU编码="NO-AGREEMENT", 协议编号="LS-2099-XX"),
        _row(条码=GTIN, SKU编码="FEN", 价格="12.345"),
        _row(商品编号=999_999, SKU编码="NO-PRODUCT"),
        # Written, then refused by its regions: the savepoint takes the listing back out.
        _row(条码=GTIN, SKU编码="FAR", 配送区域="331102、320402", 提交审核="是"),
        _row(品牌="Dell", 型号="OptiPlex 7010", SKU编码="GOOD-2", 价格=4999.99),
        _row(商品编号=by_name.id, SKU编码="GOOD-1"),
        _row(商品编号=by_gtin.id, 条码=GTIN, 品牌="联想", 型号="M740t", SKU编码="MIXED"),
        _row(条码=GTIN, SKU编码="STOCK", 库存="十"),
        _row(条码=GTIN, SKU编码="SUBMIT", 提交审核="好"),
        _row(品牌="Dell", SKU编码="HALF-NAME"),
    ]
    before = await _counts(world.db)
    report = await _import(world, _xlsx(rows))
    assert _outcomes(report) == [
        (2, "CREATED", None, None),
        (3, "ERROR", "OVER_CEILING", "价格"),
        (4, "ERROR", "NOT_FOUND", "协议编号"),
        (5, "ERROR", "INVALID_MONEY", "价格"),
        (6, "ERROR", "NOT_FOUND", "商品编号"),
        (7, "ERROR", "REGION_OUTSIDE_AGREEMENT", "配送区域"),
        (8, "CREATED", None, None),
        (9, "ERROR", "DUPLICATE_SUPPLIER_SKU", "SKU编码"),
        (10, "ERROR", "INVALID_ROW_VALUE", "型号"),
        (11, "ERROR", "INVALID_ROW_VALUE", "库存"),
        (12, "ERROR", "INVALID_ROW_VALUE", "提交审核"),
        (13, "ERROR", "INVALID_ROW_VALUE", "型号"),
    ]
    assert (report.created, report.failed) == (2, 10)
    assert report.rows[1].message == "报价 5000.01 元高于最高限制单价 5000.00 元"
    assert report.rows[3].message == "金额最多保留两位小数"
    assert report.rows[4].message == "商品不存在: 999999"
    assert report.rows[7].message == "SKU 编码 GOOD-1 在第 2 行已出现, 同一文件中不能重复"
    assert all(r.offer_id is None for r in report.rows if r.outcome is ImportOutcome.ERROR)
    assert set(await _offers(world.db)) == {"GOOD-1", "GOOD-2"}
    after = await _counts(world.db)
    assert after["offer_delivery_region"] == before["offer_delivery_region"]
    # Two ListingCreated events, two listing.create audit entries and the import's own.
    assert after["outbox_event"] == before["outbox_event"] + 2
    assert after["audit_entry"] == before["audit_entry"] + 3


async def test_a_sku_cannot_move_its_listing_to_another_product(world: World) -> None:
    by_gtin, _ = await _products(world)
    await _import(world, _xlsx([_row(商品编号=world.product.id, SKU编码="PC-1")]))
    report = await _import(world, _xlsx([_row(商品编号=by_gtin.id, SKU编码="PC-1")]))
    assert _outcomes(report) == [(2, "ERROR", "DUPLICATE_SUPPLIER_SKU", "SKU编码")]
    assert (await _offers(world.db))["PC-1"].product_id == world.product.id


async def test_a_row_that_loses_a_race_is_a_conflict_and_the_rest_is_kept(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request took the SKU between the row's checks and its insert: the database's
    unique constraint refuses it, and the savepoint keeps the transaction usable."""
    by_gtin, _ = await _products(world)
    await _import(world, _xlsx([_row(商品编号=world.product.id, SKU编码="TAKEN")]))

    async def nothing_there(*_: object) -> None:
        return None

    async def looked_up_before_it_was_taken(*args: Any) -> Lookups:
        found = await look_up(*args)
        found.offers.pop("TAKEN")
        return found

    monkeypatch.setattr(bulk_import, "look_up", looked_up_before_it_was_taken)
    monkeypatch.setattr(listings, "_ensure_sku_free", nothing_there)
    rows = [_row(商品编号=by_gtin.id, SKU编码="TAKEN"), _row(商品编号=by_gtin.id, SKU编码="NEW")]
    report = await _import(world, _xlsx(rows))
    assert _outcomes(report) == [(2, "ERROR", "CONFLICT", None), (3, "CREATED", None, None)]
    assert set(await _offers(world.db)) == {"TAKEN", "NEW"}


async def test_a_supplier_outside_the_agreement_gets_a_row_error(world: World) -> None:
    eliminated = world.suppliers[2]
    report = await _import(
        world, _xlsx([_row(商品编号=world.product.id, SKU编码="PC-1")]), who=eliminated
    )
    assert _outcomes(report) == [(2, "ERROR", "NOT_AN_ENTRANT", None)]


@pytest.mark.parametrize(
    ("headers", "wanted"),
    [
        (
            ("商品编号", "协议编号", "SKU编码", "单价", "库存"),
            ["缺少必填列 价格", "无法识别的列 单价"],
        ),
        (("协议编号", "SKU编码", "价格", "库存"), ["缺少用来查找商品的列"]),
        (("品牌", "协议编号", "SKU编码", "价格", "库存"), ["缺少用来查找商品的列"]),
        (("条码", "协议编号", "SKU编码", "价格", "价格", "库存"), ["重复的列 价格"]),
    ],
)
async def test_wrong_columns_refuse_the_whole_file(
    world: World, headers: tuple[str, ...], wanted: list[str]
) -> None:
    good = _row(商品编号=world.product.id, 条码=GTIN, SKU编码="PC-1", 单价="4888")
    before = await _counts(world.db)
    error = await _refused(world, _xlsx([good], headers))
    assert (error.code, error.field) == ("IMPORT_WRONG_COLUMNS", "file")
    assert all(w in error.message for w in wanted), error.message
    assert await _counts(world.db) == before


async def test_columns_may_come_in_any_order_and_optional_ones_may_go(world: World) -> None:
    headers = (" 库存 ", "价格", "SKU 编码", "协议编号", "商品编号")  # spaces are ignored
    row = {" 库存 ": 3, "价格": "100", "SKU 编码": "PC-1", "协议编号": AGREEMENT}
    report = await _import(world, _xlsx([row | {"商品编号": world.product.id}], headers))
    assert _outcomes(report) == [(2, "CREATED", None, None)]
    assert (await _offers(world.db))["PC-1"].stock == 3


async def test_the_sheet_named_like_the_templates_is_read_wherever_it_is(world: World) -> None:
    book = load_workbook(io.BytesIO(_xlsx([_row(商品编号=world.product.id, SKU编码="PC-1")])))
    sheet = book.active
    assert sheet is not None
    sheet.title = "挂牌"
    book.create_sheet("说明", 0).append(["商品编号是平台的编号"])
    data = io.BytesIO()
    book.save(data)
    assert _outcomes(await _import(world, data.getvalue())) == [(2, "CREATED", None, None)]


def _zip_of(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "不是 .xlsx 或 .csv"),
        (_zip_of("readme.txt"), "挂牌.xlsx", "不是有效的 .xlsx"),
        (b"PK\x03\x04 truncated", "挂牌.xlsx", "不是有效的 .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "挂牌.xls", "旧版 .xls"),
        (b"%PDF-1.7 no zip here", "挂牌.xlsx", "不是有效的 .xlsx"),
        ("商品编号,价格\n1,2".encode() + b"\xff\xfe\xff", "挂牌.csv", "编码无法识别"),
        (b'"\xe5\x95\x86\xe5\x93\x81,"x\n' * 2 + b"a" * 200_000, "a.csv", "CSV 文件格式不正确"),
    ],
)
async def test_a_file_that_is_no_spreadsheet_is_unreadable(
    world: World, data: bytes, filename: str, message: str
) -> None:
    error = await _refused(world, data, filename=filename)
    assert message in error.message
    assert (error.code, error.field) == ("IMPORT_UNREADABLE", "file")


async def test_an_empty_file_or_a_header_alone_is_empty(world: World) -> None:
    for data in (b"", b" \r\n", _xlsx([]), _csv([], "utf-8")):
        assert (await _refused(world, data, filename="a.csv")).code == "IMPORT_EMPTY"


async def test_too_many_rows_or_bytes_refuse_the_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [_row(商品编号=world.product.id, SKU编码=f"PC-{n}") for n in range(3)]
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    assert (await _refused(world, _xlsx(rows))).code == "IMPORT_TOO_LARGE"
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    assert "解压后" in (await _refused(world, _xlsx(rows))).message
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    assert (await _refused(world, _xlsx(rows))).code == "IMPORT_TOO_LARGE"
    assert await _offers(world.db) == {}


async def test_blank_rows_are_skipped_and_rows_keep_their_numbers(world: World) -> None:
    rows: list[dict[str, object]] = [
        _row(商品编号=world.product.id, SKU编码="PC-1"),
        {},
        {"价格": "  "},
        _row(SKU编码="X"),
    ]
    report = await _import(world, _xlsx(rows))
    assert _outcomes(report) == [
        (2, "CREATED", None, None),
        (5, "ERROR", "INVALID_ROW_VALUE", "商品编号"),
    ]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
async def test_a_csv_in_gbk_or_utf8_imports(world: World, encoding: str) -> None:
    await _products(world)
    rows = [
        _row(品牌="华为", 型号="擎云 B730E", SKU编码="华为-1", 配送区域="331102 331100"),
        _row(条码=GTIN, SKU编码="华为-2", 价格="4800.123"),
    ]
    report = await _import(world, _csv(rows, encoding), filename="挂牌.csv")
    assert _outcomes(report) == [
        (2, "CREATED", None, None),
        (3, "ERROR", "INVALID_MONEY", "价格"),
    ]
    assert list(await _offers(world.db)) == ["华为-1"]


async def test_only_suppliers_and_partners_import(world: World) -> None:
    purchaser = await factories.member(world.db, Role.PURCHASER)
    data = _xlsx([_row(商品编号=world.product.id, SKU编码="PC-1")])
    with pytest.raises(DomainError) as caught:
        await _import(world, data, who=purchaser)
    assert caught.value.code == "FORBIDDEN"
    with pytest.raises(DomainError) as caught:
        await _import(world, data, who=world.operator)
    assert caught.value.code == "FORBIDDEN"


async def test_the_template_downloads_and_imports_as_filled_in(world: World) -> None:
    response = await world.client.get("/templates/listings.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"listings.xlsx\"; filename*=UTF-8''" + quote("挂牌导入模板.xlsx")
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["挂牌", "说明"]
    sheet = book["挂牌"]
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet.max_row == 1  # the example row is on 说明: an untouched template imports nothing
    assert sheet.freeze_panes == "A2"
    assert all(c.font.b for c in sheet[1])
    help_text = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert all(h in help_text for h in HEADERS)
    assert "LS-2026-TSJ" in help_text
    assert (await _refused(world, response.content)).code == "IMPORT_EMPTY"
    sheet.append([_row(商品编号=world.product.id, SKU编码="PC-1").get(h) for h in HEADERS])
    filled = io.BytesIO()
    book.save(filled)
    report = await _import(world, filled.getvalue())
    assert _outcomes(report) == [(2, "CREATED", None, None)]


async def test_importing_through_the_api_as_a_multipart_upload(world: World) -> None:
    rows = [_row(商品编号=world.product.id, SKU编码="PC-1"), _row(商品编号=1_000_000, SKU编码="X")]
    body = await _upload(world, _xlsx(rows), "挂牌.xlsx")
    assert body["errors"] == []
    offer_id = (await _offers(world.db))["PC-1"].id
    assert body["report"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
        "rows": [
            {
                "row": 2,
                "outcome": "CREATED",
                "offerId": gid("Offer", offer_id),
                "code": None,
                "column": None,
                "message": None,
            },
            {
                "row": 3,
                "outcome": "ERROR",
                "offerId": None,
                "code": "NOT_FOUND",
                "column": "商品编号",
                "message": "商品不存在: 1000000",
            },
        ],
    }
    refused = await _upload(world, b"\x89PNG\r\n\x1a\n\x00", "photo.png")
    assert refused["report"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("IMPORT_UNREADABLE", "file")]


async def _upload(w: World, data: bytes, filename: str) -> dict[str, Any]:
    operations = {"query": IMPORT, "variables": {"file": None}}
    response = await w.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, data, "application/octet-stream")},
        headers={
            "accept": ACCEPT,
            "apollo-require-preflight": "1",
            **factories.bearer(w.suppliers[0], now=w.clock.now()),
        },
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["importOffers"]
    return payload
