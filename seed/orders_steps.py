"""Each step of a story, taken through the ordering domain's own use cases, by the party that
takes it in the mall, on a clock stopped at the moment it happened."""

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from orders import acceptance, cart, contracts, lifecycle, payments, placement
from orders.models import Order, PaymentMethod
from seed.common import seeded
from seed.orders_cast import PLACES, Party
from seed.orders_stories import Action, Course, Goods, Story


@dataclass
class Deal:
    """One story cast, and how far its order has got."""

    story: Story
    buyer: Party
    contact_name: str
    seller: Party
    offer_id: int
    quantity: int
    plan_id: int
    order_id: int = 0
    contract_id: int = 0
    payment_id: int = 0

    def rng(self, purpose: str) -> random.Random:
        return seeded("order", self.story.key, purpose)


_NOTES = {
    Goods.DESKTOP: (
        "办公电脑到达使用年限, 按计划更新",
        "新进人员办公电脑配置",
        "业务科室电脑更换, 旧机交资产科处置",
    ),
    Goods.FOOD: ("机关食堂每周食材补充", "机关食堂食材采购, 请冷链配送"),
}
_CARRIERS = (("京东", "京东物流", "JDV"), ("苏宁", "苏宁物流", "SN"))
_REJECT_REASON = "该型号已停产, 无法按约定交货期供货"
_CANCEL_REASON = "预算调整, 本批采购推迟到下季度"


async def _place(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    buyer = deal.buyer
    await cart.add_to_cart(session, deal.offer_id, deal.quantity, actor=buyer.actor, clock=clock)
    unit = buyer.organisation
    request = placement.PlacementRequest(
        plan_id=deal.plan_id,
        delivery_address=f"{unit.address or unit.name} ({unit.name}{PLACES[deal.story.goods]})",
        contact_name=deal.contact_name,
        contact_phone=unit.contact_phone or "0578-2000000",
        note=deal.rng("note").choice(_NOTES[deal.story.goods]),
        offer_ids=(deal.offer_id,),
    )
    checkout = await placement.place_order(session, request, actor=buyer.actor, clock=clock)
    order_id = await session.scalar(select(Order.id).where(Order.checkout_id == checkout.id))
    assert order_id is not None
    deal.order_id = order_id


async def _confirm(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    reference = f"XS{deal.rng('reference').randrange(10**8):08d}"
    await lifecycle.confirm_order(
        session, deal.order_id, supplier_reference=reference, actor=deal.seller.actor, clock=clock
    )
    contract = await contracts.contract_of(session, deal.order_id)
    assert contract is not None
    deal.contract_id = contract.id


async def _reject(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await lifecycle.reject_order(
        session, deal.order_id, reason=_REJECT_REASON, actor=deal.seller.actor, clock=clock
    )


async def _cancel(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await lifecycle.cancel_order(
        session, deal.order_id, reason=_CANCEL_REASON, actor=deal.buyer.actor, clock=clock
    )


async def _sign_purchaser(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await contracts.sign_contract(session, deal.contract_id, actor=deal.buyer.actor, clock=clock)


async def _sign_supplier(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await contracts.sign_contract(session, deal.contract_id, actor=deal.seller.actor, clock=clock)


async def _ship(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    name = deal.seller.organisation.name
    carrier, prefix = next(((c, p) for k, c, p in _CARRIERS if k in name), ("顺丰速运", "SF"))
    tracking = f"{prefix}{deal.rng('tracking').randrange(10**12):012d}"
    await lifecycle.ship_order(
        session,
        deal.order_id,
        carrier=carrier,
        tracking_number=tracking,
        actor=deal.seller.actor,
        clock=clock,
    )


async def _announce(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await contracts.announce_contract(
        session, deal.contract_id, actor=deal.buyer.actor, clock=clock
    )


async def _file(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await contracts.file_contract(session, deal.contract_id, actor=deal.buyer.actor, clock=clock)


async def _deliver(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    await lifecycle.mark_delivered(session, deal.order_id, actor=deal.seller.actor, clock=clock)


async def _accept(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    lines = await lifecycle.order_lines(session, deal.order_id)
    draft = acceptance.AcceptanceDraft(
        verdicts=tuple(acceptance.LineVerdict(line.id, passed=True) for line in lines),
        ratings=_ratings(deal),
        note=_acceptance_note(deal),
    )
    await acceptance.accept_order(
        session, deal.order_id, draft, actor=deal.buyer.actor, clock=clock
    )


def _ratings(deal: Deal) -> acceptance.Ratings:
    rng = deal.rng("ratings")
    quality, delivery, service = (rng.choice((4, 5, 5)) for _ in range(3))
    if deal.story.course is Course.DELIVERED_LATE:
        delivery = 2
    return acceptance.Ratings(quality=quality, delivery=delivery, service=service)


def _acceptance_note(deal: Deal) -> str:
    if deal.story.course is Course.DELIVERED_LATE:
        return "货物与合同一致, 但晚于约定交货期三天送达"
    return "数量、型号与合同一致, 验收合格"


async def _request_payment(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    payment = await payments.request_payment(
        session,
        deal.order_id,
        PaymentMethod.TREASURY,
        card_enabled=False,
        actor=deal.buyer.actor,
        clock=clock,
    )
    deal.payment_id = payment.id


async def _record_payment(session: AsyncSession, deal: Deal, clock: Clock) -> None:
    voucher = f"GK{clock.now():%Y%m%d}{deal.rng('voucher').randrange(10**5):05d}"
    await payments.record_treasury_payment(
        session, deal.payment_id, voucher, actor=deal.buyer.actor, clock=clock
    )


StepFn = Callable[[AsyncSession, Deal, Clock], Awaitable[None]]

TAKE: dict[Action, StepFn] = {
    Action.PLACE: _place,
    Action.CONFIRM: _confirm,
    Action.REJECT: _reject,
    Action.CANCEL: _cancel,
    Action.SIGN_PURCHASER: _sign_purchaser,
    Action.SIGN_SUPPLIER: _sign_supplier,
    Action.SHIP: _ship,
    Action.ANNOUNCE: _announce,
    Action.FILE: _file,
    Action.DELIVER: _deliver,
    Action.ACCEPT: _accept,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.RECORD_PAYMENT: _record_payment,
}
