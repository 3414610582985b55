import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.errors import UserError
from api.mutations import perform
from core.audit import write_audit
from core.errors import Forbidden
from core.principal import Actor, Role
from search import rules


@strawberry.type
class SynonymsPayload:
    groups: list[list[str]] | None
    errors: list[UserError]


@strawberry.type
class SearchMutation:
    @strawberry.mutation(
        description="Operators replace the synonym groups (e.g. 电脑 / 计算机 / 台式机)."
    )
    async def set_search_synonyms(self, info: Info, groups: list[list[str]]) -> SynonymsPayload:
        async def check(session: AsyncSession, actor: Actor) -> list[tuple[str, ...]]:
            principal = actor.require(Role.OPERATOR)
            if not principal.region_code.endswith("0000"):
                raise Forbidden("同义词全平台生效, 只有省级以上采购中心可以修改")
            cleaned = rules.check_synonyms(groups)
            write_audit(
                session,
                actor,
                "search.synonyms.set",
                clock=info.context.clock,
                target_type="SearchSynonyms",
                target_id="all",
                details={"groups": [list(g) for g in cleaned]},
            )
            return cleaned

        checked = await perform(info, check)
        if checked.value is None:
            return SynonymsPayload(groups=None, errors=checked.errors)
        # Outside any transaction: the index may be a remote Meilisearch.
        await info.context.search_index().set_synonyms(checked.value)
        return SynonymsPayload(groups=[list(g) for g in checked.value], errors=[])
