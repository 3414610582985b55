"""`yiwang seed [--products N] [--once]`: regions, 品目, organisations, demo users, then N
products with their offers. Deterministic and idempotent: natural keys decide what is missing."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, SystemClock
from core.db import Database
from core.settings import Settings
from search.factory import make_search_index
from search.indexing import reindex
from search.synonyms import DEFAULT_SYNONYM_GROUPS
from seed.agreements import seed_agreements
from seed.categories import seed_categories
from seed.halls import seed_halls
from seed.loader import LoadStats, load_products
from seed.market import build_market
from seed.onboarding import DEMO_INVITATION_TOKEN, seed_onboarding
from seed.orders import seed_orders
from seed.organisations import seed_organisations
from seed.plans import seed_plans
from seed.regions import seed_regions
from seed.users import (
    DEMO_PASSWORD,
    DEMO_USERS,
    MARKER_USERNAME,
    demo_data_present,
    seed_users,
)

DEFAULT_PRODUCTS = 5_000


@dataclass
class ReferenceData:
    organisation_ids: dict[str, int]
    category_ids: dict[str, int]
    inserted: dict[str, int]


async def run_seed(settings: Settings, *, products: int | None, once: bool) -> int:
    total = DEFAULT_PRODUCTS if products is None else products
    if total < 0:
        print(f"--products 不能为负数: {total}")
        return 2
    db = Database(settings.database_url)
    try:
        return await _seed(db, total, once=once, settings=settings)
    finally:
        await db.dispose()


async def _seed(db: Database, total: int, *, once: bool, settings: Settings) -> int:
    async with db.unit_of_work() as session:
        if once and await demo_data_present(session):
            print(f"演示数据已存在 (用户 {MARKER_USERNAME}), --once: 跳过, 未做任何改动")
            return 0
        reference = await seed_reference(session)
    market = build_market(reference.organisation_ids, reference.category_ids)
    stats = await load_products(db, total, market)
    clock = SystemClock()
    agreements = await seed_agreements(db, reference.organisation_ids, clock=clock)
    async with db.unit_of_work() as session:
        plans = await seed_plans(session, clock=clock)
        demo_halls = await seed_halls(session, clock=clock)
        onboarding = await seed_onboarding(session, settings=settings, clock=clock)
    history = await seed_orders(db, clock=clock)
    indexed = await _index(db, settings, clock)
    made = {
        "框架协议": agreements,
        "采购计划": plans,
        "精品馆": demo_halls,
        "待审核供应商注册": onboarding.applications,
        "待接受邀请": onboarding.invitations,
    }
    _print_summary(reference.inserted | made, stats, total)
    print(f"搜索索引: {indexed} 个可购报价")
    print(history.summary())
    print(f"演示邀请 (丽水市机关事务管理局, 采购人): token {DEMO_INVITATION_TOKEN}")
    return 0


async def _index(db: Database, settings: Settings, clock: Clock) -> int:
    """The default synonyms, once, and every buyable offer in the search index."""
    index = make_search_index(settings, db)
    if not await index.synonyms():
        await index.set_synonyms(DEFAULT_SYNONYM_GROUPS)
    return await reindex(db, index, clock=clock)


async def seed_reference(session: AsyncSession) -> ReferenceData:
    """The small tables, in one transaction: parents before the rows that point at them."""
    regions = await seed_regions(session)
    category_ids, categories = await seed_categories(session)
    organisation_ids, organisations = await seed_organisations(session)
    users = await seed_users(session, organisation_ids)
    inserted = {"行政区划": regions, "品目": categories, "单位": organisations, "用户": users}
    return ReferenceData(organisation_ids, category_ids, inserted)


def _print_summary(inserted: dict[str, int], stats: LoadStats, total: int) -> None:
    added = "  ".join(f"{name} +{count}" for name, count in inserted.items())
    print(f"新增: {added}  商品 +{stats.products}  报价 +{stats.offers}  (商品目标数 {total})")
    rows = stats.products + stats.offers
    print(
        f"商品与报价写入 {rows} 行, 用时 {stats.seconds:.1f}s, {stats.rows_per_second:,.0f} 行/秒"
    )
    print()
    print("演示账号 (密码均为 " + DEMO_PASSWORD + "):")
    print(f"  {'用户名':<12}{'密码':<10}{'角色':<12}单位")
    for user in DEMO_USERS:
        print(f"  {user.username:<12}{DEMO_PASSWORD:<10}{user.role.value:<12}{user.organisation}")
