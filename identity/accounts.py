"""Accounts: invitations, passwords, disabling users.

Who manages an organisation's users: an operator whose region contains the organisation, or an
administrator of that organisation. Passwords are checked and hashed before any transaction
opens (argon2 is slow on purpose), so these functions that need a hash take a `Database` and run
their own short read and write units of work.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.db import Database
from core.errors import Forbidden, InvalidInput, NotFound
from core.principal import Actor, Principal, Role
from identity import credentials, regions, secrets
from identity.errors import IdentityError, IdentityErrorCode
from identity.models import Invitation, Organisation, OrganisationKind, PasswordReset, User
from identity.service import require_organisation, revoke_refresh_tokens

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=24)

ROLES_BY_KIND: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.PURCHASING_UNIT: frozenset({Role.PURCHASER}),
    OrganisationKind.SUPPLIER: frozenset({Role.SUPPLIER}),
    OrganisationKind.PARTNER: frozenset({Role.PARTNER}),
    OrganisationKind.OPERATOR: frozenset({Role.OPERATOR}),
    OrganisationKind.SUPERVISION: frozenset({Role.SUPERVISOR, Role.AUDITOR}),
}


@dataclass(frozen=True)
class InvitationDraft:
    organisation_id: int
    role: Role
    display_name: str
    contact: str | None = None
    is_admin: bool = False


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once; only its digest is stored


@dataclass(frozen=True)
class IssuedReset:
    reset: PasswordReset
    token: str


async def require_manager(session: AsyncSession, actor: Actor, org: Organisation) -> Principal:
    """An operator over the organisation's region, or an administrator of the organisation."""
    principal = actor.require()
    if principal.role is Role.OPERATOR and regions.in_subtree(
        org.region_code, principal.region_code
    ):
        return principal
    if principal.organisation_id == org.id and principal.user_id is not None:
        user = await session.get(User, principal.user_id)
        if user is not None and user.is_admin and user.is_active:
            return principal
    raise Forbidden("只有本单位管理员或所在地区的运营机构可以管理此单位的账号")


async def invite_user(
    session: AsyncSession,
    draft: InvitationDraft,
    *,
    actor: Actor,
    clock: Clock,
    lifetime: timedelta = INVITATION_LIFETIME,
) -> IssuedInvitation:
    org = await require_organisation(session, draft.organisation_id)
    principal = await require_manager(session, actor, org)
    if draft.role not in ROLES_BY_KIND[org.kind]:
        raise IdentityError(
            IdentityErrorCode.ROLE_NOT_ALLOWED,
            f"{org.name} 的账号不能授予角色 {draft.role.value}",
            field="role",
        )
    display_name = draft.display_name.strip()
    if not display_name or len(display_name) > 64:
        raise InvalidInput("姓名须为 1–64 个字符", field="displayName")
    token = secrets.new_secret()
    now = clock.now()
    invitation = Invitation(
        organisation_id=org.id,
        role=draft.role,
        is_admin=draft.is_admin,
        display_name=display_name,
        contact=(draft.contact or "").strip()[:128] or None,
        token_hash=secrets.digest(token),
        invited_by_user_id=principal.user_id,
        created_at=now,
        expires_at=now + lifetime,
        accepted_at=None,
        accepted_user_id=None,
        revoked_at=None,
    )
    session.add(invitation)
    await session.flush()
    write_audit(
        session,
        actor,
        "account.invited",
        clock=clock,
        target_type="Invitation",
        target_id=invitation.id,
        details={"organisation_id": org.id, "role": draft.role.value, "admin": draft.is_admin},
    )
    return IssuedInvitation(invitation, token)


async def revoke_invitation(
    session: AsyncSession, invitation_id: int, *, actor: Actor, clock: Clock
) -> Invitation:
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("邀请", invitation_id)
    await require_manager(
        session, actor, await require_organisation(session, invitation.organisation_id)
    )
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = clock.now()
        write_audit(
            session,
            actor,
            "account.invitation_revoked",
            clock=clock,
            target_type="Invitation",
            target_id=invitation.id,
        )
    return invitation


async def accept_invitation(
    db: Database, token: str, *, username: str, password: str, actor: Actor, clock: Clock
) -> User:
    """Spend the invitation and create the user with the password the invitee chose."""
    name = credentials.checked_username(username)
    credentials.check_password(password, username=name)
    password_hash = await credentials.hashed(password)
    async with db.unit_of_work() as session:
        now = clock.now()
        spent = await session.execute(
            update(Invitation)
            .where(
                Invitation.token_hash == secrets.digest(token),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(accepted_at=now)
            .returning(Invitation.id)
        )
        invitation_id = spent.scalar_one_or_none()
        if invitation_id is None:
            raise IdentityError(
                IdentityErrorCode.INVITATION_INVALID, "邀请链接无效、已使用或已过期", field="token"
            )
        invitation = await session.get(Invitation, invitation_id)
        assert invitation is not None
        if await session.scalar(select(User.id).where(User.username == name)) is not None:
            raise _username_taken(name)
        user = User(
            organisation_id=invitation.organisation_id,
            username=name,
            display_name=invitation.display_name,
            role=invitation.role,
            is_admin=invitation.is_admin,
            password_hash=password_hash,
            is_active=True,
            token_epoch=0,
            failed_logins=0,
            created_at=now,
        )
        session.add(user)
        try:
            await session.flush()
        except IntegrityError:  # another invitee took the name at the same moment
            raise _username_taken(name) from None
        invitation.accepted_user_id = user.id
        _audit(session, actor, "account.joined", user.id, clock, invitation=invitation.id)
        return user


async def change_password(
    db: Database, *, current: str, new: str, actor: Actor, clock: Clock
) -> User:
    principal = actor.require()
    if principal.user_id is None:
        raise Forbidden("API 密钥没有密码")
    async with db.reader() as session:
        user = await session.get(User, principal.user_id)
    if user is None or not user.is_active:
        raise IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, "账号已停用")
    if not await credentials.verified(user.password_hash, current):
        raise IdentityError(IdentityErrorCode.WRONG_PASSWORD, "当前密码不正确", field="current")
    credentials.check_password(new, username=user.username, field="new")
    new_hash = await credentials.hashed(new)
    async with db.unit_of_work() as session:
        changed = await _set_password(
            session, user.id, new_hash, now=clock.now(), expected=user.password_hash
        )
        if changed is None:  # changed meanwhile by another request: make the user try again
            raise IdentityError(
                IdentityErrorCode.WRONG_PASSWORD, "密码已被修改, 请重试", field="current"
            )
        _audit(session, actor, "account.password_changed", user.id, clock)
        return changed


async def issue_password_reset(
    session: AsyncSession,
    user_id: int,
    *,
    actor: Actor,
    clock: Clock,
    lifetime: timedelta = RESET_LIFETIME,
) -> IssuedReset:
    """A manager hands the user a reset link (the notification centre will send it later)."""
    user = await _require_user(session, user_id)
    principal = await require_manager(
        session, actor, await require_organisation(session, user.organisation_id)
    )
    token = secrets.new_secret()
    now = clock.now()
    reset = PasswordReset(
        user_id=user.id,
        token_hash=secrets.digest(token),
        issued_by_user_id=principal.user_id,
        created_at=now,
        expires_at=now + lifetime,
        used_at=None,
    )
    session.add(reset)
    await session.flush()
    _audit(session, actor, "account.reset_issued", user.id, clock)
    return IssuedReset(reset, token)


async def reset_password(
    db: Database, token: str, *, password: str, actor: Actor, clock: Clock
) -> User:
    digest = secrets.digest(token)
    async with db.reader() as session:
        username = await session.scalar(
            select(User.username)
            .join(PasswordReset, PasswordReset.user_id == User.id)
            .where(PasswordReset.token_hash == digest)
        )
    credentials.check_password(password, username=username or "")
    password_hash = await credentials.hashed(password)
    async with db.unit_of_work() as session:
        now = clock.now()
        spent = await session.execute(
            update(PasswordReset)
            .where(
                PasswordReset.token_hash == digest,
                PasswordReset.used_at.is_(None),
                PasswordReset.expires_at > now,
            )
            .values(used_at=now)
            .returning(PasswordReset.user_id)
        )
        user_id = spent.scalar_one_or_none()
        if user_id is None:
            raise IdentityError(
                IdentityErrorCode.RESET_TOKEN_INVALID, "重置链接无效、已使用或已过期", field="token"
            )
        user = await _set_password(session, user_id, password_hash, now=now)
        assert user is not None
        user.failed_logins = 0
        user.locked_until = None
        _audit(session, actor, "account.password_reset", user.id, clock)
        return user


async def set_user_active(
    session: AsyncSession, user_id: int, active: bool, *, reason: str, actor: Actor, clock: Clock
) -> User:
    """Disabling ends every session of the user at once (refresh tokens and access tokens)."""
    user = await _require_user(session, user_id)
    principal = await require_manager(
        session, actor, await require_organisation(session, user.organisation_id)
    )
    if not active and principal.user_id == user.id:
        raise IdentityError(IdentityErrorCode.CANNOT_DISABLE_SELF, "不能停用自己的账号")
    if user.is_active != active:
        user.is_active = active
        if not active:
            user.token_epoch += 1
            await revoke_refresh_tokens(session, user.id, clock.now())
        action = "account.enabled" if active else "account.disabled"
        _audit(session, actor, action, user.id, clock, reason=reason.strip()[:200])
    return user


async def list_members(
    session: AsyncSession, organisation_id: int, *, actor: Actor
) -> tuple[Sequence[User], Sequence[Invitation]]:
    """An organisation's users and its invitations still open, for whoever manages it."""
    await require_manager(session, actor, await require_organisation(session, organisation_id))
    users = await session.scalars(
        select(User).where(User.organisation_id == organisation_id).order_by(User.id)
    )
    invitations = await session.scalars(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.id)
    )
    return users.all(), invitations.all()


async def session_is_current(session: AsyncSession, principal: Principal) -> bool:
    """False once the user is disabled or has changed password since the token was issued."""
    if principal.user_id is None:
        return True
    row = (
        await session.execute(
            select(User.is_active, User.token_epoch).where(User.id == principal.user_id)
        )
    ).one_or_none()
    return row is not None and row.is_active and row.token_epoch == principal.token_epoch


async def _set_password(
    session: AsyncSession,
    user_id: int,
    password_hash: str,
    *,
    now: datetime,
    expected: str | None = None,
) -> User | None:
    """A new password ends the user's other sessions: older tokens stop working."""
    guard = [User.id == user_id] + ([User.password_hash == expected] if expected else [])
    changed = await session.execute(
        update(User)
        .where(*guard)
        .values(password_hash=password_hash, token_epoch=User.token_epoch + 1)
        .returning(User.id)
    )
    if changed.scalar_one_or_none() is None:
        return None
    await revoke_refresh_tokens(session, user_id, now)
    return await session.get(User, user_id, populate_existing=True)


def _username_taken(name: str) -> IdentityError:
    return IdentityError(
        IdentityErrorCode.DUPLICATE_USERNAME, f"用户名已被使用: {name}", field="username"
    )


async def _require_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("用户", user_id)
    return user


def _audit(
    session: AsyncSession, actor: Actor, action: str, user_id: int, clock: Clock, **details: object
) -> None:
    write_audit(
        session, actor, action, clock=clock, target_type="User", target_id=user_id, details=details
    )
