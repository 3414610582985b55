"""Raising warnings from rule findings, and what supervisors do with them.

A finding becomes a warning at most once: the table is unique on rule, subject and scope, and a
second finding of the same (a replayed event, the nightly pass seeing it again) is ignored.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.db import insert_ignoring_conflicts
from core.errors import InvalidInput, NotFound
from core.principal import OVERSEERS, Actor, Principal, Role
from identity import regions
from identity.models import Organisation, User
from supervision.errors import SupervisionError, SupervisionErrorCode
from supervision.models import (
    SubjectType,
    SupervisionWarning,
    WarningAction,
    WarningEntry,
    WarningStatus,
)
from supervision.settings import RuleBook

NOTE_LIMIT = 1000
_LIVE = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Finding:
    """What a rule found, with the numbers and records that prove it."""

    rule_code: str
    subject_type: SubjectType
    subject_id: str
    region_code: str
    title: str
    evidence: dict[str, Any]
    scope: str = ""
    purchaser_id: int | None = None
    supplier_id: int | None = None
    order_id: int | None = None
    source_event_id: str | None = None


async def raise_findings(
    session: AsyncSession,
    findings: Sequence[Finding],
    *,
    book: RuleBook,
    clock: Clock,
    source_event_id: str | None = None,
) -> list[int]:
    """Store the findings of rules enabled in their region; returns the new warnings' ids."""
    now = clock.now()
    rows = []
    for f in findings:
        config = book.config(f.rule_code, f.region_code)
        if not config.enabled:
            continue
        rows.append(
            {
                "rule_code": f.rule_code,
                "level": config.level,
                "status": WarningStatus.OPEN,
                "subject_type": f.subject_type,
                "subject_id": f.subject_id,
                "scope": f.scope,
                "region_code": f.region_code,
                "title": f.title[:300],
                "evidence": f.evidence,
                "purchaser_id": f.purchaser_id,
                "supplier_id": f.supplier_id,
                "order_id": f.order_id,
                "source_event_id": f.source_event_id or source_event_id,
                "raised_at": now,
                "updated_at": now,
            }
        )
    if not rows:
        return []
    statement = insert_ignoring_conflicts(
        session,
        SupervisionWarning,
        index_elements=["rule_code", "subject_type", "subject_id", "scope"],
    ).returning(SupervisionWarning.id)
    new_ids = list((await session.scalars(statement, rows)).all())
    if new_ids:
        await session.execute(
            insert(WarningEntry),
            [
                {
                    "warning_id": id_,
                    "action": WarningAction.RAISED,
                    "from_status": None,
                    "to_status": WarningStatus.OPEN,
                    "at": now,
                }
                for id_ in new_ids
            ],
        )
    return new_ids


def visible_to(principal: Principal) -> Any:
    """The warnings a supervisor (or auditor) may see: those raised in its region or below."""
    principal.require_role(*OVERSEERS)
    prefix = regions.subtree_prefix(principal.region_code)
    return SupervisionWarning.region_code.startswith(prefix, autoescape=True)


async def _own_warning(session: AsyncSession, principal: Principal, id_: int) -> SupervisionWarning:
    warning = await session.get(SupervisionWarning, id_, with_for_update=True)
    if warning is None or not regions.in_subtree(warning.region_code, principal.region_code):
        raise NotFound("预警", id_, field="id")
    return warning


async def acknowledge(
    session: AsyncSession, id_: int, *, note: str | None, actor: Actor, clock: Clock
) -> SupervisionWarning:
    return await _move(session, id_, WarningAction.ACKNOWLEDGED, note, actor=actor, clock=clock)


async def resolve(
    session: AsyncSession, id_: int, *, note: str, actor: Actor, clock: Clock
) -> SupervisionWarning:
    _require_note(note)
    return await _move(session, id_, WarningAction.RESOLVED, note, actor=actor, clock=clock)


async def dismiss(
    session: AsyncSession, id_: int, *, note: str, actor: Actor, clock: Clock
) -> SupervisionWarning:
    _require_note(note)
    return await _move(session, id_, WarningAction.DISMISSED, note, actor=actor, clock=clock)


async def assign(
    session: AsyncSession,
    id_: int,
    *,
    assignee_user_id: int,
    note: str | None,
    actor: Actor,
    clock: Clock,
) -> SupervisionWarning:
    """Hand a warning to a supervisor whose region covers it."""
    principal = actor.require(Role.SUPERVISOR)
    _check_note(note)
    warning = await _own_warning(session, principal, id_)
    _require_live(warning)
    assignee = await session.get(User, assignee_user_id)
    org = await session.get(Organisation, assignee.organisation_id) if assignee else None
    if (
        assignee is None
        or org is None
        or not assignee.is_active
        or assignee.role != Role.SUPERVISOR
        or not regions.in_subtree(warning.region_code, org.region_code)
    ):
        raise SupervisionError(
            SupervisionErrorCode.ASSIGNEE_INVALID,
            "只能指派给辖区覆盖该预警的在职监管人员",
            field="assigneeId",
        )
    warning.assignee_user_id = assignee_user_id
    _log(session, warning, WarningAction.ASSIGNED, warning.status, note, principal, clock)
    write_audit(
        session,
        actor,
        "warning.assign",
        clock=clock,
        target_type="SupervisionWarning",
        target_id=warning.id,
        details={"assignee_user_id": assignee_user_id},
    )
    await session.flush()
    return warning


_TARGET = {
    WarningAction.ACKNOWLEDGED: WarningStatus.ACKNOWLEDGED,
    WarningAction.RESOLVED: WarningStatus.RESOLVED,
    WarningAction.DISMISSED: WarningStatus.DISMISSED,
}
_FROM = {
    WarningAction.ACKNOWLEDGED: (WarningStatus.OPEN,),
    WarningAction.RESOLVED: _LIVE,
    WarningAction.DISMISSED: _LIVE,
}


async def _move(
    session: AsyncSession,
    id_: int,
    action: WarningAction,
    note: str | None,
    *,
    actor: Actor,
    clock: Clock,
) -> SupervisionWarning:
    principal = actor.require(Role.SUPERVISOR)
    _check_note(note)
    warning = await _own_warning(session, principal, id_)
    if warning.status not in _FROM[action]:
        raise SupervisionError(
            SupervisionErrorCode.WARNING_CLOSED,
            f"预警当前状态为 {warning.status.value}, 不能{_VERB[action]}",
            field="id",
        )
    before = warning.status
    warning.status = _TARGET[action]
    if warning.status not in _LIVE:
        warning.closed_at = clock.now()
    _log(session, warning, action, before, note, principal, clock)
    write_audit(
        session,
        actor,
        f"warning.{action.value.lower()}",
        clock=clock,
        target_type="SupervisionWarning",
        target_id=warning.id,
        details={"note": note},
    )
    await session.flush()
    return warning


_VERB = {
    WarningAction.ACKNOWLEDGED: "确认",
    WarningAction.RESOLVED: "办结",
    WarningAction.DISMISSED: "排除",
}


def _log(
    session: AsyncSession,
    warning: SupervisionWarning,
    action: WarningAction,
    before: WarningStatus,
    note: str | None,
    principal: Principal,
    clock: Clock,
) -> None:
    warning.updated_at = clock.now()
    session.add(
        WarningEntry(
            warning_id=warning.id,
            action=action,
            from_status=before.value,
            to_status=warning.status.value,
            note=note,
            actor_user_id=principal.user_id,
            assignee_user_id=warning.assignee_user_id,
            at=clock.now(),
        )
    )


def _require_live(warning: SupervisionWarning) -> None:
    if warning.status not in _LIVE:
        raise SupervisionError(
            SupervisionErrorCode.WARNING_CLOSED, "预警已办结或已排除", field="id"
        )


def _require_note(note: str) -> None:
    if not note.strip():
        raise SupervisionError(
            SupervisionErrorCode.NOTE_REQUIRED, "办结或排除预警须填写说明", field="note"
        )


def _check_note(note: str | None) -> None:
    if note is not None and len(note) > NOTE_LIMIT:
        raise InvalidInput(f"说明不能超过 {NOTE_LIMIT} 字", field="note")


async def entries_of(session: AsyncSession, warning_ids: Sequence[int]) -> list[WarningEntry]:
    query = (
        select(WarningEntry)
        .where(WarningEntry.warning_id.in_(warning_ids))
        .order_by(WarningEntry.warning_id, WarningEntry.id)
    )
    return list((await session.scalars(query)).all())
