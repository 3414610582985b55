from functools import partial

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.agreements import inputs
from api.agreements.types import (
    Agreement,
    Ceiling,
    Entrant,
    Quote,
    Upgrade,
    agreement_node,
)
from api.context import Info
from api.errors import UserError
from api.mutations import (
    Idempotent,
    NodeId,
    Outcome,
    Parsed,
    decode_id,
    perform,
    run_create,
    run_mutation,
)
from core.errors import InvalidInput
from core.principal import Actor
from marketplace.agreements import entrants, quotes, rules, service, upgrades
from marketplace.agreements import models as m


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


def _agreement_id(id: relay.GlobalID, field: str = "id") -> NodeId:
    return NodeId(id, "Agreement", field)


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

        async def reload(session: AsyncSession, agreement_id: int) -> m.Agreement | None:
            return await session.get(m.Agreement, agreement_id)

        spec = Idempotent("createAgreement", input.idempotency_key, draft.__dict__, reload)
        return await run_create(
            info, spec, service.create_agreement, draft, payload=partial(_agreement_payload, info)
        )

    @strawberry.mutation(description="Change a draft agreement's terms.")
    async def update_agreement(
        self, info: Info, input: inputs.UpdateAgreementInput
    ) -> AgreementPayload:
        draft = _draft(input, code="")
        return await run_mutation(
            info,
            service.update_agreement,
            _agreement_id(input.id),
            draft,
            payload=partial(_agreement_payload, info),
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
        return await run_mutation(
            info,
            service.open_solicitation,
            _agreement_id(id),
            payload=partial(_agreement_payload, info),
        )

    @strawberry.mutation(description="Put the agreement in force once applications are decided.")
    async def activate_agreement(self, info: Info, id: relay.GlobalID) -> AgreementPayload:
        return await run_mutation(
            info, service.activate, _agreement_id(id), payload=partial(_agreement_payload, info)
        )

    @strawberry.mutation
    async def terminate_agreement(
        self, info: Info, id: relay.GlobalID, reason: str
    ) -> AgreementPayload:
        return await run_mutation(
            info,
            service.terminate,
            _agreement_id(id),
            reason,
            payload=partial(_agreement_payload, info),
        )

    @strawberry.mutation(description="A supplier applies to an agreement.")
    async def apply_to_agreement(self, info: Info, agreement_id: relay.GlobalID) -> EntrantPayload:
        return await run_mutation(
            info,
            entrants.apply,
            _agreement_id(agreement_id, "agreementId"),
            payload=_entrant_payload,
        )

    @strawberry.mutation(description="The operator admits an applicant.")
    async def admit_entrant(self, info: Info, entrant_id: strawberry.ID) -> EntrantPayload:
        return await run_mutation(
            info, entrants.admit, Parsed(_entrant_id, entrant_id), payload=_entrant_payload
        )

    @strawberry.mutation(
        description="The operator rejects (not qualified) or eliminates (outcompeted) an applicant."
    )
    async def reject_entrant(self, info: Info, input: inputs.RejectEntrantInput) -> EntrantPayload:
        return await run_mutation(
            info,
            entrants.reject,
            Parsed(_entrant_id, input.entrant_id),
            input.reason,
            eliminated=input.eliminated,
            payload=_entrant_payload,
        )

    @strawberry.mutation(
        description="Leave an open agreement, or ask to leave a closed one (with a reason)."
    )
    async def leave_agreement(
        self, info: Info, agreement_id: relay.GlobalID, reason: str = ""
    ) -> EntrantPayload:
        return await run_mutation(
            info,
            entrants.leave,
            _agreement_id(agreement_id, "agreementId"),
            reason,
            payload=_entrant_payload,
        )

    @strawberry.mutation(description="The operator lets an entrant of a closed agreement leave.")
    async def approve_leave(self, info: Info, entrant_id: strawberry.ID) -> EntrantPayload:
        return await run_mutation(
            info, entrants.approve_leave, Parsed(_entrant_id, entrant_id), payload=_entrant_payload
        )

    @strawberry.mutation(
        description="An entrant quotes a product: within the ceiling and the market rule."
    )
    async def quote_price(self, info: Info, input: inputs.QuotePriceInput) -> QuotePayload:
        return await run_mutation(
            info,
            quotes.set_quote,
            _agreement_id(input.agreement_id, "agreementId"),
            NodeId(input.product_id, "Product", "productId"),
            input.price,
            payload=_quote_payload,
        )

    @strawberry.mutation(description="An entrant proposes a replacement model for one it quoted.")
    async def propose_upgrade(
        self, info: Info, input: inputs.ProposeUpgradeInput
    ) -> UpgradePayload:
        return await run_mutation(
            info,
            upgrades.propose_upgrade,
            _agreement_id(input.agreement_id, "agreementId"),
            NodeId(input.old_product_id, "Product", "oldProductId"),
            NodeId(input.new_product_id, "Product", "newProductId"),
            input.price,
            payload=_upgrade_payload,
        )

    @strawberry.mutation(
        description="The operator approves (the new model gets the quote) or rejects."
    )
    async def decide_upgrade(
        self, info: Info, upgrade_id: strawberry.ID, approve: bool, reason: str = ""
    ) -> UpgradePayload:
        return await run_mutation(
            info,
            upgrades.decide_upgrade,
            Parsed(_upgrade_id, upgrade_id),
            approve,
            reason,
            payload=_upgrade_payload,
        )


def _upgrade_id(raw: strawberry.ID) -> int:
    if not str(raw).isdigit():
        raise InvalidInput("升级申请编号无效", field="upgradeId")
    return int(raw)


def _quote_payload(outcome: Outcome[m.Quote]) -> QuotePayload:
    return QuotePayload(
        quote=Quote.from_model(outcome.value) if outcome.value else None, errors=outcome.errors
    )


def _upgrade_payload(outcome: Outcome[m.Upgrade]) -> UpgradePayload:
    upgrade = Upgrade.from_model(outcome.value) if outcome.value else None
    return UpgradePayload(upgrade=upgrade, errors=outcome.errors)
