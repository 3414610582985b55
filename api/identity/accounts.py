"""Accounts over GraphQL: invitations, passwords, disabling users, an organisation's members."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.errors import UserError
from api.mutations import Outcome, Parsed, decode_id, perform, run_mutation
from core.db import Database
from core.errors import DomainError, NotFound
from core.principal import Actor, Role
from identity import accounts, models


@strawberry.type(description="A user of an organisation, as its administrators see it.")
class Member:
    id: strawberry.ID
    username: str
    display_name: str
    role: Role
    is_admin: bool = strawberry.field(description="单位管理员: invites and disables users.")
    is_active: bool
    last_login_at: datetime | None

    @classmethod
    def from_model(cls, row: models.User) -> "Member":
        return cls(
            id=strawberry.ID(str(row.id)),
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            is_admin=row.is_admin,
            is_active=row.is_active,
            last_login_at=row.last_login_at,
        )


@strawberry.type(description="An invitation not yet accepted: its link works until `expiresAt`.")
class Invitation:
    id: strawberry.ID
    display_name: str
    role: Role
    is_admin: bool
    contact: str | None
    expires_at: datetime

    @classmethod
    def from_model(cls, row: models.Invitation) -> "Invitation":
        return cls(
            id=strawberry.ID(str(row.id)),
            display_name=row.display_name,
            role=row.role,
            is_admin=row.is_admin,
            contact=row.contact,
            expires_at=row.expires_at,
        )


@strawberry.type
class OrganisationMembers:
    members: list[Member]
    invitations: list[Invitation]


@strawberry.input
class InviteUserInput:
    organisation_id: relay.GlobalID
    role: Role
    display_name: str
    contact: str | None = strawberry.field(
        default=None, description="Where the link is sent: a phone number or an e-mail address."
    )
    is_admin: bool = False


@strawberry.type(
    description=(
        "`token` is shown now and never again: the invitee opens the link with it and chooses a "
        "username and password (acceptInvitation)."
    )
)
class InviteUserPayload:
    invitation: Invitation | None
    token: str | None
    errors: list[UserError]


@strawberry.input
class AcceptInvitationInput:
    token: str
    username: str = strawberry.field(description="3–32 lowercase letters, digits, _ . -")
    password: str = strawberry.field(description="8–128 characters, letters and digits.")


@strawberry.type
class AccountPayload:
    member: Member | None
    errors: list[UserError]


@strawberry.input
class ChangePasswordInput:
    current: str
    new: str


@strawberry.type(description="`token` is shown once: hand the reset link to the user.")
class PasswordResetPayload:
    token: str | None
    expires_at: datetime | None
    errors: list[UserError]


@strawberry.input
class ResetPasswordInput:
    token: str
    password: str


@strawberry.input
class SetUserActiveInput:
    user_id: strawberry.ID
    active: bool
    reason: str = ""


@strawberry.type
class InvitationPayload:
    invitation: Invitation | None
    errors: list[UserError]


DatabaseWork = Callable[[Database, Actor], Awaitable[models.User]]


def _plain_id(what: str, field: str) -> Callable[[Any], int]:
    """A parser for a plain numeric ID; anything else names nothing that exists."""

    def parse(raw: Any) -> int:
        if not str(raw).isdigit():
            raise NotFound(what, raw, field=field)
        return int(raw)

    return parse


async def _outside_a_transaction(info: Info, work: DatabaseWork) -> AccountPayload:
    """Password work hashes before it writes, so it runs its own short units of work."""
    try:
        user = await work(info.context.db, await info.context.actor())
    except DomainError as error:
        return AccountPayload(member=None, errors=UserError.all_from(error))
    return AccountPayload(member=Member.from_model(user), errors=[])


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="An organisation's users and open invitations: for its administrators and "
        "the operators over its region."
    )
    async def organisation_members(
        self, info: Info, organisation_id: relay.GlobalID
    ) -> OrganisationMembers:
        org_id = decode_id(organisation_id, "Organisation", field="organisationId")
        actor = await info.context.actor()
        async with info.context.db.reader() as session:
            users, invitations = await accounts.list_members(session, org_id, actor=actor)
        return OrganisationMembers(
            members=[Member.from_model(u) for u in users],
            invitations=[Invitation.from_model(i) for i in invitations],
        )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Invite a user into an organisation with a role its kind allows: operators "
        "over its region, or its administrators. The link expires after 7 days."
    )
    async def invite_user(self, info: Info, input: InviteUserInput) -> InviteUserPayload:
        async def action(session: AsyncSession, actor: Actor) -> accounts.IssuedInvitation:
            draft = accounts.InvitationDraft(
                organisation_id=decode_id(
                    input.organisation_id, "Organisation", field="organisationId"
                ),
                role=input.role,
                display_name=input.display_name,
                contact=input.contact,
                is_admin=input.is_admin,
            )
            return await accounts.invite_user(session, draft, actor=actor, clock=info.context.clock)

        outcome = await perform(info, action)
        if outcome.value is None:
            return InviteUserPayload(invitation=None, token=None, errors=outcome.errors)
        return InviteUserPayload(
            invitation=Invitation.from_model(outcome.value.invitation),
            token=outcome.value.token,
            errors=[],
        )

    @strawberry.mutation(description="Withdraw an invitation not yet accepted.")
    async def revoke_invitation(self, info: Info, id: strawberry.ID) -> InvitationPayload:
        return await run_mutation(
            info,
            accounts.revoke_invitation,
            Parsed(_plain_id("邀请", "id"), id),
            payload=lambda o: InvitationPayload(
                invitation=Invitation.from_model(o.value) if o.value else None, errors=o.errors
            ),
        )

    @strawberry.mutation(
        description="Join with an invitation's token: choose a username and password (once)."
    )
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> AccountPayload:
        async def work(db: Database, actor: Actor) -> models.User:
            return await accounts.accept_invitation(
                db,
                input.token,
                username=input.username,
                password=input.password,
                actor=actor,
                clock=info.context.clock,
            )

        return await _outside_a_transaction(info, work)

    @strawberry.mutation(
        description="Change your own password; your other sessions end (log in again there)."
    )
    async def change_password(self, info: Info, input: ChangePasswordInput) -> AccountPayload:
        async def work(db: Database, actor: Actor) -> models.User:
            return await accounts.change_password(
                db, current=input.current, new=input.new, actor=actor, clock=info.context.clock
            )

        return await _outside_a_transaction(info, work)

    @strawberry.mutation(
        description="A user's administrator (or operator) issues a one-time password reset link, "
        "valid 24 hours."
    )
    async def issue_password_reset(
        self, info: Info, user_id: strawberry.ID
    ) -> PasswordResetPayload:
        return await run_mutation(
            info,
            accounts.issue_password_reset,
            Parsed(_plain_id("用户", "userId"), user_id),
            payload=_reset_payload,
        )

    @strawberry.mutation(description="Set a new password with a reset link's token (once).")
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> AccountPayload:
        async def work(db: Database, actor: Actor) -> models.User:
            return await accounts.reset_password(
                db, input.token, password=input.password, actor=actor, clock=info.context.clock
            )

        return await _outside_a_transaction(info, work)

    @strawberry.mutation(
        description="Disable a user (every session ends at once) or enable it again."
    )
    async def set_user_active(self, info: Info, input: SetUserActiveInput) -> AccountPayload:
        return await run_mutation(
            info,
            accounts.set_user_active,
            Parsed(_plain_id("用户", "userId"), input.user_id),
            input.active,
            reason=input.reason,
            payload=lambda o: AccountPayload(
                member=Member.from_model(o.value) if o.value else None, errors=o.errors
            ),
        )


def _reset_payload(outcome: Outcome[accounts.IssuedReset]) -> PasswordResetPayload:
    if outcome.value is None:
        return PasswordResetPayload(token=None, expires_at=None, errors=outcome.errors)
    issued = outcome.value
    return PasswordResetPayload(token=issued.token, expires_at=issued.reset.expires_at, errors=[])
