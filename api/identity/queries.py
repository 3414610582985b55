import strawberry

from api.context import Info
from api.identity.inputs import OrganisationFilter
from api.identity.types import (
    Organisation,
    OrganisationConnection,
    Region,
    Viewer,
)
from api.relay import page_limits, page_request, to_connection
from core.errors import Unauthenticated
from identity import directory, service


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
