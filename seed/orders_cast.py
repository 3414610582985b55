"""Who takes part in the demo order history, read from the seeded tables: the demo purchaser and
the sellers of the two 丽水 agreements, each with the offers it could really be bought from."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.principal import Actor, Principal, Role
from identity.models import Organisation, OrganisationKind, User
from marketplace.agreements.models import Agreement
from marketplace.buyable import buyable_in
from marketplace.models import Category, Offer, Product
from orders.contracts import is_sme
from orders.models import PlanStatus, PurchasePlan
from seed.orders_stories import Goods
from supervision.settings import load_rule_book

PURCHASER = "purchaser"  # the demo login whose unit places the orders
AGREEMENTS = {Goods.DESKTOP: "LS-2026-TSJ", Goods.FOOD: "LS-2026-NFCP"}
PLACES = {Goods.DESKTOP: "信息科", Goods.FOOD: "机关食堂"}
# Stock enough for every story that may fall on one offer (a few of MAX_QUANTITY at most).
MIN_STOCK = 100
MAX_QUANTITY = 30
CLOSE_BP = 200  # offers whose total comes within 2 % of the amount meant are as good
_STANDARD = "OVER_STANDARD_CONFIG"


@dataclass(frozen=True)
class Listing:
    offer_id: int
    price_fen: int
    category_code: str


@dataclass(frozen=True)
class Party:
    organisation: Organisation
    actor: Actor

    @property
    def id(self) -> int:
        return self.organisation.id


@dataclass(frozen=True)
class Seller:
    party: Party
    listings: tuple[Listing, ...]


@dataclass(frozen=True)
class Cast:
    buyer: Party
    contact_name: str
    sellers: Mapping[Goods, tuple[Seller, ...]]
    plans: tuple[PurchasePlan, ...]

    def seller(self, goods: Goods, slot: int) -> Seller:
        sellers = self.sellers[goods]
        return sellers[slot % len(sellers)]

    def plan_for(self, year: int, category_code: str) -> PurchasePlan | None:
        """The unit's plan of that year whose 品目 covers the category most closely."""
        fitting = [
            plan
            for plan in self.plans
            if plan.fiscal_year == year and category_code.startswith(plan.category_code)
        ]
        return max(fitting, key=lambda plan: len(plan.category_code), default=None)


def purchase(listings: Sequence[Listing], amount_fen: int, turn: int) -> tuple[Listing, int]:
    """The offer and quantity coming closest to the amount meant; among those about as close
    the turn picks, so that a seller's stories do not all buy the same model."""

    def miss(listing: Listing) -> int:
        return abs(_quantity(listing, amount_fen) * listing.price_fen - amount_fen)

    ranked = sorted(listings, key=lambda listing: (miss(listing), listing.offer_id))
    close = [listing for listing in ranked if miss(listing) * 10_000 <= amount_fen * CLOSE_BP]
    pool = close or ranked[:1]
    chosen = pool[turn % len(pool)]
    return chosen, _quantity(chosen, amount_fen)


def _quantity(listing: Listing, amount_fen: int) -> int:
    return min(MAX_QUANTITY, max(1, round(amount_fen / listing.price_fen)))


async def demo_purchaser(session: AsyncSession) -> User | None:
    return await session.scalar(select(User).where(User.username == PURCHASER))


async def cast(session: AsyncSession, user: User, *, first: date, last: date) -> Cast:
    """Sellers with offers the unit could buy on the history's first and last days, within the
    configuration standard (a careful purchaser does not buy above it)."""
    unit = await session.get(Organisation, user.organisation_id)
    assert unit is not None
    principal = Principal(
        role=Role.PURCHASER,
        organisation_id=unit.id,
        region_code=unit.region_code,
        user_id=user.id,
    )
    buyer = Party(unit, Actor(principal=principal, request_id="seed-orders"))
    days = (first, last)
    sellers = {goods: await _sellers(session, unit, goods, days) for goods in Goods}
    plans = await session.scalars(
        select(PurchasePlan)
        .where(PurchasePlan.organisation_id == unit.id, PurchasePlan.status == PlanStatus.ACTIVE)
        .order_by(PurchasePlan.id)
    )
    name = user.display_name.split("（")[0]
    return Cast(buyer, name, sellers, tuple(plans))


async def _sellers(
    session: AsyncSession, unit: Organisation, goods: Goods, days: tuple[date, date]
) -> tuple[Seller, ...]:
    """SMEs first for desktops (the demo `supplier` among them); for food the local suppliers
    before the platforms, so the first is the one that turns out to be related."""
    listings = await _listings(session, unit, AGREEMENTS[goods], days)
    if not listings:
        return ()
    orgs = await session.scalars(select(Organisation).where(Organisation.id.in_(list(listings))))
    parties = [await _seller_party(session, org) for org in orgs]
    if goods is Goods.DESKTOP:
        parties.sort(key=lambda p: (not is_sme(p.organisation), p.id))
    else:
        parties.sort(key=lambda p: (p.organisation.kind is OrganisationKind.PARTNER, p.id))
    return tuple(Seller(party, tuple(listings[party.id])) for party in parties)


async def _listings(
    session: AsyncSession, unit: Organisation, agreement_code: str, days: tuple[date, date]
) -> dict[int, list[Listing]]:
    agreement_id = await session.scalar(
        select(Agreement.id).where(Agreement.code == agreement_code)
    )
    if agreement_id is None:
        return {}
    config = (await load_rule_book(session)).config(_STANDARD, unit.region_code)
    caps = config.fen_by_category("caps")
    rows = await session.execute(
        select(Offer.id, Offer.supplier_id, Offer.price_fen, Category.code)
        .join(Product, Product.id == Offer.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(
            Offer.agreement_id == agreement_id,
            Offer.stock >= MIN_STOCK,
            *(buyable_in(unit.region_code, day) for day in days),
        )
        .order_by(Offer.id)
    )
    found: dict[int, list[Listing]] = defaultdict(list)
    for offer_id, supplier_id, price_fen, code in rows:
        if _within(caps, code, price_fen):
            found[supplier_id].append(Listing(offer_id, price_fen, code))
    return found


def _within(caps: Mapping[str, int], category_code: str, price_fen: int) -> bool:
    prefixes = [prefix for prefix in caps if category_code.startswith(prefix)]
    return not prefixes or price_fen <= caps[max(prefixes, key=len)]


async def _seller_party(session: AsyncSession, org: Organisation) -> Party:
    """As its demo login when it has one; else as the seller organisation itself."""
    user = await session.scalar(
        select(User).where(User.organisation_id == org.id).order_by(User.id).limit(1)
    )
    default = Role.PARTNER if org.kind is OrganisationKind.PARTNER else Role.SUPPLIER
    principal = Principal(
        role=user.role if user else default,
        organisation_id=org.id,
        region_code=org.region_code,
        user_id=user.id if user else None,
    )
    return Party(org, Actor(principal=principal, request_id="seed-orders"))


async def share_phone(session: AsyncSession, seller: Organisation, buyer: Organisation) -> None:
    """The related seller's registered phone becomes the purchaser's own, as when a unit's staff
    member runs the supplier on the side: the data the RELATED_PARTY rule is there to catch. The
    organisation seed only inserts missing rows, so a later run never puts the old phone back."""
    await session.execute(
        update(Organisation)
        .where(Organisation.id == seller.id)
        .values(contact_phone=buyer.contact_phone)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(seller)
