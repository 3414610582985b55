"""Loading agreements for a change, with the checks every change shares."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI, Clock
from core.errors import NotFound
from core.principal import Principal, Role
from marketplace.agreements import rules
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import Agreement, AgreementStatus, Entrant

STATUS_NAMES = {
    AgreementStatus.DRAFT: "草稿",
    AgreementStatus.SOLICITING: "征集中",
    AgreementStatus.ACTIVE: "执行中",
    AgreementStatus.EXPIRED: "已到期",
    AgreementStatus.TERMINATED: "已终止",
}


def today(clock: Clock) -> date:
    return clock.now().astimezone(SHANGHAI).date()


def status_now(agreement: Agreement, clock: Clock) -> AgreementStatus:
    return rules.effective_status(agreement.status, agreement.ends_on, today(clock))


async def require_agreement(
    session: AsyncSession, agreement_id: int, *, for_update: bool = False
) -> Agreement:
    agreement = await session.get(Agreement, agreement_id, with_for_update=for_update)
    if agreement is None:
        raise NotFound("框架协议", agreement_id, field="agreementId")
    return agreement


def require_status(agreement: Agreement, clock: Clock, *allowed: AgreementStatus) -> None:
    current = status_now(agreement, clock)
    if current not in allowed:
        wanted = "、".join(STATUS_NAMES[s] for s in allowed)
        raise AgreementError(
            AgreementErrorCode.WRONG_AGREEMENT_STATUS,
            f"协议 {agreement.code} 当前为{STATUS_NAMES[current]}, 此操作仅限{wanted}状态",
        )


def require_operator_of(agreement: Agreement, principal: Principal) -> None:
    principal.require_role(Role.OPERATOR)
    if agreement.operator_id != principal.organisation_id:
        raise AgreementError(
            AgreementErrorCode.NOT_AGREEMENT_OPERATOR, "只有组织该协议的采购中心可以操作"
        )


async def require_entrant(session: AsyncSession, entrant_id: int) -> Entrant:
    entrant = await session.get(Entrant, entrant_id, with_for_update=True)
    if entrant is None:
        raise NotFound("入围申请", entrant_id, field="entrantId")
    return entrant


async def entrant_of(session: AsyncSession, agreement_id: int, supplier_id: int) -> Entrant | None:
    return await session.scalar(
        select(Entrant).where(
            Entrant.agreement_id == agreement_id, Entrant.supplier_id == supplier_id
        )
    )
