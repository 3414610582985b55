"""Demo framework agreements, made through the agreement services so every rule is honoured.

Terms run from the start of the month two months ago, so the demo has live agreements whenever
it is seeded. Each agreement is made once: its code is the natural key.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI, Clock
from core.db import Database
from core.money import fen_to_yuan
from core.principal import Actor, Principal, Role
from identity.models import Organisation, OrganisationKind
from marketplace.agreements import entrants, quotes, rules, service
from marketplace.agreements.errors import AgreementError
from marketplace.agreements.models import (
    Agreement,
    AgreementKind,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.models import Category, Offer, OfferStatus, Product


@dataclass(frozen=True)
class Tier:
    category_code: str
    price: str
    constraints: tuple[rules.SpecConstraint, ...] = ()


@dataclass(frozen=True)
class DemoAgreement:
    code: str
    title: str
    kind: AgreementKind
    operator: str
    region: str
    categories: tuple[str, ...]
    method: SelectionMethod
    tiers: tuple[Tier, ...]
    second_competition_above: str | None = None
    total_quota: str | None = None
    share_percent: str | None = None
    per_order_limit: str | None = None
    model_ceilings: int = 0  # ceilings for this many of the most-offered products, by model
    admit: int = 3
    eliminate: int = 1
    quotes_per_entrant: int = 12
    activate: bool = True
    sellers: tuple[str, ...] = field(default=())


_GE = rules.ConstraintOp.GTE
DEMO_AGREEMENTS = (
    DemoAgreement(
        code="LS-2026-TSJ",
        sellers=("丽水市华信办公设备有限公司", "北京京东世纪贸易有限公司"),
        title="丽水市2026年台式计算机框架协议",
        kind=AgreementKind.CLOSED,
        operator="丽水市政府采购中心",
        region="331100",
        categories=("A02010104",),
        method=SelectionMethod.DIRECT_SELECTION,
        second_competition_above="200000",
        total_quota="5000000",
        share_percent="40",
        per_order_limit="400000",
        model_ceilings=30,
        tiers=(
            Tier("A02010104", "6000"),
            Tier("A02010104", "7500", (rules.SpecConstraint("内存", _GE, "16"),)),
        ),
    ),
    DemoAgreement(
        code="CZ-2026-BGJJ",
        title="常州市2026年办公家具框架协议",
        kind=AgreementKind.OPEN,
        operator="常州市政府采购中心",
        region="320400",
        categories=("A0501",),
        method=SelectionMethod.DIRECT_SELECTION,
        total_quota="3000000",
        per_order_limit="200000",
        tiers=(Tier("A05010201", "4500"), Tier("A05010301", "1500"), Tier("A0501", "8000")),
        admit=4,
        eliminate=0,
    ),
    DemoAgreement(
        code="SH-2026-BGHC",
        sellers=("上海浦东申通办公用品有限公司",),
        title="上海市2026年办公耗材框架协议",
        kind=AgreementKind.CLOSED,
        operator="上海市政府采购中心",
        region="310000",
        categories=("A0504",),
        method=SelectionMethod.DIRECT_SELECTION,
        second_competition_above="50000",
        total_quota="2000000",
        share_percent="50",
        tiers=(Tier("A0504", "3000"),),
    ),
    DemoAgreement(
        code="LS-2026-NFCP",
        sellers=("丽水市农业投资发展有限公司",),
        title="丽水市2026年机关食堂农副产品(832)框架协议",
        kind=AgreementKind.OPEN,
        operator="丽水市政府采购中心",
        region="331100",
        categories=("A070601",),
        method=SelectionMethod.ROTATION,
        tiers=(Tier("A070601", "500"),),
        admit=3,
        eliminate=0,
    ),
    DemoAgreement(
        code="ZJ-2027-DNJ",
        sellers=("丽水市华信办公设备有限公司",),
        title="浙江省2027年便携式计算机框架协议 (征集中)",
        kind=AgreementKind.CLOSED,
        operator="浙江省政府采购中心",
        region="330000",
        categories=("A02010105",),
        method=SelectionMethod.SECOND_COMPETITION,
        tiers=(Tier("A02010105", "8000"),),
        admit=0,
        eliminate=0,
        quotes_per_entrant=0,
        activate=False,
    ),
)


def term(clock: Clock) -> tuple[date, date]:
    """A one-year goods term that began at the start of the month two months ago."""
    today = clock.now().astimezone(SHANGHAI).date()
    start = rules.add_months(today.replace(day=1), -2)
    return start, rules.add_months(start, 12) - timedelta(days=1)


async def seed_agreements(db: Database, organisation_ids: dict[str, int], *, clock: Clock) -> int:
    made = 0
    for demo in DEMO_AGREEMENTS:
        async with db.unit_of_work() as session:
            if await session.scalar(select(Agreement.id).where(Agreement.code == demo.code)):
                continue
            await _make(session, demo, organisation_ids, clock)
            made += 1
    return made


async def _org(session: AsyncSession, organisation_id: int, role: Role) -> Actor:
    org = await session.get(Organisation, organisation_id)
    assert org is not None
    principal = Principal(role=role, organisation_id=org.id, region_code=org.region_code)
    return Actor(principal=principal, request_id="seed")


async def _make(
    session: AsyncSession, demo: DemoAgreement, org_ids: dict[str, int], clock: Clock
) -> None:
    operator = await _org(session, org_ids[demo.operator], Role.OPERATOR)
    start, end = term(clock)
    draft = service.AgreementDraft(
        code=demo.code,
        title=demo.title,
        kind=demo.kind,
        scope=ProcurementScope.GOODS,
        region_code=demo.region,
        category_codes=list(demo.categories),
        starts_on=start,
        ends_on=end,
        selection_method=demo.method,
        second_competition_above=_dec(demo.second_competition_above),
        total_quota=_dec(demo.total_quota),
        supplier_share_percent=_dec(demo.share_percent),
        per_order_limit=_dec(demo.per_order_limit),
    )
    agreement = await service.create_agreement(session, draft, actor=operator, clock=clock)
    await _ceilings(session, agreement, demo, operator, clock)
    await service.open_solicitation(session, agreement.id, actor=operator, clock=clock)
    admitted = await _entrants(session, agreement, demo, operator, clock, org_ids)
    if demo.activate and admitted:  # a tiny catalogue may have no seller for it: stays soliciting
        await service.activate(session, agreement.id, actor=operator, clock=clock)
    for supplier_id in admitted:
        await _quotes(session, agreement, supplier_id, demo.quotes_per_entrant, clock)
    if demo.activate and admitted:
        await _attach_listings(session, agreement, admitted, clock)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


async def _ceilings(
    session: AsyncSession, agreement: Agreement, demo: DemoAgreement, operator: Actor, clock: Clock
) -> None:
    for tier in demo.tiers:
        draft = service.CeilingDraft(
            price=Decimal(tier.price),
            category_code=tier.category_code,
            spec_constraints=list(tier.constraints),
        )
        await service.set_ceiling(session, agreement.id, draft, actor=operator, clock=clock)
    for product_id, highest_fen in await _most_offered(
        session, demo.categories, demo.model_ceilings
    ):
        price = Decimal(
            -(-highest_fen // 10_000) * 100
        )  # the highest offer, rounded up to 100 yuan
        draft = service.CeilingDraft(price=price, product_id=product_id)
        await service.set_ceiling(session, agreement.id, draft, actor=operator, clock=clock)


def _in_categories(codes: tuple[str, ...]) -> Any:
    return or_(*(Category.code.startswith(code) for code in codes))


async def _most_offered(
    session: AsyncSession, codes: tuple[str, ...], limit: int
) -> list[tuple[int, int]]:
    if not limit:
        return []
    rows = await session.execute(
        select(Product.id, func.max(Offer.price_fen))
        .join(Offer, Offer.product_id == Product.id)
        .join(Category, Category.id == Product.category_id)
        .where(_in_categories(codes))
        .group_by(Product.id)
        .order_by(func.count(Offer.id).desc(), Product.id)
        .limit(limit)
    )
    return [(int(pid), int(fen)) for pid, fen in rows]


async def _entrants(
    session: AsyncSession,
    agreement: Agreement,
    demo: DemoAgreement,
    operator: Actor,
    clock: Clock,
    organisation_ids: dict[str, int],
) -> list[int]:
    pending = 0 if demo.activate else 3
    preferred = tuple(organisation_ids[name] for name in demo.sellers)
    sellers = await _sellers(
        session, demo.categories, demo.admit + demo.eliminate + pending, preferred
    )
    # With fewer sellers than planned, a closed agreement still eliminates one of them.
    admit = min(demo.admit, len(sellers) - int(demo.eliminate > 0 and len(sellers) > 1))
    admitted: list[int] = []
    for n, seller_id in enumerate(sellers):
        entrant = await entrants.apply(
            session, agreement.id, actor=await _seller(session, seller_id), clock=clock
        )
        if n < admit:
            await entrants.admit(session, entrant.id, actor=operator, clock=clock)
            admitted.append(seller_id)
        elif n < admit + demo.eliminate:
            reason = "综合评分排名未进入入围名额"
            await entrants.reject(
                session, entrant.id, reason, eliminated=True, actor=operator, clock=clock
            )
    return admitted


async def _seller(session: AsyncSession, organisation_id: int) -> Actor:
    org = await session.get(Organisation, organisation_id)
    assert org is not None
    role = Role.PARTNER if org.kind is OrganisationKind.PARTNER else Role.SUPPLIER
    return await _org(session, organisation_id, role)


async def _sellers(
    session: AsyncSession, codes: tuple[str, ...], count: int, preferred: tuple[int, ...]
) -> list[int]:
    """The sellers with on-shelf offers in these categories: the demo logins' organisations
    first (so `supplier` and `jd` meet agreements they are in), then those with the most."""
    rows = await session.execute(
        select(Offer.supplier_id)
        .join(Product, Product.id == Offer.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(_in_categories(codes), Offer.status == OfferStatus.ON_SHELF)
        .group_by(Offer.supplier_id)
        .order_by(func.count(Offer.id).desc(), Offer.supplier_id)
    )
    ranked = [int(supplier_id) for (supplier_id,) in rows]
    first = [s for s in preferred if s in ranked]
    return [*first, *(s for s in ranked if s not in first)][:count]


async def _quotes(
    session: AsyncSession, agreement: Agreement, supplier_id: int, limit: int, clock: Clock
) -> None:
    """The entrant quotes its own offer prices, brought within the ceiling and market rule."""
    seller = await _seller(session, supplier_id)
    codes = tuple(await service.covered_category_codes(session, agreement.id))
    rows = await session.execute(
        select(Product, Offer.price_fen)
        .join(Offer, Offer.product_id == Product.id)
        .join(Category, Category.id == Product.category_id)
        .where(Offer.supplier_id == supplier_id, _in_categories(codes))
        .order_by(Product.id)
        .limit(limit * 3)
    )
    quoted = 0
    for product, offer_fen in rows:
        if quoted == limit:
            return
        try:
            limits = await quotes.price_limits(session, agreement, product, clock=clock)
        except AgreementError:
            continue  # no ceiling covers this model
        fen = min(offer_fen, limits.ceiling_fen, limits.market_fen or offer_fen)
        await quotes.set_quote(
            session, agreement.id, product.id, fen_to_yuan(fen), actor=seller, clock=clock
        )
        quoted += 1


# A few of the first entrant's listings are shown mid-workflow (the demo `supplier` logs in to
# an example of each state, and the operator's review queue is not empty).
_DEMO_STATES = (
    (OfferStatus.PENDING_REVIEW, None),
    (OfferStatus.REJECTED, "商品主图与型号不符, 请更换实物图片"),
    (OfferStatus.DRAFT, None),
)


async def _attach_listings(
    session: AsyncSession, agreement: Agreement, admitted: list[int], clock: Clock
) -> None:
    """The entrants' catalogue offers in the agreement's categories become its listings, where
    their price is within the agreement's terms (others stay outside any agreement)."""
    codes = tuple(await service.covered_category_codes(session, agreement.id))
    offers = await session.scalars(
        select(Offer)
        .join(Product, Product.id == Offer.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(Offer.supplier_id.in_(admitted), Offer.agreement_id.is_(None), _in_categories(codes))
        .order_by(case((Offer.supplier_id == admitted[0], 0), else_=1), Offer.id)
    )
    attached = 0
    limits: dict[int, quotes.PriceLimits | None] = {}
    for offer in offers:
        if offer.product_id not in limits:
            limits[offer.product_id] = await _limits(session, agreement, offer.product_id, clock)
        allowed = limits[offer.product_id]
        if allowed is None or offer.price_fen > min(
            allowed.ceiling_fen, allowed.market_fen or offer.price_fen
        ):
            continue
        offer.agreement_id, offer.reviewed_at = agreement.id, clock.now()
        if attached < len(_DEMO_STATES):
            offer.status, offer.rejection_reason = _DEMO_STATES[attached]
        attached += 1


async def _limits(
    session: AsyncSession, agreement: Agreement, product_id: int, clock: Clock
) -> quotes.PriceLimits | None:
    product = await session.get(Product, product_id)
    assert product is not None
    try:
        return await quotes.price_limits(session, agreement, product, clock=clock)
    except AgreementError:
        return None  # no ceiling covers this model
