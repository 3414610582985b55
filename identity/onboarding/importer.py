"""Bulk onboarding: organisations and their first administrator from a spreadsheet.

The file is checked as a whole first (format, size, columns): a bad file stores nothing. Each row
is then checked before anything is written — its cells, then against the database in two
set-based queries (credit codes already registered, region codes that exist) — so a bad row is
reported and never written while the good rows are inserted together: one INSERT batch for the
organisations, one for the invitations. Re-importing a file creates nothing new: every row meets
its own credit code (DUPLICATE_CREDIT_CODE).

`identity.service.create_organisation` lets an operator register an organisation in any region;
the import only accepts rows in the operator's own region subtree, because the administrator's
invitation needs an operator over the organisation's region (`accounts.require_manager`).

A credit code registered concurrently, between the check and the INSERT, trips the unique
constraint: the whole import is rolled back and reported as CONFLICT (`api.mutations.perform`);
importing the file again then reports that row as a duplicate and creates the others.
"""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit, write_audits
from core.clock import Clock
from core.errors import DomainError, Forbidden
from core.events.identity import OrganisationRegistered
from core.outbox import record_all
from core.principal import Actor, Principal, Role
from core.spreadsheets import Limits, read_table
from identity import regions, secrets
from identity.accounts import INVITATION_LIFETIME
from identity.errors import IdentityError, IdentityErrorCode
from identity.models import Invitation, Organisation, Region
from identity.onboarding import columns
from identity.onboarding.rows import UnitRow, parse_row

SHEET = "单位"  # the template's data sheet; else the workbook's first sheet is read
LIMITS = Limits()  # a module attribute, so tests can lower it
_CHUNK = 1000  # values per IN (...) list, well under SQLite's and asyncpg's parameter limits


class OnboardingOutcome(StrEnum):
    CREATED = "CREATED"
    ERROR = "ERROR"


@dataclass(frozen=True)
class RowResult:
    row: int  # as the spreadsheet numbers it: the header is row 1
    outcome: OnboardingOutcome
    organisation_id: int | None = None
    invitation_token: str | None = None  # shown once; only its digest is stored
    code: str | None = None
    column: str | None = None  # the column's header
    message: str | None = None


@dataclass(frozen=True)
class OnboardingReport:
    rows: list[RowResult]

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.outcome is OnboardingOutcome.CREATED)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r.outcome is OnboardingOutcome.ERROR)


Parsed = list[tuple[int, UnitRow | RowResult]]  # a row to write, or one that already failed


async def import_organisations(
    session: AsyncSession, data: bytes, filename: str, *, actor: Actor, clock: Clock
) -> OnboardingReport:
    principal = actor.require(Role.OPERATOR)
    # Reading and parsing run before the transaction's first statement, off the event loop.
    parsed = await asyncio.to_thread(_read, data, filename)
    wanted = [row for _, row in parsed if isinstance(row, UnitRow)]
    registered = await _registered_codes(session, [row.credit_code for row in wanted])
    known_regions = await _existing_regions(session, {row.region_code for row in wanted})
    checked: Parsed = [
        (number, row)
        if isinstance(row, RowResult)
        else (number, _checked(number, row, principal, registered, known_regions))
        for number, row in parsed
    ]
    created = await _create(session, checked, principal, actor=actor, clock=clock)
    report = OnboardingReport([created.get(number) or _result(row) for number, row in checked])
    details = {
        "filename": filename[:200],
        "rows": len(report.rows),
        "created": report.created,
        "failed": report.failed,
    }
    write_audit(session, actor, "organisation.import", clock=clock, details=details)
    return report


def _read(data: bytes, filename: str) -> Parsed:
    table = read_table(data, filename, sheet=SHEET, limits=LIMITS)
    positions = columns.layout(table.headers)
    first_row_of: dict[str, int] = {}
    parsed: Parsed = []
    for number, cells in table.rows:
        try:
            row = parse_row({header: cells[index] for header, index in positions.items()})
            _first_use(first_row_of, row.credit_code, number)
            parsed.append((number, row))
        except DomainError as error:
            parsed.append((number, _failed(number, error)))
    return parsed


def _first_use(first_row_of: dict[str, int], code: str, number: int) -> None:
    first = first_row_of.setdefault(code, number)
    if first != number:
        raise IdentityError(
            IdentityErrorCode.DUPLICATE_CREDIT_CODE,
            f"统一社会信用代码 {code} 在第 {first} 行已出现, 同一文件中不能重复",
            field=columns.CREDIT_CODE,
        )


def _checked(
    number: int,
    row: UnitRow,
    principal: Principal,
    registered: set[str],
    known_regions: set[str],
) -> UnitRow | RowResult:
    if row.credit_code in registered:
        return _failed(number, _duplicate(row.credit_code))
    if row.region_code not in known_regions:
        unknown = IdentityError(
            IdentityErrorCode.UNKNOWN_REGION,
            f"行政区划代码不存在: {row.region_code}",
            field=columns.REGION,
        )
        return _failed(number, unknown)
    if not regions.in_subtree(row.region_code, principal.region_code):
        outside = Forbidden(f"只能导入本地区及下级地区的单位: {row.region_code}")
        return _failed(number, outside, column=columns.REGION)
    return row


def _duplicate(code: str) -> IdentityError:
    return IdentityError(
        IdentityErrorCode.DUPLICATE_CREDIT_CODE,
        f"统一社会信用代码已登记: {code}",
        field=columns.CREDIT_CODE,
    )


async def _registered_codes(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(codes):
        query = select(Organisation.credit_code).where(Organisation.credit_code.in_(chunk))
        found.update(code for code in await session.scalars(query) if code is not None)
    return found


async def _existing_regions(session: AsyncSession, codes: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(codes)):
        found.update(await session.scalars(select(Region.code).where(Region.code.in_(chunk))))
    return found


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    return (values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK))


async def _create(
    session: AsyncSession, checked: Parsed, principal: Principal, *, actor: Actor, clock: Clock
) -> dict[int, RowResult]:
    """The good rows' organisations and invitations, each kind in one INSERT batch, then what
    create_organisation and invite_user write for each: an event and audit entries."""
    good = [(number, row) for number, row in checked if isinstance(row, UnitRow)]
    if not good:
        return {}
    now = clock.now()
    organisations = await session.execute(
        insert(Organisation).returning(Organisation.id, Organisation.credit_code),
        [_organisation(row, now) for _, row in good],
    )
    org_ids = {str(code): org_id for org_id, code in organisations}
    tokens = {number: secrets.new_secret() for number, _ in good}
    invitations = await session.execute(
        insert(Invitation).returning(Invitation.id, Invitation.organisation_id),
        [
            _invitation(
                org_ids[row.credit_code], row, secrets.digest(tokens[number]), principal, now
            )
            for number, row in good
        ],
    )
    invitation_ids = {org_id: invitation_id for invitation_id, org_id in invitations}
    await _record(session, [row for _, row in good], org_ids, invitation_ids, actor, clock)
    return {
        number: RowResult(
            number, OnboardingOutcome.CREATED, org_ids[row.credit_code], tokens[number]
        )
        for number, row in good
    }


def _organisation(row: UnitRow, now: datetime) -> dict[str, object]:
    return {
        "kind": row.kind,
        "name": row.name,
        "region_code": row.region_code,
        "credit_code": row.credit_code,
        "supplier_size": None,
        "is_disabled_welfare": False,
        "is_prison_enterprise": False,
        "contact_phone": row.phone,
        "contact_email": None,
        "address": row.address,
        "created_at": now,
    }


def _invitation(
    org_id: int, row: UnitRow, token_hash: str, principal: Principal, now: datetime
) -> dict[str, object]:
    return {
        "organisation_id": org_id,
        "role": row.admin_role,
        "is_admin": True,
        "display_name": row.admin_name,
        "contact": row.admin_contact,
        "token_hash": token_hash,
        "invited_by_user_id": principal.user_id,
        "created_at": now,
        "expires_at": now + INVITATION_LIFETIME,
        "accepted_at": None,
        "accepted_user_id": None,
        "revoked_at": None,
    }


async def _record(
    session: AsyncSession,
    rows: list[UnitRow],
    org_ids: dict[str, int],
    invitation_ids: dict[int, int],
    actor: Actor,
    clock: Clock,
) -> None:
    events = [
        OrganisationRegistered(
            organisation_id=org_ids[row.credit_code],
            kind=row.kind.value,
            region_code=row.region_code,
        )
        for row in rows
    ]
    await record_all(session, events, clock=clock)
    created = [(org_ids[row.credit_code], None) for row in rows]
    await write_audits(
        session,
        actor,
        "organisation.create",
        clock=clock,
        target_type="Organisation",
        targets=created,
    )
    invited: list[tuple[object, dict[str, object] | None]] = [
        (
            invitation_ids[org_ids[row.credit_code]],
            {
                "organisation_id": org_ids[row.credit_code],
                "role": row.admin_role.value,
                "admin": True,
            },
        )
        for row in rows
    ]
    await write_audits(
        session, actor, "account.invited", clock=clock, target_type="Invitation", targets=invited
    )


def _result(row: UnitRow | RowResult) -> RowResult:
    assert isinstance(row, RowResult)  # every good row was created
    return row


def _failed(number: int, error: DomainError, *, column: str | None = None) -> RowResult:
    return RowResult(
        row=number,
        outcome=OnboardingOutcome.ERROR,
        code=error.code.value,
        column=column or error.field,
        message=error.message,
    )
