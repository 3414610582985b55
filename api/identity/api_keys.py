"""Partners' API keys after issue: list, rotate (with an overlap), revoke."""

from datetime import datetime

import strawberry
from strawberry import relay

from api.context import Info
from api.errors import UserError
from api.identity.mutations import CreateApiKeyPayload, created_key_payload
from api.mutations import Outcome, Parsed, decode_id, run_mutation
from core.errors import InvalidInput
from core.principal import Role
from identity import api_keys
from identity.models import ApiKey as ApiKeyRow


@strawberry.type(description="An API key as its owner and operators see it (never its secret).")
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str
    scopes: list[str]
    rate_per_second: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None = strawberry.field(
        description="When it stopped (or, after a rotation's overlap, will stop) working."
    )

    @classmethod
    def from_model(cls, row: ApiKeyRow) -> "ApiKey":
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            prefix=row.prefix,
            scopes=list(row.scopes),
            rate_per_second=row.rate_per_second,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type
class RevokeApiKeyPayload:
    key: ApiKey | None
    errors: list[UserError]


def _key_id(raw: strawberry.ID) -> int:
    if not str(raw).isdigit():
        raise InvalidInput("API 密钥 ID 无效", field="id")
    return int(raw)


@strawberry.type
class ApiKeyQuery:
    @strawberry.field(description="A partner's API keys (the partner itself, or operators).")
    async def api_keys(
        self, info: Info, organisation_id: relay.GlobalID | None = None
    ) -> list[ApiKey]:
        principal = (await info.context.actor()).require(Role.PARTNER, Role.OPERATOR)
        org = (
            decode_id(organisation_id, "Organisation", field="organisationId")
            if organisation_id
            else principal.organisation_id
        )
        async with info.context.db.reader() as session:
            rows = await api_keys.keys_of(session, principal, org)
        return [ApiKey.from_model(r) for r in rows]


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(
        description="A new secret for the key's holder; the old one works `graceMinutes` more."
    )
    async def rotate_api_key(
        self, info: Info, id: strawberry.ID, grace_minutes: int = 0
    ) -> CreateApiKeyPayload:
        return await run_mutation(
            info,
            api_keys.rotate,
            Parsed(_key_id, id),
            grace_minutes=grace_minutes,
            payload=created_key_payload,
        )

    @strawberry.mutation(description="Stop a key working now.")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> RevokeApiKeyPayload:
        return await run_mutation(
            info, api_keys.revoke, Parsed(_key_id, id), payload=_revoked_payload
        )


def _revoked_payload(outcome: Outcome[ApiKeyRow]) -> RevokeApiKeyPayload:
    key = ApiKey.from_model(outcome.value) if outcome.value else None
    return RevokeApiKeyPayload(key=key, errors=outcome.errors)
