import strawberry
from strawberry import relay
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.config import StrawberryConfig

from api.agreements.mutations import AgreementMutation
from api.agreements.queries import AgreementQuery
from api.catalogue.halls import HallMutation, HallQuery
from api.catalogue.images import ImageMutation
from api.catalogue.mutations import CatalogueMutation
from api.catalogue.policy import PolicyMutation, PolicyQuery
from api.catalogue.queries import CatalogueQuery
from api.context import Info
from api.error_shaping import ShapedErrorsSchema
from api.identity.accounts import AccountMutation, AccountQuery
from api.identity.api_keys import ApiKeyMutation, ApiKeyQuery
from api.identity.audit_log import AuditLogQuery
from api.identity.mutations import IdentityMutation
from api.identity.onboarding import OnboardingMutation
from api.identity.queries import IdentityQuery
from api.identity.registration import RegistrationMutation, RegistrationQuery
from api.orders.mutations import OrdersMutation
from api.orders.queries import OrdersQuery
from api.partners.catalogue import PartnerCatalogueMutation, PartnerCatalogueQuery
from api.partners.orders import PartnerOrdersMutation, PartnerOrdersQuery
from api.partners.webhooks import (
    PartnerWebhooksMutation,
    PartnerWebhooksQuery,
    PartnerWebhooksSubscription,
)
from api.search.mutations import SearchMutation
from api.search.queries import SearchQuery
from api.supervision.statistics import StatisticsQuery
from api.supervision.warnings import (
    SupervisionMutation,
    SupervisionQuery,
    SupervisionSubscription,
)
from api.supplier_portal.imports import ImportMutation
from api.supplier_portal.mutations import SupplierPortalMutation
from api.supplier_portal.queries import SupplierPortalQuery
from core.settings import Settings


@strawberry.type
class Query(
    IdentityQuery,
    AccountQuery,
    RegistrationQuery,
    AuditLogQuery,
    CatalogueQuery,
    HallQuery,
    AgreementQuery,
    SupplierPortalQuery,
    PolicyQuery,
    OrdersQuery,
    SearchQuery,
    SupervisionQuery,
    StatisticsQuery,
    PartnerWebhooksQuery,
    PartnerOrdersQuery,
    PartnerCatalogueQuery,
    ApiKeyQuery,
):
    @strawberry.field(description="Any object by its global ID; null when there is none.")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        try:
            return await id.resolve_node(info, required=False)
        except GlobalIDValueError:
            return None


@strawberry.type
class Mutation(
    IdentityMutation,
    AccountMutation,
    RegistrationMutation,
    OnboardingMutation,
    CatalogueMutation,
    AgreementMutation,
    ImageMutation,
    SupplierPortalMutation,
    ImportMutation,
    PolicyMutation,
    OrdersMutation,
    HallMutation,
    SearchMutation,
    SupervisionMutation,
    PartnerWebhooksMutation,
    PartnerOrdersMutation,
    PartnerCatalogueMutation,
    ApiKeyMutation,
):
    pass


@strawberry.type
class Subscription(SupervisionSubscription, PartnerWebhooksSubscription):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    schema = ShapedErrorsSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(),
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
        ],
    )
    schema.debug = settings.debug
    return schema
