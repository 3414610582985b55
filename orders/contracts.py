"""Contracts (合同): drafted from the confirmed order, signed by both sides, announced and filed.

The text is frozen into the contract row when it is drafted, so a later change to a party's
name or an offer never rewrites what was signed. Signing starts the law's clocks: announcement
within 2 working days (实施条例 Art. 50), filing within 7 (政府采购法 Art. 47).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from core.errors import NotFound
from core.events.orders import ContractAnnounced, ContractFiled, ContractGenerated, ContractSigned
from core.holidays_cn import default_calendar
from core.principal import Actor, Principal, Role
from identity.models import Organisation
from marketplace.agreements.models import Agreement
from marketplace.comparison import policy_tags
from marketplace.policy import policy_for
from orders import rules
from orders.contract_document import ContractDocument, ContractLine, ContractParty
from orders.errors import OrderError, OrderErrorCode
from orders.models import Contract, ContractStatus, Order, OrderLine
from orders.timeline import announce, move

ANNOUNCE_WITHIN_WORKING_DAYS = 2
FILE_WITHIN_WORKING_DAYS = 7


async def contract_of(session: AsyncSession, order_id: int) -> Contract | None:
    return await session.scalar(select(Contract).where(Contract.order_id == order_id))


async def require_contract(session: AsyncSession, contract_id: int) -> Contract:
    contract = await session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("合同", contract_id, field="contractId")
    return contract


def is_sme(supplier: Organisation) -> bool:
    return "SME" in policy_tags(supplier)


async def draft_contract(session: AsyncSession, order: Order, *, clock: Clock) -> Contract:
    purchaser = await session.get(Organisation, order.purchaser_id)
    supplier = await session.get(Organisation, order.supplier_id)
    agreement = await session.get(Agreement, order.agreement_id)
    assert purchaser is not None
    assert supplier is not None
    assert agreement is not None
    lines = (
        await session.scalars(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
        )
    ).all()
    policy = await policy_for(session, order.region_code)
    number = "HT" + order.number.removeprefix("YW")
    document = {
        "number": number,
        "title": f"{purchaser.name}网上直购合同",
        "orderNumber": order.number,
        "agreementCode": agreement.code,
        "agreementTitle": agreement.title,
        "purchaser": _party(purchaser, order.contact_name, order.contact_phone),
        "supplier": _party(supplier, None, supplier.contact_phone),
        "lines": [_line(line) for line in lines],
        "totalFen": order.total_fen,
        "deliveryTerms": (
            f"供应商于 {order.deliver_due_on} 前将全部货物送至 {order.delivery_address},"
            f" 收货人 {order.contact_name} {order.contact_phone}。"
            "运输、装卸及安装费用已含在单价内。"
        ),
        "acceptanceTerms": (
            f"货物送达后, 采购人于 {policy.accept_within_days} 个工作日内组织履约验收,"
            " 逐项记录验收结果; 验收不合格的, 供应商应在约定期限内更换或退货。"
        ),
        "paymentTerms": _payment_terms(supplier, policy.sme_payment_days),
        "generatedAt": clock.now().isoformat(),
    }
    contract = Contract(
        order_id=order.id,
        number=number,
        status=ContractStatus.AWAITING_SIGNATURES,
        amount_fen=order.total_fen,
        document=document,
        created_at=clock.now(),
    )
    session.add(contract)
    await session.flush()
    announce(session, ContractGenerated.of(contract), clock=clock)
    return contract


def _party(org: Organisation, contact: str | None, phone: str | None) -> dict[str, Any]:
    return {
        "name": org.name,
        "creditCode": org.credit_code or "",
        "address": org.address,
        "contactName": contact,
        "contactPhone": phone,
    }


def _line(line: OrderLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "brand": line.brand,
        "model": line.model,
        "unit": line.unit,
        "quantity": line.quantity,
        "unitPriceFen": line.unit_price_fen,
        "amountFen": line.amount_fen,
    }


def _payment_terms(supplier: Organisation, sme_days: int) -> str:
    base = "验收合格后, 采购人凭验收单以国库集中支付或公务卡支付验收合格部分的价款"
    if is_sme(supplier):
        return (
            f"{base}, 自验收合格之日起 {sme_days} 日内付清 (保障中小企业款项支付条例);"
            " 逾期按每日万分之五支付逾期利息。"
        )
    return f"{base}。"


async def sign_contract(
    session: AsyncSession, contract_id: int, *, actor: Actor, clock: Clock
) -> Contract:
    """Each side signs once; the second signature makes the contract binding."""
    principal = actor.require()
    contract = await require_contract(session, contract_id)
    order = await session.get(Order, contract.order_id, with_for_update=True)
    assert order is not None
    rules.require_transition(principal, order, "sign_contract")
    side = rules.side_of(principal, order)
    if contract.status != ContractStatus.AWAITING_SIGNATURES:
        raise OrderError(OrderErrorCode.ALREADY_SIGNED, f"合同 {contract.number} 已不待签")
    now = clock.now()
    signer = "purchaser" if side == rules.Side.PURCHASER else "supplier"
    _sign(contract, signer, principal, now)
    move(session, order, order.state, f"sign_contract_{signer}", principal, clock=clock)
    if contract.purchaser_signed_at and contract.supplier_signed_at:
        _bind(contract, local_today(clock))
        announce(
            session,
            ContractSigned.of(
                contract,
                signed_on=str(contract.signed_on),
                announce_due_on=str(contract.announce_due_on),
                filing_due_on=str(contract.filing_due_on),
            ),
            clock=clock,
        )
    return contract


def _sign(contract: Contract, side: str, principal: Principal, now: datetime) -> None:
    if getattr(contract, f"{side}_signed_at") is not None:
        raise OrderError(OrderErrorCode.ALREADY_SIGNED, "本方已签订该合同")
    setattr(contract, f"{side}_signed_at", now)
    setattr(contract, f"{side}_signed_by", principal.user_id)


def _bind(contract: Contract, today: date) -> None:
    calendar = default_calendar()
    contract.status = ContractStatus.SIGNED
    contract.signed_on = today
    contract.announce_due_on = calendar.add_working_days(today, ANNOUNCE_WITHIN_WORKING_DAYS)
    contract.filing_due_on = calendar.add_working_days(today, FILE_WITHIN_WORKING_DAYS)


async def _signed_for_purchaser(
    session: AsyncSession, contract_id: int, actor: Actor
) -> tuple[Contract, Principal]:
    principal = actor.require(Role.PURCHASER)
    contract = await require_contract(session, contract_id)
    order = await session.get(Order, contract.order_id)
    assert order is not None
    rules.require_side(principal, order, rules.Side.PURCHASER)
    if contract.status != ContractStatus.SIGNED:
        raise OrderError(OrderErrorCode.CONTRACT_NOT_SIGNED, f"合同 {contract.number} 尚未签订")
    return contract, principal


async def announce_contract(
    session: AsyncSession, contract_id: int, *, actor: Actor, clock: Clock
) -> Contract:
    """The purchaser publishes the contract notice (合同公告)."""
    contract, _ = await _signed_for_purchaser(session, contract_id, actor)
    if contract.announced_at is None:
        contract.announced_at = clock.now()
        announce(session, ContractAnnounced.of(contract), clock=clock)
    return contract


async def file_contract(
    session: AsyncSession, contract_id: int, *, actor: Actor, clock: Clock
) -> Contract:
    """The purchaser files the contract with the finance department (合同备案)."""
    contract, _ = await _signed_for_purchaser(session, contract_id, actor)
    if contract.filed_at is None:
        contract.filed_at = clock.now()
        announce(session, ContractFiled.of(contract), clock=clock)
    return contract


async def terminate(session: AsyncSession, order_id: int) -> None:
    contract = await contract_of(session, order_id)
    if contract is not None:
        contract.status = ContractStatus.TERMINATED


def document_of(contract: Contract) -> ContractDocument:
    """The frozen text plus the signing record, ready to print."""
    doc = contract.document
    return ContractDocument(
        number=doc["number"],
        title=doc["title"],
        order_number=doc["orderNumber"],
        agreement_code=doc["agreementCode"],
        agreement_title=doc["agreementTitle"],
        purchaser=_party_of(doc["purchaser"]),
        supplier=_party_of(doc["supplier"]),
        lines=tuple(
            ContractLine(
                name=line["name"],
                brand=line["brand"],
                model=line["model"],
                unit=line["unit"],
                quantity=line["quantity"],
                unit_price_fen=line["unitPriceFen"],
                amount_fen=line["amountFen"],
            )
            for line in doc["lines"]
        ),
        total_fen=doc["totalFen"],
        delivery_terms=doc["deliveryTerms"],
        acceptance_terms=doc["acceptanceTerms"],
        payment_terms=doc["paymentTerms"],
        generated_at=datetime.fromisoformat(doc["generatedAt"]),
        signed_on=contract.signed_on,
        purchaser_signed_at=contract.purchaser_signed_at,
        supplier_signed_at=contract.supplier_signed_at,
    )


def _party_of(raw: dict[str, Any]) -> ContractParty:
    return ContractParty(
        name=raw["name"],
        credit_code=raw["creditCode"],
        address=raw.get("address"),
        contact_name=raw.get("contactName"),
        contact_phone=raw.get("contactPhone"),
    )
