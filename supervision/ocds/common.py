"""Building blocks every OCDS release here shares: money, time, parties, the release header."""

from datetime import UTC, date, datetime, time
from typing import Any

from core.clock import SHANGHAI
from core.money import CURRENCY, fen_to_yuan
from identity.models import Organisation

# org-id.guide's list for the 统一社会信用代码 (GB 32100-2015).
IDENTIFIER_SCHEME = "CN-USCI"
# itemClassificationScheme is an open codelist without an entry for the MOF's 政府采购品目分类目录;
# the country prefix keeps ours from clashing with a code OCP may add later (see ADR 20).
CATEGORY_SCHEME = "CN-GPCC"
_END_OF_DAY = time(23, 59, 59)


def clean(**fields: Any) -> dict[str, Any]:
    """The fields that have a value: OCDS wants absent fields, not nulls or empty lists."""
    return {k: v for k, v in fields.items() if v is not None and v != [] and v != {}}


def money(fen: int | None) -> dict[str, Any] | None:
    if fen is None:
        return None
    return {"amount": fen_to_yuan(fen), "currency": CURRENCY}


def instant(at: datetime) -> str:
    """ISO 8601 in China's time, with its offset."""
    return at.astimezone(SHANGHAI).isoformat()


def when(at: datetime | None) -> str | None:
    return None if at is None else instant(at)


def day_start(day: date) -> str:
    return datetime.combine(day, time.min, SHANGHAI).isoformat()


def day_end(day: date | None) -> str | None:
    return None if day is None else datetime.combine(day, _END_OF_DAY, SHANGHAI).isoformat()


def term(starts_on: date, ends_on: date) -> dict[str, Any]:
    return {"startDate": day_start(starts_on), "endDate": day_end(ends_on)}


def party_id(org: Organisation) -> str:
    if org.credit_code:
        return f"{IDENTIFIER_SCHEME}-{org.credit_code}"
    return f"yiwang-organisation-{org.id}"


def reference(org: Organisation) -> dict[str, Any]:
    return {"id": party_id(org), "name": org.name}


def party(org: Organisation, *roles: str) -> dict[str, Any]:
    """An organisation's public face: name and credit code, never its contact people or phones."""
    identifier = None
    if org.credit_code:
        identifier = {"scheme": IDENTIFIER_SCHEME, "id": org.credit_code, "legalName": org.name}
    return clean(**reference(org), identifier=identifier, roles=list(roles))


def classification(code: str, name: str | None) -> dict[str, Any]:
    return clean(scheme=CATEGORY_SCHEME, id=code, description=name)


def ocid_for(prefix: str, kind: str, key: object) -> str:
    return f"{prefix}-{kind}-{key}"


def header(ocid: str, at: datetime, tags: list[str]) -> dict[str, Any]:
    """`id` names the state at `at`: the same state always gets the same id."""
    stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return {
        "ocid": ocid,
        "id": f"{ocid}-{stamp}",
        "date": instant(at),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
    }
