"""Supplier self-registration (供应商注册): apply once with the credit code, licence and contacts;
an operator over the supplier's region approves it once, and it holds in every region of the
province (一地注册、全区通用): the supplier then applies to any agreement there."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import Forbidden, InvalidInput, NotFound
from core.principal import Actor, Role
from identity import accounts, regions, service
from identity.errors import IdentityError, IdentityErrorCode
from identity.models import (
    ApplicationStatus,
    OrganisationKind,
    SupplierApplication,
    SupplierSize,
)


@dataclass(frozen=True)
class SupplierApplicationDraft:
    credit_code: str
    name: str
    region_code: str
    supplier_size: SupplierSize
    contact_name: str
    contact_phone: str
    contact_email: str | None = None
    address: str | None = None
    is_disabled_welfare: bool = False
    is_prison_enterprise: bool = False


@dataclass(frozen=True)
class Decision:
    application: SupplierApplication
    invitation: accounts.IssuedInvitation | None  # the administrator's link, when approved


async def apply_as_supplier(
    session: AsyncSession,
    draft: SupplierApplicationDraft,
    *,
    licence_image_id: int,
    actor: Actor,
    clock: Clock,
) -> SupplierApplication:
    code = await _available_code(session, draft.credit_code)
    await service.require_region(session, draft.region_code)
    application = SupplierApplication(
        credit_code=code,
        name=_required(draft.name, "name", "企业名称", 128),
        region_code=draft.region_code,
        supplier_size=draft.supplier_size,
        is_disabled_welfare=draft.is_disabled_welfare,
        is_prison_enterprise=draft.is_prison_enterprise,
        contact_name=_required(draft.contact_name, "contactName", "联系人", 64),
        contact_phone=_required(draft.contact_phone, "contactPhone", "联系电话", 32),
        contact_email=_optional(draft.contact_email, 128),
        address=_optional(draft.address, 256),
        licence_image_id=licence_image_id,
        status=ApplicationStatus.PENDING,
        submitted_at=clock.now(),
    )
    session.add(application)
    await session.flush()
    write_audit(
        session,
        actor,
        "supplier.applied",
        clock=clock,
        target_type="SupplierApplication",
        target_id=application.id,
        details={"credit_code": code},
    )
    return application


async def list_applications(
    session: AsyncSession, *, status: ApplicationStatus | None, actor: Actor
) -> Sequence[SupplierApplication]:
    """Applications from the operator's region and below, oldest first."""
    principal = actor.require(Role.OPERATOR)
    prefix = regions.subtree_prefix(principal.region_code)
    query = select(SupplierApplication).where(SupplierApplication.region_code.startswith(prefix))
    if status is not None:
        query = query.where(SupplierApplication.status == status)
    return (await session.scalars(query.order_by(SupplierApplication.id).limit(500))).all()


async def decide_application(
    session: AsyncSession,
    application_id: int,
    *,
    approve: bool,
    reason: str,
    actor: Actor,
    clock: Clock,
) -> Decision:
    """Approving registers the supplier and invites its contact as the first administrator."""
    application = await session.get(SupplierApplication, application_id, with_for_update=True)
    if application is None:
        raise NotFound("供应商注册申请", application_id, field="id")
    principal = actor.require(Role.OPERATOR)
    if not regions.in_subtree(application.region_code, principal.region_code):
        raise Forbidden("只能审核本地区及下级地区的供应商注册申请")
    if application.status is not ApplicationStatus.PENDING:
        raise IdentityError(IdentityErrorCode.APPLICATION_DECIDED, "该申请已审核")
    if not approve and not reason.strip():
        raise InvalidInput("驳回须说明理由", field="reason")
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.decided_at = clock.now()
    application.decided_by_user_id = principal.user_id
    application.decision_reason = reason.strip()[:500] or None
    invitation = None
    if approve:
        invitation = await _register(session, application, actor=actor, clock=clock)
    write_audit(
        session,
        actor,
        "supplier.approved" if approve else "supplier.rejected",
        clock=clock,
        target_type="SupplierApplication",
        target_id=application.id,
        details={"reason": application.decision_reason},
    )
    return Decision(application, invitation)


async def _register(
    session: AsyncSession, application: SupplierApplication, *, actor: Actor, clock: Clock
) -> accounts.IssuedInvitation:
    organisation = await service.create_organisation(
        session,
        service.OrganisationDraft(
            kind=OrganisationKind.SUPPLIER,
            name=application.name,
            region_code=application.region_code,
            credit_code=application.credit_code,
            supplier_size=application.supplier_size,
            is_disabled_welfare=application.is_disabled_welfare,
            is_prison_enterprise=application.is_prison_enterprise,
            contact_phone=application.contact_phone,
            contact_email=application.contact_email,
            address=application.address,
        ),
        actor=actor,
        clock=clock,
    )
    application.organisation_id = organisation.id
    return await accounts.invite_user(
        session,
        accounts.InvitationDraft(
            organisation_id=organisation.id,
            role=Role.SUPPLIER,
            display_name=application.contact_name,
            contact=application.contact_email or application.contact_phone,
            is_admin=True,
        ),
        actor=actor,
        clock=clock,
    )


async def _available_code(session: AsyncSession, raw: str) -> str:
    code = await service.unregistered_credit_code(session, raw)
    pending = select(SupplierApplication.id).where(
        SupplierApplication.credit_code == code,
        SupplierApplication.status == ApplicationStatus.PENDING,
    )
    if await session.scalar(pending):
        raise IdentityError(
            IdentityErrorCode.APPLICATION_PENDING,
            f"该统一社会信用代码已有待审核的注册申请: {code}",
            field="creditCode",
        )
    return code


def _required(value: str, field: str, label: str, limit: int) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > limit:
        raise InvalidInput(f"{label}须为 1–{limit} 个字符", field=field)
    return cleaned


def _optional(value: str | None, limit: int) -> str | None:
    return (value or "").strip()[:limit] or None
