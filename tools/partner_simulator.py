"""A JD-like e-commerce partner driving the mall over GraphQL, as JD VOP would if it pushed.

    .venv/bin/python tools/partner_simulator.py generate --size 3 --seed 7   # JSON lines
    .venv/bin/python tools/partner_simulator.py setup                        # operator side
    .venv/bin/python tools/partner_simulator.py sync --size 20000
    .venv/bin/python tools/partner_simulator.py prices --size 20000          # 10% re-priced
    .venv/bin/python tools/partner_simulator.py stock --size 20000           # 10% restocked
    .venv/bin/python tools/partner_simulator.py shelf --size 20000           # 2% on/off shelf
    .venv/bin/python tools/partner_simulator.py roundtrip                    # one order, end to end

Against a running `yiwang serve` (`--url`, default http://127.0.0.1:8000) whose database holds
the demo data (`yiwang seed`; the demo logins' password is demo1234).

`generate` makes a product pool of any size, the same for the same `--seed`: twenty JD-style
categories ("670-671-672" 台式机 …) with Chinese brands, models, specs, JD image URLs, 电商价 and
协议价 (a few percent below; about 2% deliberately above the agreement's ceiling, so they come
back held), stock by region (codes of the seed's region table), JD-like numeric SKU ids and a
version (a millisecond timestamp).

`setup` acts for the mall's operator (`operator`, 丽水市政府采购中心): it maps the simulator's
categories to 品目 codes for the demo partner `jd`, issues an API key (scopes catalogue and
orders, 1,000 requests a second) and makes sure `jd` is an admitted entrant of an active
agreement covering every category. The seed admits `jd` only to LS-2026-TSJ (台式计算机, and
only when the seed made products); for the rest the operator creates, over GraphQL like
everything here, an open agreement SIM-JD-<year> in 丽水市 with a ceiling per category, `jd`
applies and is admitted. The key and ids go to `--state` (var/partner-simulator.json) for the
other commands.

`sync` pushes the pool in batches of 1,000 (`partnerUpsertProducts`, a few requests at a time);
`prices`, `stock` and `shelf` push update passes with newer versions. `roundtrip` registers a
local webhook receiver, has the demo purchaser order two synced offers, receives OrderPlaced
(signature verified) and the same event over the `partnerOrderEvents` subscription, confirms
with JD's own order number, ships in two parcels, delivers, lets the purchaser sign and accept,
invoices and reconciles, printing each step.
"""

import argparse
import asyncio
import bisect
import contextlib
import dataclasses
import hashlib
import hmac
import itertools
import json
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_STATE = Path("var/partner-simulator.json")
PASSWORD = "demo1234"  # the demo logins' (seed/users.py)
OPERATOR, PURCHASER, PARTNER_LOGIN = "operator", "purchaser", "jd"
PARTNER_NAME = "北京京东世纪贸易有限公司"
AGREEMENT_REGION = "331100"  # 丽水市: the operator's region and the demo purchaser's
BATCH = 1000
RATE_PER_SECOND = 1000  # the most a key may carry
BASE_VERSION_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z: the pool's first versions
SHANGHAI = timezone(timedelta(hours=8))
T = TypeVar("T")

# --- the pool ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    key: str
    kind: str  # TEXT, NUMBER, BOOLEAN
    choices: tuple[str, ...]
    unit: str | None = None


@dataclass(frozen=True)
class Brand:
    name: str
    series: tuple[tuple[str, str], ...]  # (series shown in the name, model prefix)


@dataclass(frozen=True)
class Category:
    code: str  # JD's three-level category id
    name: str
    pinmu: str  # the 品目 the operator maps it to
    unit: str
    low_yuan: int  # 电商价 range
    high_yuan: int
    ceiling_yuan: int  # the ceiling SIM-JD publishes; 协议价 stays under it but for ~2%
    weight: int
    brands: tuple[Brand, ...]
    specs: tuple[Spec, ...]


_PC_SPECS = (
    Spec("处理器", "TEXT", ("Intel 酷睿 i5-12500", "Intel 酷睿 i7-12700", "龙芯 3A6000")),
    Spec("内存", "NUMBER", ("8", "16", "32"), "GB"),
    Spec("硬盘", "NUMBER", ("512", "1024"), "GB"),
    Spec("操作系统", "TEXT", ("Windows 11 专业版", "统信 UOS", "银河麒麟 V10")),
)
_PRINT_SPECS = (
    Spec("打印速度", "NUMBER", ("20", "28", "33", "40"), "页/分"),
    Spec("自动双面", "BOOLEAN", ("true", "false")),
    Spec("最大幅面", "TEXT", ("A4", "A3")),
)
_FOOD_SPECS = (
    Spec("净含量", "NUMBER", ("2.5", "5", "10"), "kg"),
    Spec("产地", "TEXT", ("黑龙江五常", "吉林", "浙江丽水", "江苏")),
)


def _brand(name: str, *series: str) -> Brand:
    """Series given as "shown:prefix" pairs."""
    return Brand(name, tuple((s.split(":")[0], s.split(":")[1]) for s in series))


# fmt: off
CATEGORIES: tuple[Category, ...] = (
    Category(
        "670-671-672", "台式机", "A02010104", "台", 3200, 5900, 6000, 14,
        (
            _brand("联想", "启天:M4", "扬天:M5", "ThinkCentre:M7"),
            _brand("华为", "擎云:B5", "MateStation:S"),
            _brand("戴尔", "OptiPlex:70", "成就:39"),
            _brand("惠普", "战99:G9-", "ProDesk:40"),
            _brand("清华同方", "超翔:TZ8", "超越:E5"),
        ),
        _PC_SPECS,
    ),
    Category(
        "670-671-673", "笔记本", "A02010105", "台", 3900, 6900, 7000, 12,
        (
            _brand("联想", "ThinkPad:E14-", "ThinkBook:14-", "昭阳:K4"),
            _brand("华为", "MateBook:D14-", "擎云:L5"),
            _brand("戴尔", "Latitude:54", "Vostro:36"),
            _brand("惠普", "战66:G6-", "ProBook:44"),
        ),
        _PC_SPECS,
    ),
    Category(
        "670-671-2694", "平板电脑", "A02010107", "台", 1500, 4900, 5000, 4,
        (
            _brand("华为", "MatePad:11-", "MatePad Pro:13-"),
            _brand("联想", "小新Pad:P", "拯救者平板:Y"),
            _brand("小米", "小米平板:6S-"),
        ),
        (Spec("屏幕尺寸", "NUMBER", ("10.95", "11.5", "12.6"), "英寸"), _PC_SPECS[1]),
    ),
    Category(
        "670-677-688", "显示器", "A0201060401", "台", 699, 2300, 2500, 7,
        (
            _brand("戴尔", "P:P24", "U:U27"),
            _brand("AOC", "宝腾:24B", "Q:Q27"),
            _brand("飞利浦", "商用:242E", "设计:27E"),
            _brand("联想", "ThinkVision:T24"),
        ),
        (
            Spec("屏幕尺寸", "NUMBER", ("23.8", "27"), "英寸"),
            Spec("分辨率", "TEXT", ("1920×1080", "2560×1440", "3840×2160")),
        ),
    ),
    Category(
        "670-716-7372", "服务器", "A02010103", "台", 21000, 76000, 80000, 2,
        (
            _brand("浪潮", "英信:NF5280M"),
            _brand("华为", "FusionServer:2288H"),
            _brand("联想", "ThinkSystem:SR65"),
            _brand("新华三", "UniServer:R4900G"),
        ),
        (Spec("CPU 数量", "NUMBER", ("1", "2"), "颗"), Spec("内存", "NUMBER", ("64", "128"), "GB")),
    ),
    Category(
        "737-794-798", "打印机", "A0201060102", "台", 799, 1890, 2000, 8,
        (
            _brand("惠普", "LaserJet Pro:M2"),
            _brand("兄弟", "HL:HL-L2"),
            _brand("奔图", "P:P33"),
            _brand("联想", "领像:LJ26"),
        ),
        _PRINT_SPECS,
    ),
    Category(
        "737-794-1501", "喷墨打印机", "A0201060101", "台", 599, 1890, 2000, 3,
        (
            _brand("爱普生", "墨仓式:L3"),
            _brand("佳能", "加墨式:G3"),
            _brand("惠普", "Smart Tank:5"),
        ),
        _PRINT_SPECS,
    ),
    Category(
        "670-716-1391", "多功能一体机", "A020204", "台", 1290, 2890, 3000, 5,
        (
            _brand("惠普", "LaserJet MFP:M23"),
            _brand("佳能", "imageCLASS:MF27"),
            _brand("兄弟", "DCP:DCP-B7"),
            _brand("奔图", "M:M67"),
        ),
        _PRINT_SPECS,
    ),
    Category(
        "670-716-722", "投影仪", "A020202", "台", 2590, 9500, 10000, 3,
        (_brand("爱普生", "CB:CB-X"), _brand("明基", "E:E5"), _brand("索尼", "VPL:VPL-EX")),
        (Spec("亮度", "NUMBER", ("3600", "4000", "4500"), "流明"),),
    ),
    Category(
        "670-716-1048", "碎纸机", "A02021301", "台", 299, 1800, 2000, 2,
        (_brand("得力", "商用:99"), _brand("科密", "大型:C-"), _brand("齐心", "静音:S")),
        (
            Spec("保密等级", "TEXT", ("P-4", "P-5")),
            Spec("连续碎纸时间", "NUMBER", ("20", "40"), "分钟"),
        ),
    ),
    Category(
        "670-729-4837", "复印纸", "A05040101", "箱", 109, 259, 300, 9,
        (
            _brand("得力", "莱茵河:A4-"),
            _brand("晨光", "金晨光:APYVP"),
            _brand("亚太森博", "Double A:DA"),
            _brand("百旺", "商务:BW"),
        ),
        (Spec("克重", "NUMBER", ("70", "80"), "g"), Spec("规格", "TEXT", ("A4 500张/包 5包/箱",))),
    ),
    Category(
        "670-729-4839", "硒鼓", "A05040201", "个", 89, 890, 1000, 6,
        (_brand("惠普", "原装:CF2"), _brand("得力", "易加粉:DBH-"), _brand("格之格", "NT-:NT-C")),
        (Spec("打印页数", "NUMBER", ("1500", "2600", "5000"), "页"),),
    ),
    Category(
        "9847-9850-9879", "办公椅", "A05010301", "把", 299, 1390, 1500, 4,
        (_brand("西昊", "人体工学:M"), _brand("永艺", "撑腰:XY-"), _brand("震旦", "职员:AC-")),
        (Spec("材质", "TEXT", ("网布", "皮质")), Spec("扶手", "TEXT", ("固定扶手", "升降扶手"))),
    ),
    Category(
        "9847-9850-9880", "办公桌", "A05010201", "张", 790, 2990, 3000, 3,
        (_brand("震旦", "Z系列:ZD-"), _brand("圣奥", "屏风:SA-"), _brand("华盛", "钢木:HS-")),
        (
            Spec("尺寸", "TEXT", ("1400×700×750", "1600×800×750")),
            Spec("材质", "TEXT", ("钢木", "实木贴皮")),
        ),
    ),
    Category(
        "9847-9850-12109", "文件柜", "A05010502", "组", 590, 2490, 3000, 2,
        (_brand("得力", "钢制:3"), _brand("震旦", "器械:AF-"), _brand("圣奥", "储物:SG-")),
        (Spec("门型", "TEXT", ("对开门", "上玻下铁")), Spec("层数", "NUMBER", ("4", "5"), "层")),
    ),
    Category(
        "737-794-870", "空调", "A02061804", "台", 2290, 8500, 9000, 3,
        (
            _brand("格力", "云佳:KFR-35GW/"),
            _brand("美的", "酷省电:KFR-26GW/"),
            _brand("海尔", "静悦:KFR-50LW/"),
        ),
        (
            Spec("匹数", "TEXT", ("1 匹", "1.5 匹", "3 匹")),
            Spec("能效等级", "TEXT", ("一级", "三级")),
        ),
    ),
    Category(
        "737-794-13701", "电视", "A02091001", "台", 1990, 8900, 9000, 3,
        (
            _brand("海信", "E:65E"),
            _brand("TCL", "V:55V"),
            _brand("小米", "Redmi:A75-"),
            _brand("创维", "A:A3"),
        ),
        (Spec("屏幕尺寸", "NUMBER", ("55", "65", "75"), "英寸"),),
    ),
    Category(
        "1320-1583-1591", "大米", "A07060101", "袋", 39, 189, 200, 4,
        (
            _brand("柴火大院", "五常稻花香:WC"),
            _brand("十月稻田", "长粒香:SY"),
            _brand("福临门", "东北大米:FL"),
        ),
        _FOOD_SPECS,
    ),
    Category(
        "1320-1583-1592", "食用油", "A07060103", "桶", 59, 189, 200, 3,
        (
            _brand("金龙鱼", "黄金比例:JLY"),
            _brand("鲁花", "5S 压榨花生油:LH"),
            _brand("福临门", "葵花籽油:FLM"),
        ),
        (Spec("净含量", "NUMBER", ("4", "5"), "L"),),
    ),
    Category(
        "1320-1584-2677", "茶叶", "A07060104", "盒", 99, 1290, 1500, 2,
        (
            _brand("贡牌", "西湖龙井:GP"),
            _brand("竹叶青", "峨眉高山:ZYQ"),
            _brand("八马", "铁观音:BM"),
        ),
        (Spec("净含量", "NUMBER", ("100", "250"), "g"), Spec("等级", "TEXT", ("特级", "一级"))),
    ),
)
# fmt: on
_CUMULATIVE = list(itertools.accumulate(c.weight for c in CATEGORIES))
# Region codes that exist in the seed's table (seed/regions.py): JD stocks by
# province and city; a SKU is stocked in one to four of them, usually in Zhejiang.
_ZHEJIANG = ("330000", "331100", "330100")
_ELSEWHERE = ("110000", "310000", "320000", "320100", "320400", "150000")
HELD_SHARE = 0.02  # 协议价 above the ceiling on purpose


def fen_to_yuan(fen: int) -> str:
    """Integer fen as the mall's money string: yuan with two decimals."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while True:
        n, r = divmod(n, 36)
        text = digits[r] + text
        if not n:
            return text


class Draw:
    """Deterministic randomness for one item, cheap enough for a million: the bits of a BLAKE2b
    digest of (seed, purpose, index), used up by `below` and renewed when they run low."""

    __slots__ = ("_bits", "_digest")

    def __init__(self, seed: int, index: int, purpose: int = 0) -> None:
        self._digest = hashlib.blake2b(f"{seed}:{purpose}:{index}".encode()).digest()
        self._bits = int.from_bytes(self._digest)

    def below(self, n: int) -> int:
        if self._bits < n << 32:
            self._digest = hashlib.blake2b(self._digest).digest()
            self._bits = int.from_bytes(self._digest)
        self._bits, r = divmod(self._bits, n)
        return r

    def between(self, low: int, high: int) -> int:
        return low + self.below(high - low + 1)

    def chance(self, share: float) -> bool:
        return self.below(1_000_000) < share * 1_000_000

    def pick(self, choices: Sequence[T]) -> T:
        return choices[self.below(len(choices))]

    def weighted(self, choices: Sequence[T], cumulative: Sequence[int]) -> T:
        return choices[bisect.bisect_right(cumulative, self.below(cumulative[-1]))]


def sku_of(seed: int, index: int) -> str:
    """JD's SKU ids are numbers: 12 digits, unique within a seed's pool."""
    return str(100_000_000_000 + (seed % 900) * 100_000_000 + index)


def _gtin(seed: int, index: int) -> str:
    """EAN-13 with China's 69 prefix and a valid check digit."""
    body = f"69{(index * 7919 + seed * 104_729) % 10**10:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _images(rng: Draw) -> list[str]:
    return [
        f"https://img{rng.between(10, 14)}.360buyimg.com/n1/jfs/t1/{rng.between(100000, 299999)}"
        f"/{rng.between(1, 40)}/{rng.between(1000, 99999)}/{rng.between(10000, 999999)}/"
        f"{rng.below(2**64):016x}N{rng.between(1, 9)}.jpg"
        for _ in range(rng.between(1, 3))
    ]


def _prices(rng: Draw, category: Category) -> tuple[int, int]:
    """电商价 and 协议价 in fen; the 协议价 a few percent below, or over the ceiling on purpose."""
    if rng.chance(HELD_SHARE):
        agreement = category.ceiling_yuan * (100 + rng.between(2, 15))
        return agreement * (100 + rng.between(1, 5)) // 100, agreement
    yuan = rng.between(category.low_yuan, category.high_yuan)
    platform = (yuan - yuan % 10 + 9) * 100 if yuan >= 100 else yuan * 100 + 90
    agreement = platform * (100 - rng.between(1, 6)) // 100
    if agreement >= 100_00:
        agreement -= agreement % 100  # whole yuan, as agreement price lists are
    return platform, agreement


def _stock(rng: Draw) -> list[dict[str, Any]]:
    regions = {rng.pick(_ELSEWHERE) for _ in range(rng.below(4))}
    if rng.chance(0.85) or not regions:
        regions.add(rng.pick(_ZHEJIANG))
    return [
        {"region": code, "quantity": 0 if rng.chance(0.05) else rng.between(1, 800)}
        for code in sorted(regions)
    ]


def _specs(rng: Draw, category: Category) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "kind": s.kind, "value": rng.pick(s.choices), "unit": s.unit}
        for s in category.specs
    ]


def product(seed: int, index: int) -> dict[str, Any]:
    """The pool's item `index`: a `PartnerProductInput`, the same for the same seed."""
    rng = Draw(seed, index)
    category = rng.weighted(CATEGORIES, _CUMULATIVE)
    brand = rng.pick(category.brands)
    series, prefix = rng.pick(brand.series)
    model = f"{prefix}{rng.between(10, 99)}{_base36(index).rjust(4, '0')}"
    specs = _specs(rng, category)
    config = "/".join(f"{s['value']}{s['unit'] or ''}" for s in specs[:3])
    platform, agreement = _prices(rng, category)
    item: dict[str, Any] = {
        "sku": sku_of(seed, index),
        "version": str(BASE_VERSION_MS + index),
        "category": category.code,
        "brand": brand.name,
        "model": model,
        "name": f"{brand.name} {series} {model} {category.name} {config}"[:200],
        "platformPrice": fen_to_yuan(platform),
        "agreementPrice": fen_to_yuan(agreement),
        "unit": category.unit,
        "specs": specs,
        "imageUrls": _images(rng),
        "stock": _stock(rng),
    }
    if rng.chance(0.6):
        item["gtin"] = _gtin(seed, index)
    return item


def pool(size: int, seed: int, start: int = 0) -> Iterator[dict[str, Any]]:
    return (product(seed, i) for i in range(start, size))


def batches(items: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def picked(size: int, seed: int, share: float, purpose: int) -> Iterator[int]:
    """A deterministic `share` of the pool's indexes, differing by purpose."""
    step = round(1 / share)
    offset = Draw(seed, 0, purpose).below(step)
    return iter(range(offset, size, step))


def price_update(seed: int, index: int, version: int) -> dict[str, Any]:
    """Both prices moved by up to ±5%, the 协议价 still below the 电商价."""
    item = product(seed, index)
    rng = Draw(seed, index, purpose=1)
    platform = yuan_to_fen(item["platformPrice"]) * (100 + rng.between(-5, 5)) // 100
    agreement = min(
        yuan_to_fen(item["agreementPrice"]) * (100 + rng.between(-5, 3)) // 100, platform
    )
    return {
        "sku": item["sku"],
        "version": str(version),
        "platformPrice": fen_to_yuan(platform),
        "agreementPrice": fen_to_yuan(agreement),
    }


def stock_update(seed: int, index: int, version: int) -> dict[str, Any]:
    return {
        "sku": sku_of(seed, index),
        "version": str(version),
        "stock": _stock(Draw(seed, index, purpose=2)),
    }


def shelf_update(seed: int, index: int, version: int) -> dict[str, Any]:
    on_shelf = Draw(seed, index, purpose=3).chance(0.5)
    return {"sku": sku_of(seed, index), "version": str(version), "onShelf": on_shelf}


def yuan_to_fen(yuan: str) -> int:
    """A money string (yuan, at most two decimals) in integer fen."""
    whole, _, cents = yuan.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


# --- GraphQL over HTTP -------------------------------------------------------------------------

ERRORS = "errors { code field message }"
RESULT = f"""results {{ index sku outcome code message offerId held }}
  created updated unchanged rejected {ERRORS}"""
UPSERT = f"""mutation($items: [PartnerProductInput!]!) {{
  partnerUpsertProducts(items: $items) {{ {RESULT} }} }}"""
PRICES = f"""mutation($items: [PartnerPriceInput!]!) {{
  partnerUpdatePrices(items: $items) {{ {RESULT} }} }}"""
STOCK = f"""mutation($items: [PartnerStockInput!]!) {{
  partnerUpdateStock(items: $items) {{ {RESULT} }} }}"""
SHELF = f"""mutation($items: [PartnerShelfInput!]!) {{
  partnerSetShelfStatus(items: $items) {{ {RESULT} }} }}"""


class SimulatorError(Exception):
    pass


_JSON_CONTENT = {"Content-Type": "application/json"}


def encode(query: str, variables: dict[str, Any]) -> bytes:
    """A GraphQL request body (UTF-8 JSON: Chinese as is, not as \\u escapes)."""
    return json.dumps({"query": query, "variables": variables}, ensure_ascii=False).encode()


@dataclass
class Client:
    """One caller of the mall's GraphQL endpoint: a bearer token or an API key."""

    http: httpx.AsyncClient
    headers: dict[str, str]
    retries_429: int = 0

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a successful response; GraphQL errors raise."""
        return await self.send(encode(query, variables or {}))

    async def send(self, body: bytes) -> dict[str, Any]:
        """POSTs an encoded request, again after a 429's Retry-After."""
        while True:
            response = await self.http.post(
                "/graphql", content=body, headers=self.headers | _JSON_CONTENT
            )
            if response.status_code != 429:
                break
            self.retries_429 += 1
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        answer: dict[str, Any] = response.json()
        if answer.get("errors") or response.status_code != 200:
            raise SimulatorError(f"HTTP {response.status_code}: {answer.get('errors')}")
        data: dict[str, Any] = answer["data"]
        return data

    async def mutate(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """A mutation's payload; its `errors` (user errors) raise."""
        return self.payload(await self.call(query, variables))

    @staticmethod
    def payload(data: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = next(iter(data.values()))
        if payload.get("errors"):
            raise SimulatorError(json.dumps(payload["errors"], ensure_ascii=False))
        return payload


def http_client(url: str, connections: int = 8) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(base_url=url, timeout=300, limits=limits)


LOGIN = f"""mutation($input: LoginInput!) {{
  login(input: $input) {{ tokens {{ accessToken }} {ERRORS} }} }}"""


async def login(http: httpx.AsyncClient, username: str) -> Client:
    anonymous = Client(http, {})
    payload = await anonymous.mutate(LOGIN, {"input": {"username": username, "password": PASSWORD}})
    return Client(http, {"Authorization": f"Bearer {payload['tokens']['accessToken']}"})


def partner(http: httpx.AsyncClient, api_key: str) -> Client:
    return Client(http, {"X-Api-Key": api_key})


# --- pushing batches ---------------------------------------------------------------------------


@dataclass
class Tally:
    """What the mall answered for every item pushed so far."""

    items: int = 0
    batches: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    offers: dict[str, str] = field(default_factory=dict)  # SKU → offer ID, when kept

    def add(self, payload: dict[str, Any], latency: float, keep_offers: bool) -> None:
        self.batches += 1
        self.latencies.append(latency)
        for result in payload["results"]:
            self.items += 1
            self.outcomes[result["outcome"]] += 1
            if result["held"]:
                self.held[result["held"]] += 1
            if result["code"]:
                self.codes[result["code"]] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{result['sku']}: {result['code']} {result['message']}")
            if keep_offers and result["offerId"]:
                self.offers[result["sku"]] = result["offerId"]

    def summary(self) -> str:
        parts = [f"{k} {v:,}" for k, v in sorted(self.outcomes.items())]
        held = ", ".join(f"{k} {v:,}" for k, v in self.held.most_common())
        codes = ", ".join(f"{k} {v:,}" for k, v in self.codes.most_common())
        return (
            f"{self.items:,} items in {self.batches:,} batches: {', '.join(parts)}"
            + (f"; held off the shelf: {held}" if held else "")
            + (f"; rejected: {codes}" if codes else "")
        )


Progress = Callable[[Tally], None]


async def push(
    client: Client,
    bodies: Iterable[bytes],
    *,
    concurrency: int = 4,
    progress: Progress | None = None,
    keep_offers: bool = False,
    tally: Tally | None = None,
) -> Tally:
    """Send encoded batches (see `requests`), `concurrency` at a time; every item's answer is
    tallied (into `tally`, if given, which others may watch)."""
    tally = tally or Tally()
    work = iter(bodies)

    async def worker() -> None:
        for body in work:
            started = time.perf_counter()
            payload = client.payload(await client.send(body))
            tally.add(payload, time.perf_counter() - started, keep_offers)
            if progress is not None:
                progress(tally)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return tally


def requests(mutation: str, items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The items in batches of 1,000, each an encoded request of the mutation."""
    return (encode(mutation, {"items": batch}) for batch in batches(items))


def updates(
    size: int, seed: int, share: float, purpose: int, make: Callable[[int, int, int], Any]
) -> Iterator[dict[str, Any]]:
    """An update pass over a share of the pool, every item with the version of now."""
    version = now_ms()
    return (make(seed, i, version) for i in picked(size, seed, share, purpose))


# --- setup (the operator's side, all over GraphQL) ---------------------------------------------

ORGANISATIONS = """query($f: OrganisationFilter) {
  organisations(filter: $f, first: 20) { edges { node { id name kind } } } }"""
MAP = f"""mutation($p: ID!, $m: [PartnerCategoryMappingInput!]!) {{
  setPartnerCategoryMappings(partnerId: $p, mappings: $m) {{
    mappings {{ partnerCategory categoryCode }} {ERRORS} }} }}"""
CREATE_KEY = f"""mutation($input: CreateApiKeyInput!) {{
  createApiKey(input: $input) {{ keyId prefix secret {ERRORS} }} }}"""
AGREEMENTS = """query($f: AgreementFilter, $after: String) {
  agreements(filter: $f, first: 100, after: $after) {
    edges { node { id code status kind regionCode categories { code } } }
    pageInfo { hasNextPage endCursor } } }"""
ENTRANTS = """query($id: ID!) {
  agreement(id: $id) { entrants { id status supplier { id } } } }"""
AGREEMENT_FIELDS = "agreement { id code status }"
CREATE_AGREEMENT = f"""mutation($input: CreateAgreementInput!) {{
  createAgreement(input: $input) {{ {AGREEMENT_FIELDS} {ERRORS} }} }}"""
SET_CEILING = f"""mutation($input: SetCeilingInput!) {{
  setAgreementCeiling(input: $input) {{ ceiling {{ id }} {ERRORS} }} }}"""
OPEN = f"""mutation($id: ID!) {{ openSolicitation(id: $id) {{ {AGREEMENT_FIELDS} {ERRORS} }} }}"""
ACTIVATE = f"""mutation($id: ID!) {{
  activateAgreement(id: $id) {{ {AGREEMENT_FIELDS} {ERRORS} }} }}"""
APPLY = f"""mutation($id: ID!) {{
  applyToAgreement(agreementId: $id) {{ entrant {{ id status }} {ERRORS} }} }}"""
ADMIT = f"""mutation($id: ID!) {{
  admitEntrant(entrantId: $id) {{ entrant {{ id status }} {ERRORS} }} }}"""


@dataclass(frozen=True)
class State:
    """What `setup` leaves for the other commands."""

    url: str
    partner_id: str
    api_key: str
    key_id: str

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__, indent=2))
        path.chmod(0o600)  # it holds the API key

    @classmethod
    def load(cls, path: Path) -> "State":
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `setup` first")
        return cls(**json.loads(path.read_text()))


Say = Callable[[str], None]


async def partner_organisation(operator: Client) -> str:
    data = await operator.call(ORGANISATIONS, {"f": {"kind": "PARTNER", "nameContains": "京东"}})
    for edge in data["organisations"]["edges"]:
        if edge["node"]["name"] == PARTNER_NAME:
            return str(edge["node"]["id"])
    raise SimulatorError(f"no partner organisation named {PARTNER_NAME}: is the demo seeded?")


async def map_categories(operator: Client, partner_id: str) -> int:
    mappings = [
        {"partnerCategory": c.code, "name": c.name, "categoryCode": c.pinmu} for c in CATEGORIES
    ]
    payload = await operator.mutate(MAP, {"p": partner_id, "m": mappings})
    return len(payload["mappings"])


async def issue_key(operator: Client, partner_id: str) -> tuple[str, str]:
    payload = await operator.mutate(
        CREATE_KEY,
        {
            "input": {
                "organisationId": partner_id,
                "name": f"partner-simulator {datetime.now(UTC):%Y-%m-%d %H:%M:%S}",
                "scopes": ["catalogue", "orders"],
                "ratePerSecond": RATE_PER_SECOND,
            }
        },
    )
    return str(payload["keyId"]), str(payload["secret"])


async def agreements(client: Client, filter_: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        data = (await client.call(AGREEMENTS, {"f": filter_, "after": after}))["agreements"]
        found += [edge["node"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            return found
        after = data["pageInfo"]["endCursor"]


def _covers(agreement: dict[str, Any], pinmu: str) -> bool:
    return any(pinmu.startswith(c["code"]) for c in agreement["categories"])


async def uncovered(operator: Client, partner_id: str) -> tuple[list[Category], list[str]]:
    """The categories no active agreement of the partner's covers in the purchaser's region,
    and the codes of those that cover the others."""
    active = await agreements(operator, {"supplierId": partner_id, "status": "ACTIVE"})
    usable = [a for a in active if AGREEMENT_REGION.startswith(a["regionCode"].rstrip("0"))]
    missing = [c for c in CATEGORIES if not any(_covers(a, c.pinmu) for a in usable)]
    used = sorted({a["code"] for a in usable if any(_covers(a, c.pinmu) for c in CATEGORIES)})
    return missing, used


def agreement_code() -> str:
    return f"SIM-JD-{datetime.now(SHANGHAI).year}"


async def make_agreement(operator: Client, missing: list[Category]) -> dict[str, Any]:
    today = datetime.now(SHANGHAI).date()
    created = await operator.mutate(
        CREATE_AGREEMENT,
        {
            "input": {
                "code": agreement_code(),
                "title": "丽水市电商平台商品框架协议 (合作伙伴模拟)",
                "kind": "OPEN",
                "scope": "GOODS",
                "regionCode": AGREEMENT_REGION,
                "categoryCodes": [c.pinmu for c in missing],
                "startsOn": today.isoformat(),
                "endsOn": (today + timedelta(days=300)).isoformat(),
                "selectionMethod": "DIRECT_SELECTION",
            }
        },
    )
    agreement: dict[str, Any] = created["agreement"]
    for category in missing:
        price = fen_to_yuan(category.ceiling_yuan * 100)
        ceiling = {"agreementId": agreement["id"], "price": price, "categoryCode": category.pinmu}
        await operator.mutate(SET_CEILING, {"input": ceiling})
    return agreement


async def admit_partner(
    operator: Client, jd: Client, partner_id: str, missing: list[Category], say: Say
) -> None:
    """SIM-JD-<year>: created, its ceilings published, solicited, `jd` admitted, active."""
    code = agreement_code()
    found = await agreements(operator, {"regionCode": AGREEMENT_REGION})
    agreement = next((a for a in found if a["code"] == code), None)
    if agreement is None:
        agreement = await make_agreement(operator, missing)
        say(f"  created {code} (open, 丽水市) over {len(missing)} 品目, a ceiling for each")
    if agreement["status"] == "DRAFT":
        agreement = (await operator.mutate(OPEN, {"id": agreement["id"]}))["agreement"]
    entrant = await _entrant(operator, agreement["id"], partner_id)
    if entrant is None:
        entrant = (await jd.mutate(APPLY, {"id": agreement["id"]}))["entrant"]
        say(f"  jd applied to {code} (with its API key)")
    if entrant["status"] == "APPLIED":
        await operator.mutate(ADMIT, {"id": entrant["id"]})
        say(f"  operator admitted jd to {code}")
    if agreement["status"] == "SOLICITING":
        await operator.mutate(ACTIVATE, {"id": agreement["id"]})
        say(f"  {code} is active")


async def _entrant(operator: Client, agreement_id: str, partner_id: str) -> dict[str, Any] | None:
    data = await operator.call(ENTRANTS, {"id": agreement_id})
    entrants = data["agreement"]["entrants"]
    return next((e for e in entrants if e["supplier"]["id"] == partner_id), None)


async def setup(url: str, say: Say = print) -> State:
    async with http_client(url) as http:
        operator = await login(http, OPERATOR)
        partner_id = await partner_organisation(operator)
        say(f"operator logged in; {PARTNER_NAME} is {partner_id}")
        say(f"mapped {await map_categories(operator, partner_id)} JD categories to 品目")
        key_id, api_key = await issue_key(operator, partner_id)
        say(f"API key {key_id} issued (catalogue, orders; {RATE_PER_SECOND}/s)")
        missing, used = await uncovered(operator, partner_id)
        say(f"jd's active agreements in {AGREEMENT_REGION} covering them: {used or 'none'}")
        if missing:
            say(
                "the seed's agreements do not admit jd for "
                + ", ".join(f"{c.name} {c.pinmu}" for c in missing)
            )
            await admit_partner(operator, partner(http, api_key), partner_id, missing, say)
        return State(url, partner_id, api_key, key_id)


# --- the order round trip ----------------------------------------------------------------------


@dataclass
class Received:
    at: float  # time.time() at receipt
    signature: str
    body: bytes

    def payload(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found


def verify(secret: str, header: str, body: bytes, *, tolerance: float = 300) -> bool:
    """`X-Yiwang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, made
    within `tolerance` seconds of now."""
    parts = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    if abs(time.time() - int(parts["t"])) > tolerance:
        return False
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """A webhook endpoint on 127.0.0.1 and a random port (a starlette app under uvicorn)."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[Received] = asyncio.Queue()
        self.log: list[Received] = []  # everything, in order of receipt
        self.url = ""

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        at = time.time()
        signature = request.headers.get("x-yiwang-signature", "")
        got = Received(at, signature, body)
        self.log.append(got)
        self.received.put_nowait(got)
        return Response(status_code=204)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["Receiver"]:
        app = Starlette(routes=[Route("/hooks/jd", self._hook, methods=["POST"])])
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:  # noqa: ASYNC110 — uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}/hooks/jd"
        try:
            yield self
        finally:
            server.should_exit = True
            await task


CREATE_WEBHOOK = f"""mutation($url: String!, $types: [String!]) {{
  createWebhook(url: $url, eventTypes: $types) {{ webhook {{ id }} secret {ERRORS} }} }}"""
DEACTIVATE_WEBHOOK = f"""mutation($id: ID!) {{
  deactivateWebhook(id: $id) {{ webhook {{ id active }} {ERRORS} }} }}"""
SEARCH = """query($q: String!, $f: SearchFilterInput, $first: Int!) {
  search(query: $q, filter: $f, first: $first) { totalCount
    edges { node { offerId title model supplierName stock price { amount } } } } }"""
PLANS = "{ purchasePlans { id code categoryCode available { amount } } }"
ADD = f"""mutation($o: ID!, $q: Int!) {{
  addToCart(offerId: $o, quantity: $q) {{ cart {{ lineCount }} {ERRORS} }} }}"""
PLACE = f"""mutation($input: PlaceOrderInput!) {{
  placeOrder(input: $input) {{ orders {{ id number placedAt total {{ amount }}
    supplier {{ name }} lines {{ id name quantity }} }} {ERRORS} }} }}"""
ORDER_FIELDS = """id number state supplierReference shippedInPart total { amount }
  acceptedAmount { amount } lines { id quantity shippedQuantity }
  shipments { trackingNumber lines { lineId quantity } } contract { id status }"""
CONFIRM = f"""mutation($o: ID!, $ref: String) {{
  confirmOrder(orderId: $o, supplierReference: $ref) {{ order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""
SIGN = f"""mutation($c: ID!) {{
  signContract(contractId: $c) {{ contract {{ id status }} {ERRORS} }} }}"""
SHIP_LINES = f"""mutation($input: ShipOrderLinesInput!) {{
  shipOrderLines(input: $input) {{ order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""
DELIVER = f"""mutation($o: ID!) {{
  markDelivered(orderId: $o) {{ order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""
ACCEPT = f"""mutation($input: AcceptOrderInput!) {{
  acceptOrder(input: $input) {{ order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""
INVOICES = f"""mutation($items: [InvoiceInput!]!) {{ submitInvoices(items: $items) {{
  results {{ index outcome code message invoice {{ number amount {{ amount }} }} }}
  {ERRORS} }} }}"""
RECONCILE = """query($from: Date!, $to: Date!, $records: [ReconciliationRecordInput!]) {
  partnerReconciliation(from: $from, to: $to, records: $records) {
    orders { number partnerOrderNumber state amountDue { amount } invoicedAmount { amount } }
    matched { ours { number } theirs { partnerOrderNumber status amount { amount } } }
    mismatches { reason message ours { number } theirs { partnerOrderNumber } }
    ourTotals { count amountDue { amount } invoicedAmount { amount } }
    partnerTotals { count amountDue { amount } } } }"""
SUBSCRIBE = """subscription { partnerOrderEvents { id eventId eventType occurredAt payload } }"""
ORDER_EVENT_TYPES = [
    "OrderPlaced",
    "OrderConfirmed",
    "ContractSigned",
    "OrderShipmentDispatched",
    "OrderShipped",
    "OrderDelivered",
    "OrderAccepted",
    "InvoiceSubmitted",
]


async def create_webhook(jd: Client, url: str) -> tuple[str, str]:
    payload = await jd.mutate(CREATE_WEBHOOK, {"url": url, "types": ORDER_EVENT_TYPES})
    return str(payload["webhook"]["id"]), str(payload["secret"])


async def has_field(client: Client, type_name: str, field_name: str) -> bool:
    query = "query($t: String!) { __type(name: $t) { fields { name } } }"
    found = (await client.call(query, {"t": type_name}))["__type"]
    return found is not None and any(f["name"] == field_name for f in found["fields"] or [])


class Subscription:
    """`partnerOrderEvents` over graphql-transport-ws, authenticated by the API key."""

    def __init__(self, url: str, api_key: str) -> None:
        self.ws_url = url.replace("http", "ws", 1).rstrip("/") + "/graphql"
        self.api_key = api_key
        self.events: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["Subscription"]:
        async with connect(
            self.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
        ) as websocket:
            init = {"type": "connection_init", "payload": {"X-Api-Key": self.api_key}}
            await websocket.send(json.dumps(init))
            ack = json.loads(await websocket.recv())
            if ack.get("type") != "connection_ack":
                raise SimulatorError(f"subscription refused: {ack}")
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
            await websocket.send(json.dumps(subscribe))

            async def read() -> None:
                async for raw in websocket:
                    message = json.loads(raw)
                    if message.get("type") == "next":
                        self.events.put_nowait((time.time(), message["payload"]))
                    elif message.get("type") in ("error", "complete"):
                        self.events.put_nowait((time.time(), message))
                        return

            reader = asyncio.create_task(read())
            try:
                yield self
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader


def mentions(payload: dict[str, Any], number: str) -> bool:
    order = payload.get("order") or {}
    return bool(order.get("number") == number)


async def next_matching(queue: "asyncio.Queue[Any]", match: Callable[[Any], bool]) -> Any:
    """The next item that matches, skipping others (bound it with `asyncio.timeout`)."""
    while True:
        item = await queue.get()
        if match(item):
            return item


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


async def buyable_offers(buyer: Client, category: str, wanted: int) -> list[dict[str, Any]]:
    """JD's offers the purchaser can find in a 品目 subtree, once the search index has them."""
    while True:
        data = await buyer.call(SEARCH, {"q": "", "f": {"categoryCode": category}, "first": 100})
        hits = [
            edge["node"]
            for edge in data["search"]["edges"]
            if edge["node"]["supplierName"] == PARTNER_NAME and edge["node"]["stock"] >= 10
        ]
        if len(hits) >= wanted:
            return hits[:wanted]
        await asyncio.sleep(2)


async def plan_for(buyer: Client, category: str) -> dict[str, Any]:
    plans = (await buyer.call(PLANS))["purchasePlans"]
    fitting = [p for p in plans if category.startswith(p["categoryCode"])]
    if not fitting:
        raise SimulatorError(f"the purchaser has no plan covering {category}")
    return max(fitting, key=lambda p: len(p["categoryCode"]))


def tax_fen(amount_fen: int, rate_percent: int = 13) -> int:
    """税额 within a 价税合计: amount × r / (100 + r), rounded half up, in integer fen."""
    return (amount_fen * rate_percent * 2 + (100 + rate_percent)) // ((100 + rate_percent) * 2)


def today_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


@dataclass
class Trip:
    """The round trip's parties and what it has learnt so far."""

    say: Say
    buyer: Client
    jd: Client
    secret: str = ""
    order: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def step(self, text: str) -> None:
        self.say(f"[{time.perf_counter() - self.started:6.2f}s] {text}")


async def place_order(trip: Trip) -> dict[str, Any]:
    """The purchaser puts two of JD's office supplies in the cart and places them."""
    try:
        async with asyncio.timeout(120):
            offers = await buyable_offers(trip.buyer, "A0504", 2)
    except TimeoutError:
        raise SimulatorError("no two buyable JD offers in A0504 办公用品: sync first") from None
    plan = await plan_for(trip.buyer, "A0504")
    for offer, quantity in zip(offers, (3, 4), strict=True):
        await trip.buyer.mutate(ADD, {"o": offer["offerId"], "q": quantity})
        trip.step(f"purchaser: {quantity} × {offer['title']} ¥{offer['price']['amount']}")
    placement = {
        "planId": plan["id"],
        "deliveryAddress": "浙江省丽水市莲都区人民街 1 号 302 室",
        "contactName": "王丽",
        "contactPhone": "0578-2123456",
        "offerIds": [o["offerId"] for o in offers],
        "idempotencyKey": f"sim-{now_ms()}",
    }
    placed = await trip.buyer.mutate(PLACE, {"input": placement})
    order: dict[str, Any] = placed["orders"][0]
    trip.step(
        f"purchaser placed {order['number']} ¥{order['total']['amount']} with plan "
        f"{plan['code']} at {order['placedAt']}"
    )
    return order


async def await_webhook(trip: Trip, receiver: Receiver, event_type: str) -> Received:
    number = trip.order["number"]

    def match(item: Received) -> bool:
        payload = item.payload()
        return payload.get("eventType") == event_type and mentions(payload, number)

    async with asyncio.timeout(60):
        got: Received = await next_matching(receiver.received, match)
    valid = verify(trip.secret, got.signature, got.body)
    if not valid:
        raise SimulatorError(f"bad signature on {event_type}: {got.signature}")
    return got


def parcels(lines: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """拆单 in two: the first parcel carries the first line whole (a lone line: half of it) and
    half of each other line, the second the rest."""
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    for n, line in enumerate(lines):
        now = line["quantity"] if n == 0 and len(lines) > 1 else line["quantity"] // 2
        for parcel, quantity in ((first, now), (second, line["quantity"] - now)):
            if quantity:
                parcel.append({"lineId": line["id"], "quantity": quantity})
    return [p for p in (first, second) if p]


async def fulfil(trip: Trip, receiver: Receiver) -> dict[str, Any]:
    """Confirm with JD's own number, sign, ship in two parcels, deliver."""
    order_id = trip.order["id"]
    jd_number = str(280_000_000_000 + now_ms() % 10**11)
    confirmed = await trip.jd.mutate(CONFIRM, {"o": order_id, "ref": jd_number})
    contract = confirmed["order"]["contract"]["id"]
    trip.step(f"jd confirmed it as JD order {jd_number}; the contract awaits both signatures")
    await trip.buyer.mutate(SIGN, {"c": contract})
    signed = await trip.jd.mutate(SIGN, {"c": contract})
    trip.step(f"both signed the contract: {signed['contract']['status']}")
    order: dict[str, Any] = confirmed["order"]
    for n, parcel in enumerate(parcels(order["lines"]), start=1):
        shipment = {
            "orderId": order_id,
            "carrier": "京东物流",
            "trackingNumber": f"JDVA{now_ms() % 10**11:011d}{n}",
            "lines": parcel,
        }
        order = (await trip.jd.mutate(SHIP_LINES, {"input": shipment}))["order"]
        trip.step(
            f"jd shipped parcel {n}: {parcel} → {order['state']}"
            f"{' (in part)' if order['shippedInPart'] else ''}"
        )
    delivered: dict[str, Any] = (await trip.jd.mutate(DELIVER, {"o": order_id}))["order"]
    trip.step(f"jd marked it delivered → {delivered['state']}")
    got = await await_webhook(trip, receiver, "OrderDelivered")
    trip.step(f"webhook OrderDelivered received, signature valid ({len(got.body)} bytes)")
    return delivered


async def settle(trip: Trip, order: dict[str, Any]) -> None:
    """The purchaser accepts; jd invoices and reconciles the day."""
    verdicts = [{"lineId": line["id"], "passed": True} for line in order["lines"]]
    acceptance = {
        "orderId": order["id"],
        "lines": verdicts,
        "ratings": {"quality": 5, "delivery": 5, "service": 4},
        "note": "按合同验收, 数量与规格相符",
    }
    accepted = (await trip.buyer.mutate(ACCEPT, {"input": acceptance}))["order"]
    amount = yuan_to_fen((accepted["acceptedAmount"] or accepted["total"])["amount"])
    trip.step(f"purchaser accepted → {accepted['state']}, ¥{fen_to_yuan(amount)}")
    invoice = {
        "orderId": order["id"],
        "kind": "DIGITAL_NORMAL",
        "number": f"{today_shanghai():%y}33{now_ms() % 10**16:016d}",
        "amount": fen_to_yuan(amount),
        "tax": fen_to_yuan(tax_fen(amount)),
        "issuedOn": today_shanghai().isoformat(),
    }
    results = (await trip.jd.mutate(INVOICES, {"items": [invoice]}))["results"]
    trip.step(
        f"jd submitted 数电发票 {invoice['number']} ¥{invoice['amount']} (税额 ¥{invoice['tax']}):"
        f" {results[0]['outcome']}"
    )
    await reconcile(trip, order, amount)


async def reconcile(trip: Trip, order: dict[str, Any], amount: int) -> None:
    today = today_shanghai()
    record = {
        "partnerOrderNumber": order["supplierReference"],
        "status": "COMPLETED",
        "amount": fen_to_yuan(amount),
    }
    variables = {
        "from": (today - timedelta(days=1)).isoformat(),
        "to": today.isoformat(),
        "records": [record],
    }
    result = (await trip.jd.call(RECONCILE, variables))["partnerReconciliation"]
    ours = next(o for o in result["orders"] if o["number"] == order["number"])
    mine = [m for m in result["matched"] if m["ours"]["number"] == order["number"]]
    trip.step(
        f"jd reconciled {variables['from']}..{variables['to']}: our side {ours['state']} due "
        f"¥{ours['amountDue']['amount']} invoiced ¥{ours['invoicedAmount']['amount']}; "
        f"{'matched' if mine else 'NOT matched'}; the period: {result['ourTotals']['count']} "
        f"orders, {len(result['mismatches'])} mismatches"
        + (" (jd sent only this order's record)" if result["mismatches"] else "")
    )


async def roundtrip(state: State, say: Say = print) -> None:
    async with http_client(state.url) as http:
        jd = partner(http, state.api_key)
        trip = Trip(say, await login(http, PURCHASER), jd)
        subscribe = await has_field(jd, "Subscription", "partnerOrderEvents")
        receiver = Receiver()
        async with receiver.running(), contextlib.AsyncExitStack() as stack:
            webhook_id, trip.secret = await create_webhook(jd, receiver.url)
            trip.step(f"webhook {webhook_id} registered at {receiver.url}")
            subscription = None
            if subscribe:
                subscription = await stack.enter_async_context(
                    Subscription(state.url, state.api_key).running()
                )
                trip.step("subscribed to partnerOrderEvents (graphql-transport-ws)")
            else:
                trip.step("the schema has no partnerOrderEvents subscription: skipped")
            try:
                await _trip(trip, receiver, subscription)
            finally:
                await jd.mutate(DEACTIVATE_WEBHOOK, {"id": webhook_id})
                trip.step(f"webhook {webhook_id} deactivated")


async def _trip(trip: Trip, receiver: Receiver, subscription: Subscription | None) -> None:
    trip.order = await place_order(trip)
    placed_at = parse_time(trip.order["placedAt"])
    got = await await_webhook(trip, receiver, "OrderPlaced")
    payload = got.payload()
    trip.step(
        f"webhook OrderPlaced received {got.at - placed_at:.3f}s after placedAt, signature "
        f"valid; lines {[(line.get('sku'), line.get('quantity')) for line in payload['lines']]}"
    )
    if subscription is not None:
        async with asyncio.timeout(60):
            at, message = await next_matching(
                subscription.events, lambda e: _is_placed(e[1], trip.order["number"])
            )
        event = message["data"]["partnerOrderEvents"]
        trip.step(
            f"subscription delivered message {event['id']} {event['eventType']} "
            f"{at - placed_at:.3f}s after placedAt (same eventId as the webhook: "
            f"{event['eventId'] == payload['eventId']})"
        )
    delivered = await fulfil(trip, receiver)
    await settle(trip, delivered)
    await await_webhook(trip, receiver, "InvoiceSubmitted")
    mine = [r for r in receiver.log if mentions(r.payload(), trip.order["number"])]
    valid = sum(verify(trip.secret, r.signature, r.body) for r in mine)
    types = ", ".join(r.payload()["eventType"] for r in mine)
    trip.step(f"webhooks for {trip.order['number']}: {len(mine)} ({valid} signed right): {types}")


def _is_placed(message: dict[str, Any], number: str) -> bool:
    event = (message.get("data") or {}).get("partnerOrderEvents")
    if not event:
        raise SimulatorError(f"subscription ended: {message}")
    return bool(event["eventType"] == "OrderPlaced" and mentions(event["payload"], number))


# --- the command line --------------------------------------------------------------------------


def _progress(every: int, started: float) -> Progress:
    marks = {"next": every}

    def show(tally: Tally) -> None:
        if tally.items >= marks["next"]:
            marks["next"] += every
            elapsed = time.perf_counter() - started
            print(f"  {tally.items:>9,} items  {elapsed:7.1f}s  {tally.items / elapsed:8,.0f}/s")

    return show


async def _push_command(args: argparse.Namespace) -> None:
    state = State.load(args.state)
    passes: dict[str, tuple[str, Iterator[dict[str, Any]]]] = {
        "sync": (UPSERT, pool(args.size, args.seed)),
        "prices": (PRICES, updates(args.size, args.seed, 0.1, 1, price_update)),
        "stock": (STOCK, updates(args.size, args.seed, 0.1, 2, stock_update)),
        "shelf": (SHELF, updates(args.size, args.seed, 0.02, 3, shelf_update)),
    }
    mutation, items = passes[args.command]
    started = time.perf_counter()
    async with http_client(args.url or state.url) as http:
        jd = partner(http, state.api_key)
        tally = await push(
            jd,
            requests(mutation, items),
            concurrency=args.concurrency,
            progress=_progress(max(args.size // 10, BATCH), started),
        )
    elapsed = time.perf_counter() - started
    print(f"{args.command}: {tally.summary()}")
    print(f"  {elapsed:.1f}s, {tally.items / elapsed:,.0f} items/s; 429 retries {jd.retries_429}")
    for sample in tally.samples:
        print(f"  e.g. {sample}")


def _generate(args: argparse.Namespace) -> None:
    for item in pool(args.size, args.seed):
        print(json.dumps(item, ensure_ascii=False))


def _setup(args: argparse.Namespace) -> None:
    state = asyncio.run(setup(args.url or DEFAULT_URL))
    state.save(args.state)
    print(f"state (with the API key) written to {args.state}")


def _roundtrip(args: argparse.Namespace) -> None:
    state = State.load(args.state)
    asyncio.run(roundtrip(dataclasses.replace(state, url=args.url or state.url)))


def main(argv: list[str] | None = None) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=None, help=f"the mall (default {DEFAULT_URL})")
    common.add_argument("--state", type=Path, default=DEFAULT_STATE, help="setup's output")
    common.add_argument("--size", type=int, default=10_000, help="SKUs in the pool")
    common.add_argument("--seed", type=int, default=2026)
    common.add_argument("--concurrency", type=int, default=4, help="requests at a time")
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, text in (
        ("generate", _generate, "print the pool as JSON lines"),
        ("setup", _setup, "operator: category map, API key, agreement"),
        ("sync", _push, "push the pool (partnerUpsertProducts)"),
        ("prices", _push, "re-price 10%% of the pool"),
        ("stock", _push, "restock 10%% of the pool"),
        ("shelf", _push, "put 2%% of the pool on or off the shelf"),
        ("roundtrip", _roundtrip, "one order from placement to reconciliation"),
    ):
        commands.add_parser(name, parents=[common], help=text).set_defaults(run=run)
    args = parser.parse_args(argv)
    args.run(args)


def _push(args: argparse.Namespace) -> None:
    asyncio.run(_push_command(args))


if __name__ == "__main__":
    main()
