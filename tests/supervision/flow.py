"""Supervision test helpers: a supervisor beside the ordering world, the dispatcher run to the
end, and the warnings read back."""

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from core.dispatcher import dispatch_round
from core.holidays_cn import default_calendar
from core.outbox_consumers import OutboxCursor, new_owner
from core.principal import Role
from marketplace.models import OfferPricePoint
from search.embedded import EmbeddedSearchIndex
from supervision.models import SupervisionWarning
from supervision.sweep import SweepReport, sweep
from tests import factories
from tests.factories import Member
from tests.orders.world import World

WARNING_FIELDS = """id ruleCode ruleName level status subjectType subjectId scope regionCode
  title evidence raisedAt closedAt assigneeUserId order { number }
  history { action fromStatus toStatus note actorUserId }"""
ERRORS = "errors { code field message }"
WARNINGS = f"""query($f: WarningFilterInput) {{ warnings(filter: $f, first: 50) {{
  edges {{ node {{ {WARNING_FIELDS} }} }} }} }}"""
WARNING = f"query($id: ID!) {{ warning(id: $id) {{ {WARNING_FIELDS} }} }}"
ACKNOWLEDGE = f"""mutation($id: ID!, $n: String) {{ acknowledgeWarning(id: $id, note: $n) {{
  warning {{ {WARNING_FIELDS} }} {ERRORS} }} }}"""
RESOLVE = f"""mutation($id: ID!, $n: String!) {{ resolveWarning(id: $id, note: $n) {{
  warning {{ {WARNING_FIELDS} }} {ERRORS} }} }}"""
DISMISS = f"""mutation($id: ID!, $n: String!) {{ dismissWarning(id: $id, note: $n) {{
  warning {{ {WARNING_FIELDS} }} {ERRORS} }} }}"""
ASSIGN = f"""mutation($id: ID!, $u: ID!) {{ assignWarning(id: $id, assigneeId: $u) {{
  warning {{ {WARNING_FIELDS} }} {ERRORS} }} }}"""
RULES = """query($r: String!) { supervisionRules(region: $r) {
  code name stages region enabled level params { name kind value default } } }"""
SET_RULE = f"""mutation($input: SetSupervisionRuleInput!) {{ setSupervisionRule(input: $input) {{
  rule {{ code region enabled level params {{ name value default }} }} {ERRORS} }} }}"""


async def supervisor(w: World, region: str = "331100") -> Member:
    return await factories.member(w.db, Role.SUPERVISOR, region=region)


async def dispatch(w: World) -> int:
    """Run every consumer until the outbox is drained; how many event deliveries happened."""
    from yiwang.background import consumers

    everyone = consumers(w.db, EmbeddedSearchIndex(w.db), clock=w.clock)
    owner, total = new_owner(), 0
    while moved := await dispatch_round(w.db, everyone, clock=w.clock, owner=owner):
        total += moved
    return total


async def replay_everything(w: World) -> None:
    async with w.db.unit_of_work() as s:
        await s.execute(update(OutboxCursor).values(last_xact_id=0, last_event_id=0))
    await dispatch(w)


async def run_sweep(w: World) -> SweepReport:
    return await sweep(w.db, clock=w.clock, calendar=default_calendar())


async def warnings_in_db(w: World, rule_code: str | None = None) -> list[SupervisionWarning]:
    query = select(SupervisionWarning).order_by(SupervisionWarning.id)
    if rule_code:
        query = query.where(SupervisionWarning.rule_code == rule_code)
    async with w.db.reader() as s:
        return list((await s.scalars(query)).all())


async def rules_raised(w: World) -> list[str]:
    return sorted(x.rule_code for x in await warnings_in_db(w))


async def price_point(w: World, offer_id: int, price_fen: int, at: datetime) -> None:
    async with w.db.unit_of_work() as s:
        s.add(OfferPricePoint(offer_id=offer_id, price_fen=price_fen, at=at))


def one(found: list[Any]) -> Any:
    assert len(found) == 1, found
    return found[0]
