"""顺序轮候: each admitted entrant gets one award per cycle, in admission order."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.agreements.access import require_agreement
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import Entrant, EntrantStatus


async def _positions(session: AsyncSession, agreement_id: int) -> list[tuple[int, int]]:
    rows = await session.execute(
        select(Entrant.rotation_position, Entrant.supplier_id)
        .where(Entrant.agreement_id == agreement_id, Entrant.status == EntrantStatus.ADMITTED)
        .order_by(Entrant.rotation_position)
    )
    return [(int(p), s) for p, s in rows if p is not None]


async def whose_turn(session: AsyncSession, agreement_id: int) -> int:
    """The supplier whose turn it is; entrants who left are skipped, the cycle wraps."""
    agreement = await require_agreement(session, agreement_id)
    positions = await _positions(session, agreement_id)
    if not positions:
        raise AgreementError(
            AgreementErrorCode.NO_ENTRANTS, f"协议 {agreement.code} 没有可轮候的入围供应商"
        )
    upcoming = [s for p, s in positions if p >= agreement.rotation_next_position]
    return upcoming[0] if upcoming else positions[0][1]


async def advance(session: AsyncSession, agreement_id: int) -> int:
    """Record an award to the supplier whose turn it was; returns that supplier."""
    agreement = await require_agreement(session, agreement_id, for_update=True)
    positions = await _positions(session, agreement_id)
    supplier_id = await whose_turn(session, agreement_id)
    position = next(p for p, s in positions if s == supplier_id)
    agreement.rotation_next_position = position + 1
    return supplier_id
