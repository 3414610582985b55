"""The seller's side of an order beyond the plain moves, as JD VOP and Suning partners use it:
shipping in parts (拆单), invoices in batches, reconciliation of a period.

Confirming (with the partner's own order number), rejecting, shipping everything, delivering and
answering a cancellation are the sellers' mutations in `api/orders`; a partner calls them with
its API key, which, like every order action by a key, needs the "orders" scope.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from api.context import Info
from api.errors import ErrorCode, UserError
from api.identity.types import Organisation
from api.money import Money
from api.mutations import NodeId, Outcome, Parsed, decode_id, run_mutation
from api.orders import inputs
from api.orders.mutations import OrderPayload, order_payload
from api.orders.types import Invoice
from core.errors import InvalidInput
from orders import invoices, lifecycle, models, reconciliation, shipping


@strawberry.input(description="One fapiao for one order.")
class InvoiceInput:
    order_id: relay.GlobalID
    kind: models.InvoiceKind
    code: str = strawberry.field(
        default="", description="发票代码: 10 or 12 digits; empty for a 数电发票."
    )
    number: str = strawberry.field(description="发票号码: 8 digits; 20 for a 数电发票.")
    amount: Decimal = strawberry.field(
        description="价税合计 in yuan, as a string with at most two decimals."
    )
    tax: Decimal = strawberry.field(description="税额 included in the amount, in yuan.")
    issued_on: date = strawberry.field(description="开票日期 (not in the future).")


@strawberry.type(description="What became of one submitted invoice.")
class InvoiceResult:
    index: int = strawberry.field(description="The item's position in `items`, from 0.")
    outcome: invoices.InvoiceOutcome
    code: ErrorCode | None
    field: str | None
    message: str | None = strawberry.field(description="Why it was refused, in Chinese.")
    invoice: Invoice | None = strawberry.field(
        description="The stored invoice (for a DUPLICATE, the one stored before)."
    )

    @classmethod
    def from_domain(cls, result: invoices.InvoiceResult) -> "InvoiceResult":
        error = result.error
        return cls(
            index=result.index,
            outcome=result.outcome,
            code=ErrorCode(error.code.value) if error else None,
            field=error.field if error else None,
            message=error.message if error else None,
            invoice=Invoice.from_model(result.invoice) if result.invoice else None,
        )


@strawberry.type
class SubmitInvoicesPayload:
    results: list[InvoiceResult] = strawberry.field(description="One per item, in order.")
    errors: list[UserError] = strawberry.field(
        description="The batch as a whole was refused (too large, no right); nothing stored."
    )


@strawberry.input(description="One of the partner's orders in its own books.")
class ReconciliationRecordInput:
    partner_order_number: str | None = strawberry.field(
        default=None, description="The partner's own order number (given at confirmation)."
    )
    order_number: str | None = strawberry.field(
        default=None, description="The mall's order number; matched first when given."
    )
    status: reconciliation.PartnerStatus
    amount: Decimal = strawberry.field(
        description="What is due in yuan: 0 when cancelled, the accepted amount once accepted."
    )


@strawberry.type(description="One of our orders as reconciliation sees it.")
class ReconciliationOrder:
    number: str
    partner_order_number: str | None
    state: models.OrderState
    shipped_in_part: bool
    placed_at: datetime
    total: Money
    accepted_amount: Money | None
    amount_due: Money = strawberry.field(
        description="应结算金额: 0 when cancelled or rejected, the accepted amount once accepted, "
        "the total before."
    )
    invoiced_amount: Money
    paid_amount: Money

    @classmethod
    def from_domain(cls, order: reconciliation.OurOrder) -> "ReconciliationOrder":
        return cls(
            number=order.number,
            partner_order_number=order.partner_number,
            state=order.state,
            shipped_in_part=order.shipped_in_part,
            placed_at=order.placed_at,
            total=Money.from_fen(order.total_fen),
            accepted_amount=Money.maybe(order.accepted_fen),
            amount_due=Money.from_fen(order.due_fen),
            invoiced_amount=Money.from_fen(order.invoiced_fen),
            paid_amount=Money.from_fen(order.paid_fen),
        )


@strawberry.type(description="A record the partner sent.")
class ReconciliationRecord:
    partner_order_number: str | None
    order_number: str | None
    status: reconciliation.PartnerStatus
    amount: Money

    @classmethod
    def from_domain(cls, record: reconciliation.PartnerRecord) -> "ReconciliationRecord":
        return cls(
            partner_order_number=record.partner_number,
            order_number=record.order_number,
            status=record.status,
            amount=Money.from_fen(record.amount_fen),
        )


@strawberry.type(description="An order both sides agree on.")
class ReconciledOrder:
    ours: ReconciliationOrder
    theirs: ReconciliationRecord


@strawberry.type(description="Something the two sides disagree on.")
class ReconciliationMismatch:
    reason: reconciliation.MismatchReason
    message: str = strawberry.field(description="In Chinese.")
    ours: ReconciliationOrder | None = strawberry.field(description="Null: missing on our side.")
    theirs: ReconciliationRecord | None = strawberry.field(
        description="Null: missing on the partner's side."
    )

    @classmethod
    def from_domain(cls, mismatch: reconciliation.Mismatch) -> "ReconciliationMismatch":
        ours, theirs = mismatch.ours, mismatch.theirs
        return cls(
            reason=mismatch.reason,
            message=mismatch.message,
            ours=ReconciliationOrder.from_domain(ours) if ours else None,
            theirs=ReconciliationRecord.from_domain(theirs) if theirs else None,
        )


@strawberry.type
class ReconciliationTotals:
    count: int
    amount_due: Money
    invoiced_amount: Money | None = strawberry.field(description="Our side only.")
    paid_amount: Money | None = strawberry.field(description="Our side only.")

    @classmethod
    def from_domain(cls, totals: reconciliation.Totals) -> "ReconciliationTotals":
        return cls(
            count=totals.count,
            amount_due=Money.from_fen(totals.due_fen),
            invoiced_amount=Money.maybe(totals.invoiced_fen),
            paid_amount=Money.maybe(totals.paid_fen),
        )


@strawberry.type(description="对账: a partner's orders of a period, both sides compared.")
class PartnerReconciliation:
    period_from: date = strawberry.field(name="from")
    period_to: date = strawberry.field(name="to")
    orders: list[ReconciliationOrder] = strawberry.field(
        description="Our side: the partner's orders placed in the period."
    )
    matched: list[ReconciledOrder]
    mismatches: list[ReconciliationMismatch]
    our_totals: ReconciliationTotals
    partner_totals: ReconciliationTotals
    partner_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, result: reconciliation.Reconciliation) -> "PartnerReconciliation":
        return cls(
            period_from=result.period_from,
            period_to=result.period_to,
            orders=[ReconciliationOrder.from_domain(o) for o in result.orders],
            matched=[
                ReconciledOrder(
                    ours=ReconciliationOrder.from_domain(match.ours),
                    theirs=ReconciliationRecord.from_domain(match.theirs),
                )
                for match in result.comparison.matched
            ],
            mismatches=[
                ReconciliationMismatch.from_domain(m) for m in result.comparison.mismatches
            ],
            our_totals=ReconciliationTotals.from_domain(result.our_totals),
            partner_totals=ReconciliationTotals.from_domain(result.partner_totals),
            partner_id=result.partner_id,
        )

    @strawberry.field
    async def partner(self, info: Info) -> Organisation:
        row = await info.context.loaders.party_by_id.load(self.partner_id)
        assert row is not None
        return Organisation.from_model(row)


@strawberry.type
class PartnerOrdersQuery:
    @strawberry.field(
        description="对账 for a period (Shanghai days, both included, at most 31): a partner "
        "reconciles its own orders; an operator names the partner. Send the partner's records "
        "(at most 5,000) to have them compared; read-only."
    )
    async def partner_reconciliation(
        self,
        info: Info,
        period_from: Annotated[date, strawberry.argument(name="from")],
        to: date,
        records: list[ReconciliationRecordInput] | None = None,
        partner_id: relay.GlobalID | None = None,
    ) -> PartnerReconciliation:
        actor = await info.context.actor()
        request = reconciliation.ReconciliationRequest(
            period_from=period_from,
            period_to=to,
            records=tuple(_record(r) for r in records or ()),
            partner_id=None
            if partner_id is None
            else decode_id(partner_id, "Organisation", field="partnerId"),
        )
        async with info.context.db.reader() as session:
            result = await reconciliation.partner_reconciliation(session, request, actor=actor)
        return PartnerReconciliation.from_domain(result)


@strawberry.type
class PartnerOrdersMutation:
    @strawberry.mutation(
        description="拆单: ship these quantities of the order's lines in one parcel (only once "
        "the contract is signed). The order becomes SHIPPED when nothing is left to ship; "
        "`shipOrder` ships everything left."
    )
    async def ship_order_lines(self, info: Info, input: inputs.ShipOrderLinesInput) -> OrderPayload:
        return await run_mutation(
            info,
            lifecycle.ship_order,
            NodeId(input.order_id, "Order", "orderId"),
            carrier=input.carrier,
            tracking_number=input.tracking_number,
            lines=Parsed(_ship_lines, input.lines),
            payload=order_payload,
        )

    @strawberry.mutation(
        description="Submit up to 100 fapiao for the seller's delivered orders. Each item is "
        "judged alone: good ones are stored even when others are refused, and one stored before "
        "comes back as DUPLICATE, so a batch may be replayed."
    )
    async def submit_invoices(self, info: Info, items: list[InvoiceInput]) -> SubmitInvoicesPayload:
        return await run_mutation(
            info,
            invoices.submit_invoices,
            Parsed(_invoice_items, items),
            payload=_invoices_payload,
        )


def _invoices_payload(outcome: Outcome[list[invoices.InvoiceResult]]) -> SubmitInvoicesPayload:
    return SubmitInvoicesPayload(
        results=[InvoiceResult.from_domain(r) for r in outcome.value or []],
        errors=outcome.errors,
    )


def _ship_lines(lines: list[inputs.ShipmentLineInput]) -> tuple[shipping.ShipLine, ...]:
    return tuple(_ship_line(line) for line in lines)


def _invoice_items(items: list["InvoiceInput"]) -> list[invoices.InvoiceItem]:
    return [_invoice_item(index, item) for index, item in enumerate(items)]


def _ship_line(line: inputs.ShipmentLineInput) -> shipping.ShipLine:
    if not str(line.line_id).isdigit():
        raise InvalidInput("订单行 ID 不正确", field="lines")
    return shipping.ShipLine(line_id=int(line.line_id), quantity=line.quantity)


def _invoice_item(index: int, item: InvoiceInput) -> invoices.InvoiceItem:
    return invoices.InvoiceItem(
        order_id=decode_id(item.order_id, "Order", field=f"items[{index}].orderId"),
        kind=models.InvoiceKind(item.kind),
        code=item.code,
        number=item.number,
        amount=item.amount,
        tax=item.tax,
        issued_on=item.issued_on,
    )


def _record(given: ReconciliationRecordInput) -> reconciliation.RecordInput:
    return reconciliation.RecordInput(
        partner_number=given.partner_order_number,
        order_number=given.order_number,
        status=reconciliation.PartnerStatus(given.status),
        amount=given.amount,
    )
