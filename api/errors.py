from enum import StrEnum
from typing import TYPE_CHECKING

import strawberry

from core.errors import CoreErrorCode, DomainError
from core.spreadsheets import SpreadsheetErrorCode
from identity.errors import IdentityErrorCode
from marketplace.agreements.errors import AgreementErrorCode
from marketplace.errors import CatalogueErrorCode, ImageErrorCode, OfferErrorCode
from orders.errors import OrderErrorCode
from partners.errors import PartnerErrorCode
from search.errors import SearchErrorCode
from supervision.errors import SupervisionErrorCode
from supplier_portal.errors import ListingErrorCode

_DOMAIN_CODES: tuple[type[StrEnum], ...] = (
    CoreErrorCode,
    IdentityErrorCode,
    CatalogueErrorCode,
    ImageErrorCode,
    AgreementErrorCode,
    ListingErrorCode,
    OfferErrorCode,
    OrderErrorCode,
    SearchErrorCode,
    SupervisionErrorCode,
    PartnerErrorCode,
    SpreadsheetErrorCode,
)


def _merged(*enums: type[StrEnum]) -> type[StrEnum]:
    members: dict[str, str] = {}
    for enum in enums:
        for member in enum:
            if members.setdefault(member.name, member.value) != member.value:
                raise ValueError(f"error code {member.name} means two things")
    return StrEnum("ErrorCode", members)  # type: ignore[return-value]


if TYPE_CHECKING:
    # Built at import from the domains' codes, so mypy can know it only as a StrEnum.
    ErrorCode = StrEnum
else:
    ErrorCode = strawberry.enum(
        _merged(*_DOMAIN_CODES),
        description="Stable error codes: clients branch on these, never on the message.",
    )


@strawberry.type(description="A problem with the input that the user can fix.")
class UserError:
    code: ErrorCode
    message: str = strawberry.field(description="Human-readable, in Chinese.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")

    @classmethod
    def from_domain(cls, error: DomainError) -> "UserError":
        return cls(code=ErrorCode(error.code.value), message=error.message, field=error.field)

    @classmethod
    def all_from(cls, error: DomainError) -> list["UserError"]:
        """An error that carries several problems (a blocked checkout) reports each of them."""
        problems: list[DomainError] = getattr(error, "problems", None) or [error]
        return [cls.from_domain(problem) for problem in problems]
