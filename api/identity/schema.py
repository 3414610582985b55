from datetime import timedelta

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.errors import UserError
from api.identity.types import (
    AuthTokens,
    Organisation,
    OrganisationConnection,
    Region,
    Viewer,
)
from api.mutations import Idempotent, decode_id, perform, perform_create
from api.relay import page_limits, page_request, to_connection
from core.errors import Unauthenticated
from core.principal import Actor
from core.settings import Settings
from identity import directory, models, service
from identity.errors import IdentityError


def token_policy(settings: Settings) -> service.TokenPolicy:
    return service.TokenPolicy(
        signing_key=settings.signing_key,
        access_lifetime=timedelta(minutes=settings.access_token_minutes),
        refresh_lifetime=timedelta(days=settings.refresh_token_days),
        max_failures=settings.login_max_failures,
        lock_duration=timedelta(minutes=settings.login_lock_minutes),
    )


@strawberry.input
class OrganisationFilter:
    kind: models.OrganisationKind | None = None
    region_code: str | None = strawberry.field(
        default=None, description="A region code; its whole subtree matches."
    )
    name_contains: str | None = None


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The logged-in user; an error when nobody is.")
    async def me(self, info: Info) -> Viewer:
        principal = await info.context.viewer()
        if principal is None or principal.user_id is None:
            raise Unauthenticated()
        async with info.context.db.reader() as session:
            user = await service.get_user(session, principal.user_id)
            if user is None:
                raise Unauthenticated()
            org = await service.require_organisation(session, user.organisation_id)
        return Viewer(
            user_id=strawberry.ID(str(user.id)),
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            organisation=Organisation.from_model(org),
            last_login_at=user.last_login_at,
        )

    @strawberry.field(
        description=(
            "Organisations you may see: operators all, supervisors their region's subtree, "
            "everyone the directory of suppliers and partners (and their own organisation)."
        )
    )
    async def organisations(
        self,
        info: Info,
        filter: OrganisationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> OrganisationConnection:
        ctx = info.context
        viewer = await ctx.viewer()
        given = filter or OrganisationFilter()
        filters = directory.OrganisationFilter(
            kind=given.kind, region_code=given.region_code, name_contains=given.name_contains
        )
        request = page_request(first=first, after=after, last=last, before=before)
        async with ctx.db.reader() as session:
            page = await directory.list_organisations(
                session, viewer, filters, request, **page_limits(ctx.settings)
            )
        return to_connection(OrganisationConnection, page, Organisation.from_model)

    @strawberry.field(description="Regions one level below `parentCode`, or the provinces.")
    async def regions(self, info: Info, parent_code: str | None = None) -> list[Region]:
        async with info.context.db.reader() as session:
            rows = await service.list_regions(session, parent_code=parent_code)
        return [Region.from_model(r) for r in rows]


@strawberry.input
class LoginInput:
    username: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.type
class AuthPayload:
    tokens: AuthTokens | None
    errors: list[UserError]


@strawberry.input
class CreateOrganisationInput:
    kind: models.OrganisationKind
    name: str
    region_code: str
    credit_code: str | None = None
    supplier_size: models.SupplierSize | None = None
    is_disabled_welfare: bool = False
    is_prison_enterprise: bool = False
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class CreateOrganisationPayload:
    organisation: Organisation | None
    errors: list[UserError]


@strawberry.input
class CreateApiKeyInput:
    organisation_id: relay.GlobalID
    name: str
    scopes: list[str] = strawberry.field(
        default_factory=lambda: ["catalogue", "orders"],
        description="catalogue (sync the catalogue), orders (receive and handle orders).",
    )
    rate_per_second: int | None = strawberry.field(
        default=None, description="Requests a second for this key; default: the server's."
    )


@strawberry.type(description="The API key is in `secret` now and never again: store it safely.")
class CreateApiKeyPayload:
    key_id: strawberry.ID | None
    prefix: str | None
    secret: str | None
    errors: list[UserError]


def _tokens(pair: service.TokenPair) -> AuthTokens:
    return AuthTokens(
        access_token=pair.access_token,
        access_token_expires_at=pair.access_expires_at,
        refresh_token=pair.refresh_token,
        refresh_token_expires_at=pair.refresh_expires_at,
    )


def _auth_payload(result: service.TokenPair | IdentityError) -> AuthPayload:
    if isinstance(result, IdentityError):
        return AuthPayload(tokens=None, errors=[UserError.from_domain(result)])
    return AuthPayload(tokens=_tokens(result), errors=[])


def _anonymous_actor(info: Info) -> Actor:
    """Logging in ignores any token: the actor is only where the request came from."""
    ctx = info.context
    return Actor(principal=None, client_address=ctx.client_address, request_id=ctx.request_id)


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(
        description="Exchange a username and password for tokens; repeated failures lock it."
    )
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        ctx = info.context
        actor = _anonymous_actor(info)
        async with ctx.db.unit_of_work() as session:
            result = await service.login(
                session,
                input.username,
                input.password,
                policy=token_policy(ctx.settings),
                actor=actor,
                clock=ctx.clock,
            )
        return _auth_payload(result)

    @strawberry.mutation(description="Exchange a refresh token (once) for a new pair.")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        ctx = info.context
        actor = _anonymous_actor(info)
        async with ctx.db.unit_of_work() as session:
            result = await service.refresh_tokens(
                session,
                input.refresh_token,
                policy=token_policy(ctx.settings),
                actor=actor,
                clock=ctx.clock,
            )
        return _auth_payload(result)

    @strawberry.mutation(description="Operators register an organisation of any kind.")
    async def create_organisation(
        self, info: Info, input: CreateOrganisationInput
    ) -> CreateOrganisationPayload:
        draft = service.OrganisationDraft(
            kind=input.kind,
            name=input.name,
            region_code=input.region_code,
            credit_code=input.credit_code,
            supplier_size=input.supplier_size,
            is_disabled_welfare=input.is_disabled_welfare,
            is_prison_enterprise=input.is_prison_enterprise,
            contact_phone=input.contact_phone,
            contact_email=input.contact_email,
            address=input.address,
        )

        async def action(session: AsyncSession, actor: Actor) -> models.Organisation:
            return await service.create_organisation(
                session, draft, actor=actor, clock=info.context.clock
            )

        async def reload(session: AsyncSession, org_id: int) -> models.Organisation | None:
            return await session.get(models.Organisation, org_id)

        spec = Idempotent("createOrganisation", input.idempotency_key, draft.__dict__, reload)
        outcome = await perform_create(info, spec, action)
        return CreateOrganisationPayload(
            organisation=Organisation.from_model(outcome.value) if outcome.value else None,
            errors=outcome.errors,
        )

    @strawberry.mutation(
        description="Operators issue an API key to an e-commerce partner; it is shown once."
    )
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        async def action(session: AsyncSession, actor: Actor) -> tuple[models.ApiKey, str]:
            org_id = decode_id(input.organisation_id, "Organisation", field="organisationId")
            return await service.create_api_key(
                session,
                org_id,
                input.name,
                scopes=input.scopes,
                actor=actor,
                clock=info.context.clock,
                rate_per_second=input.rate_per_second,
            )

        outcome = await perform(info, action)
        if outcome.value is None:
            return CreateApiKeyPayload(key_id=None, prefix=None, secret=None, errors=outcome.errors)
        key, secret = outcome.value
        return CreateApiKeyPayload(
            key_id=strawberry.ID(str(key.id)), prefix=key.prefix, secret=secret, errors=[]
        )
