"""Typed product specifications: each a key, a kind, a value and an optional unit."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from marketplace.errors import CatalogueError, CatalogueErrorCode
from marketplace.models import SpecKind

MAX_SPECS = 60


@dataclass(frozen=True)
class Spec:
    key: str
    kind: SpecKind
    value: str
    unit: str | None = None


def validate_specs(specs: list[Spec]) -> list[dict[str, Any]]:
    if len(specs) > MAX_SPECS:
        raise _invalid(f"规格参数最多 {MAX_SPECS} 项")
    seen: set[str] = set()
    result = []
    for spec in specs:
        key = spec.key.strip()
        if not key or len(key) > 32:
            raise _invalid("规格参数名不能为空, 且不超过 32 字")
        if key in seen:
            raise _invalid(f"规格参数重复: {key}")
        seen.add(key)
        result.append(
            {"key": key, "kind": spec.kind.value, "value": _value(spec), "unit": spec.unit or None}
        )
    return result


def _value(spec: Spec) -> str:
    raw = spec.value.strip()
    if spec.kind is SpecKind.NUMBER:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise _invalid(f"规格 {spec.key} 应为数字: {raw}") from None
        if not number.is_finite():
            raise _invalid(f"规格 {spec.key} 应为数字: {raw}")
        return str(number)
    if spec.kind is SpecKind.BOOLEAN:
        if raw.lower() not in ("true", "false"):
            raise _invalid(f"规格 {spec.key} 应为 true 或 false: {raw}")
        return raw.lower()
    if not raw or len(raw) > 200:
        raise _invalid(f"规格 {spec.key} 的值不能为空, 且不超过 200 字")
    return raw


def _invalid(message: str) -> CatalogueError:
    return CatalogueError(CatalogueErrorCode.INVALID_SPEC, message, field="specs")
