from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.agreements import inputs
from api.agreements.types import (
    Agreement,
    AgreementConnection,
    Ceiling,
    Entrant,
    Quote,
    Upgrade,
    agreement_node,
)
from api.context import Info
from api.errors import UserError
from api.mutations import Idempotent, Outcome, decode_id, perform, perform_create
from api.relay import page_limits, page_request, to_connection
from core.errors import InvalidInput
from core.principal import SELLERS, Actor
from marketplace.agreements import entrants, queries, quotes, rules, service, upgrades
from marketplace.agreements import models as m


@strawberry.type
class AgreementQuery:
    @strawberry.field(
        description="Published agreements (and your own drafts), filtered, newest first."
    )
    async def agreements(
        self,
        info: Info,
        filter: inputs.AgreementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AgreementConnection:
        ctx = info.context
        viewer = await ctx.viewer()
        request = page_request(first=first, after=after, last=last, before=before)
        async with ctx.db.reader() as session:
            page = await queries.list_agreements(
                session, viewer, _filters(filter), request, **page_limits(ctx.settings)
            )
        return to_connection(AgreementConnection, page, lambda row: agreement_node(row, info))

    @strawberry.field(description="Suppliers: your applications to agreements and their outcomes.")
    async def my_applications(self, info: Info) -> list[Entrant]:
        principal = (await info.context.actor()).require(*SELLERS)
        async with info.context.db.reader() as session:
            rows = await queries.applications_of(session, principal.organisation_id)
        return [Entrant.from_model(r) for r in rows]

    @strawberry.field
    async def agreement(self, info: Info, id: relay.GlobalID) -> Agreement | None:
        if id.type_name != "Agreement" or not id.node_id.isdigit():
            return None
        row = await info.context.loaders.agreement_by_id.load(int(id.node_id))
        return agreement_node(row, info) if row else None


def _filters(given: inputs.AgreementFilter | None) -> queries.AgreementFilter:
    if given is None:
        return queries.AgreementFilter()
    supplier = (
        None
        if given.supplier_id is None
        else decode_id(given.supplier_id, "Organisation", field="supplierId")
    )
    return queries.AgreementFilter(
        status=given.status,
        kind=given.kind,
        region_code=given.region_code,
        category_code=given.category_code,
        supplier_id=supplier,
    )


@strawberry.type
class AgreementPayload:
    agreement: Agreement | None
    errors: list[UserError]


@strawberry.type
class CeilingPayload:
    ceiling: Ceiling | None
    errors: list[UserError]


@strawberry.type
class EntrantPayload:
    entrant: Entrant | None
    errors: list[UserError]


@strawberry.type
class UpgradePayload:
    upgrade: Upgrade | None
    errors: list[UserError]


@strawberry.type
class QuotePayload:
    quote: Quote | None
    errors: list[UserError]


def _draft(input: inputs.AgreementInput, code: str) -> service.AgreementDraft:
    return service.AgreementDraft(
        code=code,
        title=input.title,
        kind=input.kind,
        scope=input.scope,
        region_code=input.region_code,
        category_codes=input.category_codes,
        starts_on=input.starts_on,
        ends_on=input.ends_on,
        selection_method=input.selection_method,
        second_competition_above=input.second_competition_above,
        total_quota=input.total_quota,
        supplier_share_percent=input.supplier_share_percent,
        per_order_limit=input.per_order_limit,
    )


def _agreement_payload(info: Info, outcome: Outcome[m.Agreement]) -> AgreementPayload:
    node = agreement_node(outcome.value, info) if outcome.value else None
    return AgreementPayload(agreement=node, errors=outcome.errors)


def _entrant_payload(outcome: Outcome[m.Entrant]) -> EntrantPayload:
    return EntrantPayload(
        entrant=Entrant.from_model(outcome.value) if outcome.value else None, errors=outcome.errors
    )


AgreementAction = Callable[[AsyncSession, int, Actor], Awaitable[m.Agreement]]


async def _on_agreement(info: Info, id: relay.GlobalID, act: AgreementAction) -> AgreementPayload:
    async def action(session: AsyncSession, actor: Actor) -> m.Agreement:
        return await act(session, decode_id(id, "Agreement", field="id"), actor)

    return _agreement_payload(info, await perform(info, action))


def _entrant_id(raw: strawberry.ID) -> int:
    if not str(raw).isdigit():
        raise InvalidInput("入围申请编号无效", field="entrantId")
    return int(raw)


@strawberry.type
class AgreementMutation:
    @strawberry.mutation(description="Operators draft an agreement for their region.")
    async def create_agreement(
        self, info: Info, input: inputs.CreateAgreementInput
    ) -> AgreementPayload:
        draft = _draft(input, input.code)

        async def action(session: AsyncSession, actor: Actor) -> m.Agreement:
            return await service.create_agreement(
                session, draft, actor=actor, clock=info.context.clock
            )

        async def reload(session: AsyncSession, agreement_id: int) -> m.Agreement | None:
            return await session.get(m.Agreement, agreement_id)

        spec = Idempotent("createAgreement", input.idempotency_key, draft.__dict__, reload)
        return _agreement_payload(info, await perform_create(info, spec, action))

    @strawberry.mutation(description="Change a draft agreement's terms.")
    async def update_agreement(
        self, info: Info, input: inputs.UpdateAgreementInput
    ) -> AgreementPayload:
        draft = _draft(input, code="")
        clock = info.context.clock
        return await _on_agreement(
            info,
            input.id,
            lambda s, i, a: service.update_agreement(s, i, draft, actor=a, clock=clock),
        )

    @strawberry.mutation(description="Set a ceiling unit price (最高限制单价) before solicitation.")
    async def set_agreement_ceiling(
        self, info: Info, input: inputs.SetCeilingInput
    ) -> CeilingPayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Ceiling:
            draft = service.CeilingDraft(
                price=input.price,
                product_id=None
                if input.product_id is None
                else decode_id(input.product_id, "Product", field="productId"),
                category_code=input.category_code,
                spec_constraints=[
                    rules.SpecConstraint(c.key, c.op, c.value) for c in input.spec_constraints
                ],
            )
            agreement_id = decode_id(input.agreement_id, "Agreement", field="agreementId")
            return await service.set_ceiling(
                session, agreement_id, draft, actor=actor, clock=info.context.clock
            )

        outcome = await perform(info, action)
        return CeilingPayload(
            ceiling=Ceiling.from_model(outcome.value) if outcome.value else None,
            errors=outcome.errors,
        )

    @strawberry.mutation(description="Publish the agreement and its ceilings; suppliers may apply.")
    async def open_solicitation(self, info: Info, id: relay.GlobalID) -> AgreementPayload:
        clock = info.context.clock
        return await _on_agreement(
            info, id, lambda s, i, a: service.open_solicitation(s, i, actor=a, clock=clock)
        )

    @strawberry.mutation(description="Put the agreement in force once applications are decided.")
    async def activate_agreement(self, info: Info, id: relay.GlobalID) -> AgreementPayload:
        clock = info.context.clock
        return await _on_agreement(
            info, id, lambda s, i, a: service.activate(s, i, actor=a, clock=clock)
        )

    @strawberry.mutation
    async def terminate_agreement(
        self, info: Info, id: relay.GlobalID, reason: str
    ) -> AgreementPayload:
        clock = info.context.clock
        return await _on_agreement(
            info, id, lambda s, i, a: service.terminate(s, i, reason, actor=a, clock=clock)
        )

    @strawberry.mutation(description="A supplier applies to an agreement.")
    async def apply_to_agreement(self, info: Info, agreement_id: relay.GlobalID) -> EntrantPayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Entrant:
            agreement = decode_id(agreement_id, "Agreement", field="agreementId")
            return await entrants.apply(session, agreement, actor=actor, clock=info.context.clock)

        return _entrant_payload(await perform(info, action))

    @strawberry.mutation(description="The operator admits an applicant.")
    async def admit_entrant(self, info: Info, entrant_id: strawberry.ID) -> EntrantPayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Entrant:
            return await entrants.admit(
                session, _entrant_id(entrant_id), actor=actor, clock=info.context.clock
            )

        return _entrant_payload(await perform(info, action))

    @strawberry.mutation(
        description="The operator rejects (not qualified) or eliminates (outcompeted) an applicant."
    )
    async def reject_entrant(self, info: Info, input: inputs.RejectEntrantInput) -> EntrantPayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Entrant:
            return await entrants.reject(
                session,
                _entrant_id(input.entrant_id),
                input.reason,
                eliminated=input.eliminated,
                actor=actor,
                clock=info.context.clock,
            )

        return _entrant_payload(await perform(info, action))

    @strawberry.mutation(
        description="Leave an open agreement, or ask to leave a closed one (with a reason)."
    )
    async def leave_agreement(
        self, info: Info, agreement_id: relay.GlobalID, reason: str = ""
    ) -> EntrantPayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Entrant:
            agreement = decode_id(agreement_id, "Agreement", field="agreementId")
            return await entrants.leave(
                session, agreement, reason, actor=actor, clock=info.context.clock
            )

        return _entrant_payload(await perform(info, action))

    @strawberry.mutation(description="The operator lets an entrant of a closed agreement leave.")
    async def approve_leave(self, info: Info, entrant_id: strawberry.ID) -> EntrantPayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Entrant:
            return await entrants.approve_leave(
                session, _entrant_id(entrant_id), actor=actor, clock=info.context.clock
            )

        return _entrant_payload(await perform(info, action))

    @strawberry.mutation(
        description="An entrant quotes a product: within the ceiling and the market rule."
    )
    async def quote_price(self, info: Info, input: inputs.QuotePriceInput) -> QuotePayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Quote:
            agreement = decode_id(input.agreement_id, "Agreement", field="agreementId")
            product = decode_id(input.product_id, "Product", field="productId")
            return await quotes.set_quote(
                session, agreement, product, input.price, actor=actor, clock=info.context.clock
            )

        outcome = await perform(info, action)
        return QuotePayload(
            quote=Quote.from_model(outcome.value) if outcome.value else None, errors=outcome.errors
        )

    @strawberry.mutation(description="An entrant proposes a replacement model for one it quoted.")
    async def propose_upgrade(
        self, info: Info, input: inputs.ProposeUpgradeInput
    ) -> UpgradePayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Upgrade:
            return await upgrades.propose_upgrade(
                session,
                decode_id(input.agreement_id, "Agreement", field="agreementId"),
                decode_id(input.old_product_id, "Product", field="oldProductId"),
                decode_id(input.new_product_id, "Product", field="newProductId"),
                input.price,
                actor=actor,
                clock=info.context.clock,
            )

        return _upgrade_payload(await perform(info, action))

    @strawberry.mutation(
        description="The operator approves (the new model gets the quote) or rejects."
    )
    async def decide_upgrade(
        self, info: Info, upgrade_id: strawberry.ID, approve: bool, reason: str = ""
    ) -> UpgradePayload:
        async def action(session: AsyncSession, actor: Actor) -> m.Upgrade:
            if not str(upgrade_id).isdigit():
                raise InvalidInput("升级申请编号无效", field="upgradeId")
            return await upgrades.decide_upgrade(
                session, int(upgrade_id), approve, reason, actor=actor, clock=info.context.clock
            )

        return _upgrade_payload(await perform(info, action))


def _upgrade_payload(outcome: Outcome[m.Upgrade]) -> UpgradePayload:
    upgrade = Upgrade.from_model(outcome.value) if outcome.value else None
    return UpgradePayload(upgrade=upgrade, errors=outcome.errors)
