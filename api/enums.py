"""The domains' enums, registered with strawberry once, under their GraphQL names.

strawberry.enum marks the domain class itself, so fields are annotated with the domain enum
and mypy sees a real type. `api/__init__.py` imports this module first: a field that meets an
enum strawberry does not know yet registers it without a description, and a second
registration would then clash."""

import strawberry

from core.principal import Role
from identity.models import ApplicationStatus, BlacklistKind, OrganisationKind, SupplierSize
from identity.onboarding.importer import OnboardingOutcome
from marketplace.agreements.models import (
    AgreementKind,
    AgreementStatus,
    EntrantStatus,
    ProcurementScope,
    SelectionMethod,
    UpgradeStatus,
)
from marketplace.agreements.rules import ConstraintOp
from marketplace.catalogue import ProductSort
from marketplace.models import ImageFormat, OfferStatus, SpecKind
from marketplace.policy import MarketPriceRule
from orders.invoices import InvoiceOutcome
from orders.models import (
    ContractStatus,
    DisputeStatus,
    InvoiceKind,
    OrderState,
    PaymentMethod,
    PaymentStatus,
)
from orders.reconciliation import MismatchReason, PartnerStatus
from partners.models import DeliveryStatus
from partners.sync.batch import Outcome
from partners.sync.items import ItemCode
from partners.sync.state import HoldReason
from search.documents import PolicyTag, SearchSort
from supervision.catalogue import ParamKind
from supervision.models import Level, Stage, SubjectType, WarningAction, WarningStatus
from supplier_portal.bulk_import import ImportOutcome

strawberry.enum(AgreementKind, description="封闭式 CLOSED or 开放式 OPEN.")
strawberry.enum(ProcurementScope, description="Goods or services (term limits differ).")
strawberry.enum(AgreementStatus, description="Lifecycle; EXPIRED follows from the term.")
strawberry.enum(SelectionMethod, description="Second stage: 直接选定, 二次竞价 or 顺序轮候.")
strawberry.enum(EntrantStatus, description="Where a supplier's application stands.")
strawberry.enum(ConstraintOp, description="How a spec constraint compares.")
strawberry.enum(UpgradeStatus, description="Where an upgrade proposal stands.")
strawberry.enum(OfferStatus, description="Whether buyers can see and order the offer.")
strawberry.enum(SpecKind, description="How a spec value is to be read.")
strawberry.enum(ProductSort, description="Orderings of the product list.")
strawberry.enum(
    ApplicationStatus, description="A supplier registration: pending, approved, rejected."
)
strawberry.enum(Role, description="What a user may do.")
strawberry.enum(OrganisationKind, description="The five kinds of organisation.")
strawberry.enum(
    SupplierSize,
    description="企业规模 under 工信部联企业〔2011〕300号: large, medium, small, micro.",
)
strawberry.enum(ImageFormat, description="The format of a stored original.")
strawberry.enum(
    BlacklistKind,
    description="失信被执行人, 重大税收违法失信主体 or 政府采购严重违法失信行为记录名单.",
)
strawberry.enum(OrderState, description="Where an order is in its life.")
strawberry.enum(
    PaymentMethod, description="TREASURY: 国库集中支付; OFFICIAL_CARD: 公务卡 (Stripe)."
)
strawberry.enum(PaymentStatus)
strawberry.enum(ContractStatus)
strawberry.enum(DisputeStatus)
strawberry.enum(
    InvoiceKind,
    description="VAT_SPECIAL 增值税专用发票, VAT_NORMAL 增值税普通发票 (10- or 12-digit code, "
    "8-digit number); DIGITAL_SPECIAL / DIGITAL_NORMAL 数电发票 (20-digit number, no code).",
)
strawberry.enum(Outcome, name="SyncOutcome")
strawberry.enum(ItemCode, name="SyncItemCode")
strawberry.enum(HoldReason, name="SyncHoldReason")
strawberry.enum(
    InvoiceOutcome,
    description="ACCEPTED: stored now; DUPLICATE: the same invoice was stored before (a replay), "
    "nothing changed; REJECTED: refused, see `code` and `message`.",
)
strawberry.enum(
    PartnerStatus,
    description="A partner's order status, in the mall's words: SUBMITTED 待确认, CONFIRMED 已确认/"
    "待发货, SHIPPED 已发货 (also in part), DELIVERED 已妥投, COMPLETED 已完成 (accepted), "
    "SETTLED 已结算 (paid), CANCELLED 已取消/拒单.",
)
strawberry.enum(MismatchReason, description="Why an order does not reconcile.")
strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus")
strawberry.enum(
    MarketPriceRule,
    description="LOWEST: not above the lowest platform price (浙江); AVERAGE: the average (青海).",
)
strawberry.enum(PolicyTag, description="政府采购政策功能: SME, small/micro, welfare, prison, 832.")
strawberry.enum(
    SearchSort, description="RELEVANCE (best-selling first when browsing), price, sales, rating."
)
strawberry.enum(Level, name="WarningLevel", description="红 / 橙 / 黄.")
strawberry.enum(WarningStatus, name="WarningStatus")
strawberry.enum(SubjectType, name="WarningSubjectType")
strawberry.enum(Stage, name="RuleStage", description="事前 / 事中 / 事后.")
strawberry.enum(WarningAction, name="WarningAction")
strawberry.enum(ParamKind, name="RuleParamKind")
strawberry.enum(ImportOutcome, description="What importing one spreadsheet row did.")
strawberry.enum(
    OnboardingOutcome,
    description="What importing one organisation row did: CREATED, or ERROR (see `code`).",
)
