"""Rule settings per region: a region inherits each setting from the nearest region above that
sets it, else the rule's central default (as regional policy does)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import Forbidden, InvalidInput, NotFound
from core.principal import Actor, Principal, Role
from identity import regions
from identity.service import require_region
from supervision.catalogue import BY_CODE, RULES, Param, ParamKind, ParamValue
from supervision.models import Level, RuleSetting


@dataclass(frozen=True)
class RuleConfig:
    code: str
    enabled: bool
    level: Level
    params: Mapping[str, ParamValue]

    def number(self, name: str) -> int:
        value = self.params[name]
        assert isinstance(value, int)
        return value

    def text(self, name: str) -> str:
        value = self.params[name]
        assert isinstance(value, str)
        return value

    def fen_by_category(self, name: str) -> Mapping[str, int]:
        value = self.params[name]
        assert not isinstance(value, int | str)
        return value


class RuleBook:
    """Every rule's settings as they apply in any region, from one read of the settings table."""

    def __init__(self, rows: Iterable[RuleSetting]) -> None:
        self._rows = {(r.region_code, r.rule_code): r for r in rows}
        self._memo: dict[tuple[str, str], RuleConfig] = {}

    def config(self, rule_code: str, region_code: str) -> RuleConfig:
        key = (rule_code, region_code)
        if key not in self._memo:
            self._memo[key] = self._resolve(rule_code, region_code)
        return self._memo[key]

    def _resolve(self, rule_code: str, region_code: str) -> RuleConfig:
        rule = BY_CODE[rule_code]
        found = (self._rows.get((c, rule_code)) for c in regions.lineage(region_code))
        chain = [r for r in found if r is not None]
        enabled = next((r.enabled for r in chain if r.enabled is not None), True)
        level = next((r.level for r in chain if r.level is not None), rule.level)
        params = {p.name: _first_set(p, chain) for p in rule.params}
        return RuleConfig(rule_code, enabled, level, params)


def _first_set(param: Param, chain: list[RuleSetting]) -> ParamValue:
    return next((r.params[param.name] for r in chain if param.name in r.params), param.default)


async def load_rule_book(session: AsyncSession) -> RuleBook:
    return RuleBook((await session.scalars(select(RuleSetting))).all())


async def set_rule_setting(
    session: AsyncSession,
    region_code: str,
    rule_code: str,
    *,
    enabled: bool | None,
    level: Level | None,
    params: Mapping[str, Any],
    actor: Actor,
    clock: Clock,
) -> RuleConfig:
    """A supervisor sets a rule for its region or one below; every change is audited."""
    principal = actor.require(Role.SUPERVISOR)
    rule = BY_CODE.get(rule_code)
    if rule is None:
        raise NotFound("监管规则", rule_code, field="ruleCode")
    await require_visible_region(session, principal, region_code)
    checked = {name: _checked(rule.code, name, value) for name, value in params.items()}
    row = await session.get(RuleSetting, (region_code, rule_code)) or RuleSetting(
        region_code=region_code, rule_code=rule_code, params={}
    )
    row.enabled = enabled
    row.level = level
    row.params = checked
    row.updated_by_user_id = principal.user_id
    row.updated_at = clock.now()
    session.add(row)
    await session.flush()
    write_audit(
        session,
        actor,
        "supervision_rule.set",
        clock=clock,
        target_type="SupervisionRule",
        target_id=f"{region_code}:{rule_code}",
        details={"enabled": enabled, "level": level, "params": checked},
    )
    return (await load_rule_book(session)).config(rule_code, region_code)


async def require_visible_region(
    session: AsyncSession, principal: Principal, region_code: str
) -> None:
    await require_region(session, region_code)
    if not regions.in_subtree(region_code, principal.region_code):
        raise Forbidden("只能查看或设置本辖区内的监管规则")


_LIMITS = {
    ParamKind.BASIS_POINTS: (0, 100_000),
    ParamKind.DAYS: (1, 3650),
    ParamKind.WORKING_DAYS: (1, 365),
    ParamKind.FEN: (0, 10**15),
    ParamKind.COUNT: (1, 1000),
}


def _checked(rule_code: str, name: str, value: Any) -> ParamValue:
    try:
        param = BY_CODE[rule_code].param(name)
    except StopIteration:
        raise InvalidInput(f"规则 {rule_code} 没有参数 {name}", field=f"params.{name}") from None
    field = f"params.{name}"
    if param.kind in _LIMITS:
        low, high = param.bounds or _LIMITS[param.kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"{param.label} 须为 {low} 到 {high} 之间的整数", field=field)
        return value
    if param.kind is ParamKind.CODE_PREFIX:
        if not isinstance(value, str) or not _is_code_prefix(value):
            raise InvalidInput(f"{param.label} 须为品目代码 (如 A0706)", field=field)
        return value
    if not isinstance(value, dict) or not all(
        _is_code_prefix(k) and isinstance(v, int) and not isinstance(v, bool) and v > 0
        for k, v in value.items()
    ):
        raise InvalidInput(f"{param.label} 须为 {{品目代码: 正整数分}} 的对象", field=field)
    return dict(value)


def _is_code_prefix(value: str) -> bool:
    return 1 <= len(value) <= 16 and value[:1] in "ABC" and value[1:].isdigit()


def all_rules() -> tuple[str, ...]:
    return tuple(rule.code for rule in RULES)
