"""What a reader of the OCDS feed may ask for: a start date, a page size and a cursor."""

from datetime import datetime
from enum import StrEnum

from core import pagination
from core.errors import DomainError, InvalidInput
from supervision.ocds.keys import ReleaseKey, ReleaseKind

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class OcdsErrorCode(StrEnum):
    INVALID_LIMIT = "INVALID_LIMIT"
    INVALID_SINCE = "INVALID_SINCE"
    INVALID_CURSOR = "INVALID_CURSOR"


class OcdsQueryError(DomainError):
    pass


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise OcdsQueryError(
            OcdsErrorCode.INVALID_LIMIT,
            f"limit 须为 1 到 {MAX_LIMIT} 之间的整数",
            field="limit",
        )
    return int(text)


def parse_since(raw: str | None) -> datetime | None:
    """An ISO 8601 instant; without an offset it would mean a different moment to each reader."""
    if raw is None:
        return None
    try:
        since = datetime.fromisoformat(raw.strip())
    except ValueError:
        since = None
    if since is None or since.tzinfo is None:
        raise OcdsQueryError(
            OcdsErrorCode.INVALID_SINCE,
            "since 须为带时区的 ISO 8601 时间, 如 2026-11-02T01:30:00Z"
            " 或 2026-11-02T09:30:00+08:00 (URL 中的 + 须编码为 %2B)",
            field="since",
        )
    return since


def encode_cursor(key: ReleaseKey) -> str:
    return pagination.encode_cursor([key.at.isoformat(), key.kind.value, key.id])


def decode_cursor(raw: str | None) -> ReleaseKey | None:
    if raw is None:
        return None
    try:
        at, kind, id_ = pagination.decode_cursor(raw, arity=3)
        key = ReleaseKey(datetime.fromisoformat(at), ReleaseKind(kind), id_)
    except (InvalidInput, TypeError, ValueError):
        key = None
    if key is None or key.at.tzinfo is None or type(key.id) is not int:
        raise OcdsQueryError(OcdsErrorCode.INVALID_CURSOR, "分页游标无效", field="cursor")
    return key
