"""Agreement lifecycle: DRAFT → SOLICITING → ACTIVE → EXPIRED / TERMINATED, with its ceilings."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import InvalidInput, NotFound
from core.events import agreements as events
from core.events.agreements import (
    AgreementCreated,
    CeilingSet,
)
from core.money import parse_fen, parse_optional_fen
from core.outbox import record
from core.principal import Actor, Principal, Role
from identity import regions
from identity.service import require_region
from marketplace.agreements import rules
from marketplace.agreements.access import (
    require_agreement,
    require_operator_of,
    require_status,
    today,
)
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import (
    Agreement,
    AgreementCategory,
    AgreementKind,
    AgreementStatus,
    Ceiling,
    Entrant,
    EntrantStatus,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.catalogue import require_category_by_code
from marketplace.models import Category, Product
from marketplace.policy import policy_for


@dataclass(frozen=True)
class AgreementDraft:
    code: str
    title: str
    kind: AgreementKind
    scope: ProcurementScope
    region_code: str
    category_codes: list[str]
    starts_on: date
    ends_on: date
    selection_method: SelectionMethod
    second_competition_above: Decimal | None = None
    total_quota: Decimal | None = None
    supplier_share_percent: Decimal | None = None
    per_order_limit: Decimal | None = None


@dataclass(frozen=True)
class CeilingDraft:
    price: Decimal
    product_id: int | None = None
    category_code: str | None = None
    spec_constraints: list[rules.SpecConstraint] = field(default_factory=list)


async def create_agreement(
    session: AsyncSession, draft: AgreementDraft, *, actor: Actor, clock: Clock
) -> Agreement:
    principal = actor.require(Role.OPERATOR)
    code = draft.code.strip().upper()
    if not code or await session.scalar(select(Agreement.id).where(Agreement.code == code)):
        raise AgreementError(
            AgreementErrorCode.DUPLICATE_AGREEMENT_CODE,
            f"协议编号已存在或为空: {code}",
            field="code",
        )
    now = clock.now()
    agreement = Agreement(
        code=code,
        status=AgreementStatus.DRAFT,
        operator_id=principal.organisation_id,
        rotation_next_position=1,
        created_at=now,
        updated_at=now,
    )
    await _apply_draft(session, agreement, draft, principal)
    session.add(agreement)
    await session.flush()
    await _replace_categories(session, agreement.id, draft.category_codes)
    record(session, AgreementCreated(agreement_id=agreement.id, code=code), clock=clock)
    write_audit(
        session,
        actor,
        "agreement.create",
        clock=clock,
        target_type="Agreement",
        target_id=agreement.id,
    )
    return agreement


async def update_agreement(
    session: AsyncSession, agreement_id: int, draft: AgreementDraft, *, actor: Actor, clock: Clock
) -> Agreement:
    """Everything but the code may change while the agreement is a draft, and nothing after."""
    principal = actor.require(Role.OPERATOR)
    agreement = await require_agreement(session, agreement_id, for_update=True)
    require_operator_of(agreement, principal)
    require_status(agreement, clock, AgreementStatus.DRAFT)
    await _apply_draft(session, agreement, draft, principal)
    agreement.updated_at = clock.now()
    await _replace_categories(session, agreement.id, draft.category_codes)
    write_audit(
        session,
        actor,
        "agreement.update",
        clock=clock,
        target_type="Agreement",
        target_id=agreement.id,
    )
    return agreement


async def _apply_draft(
    session: AsyncSession, agreement: Agreement, draft: AgreementDraft, principal: Principal
) -> None:
    title = draft.title.strip()
    if not title or len(title) > 128:
        raise InvalidInput("协议名称不能为空, 且不超过 128 字", field="title")
    await require_region(session, draft.region_code)
    if not regions.in_subtree(draft.region_code, principal.region_code):
        raise AgreementError(
            AgreementErrorCode.NOT_AGREEMENT_OPERATOR,
            "协议区域须在本采购中心的辖区内",
            field="regionCode",
        )
    rules.check_term(
        draft.scope, draft.starts_on, draft.ends_on, await policy_for(session, draft.region_code)
    )
    agreement.title = title
    agreement.kind = draft.kind
    agreement.scope = draft.scope
    agreement.region_code = draft.region_code
    agreement.starts_on, agreement.ends_on = draft.starts_on, draft.ends_on
    agreement.selection_method = draft.selection_method
    _apply_quota(agreement, draft)


def _apply_quota(agreement: Agreement, draft: AgreementDraft) -> None:
    if (
        draft.second_competition_above is not None
        and draft.selection_method is not SelectionMethod.DIRECT_SELECTION
    ):
        raise AgreementError(
            AgreementErrorCode.INVALID_QUOTA,
            "二次竞价门槛仅适用于直接选定方式",
            field="secondCompetitionAbove",
        )
    agreement.second_competition_above_fen = parse_optional_fen(
        draft.second_competition_above, field="secondCompetitionAbove"
    )
    agreement.total_quota_fen = parse_optional_fen(draft.total_quota, field="totalQuota")
    agreement.per_order_limit_fen = parse_optional_fen(draft.per_order_limit, field="perOrderLimit")
    agreement.supplier_share_bp = _basis_points(draft.supplier_share_percent)
    if agreement.supplier_share_bp is not None and agreement.total_quota_fen is None:
        raise AgreementError(
            AgreementErrorCode.INVALID_QUOTA,
            "设置单家供应商份额上限前须先设置协议总额度",
            field="supplierSharePercent",
        )


def _basis_points(percent: Decimal | None) -> int | None:
    if percent is None:
        return None
    if not (Decimal(0) < percent <= Decimal(100)) or percent != percent.quantize(Decimal("0.01")):
        raise AgreementError(
            AgreementErrorCode.INVALID_QUOTA,
            "份额上限应为 0 到 100 之间的百分比, 最多两位小数",
            field="supplierSharePercent",
        )
    return int(percent * 100)


async def _replace_categories(session: AsyncSession, agreement_id: int, codes: list[str]) -> None:
    if not codes:
        raise InvalidInput("协议至少覆盖一个品目", field="categoryCodes")
    categories = [
        await require_category_by_code(session, c.strip().upper(), field="categoryCodes")
        for c in codes
    ]
    session.info.get(_COVERED, {}).pop(agreement_id, None)
    await session.execute(
        delete(AgreementCategory).where(AgreementCategory.agreement_id == agreement_id)
    )
    for category_id in {c.id for c in categories}:
        session.add(AgreementCategory(agreement_id=agreement_id, category_id=category_id))
    await session.flush()


_COVERED = "yiwang.agreement_categories"


async def covered_category_codes(session: AsyncSession, agreement_id: int) -> list[str]:
    """Remembered for the unit of work: a bulk import checks the same agreement per row."""
    memo: dict[int, list[str]] = session.info.setdefault(_COVERED, {})
    if agreement_id not in memo:
        query = (
            select(Category.code)
            .join(AgreementCategory, AgreementCategory.category_id == Category.id)
            .where(AgreementCategory.agreement_id == agreement_id)
            .order_by(Category.code)
        )
        memo[agreement_id] = list((await session.scalars(query)).all())
    return memo[agreement_id]


async def require_covered(
    session: AsyncSession, agreement: Agreement, category_code: str, *, field: str
) -> None:
    covered = await covered_category_codes(session, agreement.id)
    if not any(category_code.startswith(c) for c in covered):
        raise AgreementError(
            AgreementErrorCode.CATEGORY_NOT_COVERED,
            f"品目 {category_code} 不在协议 {agreement.code} 的采购范围 ({'、'.join(covered)}) 内",
            field=field,
        )


async def set_ceiling(
    session: AsyncSession, agreement_id: int, draft: CeilingDraft, *, actor: Actor, clock: Clock
) -> Ceiling:
    """Ceilings are published with the solicitation: they are set while the agreement is a draft."""
    principal = actor.require(Role.OPERATOR)
    agreement = await require_agreement(session, agreement_id, for_update=True)
    require_operator_of(agreement, principal)
    require_status(agreement, clock, AgreementStatus.DRAFT)
    ceiling_fen = parse_fen(draft.price, field="price")
    product_id, category_id = await _ceiling_target(session, agreement, draft)
    ceiling = await _existing_product_ceiling(session, agreement_id, product_id)
    if ceiling is None:
        ceiling = Ceiling(
            agreement_id=agreement_id,
            product_id=product_id,
            category_id=category_id,
            created_at=clock.now(),
        )
        session.add(ceiling)
    ceiling.ceiling_fen = ceiling_fen
    ceiling.spec_constraints = (
        rules.validate_constraints(draft.spec_constraints) if category_id else []
    )
    await session.flush()
    record(
        session,
        CeilingSet(agreement_id=agreement_id, ceiling_id=ceiling.id, ceiling_fen=ceiling_fen),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        "agreement.set_ceiling",
        clock=clock,
        target_type="Agreement",
        target_id=agreement_id,
        details={"ceiling_id": ceiling.id, "ceiling_fen": ceiling_fen},
    )
    return ceiling


async def _ceiling_target(
    session: AsyncSession, agreement: Agreement, draft: CeilingDraft
) -> tuple[int | None, int | None]:
    if (draft.product_id is None) == (draft.category_code is None):
        raise InvalidInput("最高限制单价须指定商品或品目之一", field="productId")
    if draft.product_id is not None:
        product = await session.get(Product, draft.product_id)
        if product is None:
            raise NotFound("商品", draft.product_id, field="productId")
        category = await session.get(Category, product.category_id)
        assert category is not None
        await require_covered(session, agreement, category.code, field="productId")
        return product.id, None
    assert draft.category_code is not None
    category = await require_category_by_code(session, draft.category_code.strip().upper())
    await require_covered(session, agreement, category.code, field="categoryCode")
    return None, category.id


async def _existing_product_ceiling(
    session: AsyncSession, agreement_id: int, product_id: int | None
) -> Ceiling | None:
    if product_id is None:
        return None
    return await session.scalar(
        select(Ceiling).where(
            Ceiling.agreement_id == agreement_id, Ceiling.product_id == product_id
        )
    )


async def open_solicitation(
    session: AsyncSession, agreement_id: int, *, actor: Actor, clock: Clock
) -> Agreement:
    agreement = await _operated(session, agreement_id, actor, clock, AgreementStatus.DRAFT)
    ceilings = await session.scalar(
        select(func.count()).select_from(Ceiling).where(Ceiling.agreement_id == agreement_id)
    )
    if not ceilings:
        raise AgreementError(AgreementErrorCode.AGREEMENT_INCOMPLETE, "征集前须公布最高限制单价")
    if agreement.ends_on < today(clock):
        raise AgreementError(
            AgreementErrorCode.INVALID_TERM, "协议期限已过, 无法开始征集", field="endsOn"
        )
    return _move(session, agreement, AgreementStatus.SOLICITING, actor, clock)


async def activate(
    session: AsyncSession, agreement_id: int, *, actor: Actor, clock: Clock
) -> Agreement:
    agreement = await _operated(session, agreement_id, actor, clock, AgreementStatus.SOLICITING)
    counts = await _entrant_counts(session, agreement_id)
    if counts.get(EntrantStatus.APPLIED):
        raise AgreementError(
            AgreementErrorCode.APPLICATIONS_PENDING,
            f"尚有 {counts[EntrantStatus.APPLIED]} 份入围申请未处理",
        )
    admitted = counts.get(EntrantStatus.ADMITTED, 0)
    if not admitted:
        raise AgreementError(AgreementErrorCode.NO_ENTRANTS, "协议没有入围供应商, 无法生效")
    if agreement.kind is AgreementKind.CLOSED:
        eliminated = counts.get(EntrantStatus.ELIMINATED, 0)
        policy = await policy_for(session, agreement.region_code)
        rules.check_elimination(admitted + eliminated, eliminated, policy.closed_min_elimination_bp)
    return _move(session, agreement, AgreementStatus.ACTIVE, actor, clock)


async def terminate(
    session: AsyncSession, agreement_id: int, reason: str, *, actor: Actor, clock: Clock
) -> Agreement:
    if not reason.strip():
        raise InvalidInput("终止协议须说明理由", field="reason")
    agreement = await _operated(
        session, agreement_id, actor, clock, AgreementStatus.SOLICITING, AgreementStatus.ACTIVE
    )
    agreement.termination_reason = reason.strip()[:500]
    return _move(session, agreement, AgreementStatus.TERMINATED, actor, clock)


async def expire_due(session: AsyncSession, *, clock: Clock) -> list[int]:
    """Mark active agreements past their term as EXPIRED (rules already treat them so)."""
    due = (
        await session.scalars(
            select(Agreement).where(
                Agreement.status == AgreementStatus.ACTIVE, Agreement.ends_on < today(clock)
            )
        )
    ).all()
    system = Actor(principal=None)
    return [_move(session, a, AgreementStatus.EXPIRED, system, clock).id for a in due]


async def _operated(
    session: AsyncSession, agreement_id: int, actor: Actor, clock: Clock, *allowed: AgreementStatus
) -> Agreement:
    principal = actor.require(Role.OPERATOR)
    agreement = await require_agreement(session, agreement_id, for_update=True)
    require_operator_of(agreement, principal)
    require_status(agreement, clock, *allowed)
    return agreement


_STATUS_EVENTS: dict[AgreementStatus, type[events.AgreementStatusChanged]] = {
    AgreementStatus.SOLICITING: events.SolicitationOpened,
    AgreementStatus.ACTIVE: events.AgreementActivated,
    AgreementStatus.EXPIRED: events.AgreementExpired,
    AgreementStatus.TERMINATED: events.AgreementTerminated,
}


def _move(
    session: AsyncSession, agreement: Agreement, to: AgreementStatus, actor: Actor, clock: Clock
) -> Agreement:
    old = agreement.status
    agreement.status = to
    agreement.updated_at = clock.now()
    record(
        session,
        _STATUS_EVENTS[to](agreement_id=agreement.id, old_status=old.value, new_status=to.value),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        f"agreement.{to.value.lower()}",
        clock=clock,
        target_type="Agreement",
        target_id=agreement.id,
    )
    return agreement


async def _entrant_counts(session: AsyncSession, agreement_id: int) -> dict[EntrantStatus, int]:
    rows = await session.execute(
        select(Entrant.status, func.count())
        .where(Entrant.agreement_id == agreement_id)
        .group_by(Entrant.status)
    )
    return {status: count for status, count in rows}
