"""Product upgrades (产品升级): an entrant replaces a quoted model with a newer one that is no
worse in any spec and no dearer; the operator approves it, and the new model gets the quote."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import InvalidInput, NotFound
from core.events.agreements import UpgradeDecided, UpgradeProposed
from core.money import fen_to_yuan, parse_fen
from core.outbox import record
from core.principal import SELLERS, Actor, Role
from marketplace.agreements import rules
from marketplace.agreements.access import (
    require_agreement,
    require_operator_of,
    require_status,
)
from marketplace.agreements.entrants import is_admitted
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import AgreementStatus, Quote, Upgrade, UpgradeStatus
from marketplace.agreements.quotes import store_quote
from marketplace.models import Product


async def propose_upgrade(
    session: AsyncSession,
    agreement_id: int,
    old_product_id: int,
    new_product_id: int,
    price: Decimal,
    *,
    actor: Actor,
    clock: Clock,
) -> Upgrade:
    principal = actor.require(*SELLERS)
    agreement = await require_agreement(session, agreement_id)
    require_status(agreement, clock, AgreementStatus.ACTIVE)
    if not await is_admitted(session, agreement_id, principal.organisation_id):
        raise AgreementError(
            AgreementErrorCode.NOT_AN_ENTRANT, f"本单位不是协议 {agreement.code} 的入围供应商"
        )
    old_quote = await _quote(session, agreement_id, principal.organisation_id, old_product_id)
    old, new = (
        await _product(session, old_product_id, "oldProductId"),
        await _product(session, new_product_id, "newProductId"),
    )
    price_fen = parse_fen(price, field="price")
    _check(old, new, old_quote.price_fen, price_fen)
    upgrade = Upgrade(
        agreement_id=agreement_id,
        supplier_id=principal.organisation_id,
        old_product_id=old.id,
        new_product_id=new.id,
        price_fen=price_fen,
        status=UpgradeStatus.PENDING,
        proposed_at=clock.now(),
    )
    session.add(upgrade)
    await session.flush()
    record(session, UpgradeProposed(agreement_id=agreement_id, upgrade_id=upgrade.id), clock=clock)
    write_audit(
        session,
        actor,
        "agreement.upgrade.propose",
        clock=clock,
        target_type="AgreementUpgrade",
        target_id=upgrade.id,
    )
    return upgrade


def _check(old: Product, new: Product, old_price_fen: int, new_price_fen: int) -> None:
    if new.id == old.id or new.category_id != old.category_id:
        raise AgreementError(
            AgreementErrorCode.UPGRADE_NOT_COMPARABLE,
            "升级产品须为同一品目下的另一型号",
            field="newProductId",
        )
    worse = rules.worse_specs(old.specs, new.specs)
    if worse:
        raise AgreementError(
            AgreementErrorCode.UPGRADE_WORSE_SPEC,
            f"升级产品的配置不得低于原产品: {'、'.join(worse)}",
            field="newProductId",
        )
    if new_price_fen > old_price_fen:
        raise AgreementError(
            AgreementErrorCode.UPGRADE_DEARER,
            f"升级产品价格 {fen_to_yuan(new_price_fen)} 元不得高于原协议价"
            f" {fen_to_yuan(old_price_fen)} 元",
            field="price",
        )


async def _quote(
    session: AsyncSession, agreement_id: int, supplier_id: int, product_id: int
) -> Quote:
    quote = await session.scalar(
        select(Quote).where(
            Quote.agreement_id == agreement_id,
            Quote.supplier_id == supplier_id,
            Quote.product_id == product_id,
        )
    )
    if quote is None:
        raise AgreementError(
            AgreementErrorCode.UPGRADE_NOT_COMPARABLE,
            "只能升级本单位已报价的产品",
            field="oldProductId",
        )
    return quote


async def _product(session: AsyncSession, product_id: int, field: str) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound("商品", product_id, field=field)
    return product


async def decide_upgrade(
    session: AsyncSession,
    upgrade_id: int,
    approve: bool,
    reason: str,
    *,
    actor: Actor,
    clock: Clock,
) -> Upgrade:
    """Approving gives the new model the proposed price as its quote; the old quote stays."""
    principal = actor.require(Role.OPERATOR)
    upgrade = await session.get(Upgrade, upgrade_id, with_for_update=True)
    if upgrade is None:
        raise NotFound("产品升级申请", upgrade_id, field="upgradeId")
    agreement = await require_agreement(session, upgrade.agreement_id)
    require_operator_of(agreement, principal)
    if upgrade.status is not UpgradeStatus.PENDING:
        raise AgreementError(AgreementErrorCode.WRONG_ENTRANT_STATUS, "该升级申请已处理")
    if not approve and not reason.strip():
        raise InvalidInput("驳回须说明理由", field="reason")
    upgrade.status = UpgradeStatus.APPROVED if approve else UpgradeStatus.REJECTED
    upgrade.reason, upgrade.decided_at = reason.strip()[:500] or None, clock.now()
    if approve:
        await store_quote(
            session,
            upgrade.agreement_id,
            upgrade.supplier_id,
            upgrade.new_product_id,
            upgrade.price_fen,
            actor=actor,
            clock=clock,
        )
    record(
        session,
        UpgradeDecided(
            agreement_id=upgrade.agreement_id, upgrade_id=upgrade.id, status=upgrade.status.value
        ),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        "agreement.upgrade.decide",
        clock=clock,
        target_type="AgreementUpgrade",
        target_id=upgrade.id,
    )
    return upgrade
