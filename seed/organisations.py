"""Organisation rows from the specs: deterministic credit codes, phones, e-mails, addresses."""

import random
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity import uscc
from identity.models import Organisation
from seed.common import BASE_TIME, Row, seeded
from seed.organisation_data import ORGANISATIONS, OrgSpec
from seed.regions import full_name

_DIGITS = "0123456789"
_CHECK_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# City (first four digits; a province uses its capital's) → telephone area code, local digits.
_AREA: dict[str, tuple[str, int]] = {
    "1100": ("010", 8),
    "1101": ("010", 8),
    "1500": ("0471", 7),
    "1501": ("0471", 7),
    "3100": ("021", 8),
    "3101": ("021", 8),
    "3200": ("025", 8),
    "3201": ("025", 8),
    "3204": ("0519", 8),
    "3300": ("0571", 8),
    "3301": ("0571", 8),
    "3311": ("0578", 7),
}
_MAIL_DOMAIN = {
    "11": "beijing",
    "15": "nmg",
    "31": "sh",
    "3201": "nanjing",
    "3204": "changzhou",
    "3200": "js",
    "3301": "hangzhou",
    "3311": "lishui",
    "3300": "zj",
}
_STREETS = {
    "11": ("东长安街", "中关村大街", "王府井大街", "学院路"),
    "15": ("新华大街", "中山西路", "大学西街", "锡林郭勒南路"),
    "31": ("肇嘉浜路", "漕溪北路", "南京东路", "世纪大道", "张杨路"),
    "3201": ("中山路", "汉中路", "北京西路", "珠江路"),
    "3204": ("延陵西路", "晋陵中路", "和平北路", "通江中路", "龙城大道"),
    "3200": ("北京西路", "中山北路"),
    "3301": ("文三路", "延安路", "庆春路", "学院路", "江南大道"),
    "3311": ("中山街", "解放街", "丽阳街", "人民街", "紫金路", "花园路", "括苍路"),
    "3300": ("省府路", "环城西路", "体育场路"),
}
_CAPITALS = {"150000": "150100", "320000": "320100", "330000": "330100"}
_COMPANY_MAIL = ("163.com", "126.com", "qq.com", "aliyun.com")


def _rng(spec: OrgSpec, purpose: str) -> random.Random:
    return seeded("organisation", spec.name, purpose)


def credit_code(spec: OrgSpec) -> str:
    """Type code, the region's six digits, an eight-character body and its check, then the
    USCC check character; the body comes from the name, so reruns agree."""
    rng = _rng(spec, "credit_code")
    body = "".join(rng.choice(_DIGITS) for _ in range(8)) + rng.choice(_CHECK_ALPHABET)
    return uscc.complete(spec.type_code + spec.region + body)


def _local(code: str, table: dict[str, str] | dict[str, tuple[str, ...]]) -> str:
    return code[:4] if code[:4] in table else code[:2]


def phone(spec: OrgSpec) -> str:
    area, digits = _AREA[spec.region[:4]]
    rng = _rng(spec, "phone")
    return f"{area}-{rng.choice('2345678')}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def email(spec: OrgSpec, code: str) -> str:
    if spec.email is not None:
        return spec.email
    if spec.type_code in ("11", "12"):
        return f"zfcg{code[10:16].lower()}@{_MAIL_DOMAIN[_local(spec.region, _MAIL_DOMAIN)]}.gov.cn"
    domain = _COMPANY_MAIL[int(code[14:16], 36) % len(_COMPANY_MAIL)]
    return f"sales{code[9:16].lower()}@{domain}"


def address(spec: OrgSpec) -> str:
    """A street address; a provincial body sits in the provincial capital."""
    if spec.address is not None:
        return spec.address
    streets = _STREETS[_local(spec.region, _STREETS)]
    rng = _rng(spec, "address")
    place = full_name(_CAPITALS.get(spec.region, spec.region))
    return f"{place}{rng.choice(streets)}{rng.randint(1, 399)}号"


def organisation_row(spec: OrgSpec, index: int) -> Row:
    code = credit_code(spec)
    return {
        "kind": spec.kind,
        "name": spec.name,
        "region_code": spec.region,
        "credit_code": code,
        "supplier_size": spec.size,
        "is_disabled_welfare": spec.disabled_welfare,
        "is_prison_enterprise": spec.prison,
        "contact_phone": phone(spec),
        "contact_email": email(spec, code),
        "address": address(spec),
        "created_at": BASE_TIME + timedelta(minutes=index),
    }


async def seed_organisations(session: AsyncSession) -> tuple[dict[str, int], int]:
    """Inserts the organisations whose credit code is missing; returns name → id for the demo
    organisations and how many were new."""
    existing = await _ids_by_code(session)
    rows = [organisation_row(spec, n) for n, spec in enumerate(ORGANISATIONS)]
    missing = [row for row in rows if row["credit_code"] not in existing]
    if missing:
        await session.execute(insert(Organisation), missing)
        existing = await _ids_by_code(session)
    return {spec.name: existing[credit_code(spec)] for spec in ORGANISATIONS}, len(missing)


async def _ids_by_code(session: AsyncSession) -> dict[str, int]:
    result = await session.execute(select(Organisation.credit_code, Organisation.id))
    return {code: id_ for code, id_ in result if code is not None}
