"""Factories: each makes one valid row with sensible defaults; override what the test is about."""

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from core.db import Database
from core.principal import Principal, Role
from identity import secrets, uscc
from identity.models import Organisation, OrganisationKind, Region, SupplierSize, User
from marketplace import codes
from marketplace.models import Category, Offer, OfferStatus, Product

T0 = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)  # a Monday, 09:30 in Shanghai
PASSWORD = "correct horse battery"
_seq = itertools.count(1)

KIND_OF_ROLE = {
    Role.PURCHASER: OrganisationKind.PURCHASING_UNIT,
    Role.SUPPLIER: OrganisationKind.SUPPLIER,
    Role.PARTNER: OrganisationKind.PARTNER,
    Role.OPERATOR: OrganisationKind.OPERATOR,
    Role.SUPERVISOR: OrganisationKind.SUPERVISION,
    Role.AUDITOR: OrganisationKind.SUPERVISION,
}


@cache
def password_hash() -> str:
    return secrets.hash_password(PASSWORD)


def credit_code(region: str = "331100") -> str:
    n = next(_seq)
    return uscc.complete(f"91{region}MA{n:07d}"[:17])


async def regions(db: Database) -> None:
    rows = [
        ("330000", "浙江省", None, 1),
        ("331100", "丽水市", "330000", 2),
        ("331102", "莲都区", "331100", 3),
        ("320000", "江苏省", None, 1),
        ("320400", "常州市", "320000", 2),
        ("320402", "天宁区", "320400", 3),
    ]
    async with db.unit_of_work() as s:
        for code, name, parent, level in rows:
            if await s.get(Region, code) is None:
                s.add(Region(code=code, name=name, parent_code=parent, level=level))
                await s.flush()


async def organisation(
    db: Database,
    kind: OrganisationKind,
    *,
    region: str = "331102",
    name: str | None = None,
    **extra: Any,
) -> Organisation:
    await regions(db)
    seller = kind in (OrganisationKind.SUPPLIER, OrganisationKind.PARTNER)
    org = Organisation(
        kind=kind,
        name=name or f"{kind.value.lower()}-{next(_seq)}",
        region_code=region,
        credit_code=credit_code(region),
        supplier_size=SupplierSize.SMALL if seller else None,
        created_at=T0,
        **extra,
    )
    async with db.unit_of_work() as s:
        s.add(org)
    return org


@dataclass(frozen=True)
class Member:
    user: User
    organisation: Organisation

    @property
    def principal(self) -> Principal:
        return Principal(
            user_id=self.user.id,
            organisation_id=self.organisation.id,
            role=self.user.role,
            region_code=self.organisation.region_code,
        )


async def member(
    db: Database,
    role: Role,
    *,
    organisation: Organisation | None = None,
    region: str = "331102",
    admin: bool = False,
) -> Member:
    org = organisation or await organisation_for(db, role, region)
    user = User(
        organisation_id=org.id,
        username=f"{role.value.lower()}{next(_seq)}",
        display_name="测试用户",
        role=role,
        password_hash=password_hash(),
        is_admin=admin,
        created_at=T0,
    )
    async with db.unit_of_work() as s:
        s.add(user)
    return Member(user, org)


async def organisation_for(db: Database, role: Role, region: str) -> Organisation:
    return await organisation(db, KIND_OF_ROLE[role], region=region)


def bearer(
    member: Member,
    *,
    key: str = "test-secret-key-0123456789abcdef",
    minutes: int = 15,
    now: datetime = T0,
) -> dict[str, str]:
    token = secrets.issue_access_token(
        member.principal, key=key, now=now, lifetime=timedelta(minutes=minutes)
    )
    return {"Authorization": f"Bearer {token.token}"}


async def category_path(
    db: Database, code: str = "A02010104", name: str = "台式计算机"
) -> Category:
    """The category and every ancestor of it."""
    chain = [code[:i] for i in range(1, len(code) + 1, 2)]
    made: Category | None = None
    async with db.unit_of_work() as s:
        from sqlalchemy import select

        for c in chain:
            existing = await s.scalar(select(Category).where(Category.code == c))
            if existing is None:
                existing = Category(
                    code=c,
                    name=name if c == code else f"品目{c}",
                    parent_id=made.id if made else None,
                    level=codes.level_of(c),
                    created_at=T0,
                )
                s.add(existing)
                await s.flush()
            made = existing
    assert made is not None
    return made


async def product(
    db: Database,
    category: Category,
    *,
    name: str | None = None,
    brand: str = "联想",
    model: str | None = None,
) -> Product:
    model = model or f"M{next(_seq)}"
    row = Product(
        category_id=category.id,
        name=name or f"{brand} {model} 台式计算机",
        brand=brand,
        model=model,
        match_key=codes.match_key(brand, model),
        unit="台",
        gtin=None,
        specs=[{"key": "内存", "kind": "NUMBER", "value": "16", "unit": "GB"}],
        created_at=T0,
    )
    async with db.unit_of_work() as s:
        s.add(row)
    return row


async def offer(
    db: Database,
    product: Product,
    supplier: Organisation,
    *,
    price_fen: int = 499900,
    status: OfferStatus = OfferStatus.ON_SHELF,
    stock: int = 10,
) -> Offer:
    row = Offer(
        product_id=product.id,
        supplier_id=supplier.id,
        supplier_sku=f"SKU-{next(_seq)}",
        price_fen=price_fen,
        market_price_fen=None,
        stock=stock,
        status=status,
        created_at=T0,
        updated_at=T0,
    )
    async with db.unit_of_work() as s:
        s.add(row)
    return row


def gid(type_name: str, pk: int) -> str:
    """A Relay global ID, as the API hands them out."""
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()
