"""Supervisors' GraphQL: warnings, their handling, the rules' regional settings, and a
subscription that pushes new warnings."""

import asyncio
from collections.abc import AsyncGenerator, Iterable
from datetime import datetime, timedelta
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.context import Info
from api.errors import UserError
from api.identity.types import Organisation
from api.mutations import Outcome, Parsed, decode_id, perform, run_mutation
from api.orders.types import Order
from api.relay import int_ids, page_limits, page_request, to_connection
from core.errors import InvalidInput
from core.principal import OVERSEERS
from supervision import catalogue, queries, settings, warnings
from supervision import models as m

POLL_SECONDS = 0.5
_OVERLAP = timedelta(seconds=30)
_RANK = {m.Level.RED: 3, m.Level.ORANGE: 2, m.Level.YELLOW: 1}


@strawberry.type(description="What was done with a warning, by whom and when.")
class WarningEntry:
    action: m.WarningAction
    from_status: str | None
    to_status: str
    note: str | None
    actor_user_id: strawberry.ID | None
    assignee_user_id: strawberry.ID | None
    at: datetime

    @classmethod
    def from_model(cls, row: m.WarningEntry) -> "WarningEntry":
        return cls(
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            note=row.note,
            actor_user_id=_user_id(row.actor_user_id),
            assignee_user_id=_user_id(row.assignee_user_id),
            at=row.at,
        )


def _user_id(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type(name="SupervisionWarning", description="预警: a rule's finding with its proof.")
class SupervisionWarning(relay.Node):
    id: relay.NodeID[int]
    rule_code: str
    rule_name: str
    level: m.Level
    status: m.WarningStatus
    subject_type: m.SubjectType
    subject_id: str
    scope: str = strawberry.field(description="Narrows the subject: a category and period.")
    region_code: str
    title: str
    evidence: JSON = strawberry.field(description="The numbers and records that prove it.")
    raised_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    assignee_user_id: strawberry.ID | None
    order_id: strawberry.Private[int | None]
    purchaser_id: strawberry.Private[int | None]
    supplier_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: m.SupervisionWarning) -> "SupervisionWarning":
        return cls(
            id=row.id,
            rule_code=row.rule_code,
            rule_name=catalogue.BY_CODE[row.rule_code].name,
            level=row.level,
            status=row.status,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            scope=row.scope,
            region_code=row.region_code,
            title=row.title,
            evidence=cast(JSON, row.evidence),
            raised_at=row.raised_at,
            updated_at=row.updated_at,
            closed_at=row.closed_at,
            assignee_user_id=_user_id(row.assignee_user_id),
            order_id=row.order_id,
            purchaser_id=row.purchaser_id,
            supplier_id=row.supplier_id,
        )

    @strawberry.field(description="The order it concerns, if any.")
    async def order(self, info: Info) -> Order | None:
        if self.order_id is None:
            return None
        row = await info.context.loaders.order_by_id.load(self.order_id)
        return Order.from_model(row) if row else None

    @strawberry.field
    async def purchaser(self, info: Info) -> Organisation | None:
        return await _party(info, self.purchaser_id)

    @strawberry.field
    async def supplier(self, info: Info) -> Organisation | None:
        return await _party(info, self.supplier_id)

    @strawberry.field(description="Raised, acknowledged, assigned, resolved or dismissed.")
    async def history(self, info: Info) -> list[WarningEntry]:
        async with info.context.db.reader() as session:
            rows = await warnings.entries_of(session, [self.id])
        return [WarningEntry.from_model(r) for r in rows]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        viewer = await info.context.viewer()
        ids = int_ids(node_ids)
        async with info.context.db.reader() as session:
            found = await queries.visible_by_ids(session, viewer, ids)
        return [cls.from_model(found[i]) if i in found else None for i in ids]


async def _party(info: Info, id_: int | None) -> Organisation | None:
    if id_ is None:
        return None
    row = await info.context.loaders.party_by_id.load(id_)
    return Organisation.from_model(row) if row else None


@strawberry.type(description="A page of warnings, newest first.")
class SupervisionWarningConnection(relay.Connection[SupervisionWarning]):
    pass


@strawberry.input
class WarningFilterInput:
    statuses: list[m.WarningStatus] | None = None
    levels: list[m.Level] | None = None
    rule_codes: list[str] | None = None
    region: str | None = strawberry.field(default=None, description="A region and those below.")
    raised_from: datetime | None = None
    raised_before: datetime | None = None
    assigned_to_me: bool = False
    order_id: relay.GlobalID | None = None


@strawberry.type(description="A parameter of a rule as it applies in a region.")
class RuleParam:
    name: str
    label: str
    kind: catalogue.ParamKind
    value: JSON
    default: JSON = strawberry.field(description="The central default.")


@strawberry.type(description="A supervision rule as it applies in a region.")
class SupervisionRule:
    code: str
    name: str
    description: str
    stages: list[m.Stage]
    region: str
    enabled: bool
    level: m.Level
    params: list[RuleParam]

    @classmethod
    def of(cls, config: settings.RuleConfig, region: str) -> "SupervisionRule":
        rule = catalogue.BY_CODE[config.code]
        return cls(
            code=rule.code,
            name=rule.name,
            description=rule.description,
            stages=list(rule.stages),
            region=region,
            enabled=config.enabled,
            level=config.level,
            params=[
                RuleParam(
                    name=p.name,
                    label=p.label,
                    kind=p.kind,
                    value=_plain(config.params[p.name]),
                    default=_plain(p.default),
                )
                for p in rule.params
            ],
        )


def _plain(value: catalogue.ParamValue) -> JSON:
    return cast(JSON, value if isinstance(value, int | str) else dict(value))


@strawberry.input
class SetSupervisionRuleInput:
    region: str
    rule_code: str
    enabled: bool | None = strawberry.field(default=None, description="null: inherit.")
    level: m.Level | None = None
    params: JSON = strawberry.field(
        default_factory=dict, description="Only the parameters this region sets itself."
    )


@strawberry.type
class SupervisionWarningPayload:
    warning: SupervisionWarning | None
    errors: list[UserError]


@strawberry.type
class SupervisionRulePayload:
    rule: SupervisionRule | None
    errors: list[UserError]


@strawberry.type
class SupervisionQuery:
    @strawberry.field(description="Warnings in your region and below (supervisors).")
    async def warnings(
        self,
        info: Info,
        filter: WarningFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SupervisionWarningConnection:
        ctx = info.context
        actor = await ctx.actor()
        principal = actor.require(*OVERSEERS)
        filters = _filter(filter, principal.user_id)
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await queries.list_warnings(
                session, actor, filters, request, **page_limits(ctx.settings)
            )
        return to_connection(SupervisionWarningConnection, page, SupervisionWarning.from_model)

    @strawberry.field
    async def warning(self, info: Info, id: relay.GlobalID) -> SupervisionWarning | None:
        if id.type_name != "SupervisionWarning" or not id.node_id.isdigit():
            return None
        found = await SupervisionWarning.resolve_nodes(info=info, node_ids=[id.node_id])
        return found[0]  # type: ignore[no-any-return]

    @strawberry.field(description="Every rule as it applies in the region (supervisors).")
    async def supervision_rules(self, info: Info, region: str) -> list[SupervisionRule]:
        principal = (await info.context.actor()).require(*OVERSEERS)
        async with info.context.db.reader() as session:
            await settings.require_visible_region(session, principal, region)
            book = await settings.load_rule_book(session)
        return [SupervisionRule.of(book.config(r.code, region), region) for r in catalogue.RULES]


def _filter(given: WarningFilterInput | None, user_id: int | None) -> queries.WarningFilter:
    if given is None:
        return queries.WarningFilter()
    order_id = decode_id(given.order_id, "Order", field="orderId") if given.order_id else None
    return queries.WarningFilter(
        statuses=given.statuses or (),
        levels=given.levels or (),
        rule_codes=given.rule_codes or (),
        region_code=given.region,
        raised_from=given.raised_from,
        raised_before=given.raised_before,
        assignee_user_id=user_id if given.assigned_to_me else None,
        order_id=order_id,
    )


def _warning_id(id: relay.GlobalID) -> int:
    return decode_id(id, "SupervisionWarning", field="id")


@strawberry.type
class SupervisionMutation:
    @strawberry.mutation(description="Take a warning on (OPEN → ACKNOWLEDGED).")
    async def acknowledge_warning(
        self, info: Info, id: relay.GlobalID, note: str | None = None
    ) -> SupervisionWarningPayload:
        return await run_mutation(
            info, warnings.acknowledge, Parsed(_warning_id, id), note=note, payload=_warning_payload
        )

    @strawberry.mutation(description="Close a warning as dealt with; a note is required.")
    async def resolve_warning(
        self, info: Info, id: relay.GlobalID, note: str
    ) -> SupervisionWarningPayload:
        return await run_mutation(
            info, warnings.resolve, Parsed(_warning_id, id), note=note, payload=_warning_payload
        )

    @strawberry.mutation(description="Close a warning as a false alarm; a note is required.")
    async def dismiss_warning(
        self, info: Info, id: relay.GlobalID, note: str
    ) -> SupervisionWarningPayload:
        return await run_mutation(
            info, warnings.dismiss, Parsed(_warning_id, id), note=note, payload=_warning_payload
        )

    @strawberry.mutation(description="Hand a warning to a supervisor whose region covers it.")
    async def assign_warning(
        self, info: Info, id: relay.GlobalID, assignee_id: strawberry.ID, note: str | None = None
    ) -> SupervisionWarningPayload:
        clock = info.context.clock

        async def action(s: Any, a: Any) -> m.SupervisionWarning:
            if not str(assignee_id).isdigit():
                raise InvalidInput("指派对象的用户 ID 无效", field="assigneeId")
            return await warnings.assign(
                s,
                _warning_id(id),
                assignee_user_id=int(assignee_id),
                note=note,
                actor=a,
                clock=clock,
            )

        outcome = await perform(info, action)
        return _warning_payload(outcome)

    @strawberry.mutation(description="Set a rule for a region (supervisors; audited).")
    async def set_supervision_rule(
        self, info: Info, input: SetSupervisionRuleInput
    ) -> SupervisionRulePayload:
        clock = info.context.clock

        async def action(s: Any, a: Any) -> settings.RuleConfig:
            if not isinstance(input.params, dict):
                raise InvalidInput("params 须为对象", field="params")
            return await settings.set_rule_setting(
                s,
                input.region,
                input.rule_code,
                enabled=input.enabled,
                level=input.level,
                params=input.params,
                actor=a,
                clock=clock,
            )

        outcome = await perform(info, action)
        rule = SupervisionRule.of(outcome.value, input.region) if outcome.value else None
        return SupervisionRulePayload(rule=rule, errors=outcome.errors)


def _warning_payload(outcome: Outcome[m.SupervisionWarning]) -> SupervisionWarningPayload:
    warning = SupervisionWarning.from_model(outcome.value) if outcome.value else None
    return SupervisionWarningPayload(warning=warning, errors=outcome.errors)


@strawberry.type
class SupervisionSubscription:
    @strawberry.subscription(
        description="New warnings in your region and below, at or above a level (supervisors)."
    )
    async def warning_raised(
        self,
        info: Info,
        min_level: m.Level = m.Level.YELLOW,
    ) -> AsyncGenerator[SupervisionWarning, None]:
        ctx = info.context
        principal = (await ctx.actor()).require(*OVERSEERS)
        least = _RANK[m.Level(min_level)]
        started, seen = ctx.clock.now(), dict[int, datetime]()
        while True:
            since = max(started, ctx.clock.now() - _OVERLAP)
            async with ctx.db.reader() as session:
                rows = await queries.raised_since(session, principal, since)
            for row in rows:
                if row.id in seen:
                    continue
                seen[row.id] = row.raised_at
                if _RANK[row.level] >= least:
                    yield SupervisionWarning.from_model(row)
            seen = {id_: at for id_, at in seen.items() if at >= since}
            await asyncio.sleep(POLL_SECONDS)
