"""Per-request dataloaders: every relation a list can reach costs one query per batch, not per row.

Each batch opens its own short read session, so concurrent resolvers never share one.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from core.db import row_by
from identity import directory
from identity.models import Organisation
from marketplace import catalogue
from marketplace.agreements import queries as agreement_queries
from marketplace.agreements import quotas as agreement_quotas
from marketplace.agreements import quotes as agreement_quotes
from marketplace.agreements.models import Agreement, Entrant, Upgrade
from marketplace.models import Category, Image, Offer, Product, SupplierRating
from orders import queries as order_queries
from orders.models import Order

if TYPE_CHECKING:
    from api.context import Context

M = TypeVar("M", Category, Product, Offer, Image, Organisation)


class Loaders:
    def __init__(self, ctx: "Context") -> None:
        self._ctx = ctx
        self.organisation_by_id = DataLoader(self._visible_organisations)
        self.category_by_id = DataLoader(self._by_id(Category))
        self.product_by_id = DataLoader(self._by_id(Product))
        self.offer_by_id = DataLoader(self._visible_offers)
        self.categories_by_parent_id = DataLoader(self._child_categories)
        self.offers_by_product_id = DataLoader(self._offers_by_product)
        self.agreement_by_id = DataLoader(self._visible_agreements)
        self.ceilings_by_agreement_id = DataLoader(self._grouped(agreement_queries.ceilings_for))
        self.quotes_by_agreement_id = DataLoader(self._grouped(agreement_queries.quotes_for))
        self.category_ids_by_agreement_id = DataLoader(
            self._grouped(agreement_queries.category_ids_for)
        )
        self.entrants_by_agreement_id = DataLoader(self._visible_entrants)
        self.upgrades_by_agreement_id = DataLoader(self._visible_upgrades)
        self.quota_used_by_agreement_id = DataLoader(self._quota_used)
        self.price_history_by_quote_id = DataLoader(self._grouped(agreement_quotes.price_history))
        self.delivery_regions_by_offer_id = DataLoader(self._grouped(catalogue.delivery_regions))
        self.image_by_id = DataLoader(self._by_id(Image))
        # An order's parties are visible to whoever may see the order.
        self.party_by_id = DataLoader(self._by_id(Organisation))
        self.order_by_id = DataLoader(self._visible_orders)
        self.lines_by_order_id = DataLoader(self._grouped(order_queries.lines_for))
        self.timeline_by_order_id = DataLoader(self._grouped(order_queries.timeline_for))
        self.shipments_by_order_id = DataLoader(self._grouped(order_queries.shipments_for))
        self.acceptances_by_order_id = DataLoader(self._grouped(order_queries.acceptances_for))
        self.disputes_by_order_id = DataLoader(self._grouped(order_queries.disputes_for))
        self.payments_by_order_id = DataLoader(self._grouped(order_queries.payments_for))
        self.contract_by_order_id = DataLoader(self._contracts)
        self.rating_by_supplier_id = DataLoader(self._ratings)

    def _grouped(
        self, fetch: Callable[[AsyncSession, list[int]], Awaitable[dict[int, list[Any]]]]
    ) -> Callable[[list[int]], Awaitable[list[list[Any]]]]:
        async def load(ids: list[int]) -> list[list[Any]]:
            async with self._ctx.db.reader() as session:
                found = await fetch(session, ids)
            return [found.get(i, []) for i in ids]

        return load

    async def _visible_agreements(self, ids: list[int]) -> list[Agreement | None]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            found = await agreement_queries.visible_by_ids(session, ids, viewer)
        return [found.get(i) for i in ids]

    async def _quota_used(self, ids: list[int]) -> list[int]:
        async with self._ctx.db.reader() as session:
            used = await agreement_quotas.used_by_agreement(session, ids)
        return [used[i] for i in ids]

    async def _visible_upgrades(self, ids: list[int]) -> list[list[Upgrade]]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            found = await agreement_queries.upgrades_for(session, ids, viewer)
        return [found.get(i, []) for i in ids]

    async def _visible_entrants(self, ids: list[int]) -> list[list[Entrant]]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            found = await agreement_queries.entrants_for(session, ids, viewer)
        return [found.get(i, []) for i in ids]

    async def _visible_orders(self, ids: list[int]) -> list[Order | None]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            found = await order_queries.visible_by_ids(session, viewer, ids)
        return [found.get(i) for i in ids]

    async def _contracts(self, order_ids: list[int]) -> list[Any]:
        async with self._ctx.db.reader() as session:
            found = await order_queries.contracts_for(session, order_ids)
        return [found.get(i) for i in order_ids]

    async def _ratings(self, supplier_ids: list[int]) -> list[SupplierRating | None]:
        async with self._ctx.db.reader() as session:
            found = await row_by(session, SupplierRating, SupplierRating.supplier_id, supplier_ids)
        return [found.get(i) for i in supplier_ids]

    def _by_id(self, model: type[M]) -> Callable[[list[int]], Awaitable[Sequence[M | None]]]:
        async def load(ids: list[int]) -> Sequence[M | None]:
            async with self._ctx.db.reader() as session:
                found: dict[int, M] = await row_by(session, model, model.id, ids)
            return [found.get(i) for i in ids]

        return load

    async def _child_categories(self, parent_ids: list[int]) -> list[list[Category]]:
        async with self._ctx.db.reader() as session:
            grouped = await catalogue.children_of(session, parent_ids)
        return [grouped[pid] for pid in parent_ids]

    async def _visible_organisations(self, ids: list[int]) -> list[Organisation | None]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            found = await row_by(
                session, Organisation, Organisation.id, ids, directory.visible_organisations(viewer)
            )
        return [found.get(i) for i in ids]

    async def _visible_offers(self, ids: list[int]) -> list[Offer | None]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            found = await row_by(session, Offer, Offer.id, ids, catalogue.offer_visibility(viewer))
        return [found.get(i) for i in ids]

    async def _offers_by_product(self, product_ids: list[int]) -> list[list[Offer]]:
        viewer = await self._ctx.viewer()
        async with self._ctx.db.reader() as session:
            grouped = await catalogue.offers_for_products(session, product_ids, viewer=viewer)
        return [grouped[pid] for pid in product_ids]
