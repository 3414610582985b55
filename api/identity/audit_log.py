"""The audit log over GraphQL: who did what, when and from where."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.context import Info
from api.identity.types import Organisation
from api.relay import int_ids, page_limits, page_request, to_connection
from core.audit import AuditEntry as AuditEntryRow
from identity import audit_log


@strawberry.type(description="One audited change: who (user, API key, organisation), what, where.")
class AuditEntry(relay.Node):
    id: relay.NodeID[int]
    occurred_at: datetime
    action: str = strawberry.field(description="e.g. auth.login, account.invited, order.place")
    actor_user_id: strawberry.ID | None
    actor_api_key_id: strawberry.ID | None
    actor_role: str | None
    target_type: str | None
    target_id: str | None
    client_address: str | None
    request_id: str | None
    details: JSON
    actor_organisation_id: strawberry.Private[int | None]

    @strawberry.field
    async def actor_organisation(self, info: Info) -> Organisation | None:
        if self.actor_organisation_id is None:
            return None
        row = await info.context.loaders.party_by_id.load(self.actor_organisation_id)
        return Organisation.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: AuditEntryRow) -> "AuditEntry":
        return cls(
            id=row.id,
            occurred_at=row.occurred_at,
            action=row.action,
            actor_user_id=_id(row.actor_user_id),
            actor_api_key_id=_id(row.actor_api_key_id),
            actor_role=row.actor_role,
            target_type=row.target_type,
            target_id=row.target_id,
            client_address=row.client_address,
            request_id=row.request_id,
            details=cast(JSON, row.details),
            actor_organisation_id=row.actor_organisation_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        actor = await info.context.actor()
        ids = int_ids(node_ids)
        async with info.context.db.reader() as session:
            found = await audit_log.visible_by_ids(session, actor.principal, ids)
        return [cls.from_model(found[i]) if i in found else None for i in ids]


def _id(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.type(description="A page of audit entries, newest first.")
class AuditEntryConnection(relay.Connection[AuditEntry]):
    pass


@strawberry.input
class AuditLogFilter:
    action_prefix: str | None = strawberry.field(
        default=None, description="`account.` matches every account action."
    )
    actor_user_id: strawberry.ID | None = None
    actor_organisation_id: relay.GlobalID | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    before: datetime | None = None


@strawberry.type
class AuditLogQuery:
    @strawberry.field(
        description="The audit log of the organisations in your region and below (operators)."
    )
    async def audit_log(
        self,
        info: Info,
        filter: AuditLogFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AuditEntryConnection:
        ctx = info.context
        actor = await ctx.actor()
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await audit_log.list_entries(
                session, actor, _filters(filter), request, **page_limits(ctx.settings)
            )
        return to_connection(AuditEntryConnection, page, AuditEntry.from_model)


def _filters(given: AuditLogFilter | None) -> audit_log.AuditFilter:
    if given is None:
        return audit_log.AuditFilter()
    org = given.actor_organisation_id
    return audit_log.AuditFilter(
        action_prefix=given.action_prefix,
        actor_user_id=_int(given.actor_user_id),
        actor_organisation_id=int(org.node_id) if org and org.node_id.isdigit() else None,
        target_type=given.target_type,
        target_id=given.target_id,
        since=given.since,
        before=given.before,
    )


def _int(value: strawberry.ID | None) -> int | None:
    return int(value) if value is not None and str(value).isdigit() else None
