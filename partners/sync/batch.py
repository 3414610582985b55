"""Applying a partner's catalogue batch: every item judged on its own, the good ones written in
bulk (a handful of statements per batch, whatever its size), one event for the search index.

A partner's batches are applied one at a time (its organisation row is locked), so two batches
of the same SKUs cannot interleave; within a SKU each aspect only moves to a newer version.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock, local_today
from core.errors import InvalidInput
from core.events.partners import PartnerCatalogueSynced
from core.outbox import record
from core.principal import Actor, Role
from identity.models import Organisation, Region
from marketplace.models import Category, Offer, Product
from marketplace.offers import bulk, regions
from partners.models import PartnerCategory, PartnerSku
from partners.sync.items import MAX_BATCH, ItemCode, ItemRejected, Patch
from partners.sync.state import Catalogued, HoldReason, OfferState, hold_message, judge
from partners.sync.terms import Terms, load_terms, pick

Item = TypeVar("Item")


class Outcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class ItemResult:
    index: int
    sku: str
    outcome: Outcome
    code: str | None = None
    message: str | None = None
    offer_id: int | None = None
    held: HoldReason | None = None

    @property
    def held_message(self) -> str | None:
        return hold_message(self.held) if self.held else None


@dataclass(frozen=True)
class SyncReport:
    results: list[ItemResult]

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.results)


async def sync(
    session: AsyncSession,
    items: Sequence[Item],
    to_patch: Callable[[int, Item], Patch],
    *,
    actor: Actor,
    clock: Clock,
) -> SyncReport:
    """Judge and apply a batch; a rejected item changes nothing, the others are applied."""
    principal = actor.require(Role.PARTNER)
    principal.require_scope("catalogue")
    if len(items) > MAX_BATCH:
        raise InvalidInput(f"每批最多 {MAX_BATCH} 项, 本批 {len(items)} 项", field="items")
    partner_id = principal.organisation_id
    await session.scalar(
        select(Organisation.id).where(Organisation.id == partner_id).with_for_update()
    )
    batch = _Batch(session, partner_id, clock)
    patches = batch.checked(items, to_patch)
    await batch.apply(patches)
    write_audit(
        session,
        actor,
        "partner.sync",
        clock=clock,
        target_type="Organisation",
        target_id=partner_id,
        details={o.value: sum(r.outcome is o for r in batch.results) for o in Outcome},
    )
    return SyncReport(sorted(batch.results, key=lambda r: r.index))


class _Batch:
    def __init__(self, session: AsyncSession, partner_id: int, clock: Clock) -> None:
        self.session = session
        self.partner_id = partner_id
        self.clock = clock
        self.now: datetime = clock.now()
        self.results: list[ItemResult] = []

    def reject(self, index: int, sku: str, error: ItemRejected) -> None:
        self.results.append(
            ItemResult(index, sku, Outcome.REJECTED, error.code.value, error.message)
        )

    def checked(self, items: Sequence[Item], to_patch: Callable[[int, Item], Patch]) -> list[Patch]:
        patches, seen = [], set()
        for index, item in enumerate(items):
            try:
                patch = to_patch(index, item)
                if patch.sku in seen:
                    raise ItemRejected(ItemCode.DUPLICATE_IN_BATCH, "同一批中 SKU 重复")
            except ItemRejected as error:
                self.reject(index, str(getattr(item, "sku", ""))[:64], error)
                continue
            seen.add(patch.sku)
            patches.append(patch)
        return patches

    async def apply(self, patches: list[Patch]) -> None:
        existing = await self._existing([p.sku for p in patches])
        patches = await self._known_regions(patches)
        patches = await self._mapped(patches)
        patches = [p for p in patches if self._has_offer_or_content(p, existing)]
        catalogue = await self._products(patches, existing)
        terms = await load_terms(self.session, self.partner_id, local_today(self.clock))
        writes = _Writes()
        for patch in patches:
            try:
                self._judge(patch, existing.get(patch.sku), catalogue, terms, writes)
            except ItemRejected as error:
                self.reject(patch.index, patch.sku, error)
        await self._write(writes)

    async def _existing(self, skus: list[str]) -> dict[str, tuple[PartnerSku, Offer]]:
        if not skus:
            return {}
        rows = await self.session.execute(
            select(PartnerSku, Offer)
            .join(Offer, Offer.id == PartnerSku.offer_id)
            .where(PartnerSku.partner_id == self.partner_id, PartnerSku.sku.in_(skus))
        )
        return {sku.sku: (sku, offer) for sku, offer in rows}

    async def _known_regions(self, patches: list[Patch]) -> list[Patch]:
        wanted = {code for p in patches for code in (p.stock or {})}
        known = set(await self.session.scalars(select(Region.code).where(Region.code.in_(wanted))))
        kept = []
        for patch in patches:
            unknown = sorted(set(patch.stock or {}) - known)
            if unknown:
                error = ItemRejected(ItemCode.REGION_UNKNOWN, f"行政区划代码不存在: {unknown[0]}")
                self.reject(patch.index, patch.sku, error)
            else:
                kept.append(patch)
        return kept

    async def _mapped(self, patches: list[Patch]) -> list[Patch]:
        wanted = {p.content.partner_category for p in patches if p.content}
        rows = await self.session.execute(
            select(PartnerCategory.partner_category, PartnerCategory.category_code).where(
                PartnerCategory.partner_id == self.partner_id,
                PartnerCategory.partner_category.in_(wanted),
            )
        )
        mapping = dict(rows.all())
        kept = []
        for patch in patches:
            if patch.content is None:
                kept.append(patch)
            elif (code := mapping.get(patch.content.partner_category)) is None:
                error = ItemRejected(
                    ItemCode.CATEGORY_UNMAPPED,
                    f"电商品类 {patch.content.partner_category} 尚未对应到政府采购品目, "
                    "请联系运营机构维护品类映射",
                )
                self.reject(patch.index, patch.sku, error)
            else:
                patch.category_code = code
                kept.append(patch)
        return kept

    def _has_offer_or_content(
        self, patch: Patch, existing: dict[str, tuple[PartnerSku, Offer]]
    ) -> bool:
        if patch.content is not None or patch.sku in existing:
            return True
        error = ItemRejected(ItemCode.SKU_UNKNOWN, f"SKU {patch.sku} 尚未同步商品信息")
        self.reject(patch.index, patch.sku, error)
        return False

    async def _products(
        self, patches: list[Patch], existing: dict[str, tuple[PartnerSku, Offer]]
    ) -> "_Catalogue":
        """Every product the batch touches; new brand+model pairs become new products."""
        wanted = {p.content.match_key: p for p in patches if p.content}
        found = await self._catalogued(Product.match_key.in_(list(wanted)))
        missing = [
            p for key, p in wanted.items() if key not in {c.product.match_key for c in found}
        ]
        if missing:
            await self._create_products(missing)
            keys = [p.content.match_key for p in missing if p.content]
            found += await self._catalogued(Product.match_key.in_(keys))
        ids = {offer.product_id for _, offer in existing.values()}
        found += await self._catalogued(Product.id.in_(ids))
        return _Catalogue({c.product.match_key: c for c in found}, {c.product.id: c for c in found})

    async def _catalogued(self, where: Any) -> list[Catalogued]:
        rows = await self.session.execute(
            select(Product, Category.code)
            .join(Category, Category.id == Product.category_id)
            .where(where)
        )
        return [Catalogued(product, code) for product, code in rows]

    async def _create_products(self, patches: list[Patch]) -> None:
        codes = {p.category_code for p in patches}
        rows = await self.session.execute(
            select(Category.code, Category.id).where(Category.code.in_(codes))
        )
        category_ids = dict(rows.all())
        gtins = {p.content.gtin for p in patches if p.content and p.content.gtin}
        taken = set(await self.session.scalars(select(Product.gtin).where(Product.gtin.in_(gtins))))
        values: list[dict[str, Any]] = []
        used: set[str | None] = set()
        for patch in patches:
            content = patch.content
            assert content is not None
            assert patch.category_code is not None
            gtin = content.gtin if content.gtin not in taken | used else None
            used.add(gtin)
            values.append(
                {
                    "category_id": category_ids[patch.category_code],
                    "name": content.name,
                    "brand": content.brand,
                    "model": content.model,
                    "match_key": content.match_key,
                    "unit": content.unit,
                    "gtin": gtin,
                    "specs": content.specs,
                    "created_by_organisation_id": self.partner_id,
                    "created_at": self.now,
                }
            )
        await bulk.insert_new_products(self.session, values)

    def _judge(
        self,
        patch: Patch,
        known: tuple[PartnerSku, Offer] | None,
        catalogue: "_Catalogue",
        terms: list[Terms],
        writes: "_Writes",
    ) -> None:
        before = None
        if known is not None:
            before = OfferState.of(*known, catalogue.by_id[known[1].product_id])
        state = judge(patch, before, catalogue.by_key, terms, pick)
        if state is None:  # nothing newer than what we hold
            assert known is not None
            assert before is not None
            self.results.append(
                ItemResult(
                    patch.index,
                    patch.sku,
                    Outcome.UNCHANGED,
                    offer_id=known[1].id,
                    held=before.hold,
                )
            )
            return
        if known is None:
            writes.create(patch, state)
            return
        sku_row, offer = known
        changed = before is None or state.listing() != before.listing()
        writes.update(patch, state, sku_row, offer, changed)
        outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        self.results.append(
            ItemResult(patch.index, patch.sku, outcome, offer_id=offer.id, held=state.hold)
        )

    async def _write(self, writes: "_Writes") -> None:
        created = await writes.flush(self.session, self.partner_id, self.now)
        self.results += [
            ItemResult(patch.index, patch.sku, Outcome.CREATED, offer_id=offer_id, held=state.hold)
            for patch, state, offer_id in created
        ]
        touched = writes.changed_offer_ids + [offer_id for _, _, offer_id in created]
        if touched:
            record(
                self.session,
                PartnerCatalogueSynced(partner_id=self.partner_id, offer_ids=sorted(touched)),
                clock=self.clock,
            )


@dataclass(frozen=True)
class _Catalogue:
    by_key: dict[str, Catalogued]
    by_id: dict[int, Catalogued]


class _Writes:
    """What the batch will write, gathered so each table gets one statement."""

    def __init__(self) -> None:
        self.new: list[tuple[Patch, OfferState]] = []
        self.offer_updates: list[dict[str, Any]] = []
        self.sku_updates: list[dict[str, Any]] = []
        self.price_points: list[tuple[int, OfferState]] = []
        self.regions: dict[int, list[str]] = {}
        self.changed_offer_ids: list[int] = []

    def create(self, patch: Patch, state: OfferState) -> None:
        self.new.append((patch, state))

    def update(
        self, patch: Patch, state: OfferState, sku: PartnerSku, offer: Offer, changed: bool
    ) -> None:
        self.offer_updates.append({"id": offer.id} | state.offer_values())
        self.sku_updates.append({"partner_id": sku.partner_id, "sku": sku.sku} | state.sku_values())
        if changed:
            self.changed_offer_ids.append(offer.id)
        if (state.price_fen, state.market_price_fen) != (offer.price_fen, offer.market_price_fen):
            self.price_points.append((offer.id, state))
        if state.stock_by_region != sku.stock_by_region:
            self.regions[offer.id] = state.delivery_regions()

    async def flush(
        self, session: AsyncSession, partner_id: int, now: datetime
    ) -> list[tuple[Patch, OfferState, int]]:
        created = await self._insert_new(session, partner_id, now)
        for _, state, offer_id in created:
            self.price_points.append((offer_id, state))
            self.regions[offer_id] = state.delivery_regions()
        await bulk.update_offers(session, [row | {"updated_at": now} for row in self.offer_updates])
        if self.sku_updates:
            await session.execute(
                update(PartnerSku), [r | {"synced_at": now} for r in self.sku_updates]
            )
        await bulk.add_price_points(
            session,
            [(o, s.price_fen, s.market_price_fen) for o, s in self.price_points],
            at=now,
        )
        await regions.replace_delivery_regions(session, self.regions)
        return created

    async def _insert_new(
        self, session: AsyncSession, partner_id: int, now: datetime
    ) -> list[tuple[Patch, OfferState, int]]:
        if not self.new:
            return []
        values = [
            {
                "supplier_id": partner_id,
                "supplier_sku": patch.sku,
                "sales_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            | state.offer_values()
            for patch, state in self.new
        ]
        ids = await bulk.insert_offers(session, values)
        created = [(p, s, id_) for (p, s), id_ in zip(self.new, ids, strict=True)]
        await session.execute(
            insert(PartnerSku),
            [
                {"partner_id": partner_id, "sku": p.sku, "offer_id": id_, "synced_at": now}
                | s.sku_values()
                for p, s, id_ in created
            ],
        )
        return created
