"""Supplier self-registration over GraphQL: apply (anonymous, with the licence picture), review."""

import time
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.file_uploads import Upload

from api.catalogue.images import Image, read_capped
from api.context import Info
from api.errors import UserError
from api.identity.accounts import Invitation
from api.identity.types import Organisation
from api.mutations import perform
from core.errors import NotFound
from core.principal import Actor
from core.rate_limit import TokenBuckets
from identity import models, registration
from identity.errors import IdentityError, IdentityErrorCode
from identity.models import ApplicationStatus, SupplierSize
from marketplace import images
from marketplace.imaging.processing import ImageLimits

# Anyone may apply, so each client address gets a few applications an hour.
_APPLICATIONS_PER_HOUR = 10
_buckets = TokenBuckets()


@strawberry.type(description="A supplier's own registration (供应商注册), for operators to review.")
class SupplierApplication:
    id: strawberry.ID
    credit_code: str
    name: str
    region_code: str
    supplier_size: SupplierSize
    is_disabled_welfare: bool
    is_prison_enterprise: bool
    contact_name: str
    contact_phone: str
    contact_email: str | None
    address: str | None
    status: ApplicationStatus
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    licence_image_id: strawberry.Private[int]
    organisation_id: strawberry.Private[int | None]

    @strawberry.field(description="The business licence picture (营业执照).")
    async def licence(self, info: Info) -> Image | None:
        row = await info.context.loaders.image_by_id.load(self.licence_image_id)
        return Image.from_model(row) if row else None

    @strawberry.field(description="The supplier registered when the application was approved.")
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_id is None:
            return None
        row = await info.context.loaders.organisation_by_id.load(self.organisation_id)
        return Organisation.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: models.SupplierApplication) -> "SupplierApplication":
        return cls(
            id=strawberry.ID(str(row.id)),
            credit_code=row.credit_code,
            name=row.name,
            region_code=row.region_code,
            supplier_size=row.supplier_size,
            is_disabled_welfare=row.is_disabled_welfare,
            is_prison_enterprise=row.is_prison_enterprise,
            contact_name=row.contact_name,
            contact_phone=row.contact_phone,
            contact_email=row.contact_email,
            address=row.address,
            status=row.status,
            submitted_at=row.submitted_at,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
            licence_image_id=row.licence_image_id,
            organisation_id=row.organisation_id,
        )


@strawberry.input
class ApplyAsSupplierInput:
    credit_code: str = strawberry.field(description="统一社会信用代码, 18 characters.")
    name: str
    region_code: str = strawberry.field(description="Where the supplier is registered.")
    supplier_size: SupplierSize
    contact_name: str
    contact_phone: str
    contact_email: str | None = None
    address: str | None = None
    is_disabled_welfare: bool = False
    is_prison_enterprise: bool = False


@strawberry.type
class ApplyAsSupplierPayload:
    application: SupplierApplication | None
    errors: list[UserError]


@strawberry.input
class DecideSupplierApplicationInput:
    id: strawberry.ID
    approve: bool
    reason: str = strawberry.field(default="", description="Required when rejecting.")


@strawberry.type(
    description="On approval `invitationToken` is the new supplier administrator's link, shown "
    "once: send it to the application's contact."
)
class DecideSupplierApplicationPayload:
    application: SupplierApplication | None
    invitation: Invitation | None
    invitation_token: str | None
    errors: list[UserError]


@strawberry.type
class RegistrationQuery:
    @strawberry.field(description="Supplier registrations from the operator's region and below.")
    async def supplier_applications(
        self,
        info: Info,
        status: ApplicationStatus | None = None,
    ) -> list[SupplierApplication]:
        actor = await info.context.actor()
        async with info.context.db.reader() as session:
            rows = await registration.list_applications(session, status=status, actor=actor)
        return [SupplierApplication.from_model(r) for r in rows]


@strawberry.type
class RegistrationMutation:
    @strawberry.mutation(
        description="A supplier registers itself (no login needed) with its business licence "
        "picture, sent as a multipart request; an operator then approves it once for the whole "
        "province (一地注册、全区通用). A few applications an hour per client address."
    )
    async def apply_as_supplier(
        self, info: Info, input: ApplyAsSupplierInput, licence: Upload
    ) -> ApplyAsSupplierPayload:
        ctx = info.context
        upload: object = licence
        draft = registration.SupplierApplicationDraft(
            credit_code=input.credit_code,
            name=input.name,
            region_code=input.region_code,
            supplier_size=input.supplier_size,
            contact_name=input.contact_name,
            contact_phone=input.contact_phone,
            contact_email=input.contact_email,
            address=input.address,
            is_disabled_welfare=input.is_disabled_welfare,
            is_prison_enterprise=input.is_prison_enterprise,
        )

        async def action(session: AsyncSession, actor: Actor) -> models.SupplierApplication:
            _throttle(ctx.client_address)
            data = await read_capped(upload, ctx.settings.max_image_bytes, field="licence")
            image = await images.store_registration_image(
                session,
                data,
                actor=actor,
                clock=ctx.clock,
                media_dir=ctx.settings.media_dir,
                limits=ImageLimits.of(ctx.settings),
            )
            return await registration.apply_as_supplier(
                session, draft, licence_image_id=image.id, actor=actor, clock=ctx.clock
            )

        outcome = await perform(info, action)
        found = SupplierApplication.from_model(outcome.value) if outcome.value else None
        return ApplyAsSupplierPayload(application=found, errors=outcome.errors)

    @strawberry.mutation(
        description="Operators approve (registering the supplier and inviting its contact as "
        "administrator) or reject with a reason."
    )
    async def decide_supplier_application(
        self, info: Info, input: DecideSupplierApplicationInput
    ) -> DecideSupplierApplicationPayload:
        async def action(session: AsyncSession, actor: Actor) -> registration.Decision:
            if not str(input.id).isdigit():
                raise NotFound("供应商注册申请", input.id, field="id")
            return await registration.decide_application(
                session,
                int(input.id),
                approve=input.approve,
                reason=input.reason,
                actor=actor,
                clock=info.context.clock,
            )

        outcome = await perform(info, action)
        decision = outcome.value
        if decision is None:
            return DecideSupplierApplicationPayload(
                application=None, invitation=None, invitation_token=None, errors=outcome.errors
            )
        issued = decision.invitation
        return DecideSupplierApplicationPayload(
            application=SupplierApplication.from_model(decision.application),
            invitation=Invitation.from_model(issued.invitation) if issued else None,
            invitation_token=issued.token if issued else None,
            errors=[],
        )


def _throttle(client_address: str | None) -> None:
    wait = _buckets.take(
        f"apply:{client_address}",
        rate=_APPLICATIONS_PER_HOUR / 3600,
        burst=_APPLICATIONS_PER_HOUR,
        now=time.monotonic(),
    )
    if wait is not None:
        raise IdentityError(
            IdentityErrorCode.TOO_MANY_APPLICATIONS,
            f"注册申请过于频繁, 请 {int(wait // 60) + 1} 分钟后再试",
        )
