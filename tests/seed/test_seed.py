"""`yiwang seed`: the demo data is complete, consistent, deterministic and idempotent."""

import asyncio
from collections import Counter
from pathlib import Path
from typing import TypeVar

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from core.clock import SystemClock
from core.db import Database
from core.principal import ANONYMOUS, Actor, Principal, Role
from core.settings import Settings
from identity import accounts, regions, registration, secrets, uscc
from identity.models import (
    Invitation,
    Organisation,
    OrganisationKind,
    Region,
    SupplierApplication,
    User,
)
from marketplace import codes
from marketplace.models import Category, Hall, Offer, Product, SpecKind
from orders.models import PurchasePlan
from seed import catalogue
from seed.categories import CATEGORIES, is_leaf
from seed.onboarding import DEMO_INVITATION_TOKEN
from seed.run import run_seed
from seed.users import DEMO_PASSWORD
from yiwang.cli import alembic_config

Counts = dict[str, int]
_T = TypeVar("_T")
_TABLES: dict[str, InstrumentedAttribute[int] | InstrumentedAttribute[str]] = {
    "region": Region.code,
    "category": Category.id,
    "organisation": Organisation.id,
    "user": User.id,
    "product": Product.id,
    "offer": Offer.id,
    "plan": PurchasePlan.id,
    "hall": Hall.id,
    "supplier_application": SupplierApplication.id,
    "invitation": Invitation.id,
}


@pytest.fixture
def seed_db(db: Database) -> Database:
    """The shared migrated database (SQLite, or PostgreSQL in CI), emptied for this test."""
    return db


async def _seed(db: Database, products: int, *, once: bool = False) -> None:
    assert await run_seed(_settings(db), products=products, once=once) == 0


def _settings(db: Database) -> Settings:
    return Settings(database_url=db.url, debug=True)


async def _counts(db: Database) -> Counts:
    async with db.reader() as session:
        counts = {
            name: await session.scalar(select(func.count(column)))
            for name, column in _TABLES.items()
        }
    await db.dispose()
    return {name: int(count or 0) for name, count in counts.items()}


async def _all(db: Database, model: type[_T]) -> list[_T]:
    async with db.reader() as session:
        rows = list(await session.scalars(select(model)))
    await db.dispose()
    return rows


async def test_a_seed_fills_every_table(seed_db: Database) -> None:
    await _seed(seed_db, 200)

    counts = await _counts(seed_db)
    kinds = Counter(org.kind for org in await _all(seed_db, Organisation))
    assert counts["region"] >= 40
    assert counts["category"] >= 40
    assert kinds[OrganisationKind.PURCHASING_UNIT] >= 50
    assert kinds[OrganisationKind.SUPPLIER] >= 30
    assert kinds[OrganisationKind.PARTNER] == 2
    assert kinds[OrganisationKind.OPERATOR] >= 1
    assert kinds[OrganisationKind.SUPERVISION] >= 1
    assert counts["product"] == 200
    assert counts["offer"] >= 400
    assert counts["plan"] == 4 * kinds[OrganisationKind.PURCHASING_UNIT]
    assert counts["hall"] == 3
    assert counts["supplier_application"] == 1  # a registration waiting for review
    assert counts["invitation"] == 1  # an invitation waiting to be accepted


async def test_organisations_have_valid_distinct_credit_codes(seed_db: Database) -> None:
    await _seed(seed_db, 0)

    organisations = await _all(seed_db, Organisation)
    credit_codes = [org.credit_code for org in organisations]
    assert all(code is not None and uscc.is_valid(code) for code in credit_codes)
    assert len(set(credit_codes)) == len(credit_codes)
    assert all(org.credit_code and org.credit_code[2:8] == org.region_code for org in organisations)
    assert any(org.is_disabled_welfare for org in organisations)
    assert any(org.is_prison_enterprise for org in organisations)


async def test_the_region_and_category_trees_are_consistent(seed_db: Database) -> None:
    await _seed(seed_db, 0)

    by_code = {region.code: region for region in await _all(seed_db, Region)}
    for region in by_code.values():
        assert region.parent_code == regions.parent_code(region.code)
        assert region.parent_code is None or region.parent_code in by_code
    categories = await _all(seed_db, Category)
    code_of = {category.id: category.code for category in categories}
    for category in categories:
        parent = code_of[category.parent_id] if category.parent_id is not None else None
        assert parent == codes.parent_of(category.code)
        assert category.level == codes.level_of(category.code)
    assert {"A", "B", "C", "A02010104", "A02010105"} <= set(code_of.values())


async def test_products_and_offers_are_well_formed(seed_db: Database) -> None:
    await _seed(seed_db, 200)

    products = await _all(seed_db, Product)
    offers = await _all(seed_db, Offer)
    leaves = {c.id for c in await _all(seed_db, Category) if is_leaf(c.code)}
    for product in products:
        assert product.match_key == codes.match_key(product.brand, product.model)
        assert product.category_id in leaves
        assert product.gtin is None or codes.gtin_is_valid(product.gtin)
        assert {spec["kind"] for spec in product.specs} <= {kind.value for kind in SpecKind}
    assert 50 <= sum(product.gtin is not None for product in products) <= 150
    sellers_per_product = Counter(offer.product_id for offer in offers)
    assert set(sellers_per_product) == {product.id for product in products}
    assert all(2 <= n <= 5 for n in sellers_per_product.values())
    assert len({(o.product_id, o.supplier_id) for o in offers}) == len(offers)
    assert all(o.price_fen > 0 and 0 <= o.stock <= 500 for o in offers)


async def test_running_again_adds_nothing(seed_db: Database) -> None:
    await _seed(seed_db, 200)
    before = await _counts(seed_db)

    await _seed(seed_db, 200)

    assert await _counts(seed_db) == before


async def test_a_bigger_run_adds_only_the_extra_products(seed_db: Database) -> None:
    await _seed(seed_db, 200)
    before = await _counts(seed_db)
    first = {p.match_key: p.id for p in await _all(seed_db, Product)}

    await _seed(seed_db, 300)

    after = await _counts(seed_db)
    assert after["product"] == before["product"] + 100
    assert after["offer"] > before["offer"]
    assert {k: v for k, v in after.items() if k not in ("product", "offer")} == {
        k: v for k, v in before.items() if k not in ("product", "offer")
    }
    assert {
        p.match_key: p.id for p in await _all(seed_db, Product) if p.match_key in first
    } == first


async def test_the_same_total_gives_the_same_data_however_reached(
    seed_db: Database, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/direct.db"
    # Migrated, not create_all: the search index's FTS table exists only in the migration.
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    direct = Database(url)
    await _seed(direct, 300)
    await _seed(seed_db, 120)
    await _seed(seed_db, 300)

    assert await _catalogue(seed_db) == await _catalogue(direct)


async def _catalogue(db: Database) -> set[tuple[object, ...]]:
    """Stock is left out: the demo order history takes it from whichever offers the catalogue
    held when the history was made."""
    names = {p.id: (p.match_key, p.name, p.gtin) for p in await _all(db, Product)}
    return {
        (*names[o.product_id], o.supplier_sku, o.price_fen, o.market_price_fen)
        for o in await _all(db, Offer)
    }


async def test_once_leaves_a_seeded_database_alone(seed_db: Database) -> None:
    await _seed(seed_db, 200)
    before = await _counts(seed_db)

    await _seed(seed_db, 300, once=True)

    assert await _counts(seed_db) == before


async def test_once_seeds_an_empty_database(seed_db: Database) -> None:
    await _seed(seed_db, 10, once=True)

    assert (await _counts(seed_db))["product"] == 10


async def test_demo_users_cover_every_role(seed_db: Database) -> None:
    await _seed(seed_db, 0)

    users = {user.username: user for user in await _all(seed_db, User)}
    assert {user.role for user in users.values()} == set(Role)
    assert {"purchaser", "supplier", "jd", "operator", "supervisor"} <= set(users)
    assert secrets.verify_password(users["purchaser"].password_hash, DEMO_PASSWORD)
    organisations = {org.id: org for org in await _all(seed_db, Organisation)}
    assert organisations[users["jd"].organisation_id].kind is OrganisationKind.PARTNER
    assert organisations[users["purchaser"].organisation_id].region_code.startswith("3311")


async def test_a_negative_count_is_refused(seed_db: Database) -> None:
    assert await run_seed(_settings(seed_db), products=-1, once=False) == 2


def test_product_i_does_not_depend_on_the_total() -> None:
    assert [catalogue.head(i).match_key for i in range(50)] == [
        catalogue.head(i).match_key for i in range(50)
    ]
    tags = [catalogue.model_tag(i) for i in range(200_000)]
    assert len(set(tags)) == len(tags)
    assert catalogue.model_tag(2_000_000) != catalogue.model_tag(0)


def test_generated_gtins_are_valid_and_distinct() -> None:
    gtins = [catalogue.gtin13(i) for i in range(10_000)]
    assert all(codes.gtin_is_valid(gtin) for gtin in gtins)
    assert len(set(gtins)) == len(gtins)


def test_templates_point_at_leaf_categories_and_real_specs() -> None:
    known = {code for code, _ in CATEGORIES}
    assert all(codes.parent_of(code) in known for code in known if codes.parent_of(code))
    assert all(codes.is_valid(code) for code in known)
    assert len(known) >= 40
    for family in catalogue.FAMILIES.values():
        assert family.category in known
        assert is_leaf(family.category)
    for line in catalogue.LINES:
        keys = {dim.key for dim in catalogue.FAMILIES[line.family].dims}
        assert set(line.overrides) <= keys, line


def test_retail_prices_look_like_shop_prices() -> None:
    assert catalogue.retail_fen(4_996.3) == 499_900
    assert catalogue.retail_fen(318.6) == 31_900
    assert catalogue.retail_fen(25.94) == 2_590


async def test_the_demo_onboarding_examples_can_be_carried_through(seed_db: Database) -> None:
    await _seed(seed_db, 0)
    clock = SystemClock()
    joined = await accounts.accept_invitation(
        seed_db,
        DEMO_INVITATION_TOKEN,
        username="zhaogang",
        password="lishui2026",
        actor=ANONYMOUS,
        clock=clock,
    )
    async with seed_db.unit_of_work() as session:
        unit = await session.get(Organisation, joined.organisation_id)
        assert unit is not None
        assert unit.name == "丽水市机关事务管理局"
        operator = await session.scalar(select(User).where(User.username == "operator"))
        assert operator is not None
        org = await session.get(Organisation, operator.organisation_id)
        assert org is not None
        principal = Principal(
            user_id=operator.id,
            organisation_id=org.id,
            role=Role.OPERATOR,
            region_code=org.region_code,
        )
        (pending,) = await registration.list_applications(
            session, status=None, actor=Actor(principal=principal)
        )
        decision = await registration.decide_application(
            session,
            pending.id,
            approve=True,
            reason="",
            actor=Actor(principal=principal),
            clock=clock,
        )
    assert decision.application.organisation_id is not None
    assert decision.invitation is not None
    await seed_db.dispose()
