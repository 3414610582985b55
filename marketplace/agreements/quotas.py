"""Quotas: the agreement's total, each supplier's share of it, and the per-order limit.

Orders call `reserve` when placed and `release` when cancelled; `reference` (the order's id)
makes both idempotent, so a retried placement never reserves twice.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.events.agreements import QuotaChanged
from core.money import fen_to_yuan
from core.outbox import record
from marketplace.agreements.access import require_agreement
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import Agreement, QuotaUse


@dataclass(frozen=True)
class QuotaStatus:
    total_fen: int | None
    used_fen: int
    supplier_cap_fen: int | None
    supplier_used_fen: int | None
    per_order_limit_fen: int | None

    @property
    def remaining_fen(self) -> int | None:
        return None if self.total_fen is None else max(0, self.total_fen - self.used_fen)

    @property
    def supplier_remaining_fen(self) -> int | None:
        if self.supplier_cap_fen is None or self.supplier_used_fen is None:
            return None
        return max(0, self.supplier_cap_fen - self.supplier_used_fen)


def supplier_cap(agreement: Agreement) -> int | None:
    if agreement.supplier_share_bp is None or agreement.total_quota_fen is None:
        return None
    return agreement.total_quota_fen * agreement.supplier_share_bp // 10_000


async def _used(session: AsyncSession, agreement_id: int, supplier_id: int | None = None) -> int:
    query = select(func.coalesce(func.sum(QuotaUse.amount_fen), 0)).where(
        QuotaUse.agreement_id == agreement_id, QuotaUse.released_at.is_(None)
    )
    if supplier_id is not None:
        query = query.where(QuotaUse.supplier_id == supplier_id)
    return int(await session.scalar(query) or 0)


async def used_by_agreement(session: AsyncSession, agreement_ids: list[int]) -> dict[int, int]:
    """Quota in use per agreement, for many agreements in one query."""
    rows = await session.execute(
        select(QuotaUse.agreement_id, func.sum(QuotaUse.amount_fen))
        .where(QuotaUse.agreement_id.in_(agreement_ids), QuotaUse.released_at.is_(None))
        .group_by(QuotaUse.agreement_id)
    )
    used = {i: 0 for i in agreement_ids}
    used.update({agreement_id: int(total) for agreement_id, total in rows})
    return used


def _capped(agreement: Agreement) -> bool:
    return agreement.total_quota_fen is not None or agreement.supplier_share_bp is not None


async def lock_for_reservation(session: AsyncSession, agreement_ids: list[int]) -> None:
    """Lock the quota-capped ones among these agreements, in id order (so two placements never
    wait on each other crosswise). FOR NO KEY UPDATE: new orders' foreign-key locks on the
    agreement do not conflict with it, so inserting an order never deadlocks with a reservation."""
    rows = await session.scalars(select(Agreement).where(Agreement.id.in_(agreement_ids)))
    capped = [a.id for a in rows if _capped(a)]
    if capped:
        await session.execute(
            select(Agreement.id)
            .where(Agreement.id.in_(capped))
            .order_by(Agreement.id)
            .with_for_update(key_share=True)
        )


def status_of(agreement: Agreement, used_fen: int) -> QuotaStatus:
    return QuotaStatus(
        total_fen=agreement.total_quota_fen,
        used_fen=used_fen,
        supplier_cap_fen=None,
        supplier_used_fen=None,
        per_order_limit_fen=agreement.per_order_limit_fen,
    )


async def quota_status(
    session: AsyncSession, agreement: Agreement, supplier_id: int | None = None
) -> QuotaStatus:
    return QuotaStatus(
        total_fen=agreement.total_quota_fen,
        used_fen=await _used(session, agreement.id),
        supplier_cap_fen=supplier_cap(agreement) if supplier_id is not None else None,
        supplier_used_fen=await _used(session, agreement.id, supplier_id)
        if supplier_id is not None
        else None,
        per_order_limit_fen=agreement.per_order_limit_fen,
    )


async def reserve(
    session: AsyncSession,
    agreement_id: int,
    supplier_id: int,
    amount_fen: int,
    reference: str,
    *,
    clock: Clock,
) -> QuotaUse:
    """Reserve quota for one order. When the agreement caps quota its row is locked, so
    concurrent orders queue; without a cap there is nothing to race for and nothing is locked."""
    agreement = await require_agreement(session, agreement_id)
    if _capped(agreement):
        await session.refresh(agreement, with_for_update={"key_share": True})
    existing = await session.scalar(
        select(QuotaUse).where(
            QuotaUse.agreement_id == agreement_id, QuotaUse.reference == reference
        )
    )
    if existing is not None:
        if (existing.supplier_id, existing.amount_fen) != (supplier_id, amount_fen):
            raise AgreementError(
                AgreementErrorCode.QUOTA_REFERENCE_REUSED,
                f"额度占用编号 {reference} 已用于另一笔金额",
            )
        return existing
    status = await quota_status(session, agreement, supplier_id)
    _check(agreement, status, amount_fen)
    use = QuotaUse(
        agreement_id=agreement_id,
        supplier_id=supplier_id,
        reference=reference,
        amount_fen=amount_fen,
        reserved_at=clock.now(),
        released_at=None,
    )
    session.add(use)
    await session.flush()
    record(
        session,
        QuotaChanged(
            agreement_id=agreement_id,
            supplier_id=supplier_id,
            reference=reference,
            amount_fen=amount_fen,
            released=False,
        ),
        clock=clock,
    )
    return use


def _check(agreement: Agreement, status: QuotaStatus, amount_fen: int) -> None:
    if status.per_order_limit_fen is not None and amount_fen > status.per_order_limit_fen:
        raise AgreementError(
            AgreementErrorCode.OVER_ORDER_LIMIT,
            f"订单金额 {fen_to_yuan(amount_fen)} 元超过协议 {agreement.code} 的单笔限额"
            f" {fen_to_yuan(status.per_order_limit_fen)} 元",
        )
    if status.remaining_fen is not None and amount_fen > status.remaining_fen:
        raise AgreementError(
            AgreementErrorCode.QUOTA_EXHAUSTED,
            f"协议 {agreement.code} 剩余额度 {fen_to_yuan(status.remaining_fen)} 元,"
            f" 不足 {fen_to_yuan(amount_fen)} 元",
        )
    remaining_share = status.supplier_remaining_fen
    if remaining_share is not None and amount_fen > remaining_share:
        raise AgreementError(
            AgreementErrorCode.SUPPLIER_SHARE_EXHAUSTED,
            f"该供应商在协议 {agreement.code} 下的剩余份额 {fen_to_yuan(remaining_share)} 元,"
            f" 不足 {fen_to_yuan(amount_fen)} 元",
        )


async def release(
    session: AsyncSession, agreement_id: int, reference: str, *, clock: Clock
) -> QuotaUse | None:
    """Give back an order's quota; releasing twice, or what was never reserved, changes nothing."""
    await require_agreement(session, agreement_id, for_update=True)
    use = await session.scalar(
        select(QuotaUse).where(
            QuotaUse.agreement_id == agreement_id, QuotaUse.reference == reference
        )
    )
    if use is None or use.released_at is not None:
        return use
    use.released_at = clock.now()
    record(
        session,
        QuotaChanged(
            agreement_id=agreement_id,
            supplier_id=use.supplier_id,
            reference=reference,
            amount_fen=use.amount_fen,
            released=True,
        ),
        clock=clock,
    )
    return use
