"""Entrants (入围供应商): applications, admission, rejection, elimination and leaving.

Closed agreements take and decide applications only while soliciting, and their entrants leave
only with the operator's approval; open agreements take them while soliciting or active, and
their entrants leave at will.
"""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import InvalidInput
from core.events import agreements as events
from core.outbox import record
from core.principal import SELLERS, Actor, Role
from marketplace.agreements.access import (
    entrant_of,
    require_agreement,
    require_entrant,
    require_operator_of,
    status_now,
)
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Entrant,
    EntrantStatus,
)

_ENTRANT_EVENTS: dict[EntrantStatus, type[events.EntrantChanged]] = {
    EntrantStatus.APPLIED: events.SupplierApplied,
    EntrantStatus.ADMITTED: events.SupplierAdmitted,
    EntrantStatus.REJECTED: events.SupplierRejected,
    EntrantStatus.ELIMINATED: events.SupplierRejected,
    EntrantStatus.LEAVE_REQUESTED: events.SupplierLeaveRequested,
    EntrantStatus.LEFT: events.SupplierLeft,
}


def _open_for_entry(agreement: Agreement, clock: Clock) -> bool:
    status = status_now(agreement, clock)
    if agreement.kind is AgreementKind.CLOSED:
        return status is AgreementStatus.SOLICITING
    return status in (AgreementStatus.SOLICITING, AgreementStatus.ACTIVE)


def _require_open_for_entry(agreement: Agreement, clock: Clock) -> None:
    if not _open_for_entry(agreement, clock):
        detail = (
            "封闭式协议仅在征集期内接受入围申请"
            if agreement.kind is AgreementKind.CLOSED
            else "协议未在征集或执行中"
        )
        raise AgreementError(
            AgreementErrorCode.SOLICITATION_CLOSED, f"协议 {agreement.code} 不接受入围: {detail}"
        )


async def apply(session: AsyncSession, agreement_id: int, *, actor: Actor, clock: Clock) -> Entrant:
    principal = actor.require(*SELLERS)
    agreement = await require_agreement(session, agreement_id)
    _require_open_for_entry(agreement, clock)
    entrant = await entrant_of(session, agreement_id, principal.organisation_id)
    if entrant is not None and entrant.status is not EntrantStatus.LEFT:
        raise AgreementError(
            AgreementErrorCode.ALREADY_APPLIED, f"已申请过该协议 (当前状态 {entrant.status.value})"
        )
    if entrant is None:
        entrant = Entrant(agreement_id=agreement_id, supplier_id=principal.organisation_id)
        session.add(entrant)
    entrant.status, entrant.reason, entrant.decided_at = EntrantStatus.APPLIED, None, None
    entrant.applied_at = clock.now()
    return await _changed(session, entrant, actor, clock, "apply")


async def admit(session: AsyncSession, entrant_id: int, *, actor: Actor, clock: Clock) -> Entrant:
    entrant, agreement = await _decidable(session, entrant_id, actor, clock)
    entrant.status = EntrantStatus.ADMITTED
    entrant.rotation_position = await _next_position(session, agreement.id)
    entrant.decided_at = clock.now()
    return await _changed(session, entrant, actor, clock, "admit")


async def reject(
    session: AsyncSession,
    entrant_id: int,
    reason: str,
    *,
    eliminated: bool,
    actor: Actor,
    clock: Clock,
) -> Entrant:
    """`eliminated`: qualified but outcompeted; counts towards a closed agreement's elimination."""
    if not reason.strip():
        raise InvalidInput("不予入围须说明理由", field="reason")
    entrant, _ = await _decidable(session, entrant_id, actor, clock)
    entrant.status = EntrantStatus.ELIMINATED if eliminated else EntrantStatus.REJECTED
    entrant.reason = reason.strip()[:500]
    entrant.decided_at = clock.now()
    return await _changed(session, entrant, actor, clock, "eliminate" if eliminated else "reject")


async def _decidable(
    session: AsyncSession, entrant_id: int, actor: Actor, clock: Clock
) -> tuple[Entrant, Agreement]:
    principal = actor.require(Role.OPERATOR)
    entrant = await require_entrant(session, entrant_id)
    agreement = await require_agreement(session, entrant.agreement_id, for_update=True)
    require_operator_of(agreement, principal)
    _require_open_for_entry(agreement, clock)
    if entrant.status is not EntrantStatus.APPLIED:
        raise AgreementError(
            AgreementErrorCode.WRONG_ENTRANT_STATUS,
            f"该申请已处理 (当前状态 {entrant.status.value})",
        )
    return entrant, agreement


async def _next_position(session: AsyncSession, agreement_id: int) -> int:
    highest = await session.scalar(
        select(func.max(Entrant.rotation_position)).where(Entrant.agreement_id == agreement_id)
    )
    return int(highest or 0) + 1


async def leave(
    session: AsyncSession, agreement_id: int, reason: str, *, actor: Actor, clock: Clock
) -> Entrant:
    """An open agreement's entrant leaves at once; a closed one's request waits for the operator."""
    principal = actor.require(*SELLERS)
    agreement = await require_agreement(session, agreement_id)
    entrant = await entrant_of(session, agreement_id, principal.organisation_id)
    if entrant is None or entrant.status is not EntrantStatus.ADMITTED:
        raise AgreementError(
            AgreementErrorCode.NOT_AN_ENTRANT, f"本单位不是协议 {agreement.code} 的入围供应商"
        )
    entrant.reason = reason.strip()[:500] or None
    if agreement.kind is AgreementKind.OPEN:
        entrant.status = EntrantStatus.LEFT
        return await _changed(session, entrant, actor, clock, "leave")
    if not reason.strip():
        raise AgreementError(
            AgreementErrorCode.CLOSED_LEAVE_NEEDS_APPROVAL,
            "封闭式框架协议的入围供应商不得无故退出: 请说明理由, 经采购中心批准后退出",
            field="reason",
        )
    entrant.status = EntrantStatus.LEAVE_REQUESTED
    return await _changed(session, entrant, actor, clock, "request_leave")


async def approve_leave(
    session: AsyncSession, entrant_id: int, *, actor: Actor, clock: Clock
) -> Entrant:
    principal = actor.require(Role.OPERATOR)
    entrant = await require_entrant(session, entrant_id)
    agreement = await require_agreement(session, entrant.agreement_id)
    require_operator_of(agreement, principal)
    if entrant.status is not EntrantStatus.LEAVE_REQUESTED:
        raise AgreementError(AgreementErrorCode.WRONG_ENTRANT_STATUS, "该供应商未申请退出")
    entrant.status = EntrantStatus.LEFT
    entrant.decided_at = clock.now()
    return await _changed(session, entrant, actor, clock, "approve_leave")


async def _changed(
    session: AsyncSession, entrant: Entrant, actor: Actor, clock: Clock, verb: str
) -> Entrant:
    await session.flush()
    record(
        session,
        _ENTRANT_EVENTS[entrant.status](
            agreement_id=entrant.agreement_id,
            supplier_id=entrant.supplier_id,
            status=entrant.status.value,
        ),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        f"agreement.entrant.{verb}",
        clock=clock,
        target_type="AgreementEntrant",
        target_id=entrant.id,
    )
    return entrant


async def is_admitted(session: AsyncSession, agreement_id: int, supplier_id: int) -> bool:
    entrant = await entrant_of(session, agreement_id, supplier_id)
    return entrant is not None and entrant.status is EntrantStatus.ADMITTED
