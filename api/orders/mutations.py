from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.errors import UserError
from api.mutations import (
    Idempotent,
    NodeId,
    Outcome,
    call_service,
    decode_id,
    perform,
    perform_create,
    run_mutation,
)
from api.orders import inputs
from api.orders.queries import cart_of_actor, maybe_id
from api.orders.types import (
    Cart,
    Contract,
    Order,
    Payment,
    PurchasePlan,
)
from core.errors import InvalidInput
from core.money import parse_fen
from core.principal import Actor
from identity import credit
from orders import (
    acceptance,
    cart,
    contracts,
    lifecycle,
    models,
    payments,
    placement,
    plans,
)
from orders.errors import OrderError


@strawberry.type
class CartPayload:
    cart: Cart | None
    errors: list[UserError]


@strawberry.type
class PlaceOrderPayload:
    orders: list[Order] = strawberry.field(description="One order per supplier in the cart.")
    errors: list[UserError] = strawberry.field(
        description="Every blocking check that failed (nothing is placed then); a line's "
        "problem has field `offer:<offer ID>`."
    )


@strawberry.type
class OrderPayload:
    order: Order | None
    errors: list[UserError]


@strawberry.type
class PurchasePlanPayload:
    plan: PurchasePlan | None
    errors: list[UserError]


@strawberry.type
class ContractPayload:
    contract: Contract | None
    errors: list[UserError]


@strawberry.type
class PaymentPayload:
    payment: Payment | None
    client_secret: str | None = strawberry.field(
        description="Official card: the Stripe PaymentIntent's secret for the card form."
    )
    errors: list[UserError]


@strawberry.type
class BlacklistEntryPayload:
    id: relay.GlobalID | None
    errors: list[UserError]


def order_payload(outcome: Outcome[models.Order]) -> OrderPayload:
    order = Order.from_model(outcome.value) if outcome.value else None
    return OrderPayload(order=order, errors=outcome.errors)


def _order_id(order_id: relay.GlobalID) -> NodeId:
    return NodeId(order_id, "Order", "orderId")


def _contract_id(contract_id: relay.GlobalID) -> NodeId:
    return NodeId(contract_id, "Contract", "contractId")


def _contract_payload(outcome: Outcome[models.Contract]) -> ContractPayload:
    return ContractPayload(
        contract=Contract.from_model(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )


def _offer_fields(errors: list[UserError]) -> list[UserError]:
    """Domain errors name a line as `offer:<row id>`; clients know offers by global ID."""
    for error in errors:
        if error.field and error.field.startswith("offer:"):
            row_id = error.field.removeprefix("offer:")
            error.field = f"offer:{relay.GlobalID('Offer', row_id)}"
    return errors


@strawberry.type
class OrdersMutation:
    @strawberry.mutation(description="A unit's purchaser, or an operator, enters a purchase plan.")
    async def create_purchase_plan(
        self, info: Info, input: inputs.CreatePurchasePlanInput
    ) -> PurchasePlanPayload:
        async def action(session: AsyncSession, actor: Actor) -> models.PurchasePlan:
            draft = plans.PlanDraft(
                organisation_id=decode_id(
                    input.organisation_id, "Organisation", field="organisationId"
                ),
                code=input.code,
                name=input.name,
                fiscal_year=input.fiscal_year,
                category_code=input.category_code.strip().upper(),
                amount_fen=parse_fen(input.amount, field="amount"),
                fund_source=input.fund_source,
                budget_item=input.budget_item,
            )
            return await plans.create_plan(session, draft, actor=actor, clock=info.context.clock)

        async def reload(session: AsyncSession, plan_id: int) -> models.PurchasePlan | None:
            return await session.get(models.PurchasePlan, plan_id)

        request = {
            "org": str(input.organisation_id),
            "code": input.code,
            "amount": input.amount,
            "year": input.fiscal_year,
            "category": input.category_code,
        }
        outcome = await perform_create(
            info, Idempotent("createPurchasePlan", input.idempotency_key, request, reload), action
        )
        return PurchasePlanPayload(
            plan=PurchasePlan.from_model(outcome.value) if outcome.value else None,
            errors=outcome.errors,
        )

    @strawberry.mutation(description="Add an offer to the cart (adds to the quantity there).")
    async def add_to_cart(
        self, info: Info, offer_id: relay.GlobalID, quantity: int = 1
    ) -> CartPayload:
        return await _cart_change(info, cart.add_to_cart, offer_id, quantity)

    @strawberry.mutation(
        description="Set a cart line's quantity; this also accepts the offer's current price."
    )
    async def update_cart_line(
        self, info: Info, offer_id: relay.GlobalID, quantity: int
    ) -> CartPayload:
        return await _cart_change(info, cart.update_cart_line, offer_id, quantity)

    @strawberry.mutation(description="Take an offer out of the cart.")
    async def remove_cart_line(self, info: Info, offer_id: relay.GlobalID) -> CartPayload:
        return await _cart_change(info, cart.remove_cart_line, offer_id)

    @strawberry.mutation(
        description="Place the cart: every blocking check first (all failures reported, nothing "
        "changed), then one order per supplier with stock, quota and plan money reserved."
    )
    async def place_order(self, info: Info, input: inputs.PlaceOrderInput) -> PlaceOrderPayload:
        offer_ids = (
            None
            if input.offer_ids is None
            else tuple(decode_id(i, "Offer", field="offerIds") for i in input.offer_ids)
        )
        request = placement.PlacementRequest(
            plan_id=maybe_id(input.plan_id, "PurchasePlan", "planId"),
            delivery_address=input.delivery_address,
            contact_name=input.contact_name,
            contact_phone=input.contact_phone,
            note=input.note,
            offer_ids=offer_ids,
        )

        async def action(session: AsyncSession, actor: Actor) -> models.Checkout:
            return await placement.place_order(
                session, request, actor=actor, clock=info.context.clock
            )

        async def reload(session: AsyncSession, checkout_id: int) -> models.Checkout | None:
            return await session.get(models.Checkout, checkout_id)

        spec = Idempotent("placeOrder", input.idempotency_key, _placement_digest(request), reload)
        outcome = await perform_create(info, spec, action)
        return PlaceOrderPayload(
            orders=await _orders_of(info, outcome), errors=_offer_fields(outcome.errors)
        )

    @strawberry.mutation(description="The supplier confirms a placed order (within the deadline).")
    async def confirm_order(
        self, info: Info, order_id: relay.GlobalID, supplier_reference: str | None = None
    ) -> OrderPayload:
        return await run_mutation(
            info,
            lifecycle.confirm_order,
            _order_id(order_id),
            supplier_reference=supplier_reference,
            payload=order_payload,
        )

    @strawberry.mutation(description="The supplier turns down a placed order, saying why.")
    async def reject_order(self, info: Info, order_id: relay.GlobalID, reason: str) -> OrderPayload:
        return await run_mutation(
            info, lifecycle.reject_order, _order_id(order_id), reason=reason, payload=order_payload
        )

    @strawberry.mutation(description="The supplier ships (only once the contract is signed).")
    async def ship_order(self, info: Info, input: inputs.ShipOrderInput) -> OrderPayload:
        return await run_mutation(
            info,
            lifecycle.ship_order,
            _order_id(input.order_id),
            carrier=input.carrier,
            tracking_number=input.tracking_number,
            payload=order_payload,
        )

    @strawberry.mutation(description="The supplier records delivery (again, after a failed one).")
    async def mark_delivered(self, info: Info, order_id: relay.GlobalID) -> OrderPayload:
        return await run_mutation(
            info, lifecycle.mark_delivered, _order_id(order_id), payload=order_payload
        )

    @strawberry.mutation(
        description="The purchaser accepts (履约验收) line by line and rates the supplier."
    )
    async def accept_order(self, info: Info, input: inputs.AcceptOrderInput) -> OrderPayload:
        draft = acceptance.AcceptanceDraft(
            verdicts=tuple(
                acceptance.LineVerdict(line_id=_line_id(v.line_id), passed=v.passed, note=v.note)
                for v in input.lines
            ),
            ratings=acceptance.Ratings(
                quality=input.ratings.quality,
                delivery=input.ratings.delivery,
                service=input.ratings.service,
            ),
            note=input.note,
        )
        return await run_mutation(
            info, acceptance.accept_order, _order_id(input.order_id), draft, payload=order_payload
        )

    @strawberry.mutation(
        description="The purchaser cancels a placed order; after confirmation use "
        "`requestOrderCancellation`, which needs the supplier's consent."
    )
    async def cancel_order(self, info: Info, order_id: relay.GlobalID, reason: str) -> OrderPayload:
        return await run_mutation(
            info, lifecycle.cancel_order, _order_id(order_id), reason=reason, payload=order_payload
        )

    @strawberry.mutation(description="The purchaser asks to cancel a confirmed or shipped order.")
    async def request_order_cancellation(
        self, info: Info, order_id: relay.GlobalID, reason: str
    ) -> OrderPayload:
        return await run_mutation(
            info,
            lifecycle.request_cancellation,
            _order_id(order_id),
            reason=reason,
            payload=order_payload,
        )

    @strawberry.mutation(description="The supplier agrees to (or declines) a cancellation request.")
    async def answer_order_cancellation(
        self, info: Info, order_id: relay.GlobalID, agree: bool
    ) -> OrderPayload:
        return await run_mutation(
            info,
            lifecycle.answer_cancellation,
            _order_id(order_id),
            agree=agree,
            payload=order_payload,
        )

    @strawberry.mutation(description="The supplier answers a dispute opened by failed acceptance.")
    async def answer_dispute(
        self, info: Info, dispute_id: relay.GlobalID, answer: str
    ) -> OrderPayload:
        async def action(session: AsyncSession, actor: Actor) -> models.Order:
            dispute = await lifecycle.answer_dispute(
                session,
                decode_id(dispute_id, "Dispute", field="disputeId"),
                answer=answer,
                actor=actor,
                clock=info.context.clock,
            )
            return await lifecycle.require_order(session, dispute.order_id, lock=False)

        return order_payload(await perform(info, action))

    @strawberry.mutation(description="Either party signs the contract; both signatures bind it.")
    async def sign_contract(self, info: Info, contract_id: relay.GlobalID) -> ContractPayload:
        return await run_mutation(
            info, contracts.sign_contract, _contract_id(contract_id), payload=_contract_payload
        )

    @strawberry.mutation(description="The purchaser publishes the signed contract (合同公告).")
    async def announce_contract(self, info: Info, contract_id: relay.GlobalID) -> ContractPayload:
        return await run_mutation(
            info, contracts.announce_contract, _contract_id(contract_id), payload=_contract_payload
        )

    @strawberry.mutation(description="The purchaser files the contract (合同备案).")
    async def file_contract(self, info: Info, contract_id: relay.GlobalID) -> ContractPayload:
        return await run_mutation(
            info, contracts.file_contract, _contract_id(contract_id), payload=_contract_payload
        )

    @strawberry.mutation(
        description="Ask to pay an accepted order (无验收不结算). Asking again returns the same "
        "payment; an official-card payment also returns the card form's client secret."
    )
    async def request_payment(
        self, info: Info, input: inputs.RequestPaymentInput
    ) -> PaymentPayload:
        return await _request_payment(info, input)

    @strawberry.mutation(description="Record the treasury's voucher: the order becomes PAID.")
    async def record_treasury_payment(
        self, info: Info, payment_id: relay.GlobalID, voucher_number: str
    ) -> PaymentPayload:
        return await run_mutation(
            info,
            payments.record_treasury_payment,
            NodeId(payment_id, "Payment", "paymentId"),
            voucher_number,
            payload=_payment_payload,
        )

    @strawberry.mutation(description="Supervisors and operators record a credit-blacklist entry.")
    async def add_blacklist_entry(
        self, info: Info, input: inputs.AddBlacklistEntryInput
    ) -> BlacklistEntryPayload:
        draft = credit.BlacklistDraft(
            credit_code=input.credit_code.strip().upper(),
            name=input.name,
            kind=input.kind,
            reason=input.reason,
            authority=input.authority,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
        )

        return await run_mutation(info, credit.add_entry, draft, payload=_blacklist_payload)


async def _cart_change(
    info: Info, change: Callable[..., Awaitable[object]], offer_id: relay.GlobalID, *args: object
) -> CartPayload:
    """Change a cart line and answer with the cart as that same transaction sees it."""

    async def action(session: AsyncSession, actor: Actor) -> Cart:
        offer = NodeId(offer_id, "Offer", "offerId")
        await call_service(change, session, offer, *args, actor=actor, clock=info.context.clock)
        return await cart_of_actor(session, actor)

    outcome = await perform(info, action)
    return CartPayload(cart=outcome.value, errors=outcome.errors)


def _line_id(raw: strawberry.ID) -> int:
    if not str(raw).isdigit():
        raise InvalidInput("订单行 ID 不正确", field="lines")
    return int(raw)


def _placement_digest(request: placement.PlacementRequest) -> dict[str, object]:
    return {
        "plan": request.plan_id,
        "address": request.delivery_address,
        "contact": [request.contact_name, request.contact_phone],
        "note": request.note,
        "offers": list(request.offer_ids) if request.offer_ids is not None else None,
    }


async def _orders_of(info: Info, outcome: Outcome[models.Checkout]) -> list[Order]:
    if outcome.value is None:
        return []
    async with info.context.db.reader() as session:
        rows = await session.scalars(
            select(models.Order)
            .where(models.Order.checkout_id == outcome.value.id)
            .order_by(models.Order.id)
        )
        return [Order.from_model(r) for r in rows]


async def _request_payment(info: Info, input: inputs.RequestPaymentInput) -> PaymentPayload:
    ctx = info.context
    gateway = ctx.payment_gateway
    method = models.PaymentMethod(input.method)

    async def request(session: AsyncSession, actor: Actor) -> models.Payment:
        return await payments.request_payment(
            session,
            decode_id(input.order_id, "Order", field="orderId"),
            method,
            card_enabled=gateway is not None,
            actor=actor,
            clock=ctx.clock,
        )

    outcome = await perform(info, request)
    payment = outcome.value
    if payment is None or method != models.PaymentMethod.OFFICIAL_CARD or gateway is None:
        return _payment_payload(outcome, None)
    if payment.status in (models.PaymentStatus.PAID, models.PaymentStatus.FAILED):
        return _payment_payload(outcome, None)
    # Outside any transaction: Stripe returns the same intent for the same key on a retry.
    try:
        intent = await gateway.create_intent(
            amount_fen=payment.amount_fen,
            idempotency_key=payments.intent_idempotency_key(payment),
            metadata={"paymentId": str(payment.id), "orderId": str(payment.order_id)},
        )
    except OrderError as error:
        return PaymentPayload(
            payment=Payment.from_model(payment),
            client_secret=None,
            errors=UserError.all_from(error),
        )

    async def attach(session: AsyncSession, actor: Actor) -> models.Payment:
        return await payments.attach_intent(session, payment.id, intent, clock=ctx.clock)

    return _payment_payload(await perform(info, attach), intent.client_secret)


def _payment_payload(outcome: Outcome[models.Payment], secret: str | None = None) -> PaymentPayload:
    return PaymentPayload(
        payment=Payment.from_model(outcome.value) if outcome.value else None,
        client_secret=secret if outcome.value else None,
        errors=outcome.errors,
    )


def _blacklist_payload(outcome: Outcome[object]) -> BlacklistEntryPayload:
    entry_id = getattr(outcome.value, "id", None)
    return BlacklistEntryPayload(
        id=relay.GlobalID("BlacklistEntry", str(entry_id)) if entry_id else None,
        errors=outcome.errors,
    )
