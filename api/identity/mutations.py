from datetime import timedelta

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.errors import UserError
from api.identity.inputs import (
    CreateApiKeyInput,
    CreateOrganisationInput,
    LoginInput,
    RefreshTokenInput,
)
from api.identity.types import (
    AuthTokens,
    Organisation,
)
from api.mutations import Idempotent, NodeId, Outcome, run_create, run_mutation
from core.principal import Actor
from core.settings import Settings
from identity import models, service
from identity.errors import IdentityError


def token_policy(settings: Settings) -> service.TokenPolicy:
    return service.TokenPolicy(
        signing_key=settings.signing_key,
        access_lifetime=timedelta(minutes=settings.access_token_minutes),
        refresh_lifetime=timedelta(days=settings.refresh_token_days),
        max_failures=settings.login_max_failures,
        lock_duration=timedelta(minutes=settings.login_lock_minutes),
    )


@strawberry.type
class AuthPayload:
    tokens: AuthTokens | None
    errors: list[UserError]


@strawberry.type
class CreateOrganisationPayload:
    organisation: Organisation | None
    errors: list[UserError]


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

        async def reload(session: AsyncSession, org_id: int) -> models.Organisation | None:
            return await session.get(models.Organisation, org_id)

        spec = Idempotent("createOrganisation", input.idempotency_key, draft.__dict__, reload)
        return await run_create(
            info, spec, service.create_organisation, draft, payload=_organisation_payload
        )

    @strawberry.mutation(
        description="Operators issue an API key to an e-commerce partner; it is shown once."
    )
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        return await run_mutation(
            info,
            service.create_api_key,
            NodeId(input.organisation_id, "Organisation", "organisationId"),
            input.name,
            scopes=input.scopes,
            rate_per_second=input.rate_per_second,
            payload=created_key_payload,
        )


def created_key_payload(outcome: Outcome[tuple[models.ApiKey, str]]) -> CreateApiKeyPayload:
    if outcome.value is None:
        return CreateApiKeyPayload(key_id=None, prefix=None, secret=None, errors=outcome.errors)
    key, secret = outcome.value
    return CreateApiKeyPayload(
        key_id=strawberry.ID(str(key.id)), prefix=key.prefix, secret=secret, errors=[]
    )


def _organisation_payload(outcome: Outcome[models.Organisation]) -> CreateOrganisationPayload:
    return CreateOrganisationPayload(
        organisation=Organisation.from_model(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )
