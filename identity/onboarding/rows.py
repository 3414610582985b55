"""One row's cells, read into an organisation and its administrator. Pure: no database.

A problem is a DomainError whose `field` is the column's header.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from core.errors import InvalidInput
from core.principal import Role
from core.spreadsheets import cell_text
from identity import regions, uscc
from identity.errors import IdentityError, IdentityErrorCode
from identity.models import OrganisationKind
from identity.onboarding import columns as c

KINDS = {
    "采购单位": OrganisationKind.PURCHASING_UNIT,
    "供应商": OrganisationKind.SUPPLIER,
    "电商平台": OrganisationKind.PARTNER,
    "监管机构": OrganisationKind.SUPERVISION,
    "运营机构": OrganisationKind.OPERATOR,
}
# The role the administrator is invited with (监管机构: a supervisor, who may invite auditors).
ADMIN_ROLES = {
    OrganisationKind.PURCHASING_UNIT: Role.PURCHASER,
    OrganisationKind.SUPPLIER: Role.SUPPLIER,
    OrganisationKind.PARTNER: Role.PARTNER,
    OrganisationKind.SUPERVISION: Role.SUPERVISOR,
}
_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UnitRow:
    name: str
    credit_code: str  # normalised, its check character holds
    kind: OrganisationKind
    region_code: str
    phone: str | None
    address: str | None
    admin_name: str
    admin_contact: str

    @property
    def admin_role(self) -> Role:
        return ADMIN_ROLES[self.kind]


def parse_row(cells: Mapping[str, object]) -> UnitRow:
    """`cells` maps each header present in the file to this row's value."""
    kind = _kind(cell_text(cells.get(c.KIND)))
    return UnitRow(
        name=_bounded(_required(cells, c.NAME), c.NAME, 128),
        credit_code=_credit_code(_required(cells, c.CREDIT_CODE)),
        kind=kind,
        region_code=_region(_required(cells, c.REGION)),
        phone=_optional(cells, c.PHONE, 32),
        address=_optional(cells, c.ADDRESS, 256),
        admin_name=_bounded(_required(cells, c.ADMIN_NAME), c.ADMIN_NAME, 64),
        admin_contact=_contact(_required(cells, c.ADMIN_CONTACT)),
    )


def _kind(label: str | None) -> OrganisationKind:
    if label is None:
        return OrganisationKind.PURCHASING_UNIT
    kind = KINDS.get(label)
    if kind is None:
        raise InvalidInput(f"{c.KIND}应为 {'、'.join(KINDS)} 之一: {label}", field=c.KIND)
    if kind not in ADMIN_ROLES:
        # Operators are peers of the importer: they are registered one by one, not in bulk.
        raise IdentityError(
            IdentityErrorCode.ROLE_NOT_ALLOWED, f"批量导入不能创建{label}", field=c.KIND
        )
    return kind


def _credit_code(raw: str) -> str:
    code = uscc.normalise(raw)
    if not uscc.is_valid(code):
        raise IdentityError(
            IdentityErrorCode.INVALID_CREDIT_CODE,
            f"统一社会信用代码无效 (校验位不符或格式错误): {raw}",
            field=c.CREDIT_CODE,
        )
    return code


def _region(raw: str) -> str:
    if not regions.is_valid_code(raw):
        raise IdentityError(
            IdentityErrorCode.UNKNOWN_REGION, f"行政区划代码不存在: {raw}", field=c.REGION
        )
    return raw


def _contact(raw: str) -> str:
    if len(raw) > 128 or not (_PHONE.match(raw) or _EMAIL.match(raw)):
        raise InvalidInput(f"{c.ADMIN_CONTACT}应为手机号码或电子邮箱: {raw}", field=c.ADMIN_CONTACT)
    return raw


def _required(cells: Mapping[str, object], header: str) -> str:
    value = cell_text(cells.get(header))
    if value is None:
        raise InvalidInput(f"{header}必填", field=header)
    return value


def _bounded(value: str, header: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidInput(f"{header}不能超过 {limit} 个字", field=header)
    return value


def _optional(cells: Mapping[str, object], header: str, limit: int) -> str | None:
    value = cell_text(cells.get(header))
    return None if value is None else _bounded(value, header, limit)
