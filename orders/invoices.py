"""发票: the supplier submits the fapiao it issued for its delivered orders, in batches.

Each item stands alone: a good one is stored (and announced) even when others in the batch are
refused, a refused one stores nothing, and an item already stored (same supplier, code and
number, same content) is reported as a DUPLICATE, so a batch can be replayed safely. `amount` is
the invoice's total including tax (价税合计) and `tax` the tax in it (税额); what an order's
invoices add up to may not exceed its accepted amount (its total before acceptance).

Numbers: a 数电发票 (fully digitalised e-invoice) has a 20-digit number and no code; an older VAT
invoice has a 10-digit (paper) or 12-digit (electronic, roll) code and an 8-digit number.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI, Clock, local_today
from core.errors import DomainError
from core.events.orders import InvoiceSubmitted
from core.money import fen_to_yuan, parse_fen
from core.principal import SELLERS, Actor, Principal
from orders.errors import OrderError, OrderErrorCode
from orders.models import Invoice, InvoiceKind, Order, OrderState
from orders.rules import ORDERS_SCOPE, STATE_NAMES
from orders.timeline import announce

MAX_BATCH = 100
INVOICEABLE = frozenset(
    {OrderState.DELIVERED, OrderState.ACCEPTANCE_FAILED, OrderState.ACCEPTED, OrderState.PAID}
)
_DIGITAL = frozenset({InvoiceKind.DIGITAL_SPECIAL, InvoiceKind.DIGITAL_NORMAL})


class InvoiceOutcome(StrEnum):
    ACCEPTED = "ACCEPTED"
    DUPLICATE = "DUPLICATE"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class InvoiceItem:
    order_id: int
    kind: InvoiceKind
    code: str
    number: str
    amount: Decimal | str  # yuan, as the caller typed it
    tax: Decimal | str
    issued_on: date


@dataclass(frozen=True)
class InvoiceResult:
    index: int  # the item's position in the batch
    outcome: InvoiceOutcome
    invoice: Invoice | None = None  # the stored one (for a DUPLICATE, the one stored earlier)
    error: DomainError | None = None


@dataclass(frozen=True)
class _Fapiao:
    """An item whose own fields are valid."""

    order_id: int
    kind: InvoiceKind
    code: str
    number: str
    amount_fen: int
    tax_fen: int
    issued_on: date


async def submit_invoices(
    session: AsyncSession, items: Sequence[InvoiceItem], *, actor: Actor, clock: Clock
) -> list[InvoiceResult]:
    """A batch over MAX_BATCH is refused whole; otherwise every item gets its own result."""
    principal = actor.require(*SELLERS)
    principal.require_scope(ORDERS_SCOPE)
    if len(items) > MAX_BATCH:
        raise OrderError(
            OrderErrorCode.INVOICE_BATCH_TOO_LARGE,
            f"每次最多提交 {MAX_BATCH} 张发票, 本次 {len(items)} 张",
            field="items",
        )
    batch = await _Batch.load(session, principal, items, clock=clock)
    return [await batch.submit(index, item) for index, item in enumerate(items)]


@dataclass
class _Batch:
    session: AsyncSession
    clock: Clock
    orders: dict[int, Order]  # the supplier's own orders named in the batch, locked
    known: dict[tuple[str, str], Invoice]  # (code, number) → an invoice already stored
    invoiced_fen: dict[int, int]  # order id → what its invoices add up to

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[InvoiceItem],
        *,
        clock: Clock,
    ) -> "_Batch":
        order_ids = sorted({item.order_id for item in items})
        numbers = sorted({item.number.strip() for item in items})
        return cls(
            session,
            clock,
            await _own_orders(session, principal.organisation_id, order_ids),
            await _known(session, principal.organisation_id, numbers),
            await _invoiced(session, order_ids),
        )

    async def submit(self, index: int, item: InvoiceItem) -> InvoiceResult:
        try:
            return await self._submit(index, _parsed(item))
        except DomainError as error:
            return InvoiceResult(index, InvoiceOutcome.REJECTED, error=error)

    async def _submit(self, index: int, fapiao: _Fapiao) -> InvoiceResult:
        order = self.orders.get(fapiao.order_id)
        if order is None:
            raise OrderError(
                OrderErrorCode.NOT_ORDER_PARTY, "订单不存在或不是本供应商的订单", field="orderId"
            )
        earlier = self.known.get((fapiao.code, fapiao.number))
        if earlier is not None:
            return InvoiceResult(index, InvoiceOutcome.DUPLICATE, _same_as(earlier, fapiao))
        _check_order(order, fapiao, local_today(self.clock))
        self._check_amount(order, fapiao)
        invoice = await self._store(order, fapiao)
        return InvoiceResult(index, InvoiceOutcome.ACCEPTED, invoice)

    def _check_amount(self, order: Order, fapiao: _Fapiao) -> None:
        limit = order.total_fen if order.accepted_fen is None else order.accepted_fen
        already = self.invoiced_fen.get(order.id, 0)
        if already + fapiao.amount_fen > limit:
            basis = "总额" if order.accepted_fen is None else "验收金额"
            raise OrderError(
                OrderErrorCode.INVOICE_OVER_AMOUNT,
                f"订单 {order.number} 的{basis}为 {fen_to_yuan(limit)} 元, 已开票"
                f" {fen_to_yuan(already)} 元, 本张 {fen_to_yuan(fapiao.amount_fen)} 元将超出",
                field="amount",
            )

    async def _store(self, order: Order, fapiao: _Fapiao) -> Invoice:
        invoice = Invoice(
            order_id=order.id,
            supplier_id=order.supplier_id,
            kind=fapiao.kind,
            code=fapiao.code,
            number=fapiao.number,
            amount_fen=fapiao.amount_fen,
            tax_fen=fapiao.tax_fen,
            issued_on=fapiao.issued_on,
            submitted_at=self.clock.now(),
        )
        try:
            async with self.session.begin_nested():
                self.session.add(invoice)
                await self.session.flush()
        except IntegrityError:
            # Another batch stored the same code and number since this one looked.
            raise _taken(fapiao) from None
        self.known[(fapiao.code, fapiao.number)] = invoice
        self.invoiced_fen[order.id] = self.invoiced_fen.get(order.id, 0) + fapiao.amount_fen
        announce(self.session, _submitted(order, invoice), clock=self.clock)
        return invoice


async def _own_orders(
    session: AsyncSession, supplier_id: int, order_ids: list[int]
) -> dict[int, Order]:
    """Locked in id order, so two batches for the same orders queue instead of both passing
    the amount check."""
    rows = await session.scalars(
        select(Order)
        .where(Order.id.in_(order_ids), Order.supplier_id == supplier_id)
        .order_by(Order.id)
        .with_for_update()
    )
    return {order.id: order for order in rows}


async def _known(
    session: AsyncSession, supplier_id: int, numbers: list[str]
) -> dict[tuple[str, str], Invoice]:
    rows = await session.scalars(
        select(Invoice).where(Invoice.supplier_id == supplier_id, Invoice.number.in_(numbers))
    )
    return {(invoice.code, invoice.number): invoice for invoice in rows}


async def _invoiced(session: AsyncSession, order_ids: list[int]) -> dict[int, int]:
    rows = await session.execute(
        select(Invoice.order_id, func.sum(Invoice.amount_fen))
        .where(Invoice.order_id.in_(order_ids))
        .group_by(Invoice.order_id)
    )
    return {order_id: int(total) for order_id, total in rows}


def _parsed(item: InvoiceItem) -> _Fapiao:
    code, number = item.code.strip(), item.number.strip()
    check_number(item.kind, code, number)
    amount_fen = parse_fen(item.amount, field="amount")
    tax_fen = parse_fen(item.tax, field="tax", allow_zero=True)
    if tax_fen > amount_fen:
        raise OrderError(
            OrderErrorCode.INVOICE_TAX_INVALID,
            f"税额 {fen_to_yuan(tax_fen)} 元不能大于价税合计 {fen_to_yuan(amount_fen)} 元",
            field="tax",
        )
    return _Fapiao(item.order_id, item.kind, code, number, amount_fen, tax_fen, item.issued_on)


def check_number(kind: InvoiceKind, code: str, number: str) -> None:
    if kind in _DIGITAL:
        if code or not re.fullmatch(r"[0-9]{20}", number):
            raise OrderError(
                OrderErrorCode.INVOICE_NUMBER_INVALID,
                "数电发票的发票号码为 20 位数字, 且没有发票代码",
                field="number",
            )
        return
    if not re.fullmatch(r"[0-9]{10}|[0-9]{12}", code) or not re.fullmatch(r"[0-9]{8}", number):
        raise OrderError(
            OrderErrorCode.INVOICE_NUMBER_INVALID,
            "增值税发票的发票代码为 10 或 12 位数字, 发票号码为 8 位数字",
            field="number",
        )


def _check_order(order: Order, fapiao: _Fapiao, today: date) -> None:
    if order.state not in INVOICEABLE:
        raise OrderError(
            OrderErrorCode.WRONG_ORDER_STATE,
            f"订单 {order.number} 当前{STATE_NAMES[order.state]}, 送达后才能开票",
            field="orderId",
        )
    if fapiao.issued_on > today:
        raise OrderError(
            OrderErrorCode.INVOICE_DATE_INVALID,
            f"开票日期 {fapiao.issued_on} 晚于今天",
            field="issuedOn",
        )
    placed_on = order.placed_at.astimezone(SHANGHAI).date()
    if fapiao.issued_on < placed_on:
        raise OrderError(
            OrderErrorCode.INVOICE_DATE_INVALID,
            f"开票日期 {fapiao.issued_on} 早于下单日期 {placed_on}",
            field="issuedOn",
        )


def _same_as(earlier: Invoice, fapiao: _Fapiao) -> Invoice:
    """A replay of what is stored is a duplicate; anything else under that number is refused."""
    stored = (
        earlier.order_id,
        earlier.kind,
        earlier.amount_fen,
        earlier.tax_fen,
        earlier.issued_on,
    )
    given = (fapiao.order_id, fapiao.kind, fapiao.amount_fen, fapiao.tax_fen, fapiao.issued_on)
    if stored != given:
        raise _taken(fapiao)
    return earlier


def _taken(fapiao: _Fapiao) -> OrderError:
    shown = f"{fapiao.code} {fapiao.number}" if fapiao.code else fapiao.number
    return OrderError(
        OrderErrorCode.INVOICE_NUMBER_TAKEN,
        f"发票 {shown} 已以不同内容登记过, 不能重复使用",
        field="number",
    )


def _submitted(order: Order, invoice: Invoice) -> InvoiceSubmitted:
    return InvoiceSubmitted.of(
        order,
        invoice_id=invoice.id,
        kind=invoice.kind.value,
        code=invoice.code,
        invoice_number=invoice.number,
        amount_fen=invoice.amount_fen,
        tax_fen=invoice.tax_fen,
        issued_on=invoice.issued_on.isoformat(),
    )
