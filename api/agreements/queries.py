import strawberry
from strawberry import relay

from api.agreements import inputs
from api.agreements.types import (
    Agreement,
    AgreementConnection,
    Entrant,
    agreement_node,
)
from api.context import Info
from api.mutations import (
    decode_id,
)
from api.relay import page_limits, page_request, to_connection
from core.principal import SELLERS
from marketplace.agreements import queries


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
