"""Benchmark: the embedded search index (SQLite FTS5) at catalogue scale.

    .venv/bin/python bench/search_bench.py --docs 1000000 --queries 2000
    .venv/bin/python bench/search_bench.py --docs 1000000 --reuse   # skip the build
    .venv/bin/python bench/search_bench.py --docs 1000000 --regions national

Migrates a fresh SQLite file under /tmp, builds --docs offer documents from the seed's product
generator (its families, brands, series and prices; 2-5 offers per product) spread over
agreements of the provinces and cities (--regions seed: the demo seed's five provinces, so a
county purchaser sees about a fifth of all offers; national: 31 provinces), and upserts them
in batches through `EmbeddedSearchIndex.upsert`: prints build time, documents/s and the file
size. Then runs
--queries searches shaped like a purchaser's (Chinese words, brands, model numbers, pinyin,
typos, browsing a category; a third with filters, half with every facet, a mix of sorts;
viewers in random cities and counties) and prints p50/p90/p99/max of `search()` in ms, overall
and per kind of query. Not a test.
"""

import argparse
import asyncio
import gc
import random
import sqlite3
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command

from core.db import Database
from identity import regions
from search.documents import (
    FacetName,
    OfferDocument,
    PolicyTag,
    SearchFilter,
    SearchQuery,
    SearchSort,
)
from search.embedded import FACET_SAMPLE, EmbeddedSearchIndex
from search.synonyms import DEFAULT_SYNONYM_GROUPS
from seed import catalogue
from seed.catalogue import FAMILIES, LINES, Market, Seller
from seed.categories import CATEGORIES
from seed.organisation_data import ALL_DOMAINS, FOOD
from seed.regions import REGIONS
from yiwang.cli import alembic_config

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, tzinfo=UTC)
CATEGORY_NAMES = dict(CATEGORIES)
_PROVINCE_PREFIXES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
)


@dataclass(frozen=True)
class RegionTree:
    provinces: list[str]
    cities: list[str]
    counties: list[str]


def region_tree(kind: str) -> RegionTree:
    """ "seed": the demo seed's regions (5 provinces, so a county sees ~1/5 of the offers);
    "national": all 31 provinces, 6 cities each, 4 counties per city (~1/31)."""
    if kind == "seed":
        codes = [c for c, _ in REGIONS]
    else:
        codes = [
            f"{p}{city:02d}{county:02d}"
            for p in _PROVINCE_PREFIXES.split()
            for city in range(7)
            for county in range(5 if city else 1)
        ]
    return RegionTree(
        provinces=[c for c in codes if c.endswith("0000")],
        cities=[c for c in codes if c.endswith("00") and not c.endswith("0000")],
        counties=[c for c in codes if not c.endswith("00")],
    )


ALL_FACETS = tuple(FacetName)


@dataclass(frozen=True)
class Agreement:
    id: int
    region: str
    ends_on: date
    reindexed: bool = True  # False: it ran out yesterday, its offers are still indexed active


def agreements(tree: RegionTree) -> dict[tuple[str, str], list[Agreement]]:
    """Per (domain, province): the province's agreement and its cities'. A few ran out: most
    of those were already reindexed inactive by the expiry job, some only yesterday."""
    found: dict[tuple[str, str], list[Agreement]] = defaultdict(list)
    rng = random.Random(7)
    next_id = 1
    for domain in ALL_DOMAINS:
        for province in tree.provinces:
            owned = [province] + [c for c in tree.cities if regions.in_subtree(c, province)]
            for region in owned:
                found[(domain, province)].append(_agreement(rng, next_id, region))
                next_id += 1
    return found


def _agreement(rng: random.Random, id_: int, region: str) -> Agreement:
    draw = rng.random()
    if draw < 0.04:
        return Agreement(id_, region, date(2026, 10, 31))
    if draw < 0.06:
        return Agreement(id_, region, TODAY - timedelta(days=1), reindexed=False)
    return Agreement(id_, region, date(2027, 12, 31))


def market() -> Market:
    partners = (
        (Seller(1, "JD", frozenset(ALL_DOMAINS), is_partner=True), 0.5),
        (Seller(2, "SN", frozenset(ALL_DOMAINS), is_partner=True), 0.25),
    )
    suppliers = {
        domain: tuple(Seller(10 + i * 10 + k, f"S{i}{k}", frozenset({domain})) for k in range(6))
        for i, domain in enumerate(ALL_DOMAINS)
    }
    ids = {code: n for n, (code, _) in enumerate(CATEGORIES)}
    return Market(partners=partners, suppliers=suppliers, category_ids=ids)


def documents(count: int, tree: RegionTree) -> Iterator[OfferDocument]:
    shop = market()
    codes_by_id = {n: code for code, n in shop.category_ids.items()}
    by_region = agreements(tree)
    offer_id = 0
    index = 0
    while True:
        head = catalogue.head(index)
        product, offers = catalogue.product_rows(head, shop)
        family = FAMILIES[head.line.family]
        rng = random.Random(index)
        province = rng.choice(tree.provinces)
        for offer in offers:
            offer_id += 1
            if offer_id > count:
                return
            agreement = _pick_agreement(rng, by_region[(family.domain, province)])
            yield OfferDocument(
                offer_id=offer_id,
                product_id=index + 1,
                title=product["name"],
                brand=product["brand"],
                model=product["model"],
                category_code=codes_by_id[product["category_id"]],
                category_name=CATEGORY_NAMES[codes_by_id[product["category_id"]]],
                supplier_id=offer["supplier_id"],
                supplier_name=f"供应商{offer['supplier_id']}号有限公司",
                price_fen=offer["price_fen"],
                market_price_fen=offer["market_price_fen"],
                stock=offer["stock"],
                sales_count=int(rng.paretovariate(1.2)) - 1,
                rating_x100=rng.randint(350, 500),
                agreement_id=agreement.id,
                agreement_region_code=agreement.region,
                agreement_ends_on=agreement.ends_on,
                active=offer["status"].value == "ON_SHELF"
                and (agreement.ends_on >= TODAY or not agreement.reindexed),
                delivery_region_codes=_delivery(rng, agreement.region, tree),
                hall_ids=(int(agreement.region[:4]),) if rng.random() < 0.05 else (),
                policy_tags=_tags(rng, family.domain),
                updated_at=NOW,
            )
        index += 1


def _pick_agreement(rng: random.Random, options: list[Agreement]) -> Agreement:
    return options[0] if rng.random() < 0.6 or len(options) == 1 else rng.choice(options[1:])


def _delivery(rng: random.Random, region: str, tree: RegionTree) -> tuple[str, ...]:
    if rng.random() >= 0.1:
        return ()
    places = (*tree.cities, *tree.counties)
    inside = [c for c in places if c != region and regions.in_subtree(c, region)]
    return tuple(rng.sample(inside, min(2, len(inside)))) if inside else ()


def _tags(rng: random.Random, domain: str) -> tuple[PolicyTag, ...]:
    tags = []
    if rng.random() < 0.6:
        tags.append(PolicyTag.SME)
        if rng.random() < 0.6:
            tags.append(PolicyTag.SMALL_MICRO)
    if rng.random() < 0.02:
        tags.append(PolicyTag.DISABLED_WELFARE)
    if rng.random() < 0.01:
        tags.append(PolicyTag.PRISON)
    if domain == FOOD and rng.random() < 0.4:
        tags.append(PolicyTag.POVERTY_832)
    return tuple(tags)


# --- queries --------------------------------------------------------------------------------

NOUNS = sorted({f.noun for f in FAMILIES.values()} | {"电脑", "笔记本", "打印机", "一体机"})
BRANDS = sorted({line.brand for line in LINES})
SERIES = sorted({s for line in LINES for s in line.series})
PINYIN = ["lianxiang", "huawei", "dayinji", "kongtiao", "bangongyi", "lx", "hw", "dlj", "taishi"]
CATEGORY_PREFIXES = ["A02010104", "A020101", "A0201", "A05", "A0504", "A0706", "A0206"]


def queries(count: int, rng: random.Random, tree: RegionTree) -> Iterator[tuple[str, SearchQuery]]:
    makers = [_noun, _brand, _model, _typo, _pinyin, _brand_and_noun, _browse]
    viewers = [*tree.cities, *tree.counties]
    for _ in range(count):
        kind, text, category = rng.choice(makers)(rng)
        yield kind, _shape(rng, text, category, rng.choice(viewers))


def _shape(rng: random.Random, text: str, category: str | None, viewer: str) -> SearchQuery:
    query = SearchQuery(
        viewer_region_code=viewer,
        today=TODAY,
        text=text,
        sort=rng.choice([SearchSort.RELEVANCE] * 4 + list(SearchSort)),
        facets=tuple(f.value for f in ALL_FACETS) if rng.random() < 0.5 else (),
        page=rng.choice([1, 1, 1, 2, 3]),
        page_size=20,
    )
    chosen = SearchFilter(category_code=category)
    if rng.random() < 0.33:
        chosen = replace(chosen, **rng.choice(_FILTERS))
    return replace(query, filter=chosen)


_FILTERS: list[dict[str, Any]] = [
    {"price_min_fen": 100_000, "price_max_fen": 500_000},
    {"policy_tags": (PolicyTag.SME,)},
    {"brands": ("联想", "华为")},
    {"category_code": "A02"},
]


def _noun(rng: random.Random) -> tuple[str, str, str | None]:
    return "chinese word", rng.choice(NOUNS), None


def _brand(rng: random.Random) -> tuple[str, str, str | None]:
    return "brand", rng.choice(BRANDS), None


def _model(rng: random.Random) -> tuple[str, str, str | None]:
    series = rng.choice(SERIES)
    return "model number", series if rng.random() < 0.7 else series.split()[-1], None


def _typo(rng: random.Random) -> tuple[str, str, str | None]:
    word = rng.choice(
        [w for w in " ".join(SERIES).split() if len(w) >= 5 and w.isascii() and w.isalnum()]
    )
    i = rng.randrange(1, len(word))
    return "typo", word[:i] + rng.choice("xz") + word[i + 1 :], None  # one substitution


def _pinyin(rng: random.Random) -> tuple[str, str, str | None]:
    return "pinyin", rng.choice(PINYIN), None


def _brand_and_noun(rng: random.Random) -> tuple[str, str, str | None]:
    return "brand + word", f"{rng.choice(BRANDS)} {rng.choice(NOUNS)}", None


def _browse(rng: random.Random) -> tuple[str, str, str | None]:
    return "browse category", "", rng.choice(CATEGORY_PREFIXES)


# --- running --------------------------------------------------------------------------------


async def build(index: EmbeddedSearchIndex, count: int, batch: int, tree: RegionTree) -> float:
    started = time.perf_counter()
    pending: list[OfferDocument] = []
    for doc in documents(count, tree):
        pending.append(doc)
        if len(pending) == batch:
            await index.upsert(pending)
            pending = []
            done = doc.offer_id
            if done % (batch * 20) == 0:
                rate = done / (time.perf_counter() - started)
                print(f"  {done:>9,} documents, {rate:,.0f}/s", flush=True)
    if pending:
        await index.upsert(pending)
    return time.perf_counter() - started


async def measure(index: EmbeddedSearchIndex, count: int, tree: RegionTree) -> None:
    rng = random.Random(2026)
    for _, query in queries(50, rng, tree):  # warm the page cache and the statement caches
        await index.search(query)
    timings: dict[str, list[float]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(list)
    estimated = 0
    gc.collect()
    gc.freeze()
    for kind, query in queries(count, rng, tree):
        started = time.perf_counter()
        result = await index.search(query)
        elapsed = (time.perf_counter() - started) * 1000
        timings[kind].append(elapsed)
        timings["all"].append(elapsed)
        totals[kind].append(result.total)
        estimated += not result.facets_exact
    print(f"\n{'kind':<16} {'n':>5} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8} {'hits p50':>9}")
    for kind in sorted(timings, key=lambda k: k != "all"):
        print(_row(kind, timings[kind], totals.get(kind, [])))
    print(f"facets estimated from a sample (result over {FACET_SAMPLE:,}): {estimated} queries")


def _row(kind: str, ms: list[float], totals: list[int]) -> str:
    ms = sorted(ms)
    p = statistics.quantiles(ms, n=100, method="inclusive")
    hits = f"{statistics.median(totals):>9,.0f}" if totals else ""
    return (
        f"{kind:<16} {len(ms):>5} {p[49]:>7.1f}  {p[89]:>7.1f}  {p[98]:>7.1f}  {ms[-1]:>7.1f}"
        f"  {hits}"
    )


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


async def build_index(url: str, path: Path, docs: int, batch: int, tree: RegionTree) -> None:
    db = Database(url)
    index = EmbeddedSearchIndex(db)
    await index.set_synonyms(DEFAULT_SYNONYM_GROUPS)
    print(f"building {docs:,} documents in batches of {batch:,} into {path}")
    seconds = await build(index, docs, batch, tree)
    await db.dispose()
    with sqlite3.connect(path) as conn:  # fold the WAL in, so the size below is the index's
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built in {seconds:,.1f} s: {docs / seconds:,.0f} documents/s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--reuse", action="store_true", help="search an index built earlier")
    parser.add_argument("--regions", choices=["seed", "national"], default="seed")
    args = parser.parse_args()
    tree = region_tree(args.regions)
    path = Path(f"/tmp/yiwang-search-bench-{args.regions}-{args.docs}.db")
    url = f"sqlite+aiosqlite:///{path}"
    if not args.reuse:
        for old in path.parent.glob(path.name + "*"):
            old.unlink()
        await asyncio.to_thread(command.upgrade, alembic_config(url), "heads")
        await build_index(url, path, args.docs, args.batch, tree)
    db = Database(url)
    index = EmbeddedSearchIndex(db)
    print(f"index: {await index.count():,} documents, {file_size(path) / 2**20:,.0f} MiB on disk")
    await measure(index, args.queries, tree)
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
