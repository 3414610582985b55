"""Bulk import of listings from a spreadsheet: each row creates or updates one listing.

The file is checked as a whole first (format, size, columns): a bad file stores nothing. Then
each row that changes something runs in its own SAVEPOINT inside the import's one transaction,
through the same listing services as the API, so a bad row is rolled back whole and reported
while the good rows stay.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import CoreErrorCode, DomainError
from core.money import yuan_to_fen
from core.principal import SELLERS, Actor
from marketplace.errors import CatalogueError, CatalogueErrorCode
from marketplace.models import Offer, OfferStatus
from supplier_portal import listings
from supplier_portal.importing import columns
from supplier_portal.importing.cells import RowInput, parse_row
from supplier_portal.importing.lookups import Lookups, look_up
from supplier_portal.importing.reading import read_table

_SUBMITTABLE = (OfferStatus.DRAFT, OfferStatus.REJECTED)


class ImportOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    ERROR = "ERROR"


@dataclass(frozen=True)
class RowResult:
    row: int  # as the spreadsheet numbers it: the header is row 1
    outcome: ImportOutcome
    offer_id: int | None = None
    code: str | None = None
    column: str | None = None  # the column's header
    message: str | None = None


@dataclass(frozen=True)
class ImportReport:
    rows: list[RowResult]

    @property
    def created(self) -> int:
        return self._count(ImportOutcome.CREATED)

    @property
    def updated(self) -> int:
        return self._count(ImportOutcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(ImportOutcome.UNCHANGED)

    @property
    def failed(self) -> int:
        return self._count(ImportOutcome.ERROR)

    def _count(self, outcome: ImportOutcome) -> int:
        return sum(1 for r in self.rows if r.outcome is outcome)


Parsed = list[tuple[int, RowInput | RowResult]]  # a row to apply, or one that already failed


async def import_listings(
    session: AsyncSession, data: bytes, filename: str, *, actor: Actor, clock: Clock
) -> ImportReport:
    principal = actor.require(*SELLERS)
    # Reading and parsing run before the transaction's first statement, off the event loop.
    parsed = await asyncio.to_thread(_read, data, filename)
    wanted = [row for _, row in parsed if isinstance(row, RowInput)]
    known = await look_up(session, principal.organisation_id, wanted)
    importer = _Importer(session, actor, clock, known)
    results = [
        row if isinstance(row, RowResult) else await importer.row(number, row)
        for number, row in parsed
    ]
    report = ImportReport(results)
    details = {
        "filename": filename[:200],
        "rows": len(results),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "failed": report.failed,
    }
    write_audit(session, actor, "listing.import", clock=clock, details=details)
    return report


def _read(data: bytes, filename: str) -> Parsed:
    table = read_table(data, filename)
    positions = columns.layout(table.headers)
    first_row_of: dict[str, int] = {}
    parsed: Parsed = []
    for number, cells in table.rows:
        try:
            row = parse_row({header: cells[index] for header, index in positions.items()})
            _first_use(first_row_of, row.supplier_sku, number)
            parsed.append((number, row))
        except DomainError as error:
            parsed.append((number, _failed(number, None, error)))
    return parsed


def _first_use(first_row_of: dict[str, int], sku: str, number: int) -> None:
    first = first_row_of.setdefault(sku, number)
    if first != number:
        raise CatalogueError(
            CatalogueErrorCode.DUPLICATE_SUPPLIER_SKU,
            f"SKU 编码 {sku} 在第 {first} 行已出现, 同一文件中不能重复",
            field=columns.SKU,
        )


@dataclass
class _Importer:
    session: AsyncSession
    actor: Actor
    clock: Clock
    known: Lookups

    async def row(self, number: int, wanted: RowInput) -> RowResult:
        existing = self.known.offers.get(wanted.supplier_sku)
        offer_id = existing.id if existing else None
        try:
            return await self._apply(number, wanted, existing)
        except DomainError as error:
            return _failed(number, offer_id, error)
        except IntegrityError:
            # A concurrent change took the SKU or the listing first; the savepoint undid ours.
            conflict = DomainError(CoreErrorCode.CONFLICT, "数据已被并发修改, 请重新导入该行")
            return _failed(number, offer_id, conflict)

    async def _apply(self, number: int, wanted: RowInput, existing: Offer | None) -> RowResult:
        agreement = self.known.agreement(wanted.agreement_code)
        product = self.known.product(wanted.product)
        if existing is None:
            draft = _draft(wanted, product.id, agreement.id)
            async with self._savepoint():
                offer = await listings.create_listing(
                    self.session, draft, actor=self.actor, clock=self.clock
                )
                await self._submit_if_asked(wanted, offer)
            return RowResult(number, ImportOutcome.CREATED, offer.id)
        _same_listing(existing, product.id, agreement.id)
        patch = self._patch(existing, wanted)
        submit = wanted.submit and existing.status in _SUBMITTABLE
        if patch is None and not submit:
            return RowResult(number, ImportOutcome.UNCHANGED, existing.id)
        async with self._savepoint():
            if patch is not None:
                await listings.update_listing(
                    self.session, existing.id, patch, actor=self.actor, clock=self.clock
                )
            await self._submit_if_asked(wanted, existing)
        return RowResult(number, ImportOutcome.UPDATED, existing.id)

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        """Whatever the row wrote is undone when it fails, flush errors included."""
        async with self.session.begin_nested():
            yield
            await self.session.flush()

    def _patch(self, offer: Offer, wanted: RowInput) -> listings.ListingPatch | None:
        """Only what differs, so an unchanged row changes nothing (a listing under review
        refuses even an unchanged price)."""
        price = wanted.price if yuan_to_fen(wanted.price) != offer.price_fen else None
        market = wanted.market_price
        if market is not None and yuan_to_fen(market) == offer.market_price_fen:
            market = None
        stock = wanted.stock if wanted.stock != offer.stock else None
        regions = wanted.delivery_region_codes
        if regions is not None and sorted(set(regions)) == self.known.offer_regions[offer.id]:
            regions = None
        if price is None and market is None and stock is None and regions is None:
            return None
        return listings.ListingPatch(
            price=price, market_price=market, stock=stock, delivery_region_codes=regions
        )

    async def _submit_if_asked(self, wanted: RowInput, offer: Offer) -> None:
        if wanted.submit and offer.status in _SUBMITTABLE:
            await listings.submit_listing(
                self.session, offer.id, actor=self.actor, clock=self.clock
            )


def _draft(wanted: RowInput, product_id: int, agreement_id: int) -> listings.ListingDraft:
    return listings.ListingDraft(
        product_id=product_id,
        agreement_id=agreement_id,
        supplier_sku=wanted.supplier_sku,
        price=wanted.price,
        stock=wanted.stock,
        market_price=wanted.market_price,
        delivery_region_codes=wanted.delivery_region_codes or [],
    )


def _same_listing(offer: Offer, product_id: int, agreement_id: int) -> None:
    """A row's SKU names an existing listing; it may change its terms, not what it sells."""
    if (offer.product_id, offer.agreement_id) != (product_id, agreement_id):
        raise CatalogueError(
            CatalogueErrorCode.DUPLICATE_SUPPLIER_SKU,
            f"SKU 编码 {offer.supplier_sku} 已用于本单位的报价 {offer.id}"
            f" (商品编号 {offer.product_id}), 其商品和协议不能通过导入更改",
            field=columns.SKU,
        )


def _failed(number: int, offer_id: int | None, error: DomainError) -> RowResult:
    return RowResult(
        number,
        ImportOutcome.ERROR,
        offer_id,
        code=error.code.value,
        column=columns.column_of(error.field),
        message=error.message,
    )
