from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import SHANGHAI, Clock
from core.errors import InvalidInput, NotFound
from core.events.identity import OrganisationRegistered
from core.outbox import record
from core.principal import Actor, Principal, Role
from identity import regions, secrets, uscc
from identity.errors import IdentityError, IdentityErrorCode
from identity.models import (
    ApiKey,
    Organisation,
    OrganisationKind,
    RefreshToken,
    Region,
    SupplierSize,
    User,
)

_API_KEY_TAG = "yw"
_LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenPolicy:
    signing_key: str
    access_lifetime: timedelta
    refresh_lifetime: timedelta
    max_failures: int
    lock_duration: timedelta


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    user: User


@dataclass(frozen=True)
class OrganisationDraft:
    kind: OrganisationKind
    name: str
    region_code: str
    credit_code: str | None = None
    supplier_size: SupplierSize | None = None
    is_disabled_welfare: bool = False
    is_prison_enterprise: bool = False
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def list_regions(session: AsyncSession, *, parent_code: str | None) -> list[Region]:
    """The regions one level below `parent_code`, or the provinces."""
    below = (
        Region.parent_code.is_(None) if parent_code is None else Region.parent_code == parent_code
    )
    return list((await session.scalars(select(Region).where(below).order_by(Region.code))).all())


async def require_region(session: AsyncSession, code: str, *, field: str = "regionCode") -> Region:
    region = await session.get(Region, code) if regions.is_valid_code(code) else None
    if region is None:
        raise IdentityError(
            IdentityErrorCode.UNKNOWN_REGION, f"行政区划代码不存在: {code}", field=field
        )
    return region


async def require_organisation(session: AsyncSession, organisation_id: int) -> Organisation:
    org = await session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("单位", organisation_id)
    return org


def principal_of(user: User, organisation: Organisation) -> Principal:
    return Principal(
        user_id=user.id,
        organisation_id=organisation.id,
        role=user.role,
        region_code=organisation.region_code,
        token_epoch=user.token_epoch,
    )


async def login(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    policy: TokenPolicy,
    actor: Actor,
    clock: Clock,
) -> TokenPair | IdentityError:
    """A wrong password is a recorded fact, not a rollback: failures are returned, not raised."""
    user = await session.scalar(select(User).where(User.username == username.strip()))
    outcome = await _attempt(session, user, password, policy=policy, now=clock.now())
    details = {"username": username.strip()[:64]}
    if isinstance(outcome, IdentityError):
        details["code"] = outcome.code.value
    write_audit(
        session,
        actor,
        "auth.login_failed" if "code" in details else "auth.login",
        clock=clock,
        target_type="User",
        target_id=user.id if user else None,
        details=details,
    )
    return outcome


async def _attempt(
    session: AsyncSession, user: User | None, password: str, *, policy: TokenPolicy, now: datetime
) -> TokenPair | IdentityError:
    password_ok = secrets.verify_password(user.password_hash if user else None, password)
    if user is None:
        return IdentityError(IdentityErrorCode.INVALID_CREDENTIALS, "用户名或密码错误")
    if user.locked_until is not None and user.locked_until > now:
        return _locked(user.locked_until)
    if not password_ok:
        return _record_failure(user, policy, now)
    if not user.is_active:
        return IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, "账号已停用")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    organisation = await require_organisation(session, user.organisation_id)
    return await _issue_pair(session, user, organisation, policy=policy, now=now)


def _locked(until: datetime) -> IdentityError:
    local = until.astimezone(SHANGHAI).strftime("%H:%M")
    return IdentityError(
        IdentityErrorCode.ACCOUNT_LOCKED, f"密码错误次数过多, 账号已锁定至 {local}"
    )


def _record_failure(user: User, policy: TokenPolicy, now: datetime) -> IdentityError:
    user.failed_logins += 1
    if user.failed_logins >= policy.max_failures:
        user.failed_logins = 0
        user.locked_until = now + policy.lock_duration
        return _locked(user.locked_until)
    left = policy.max_failures - user.failed_logins
    return IdentityError(
        IdentityErrorCode.INVALID_CREDENTIALS, f"用户名或密码错误 (再错 {left} 次将锁定账号)"
    )


async def _issue_pair(
    session: AsyncSession,
    user: User,
    organisation: Organisation,
    *,
    policy: TokenPolicy,
    now: datetime,
) -> TokenPair:
    access = secrets.issue_access_token(
        principal_of(user, organisation),
        key=policy.signing_key,
        now=now,
        lifetime=policy.access_lifetime,
    )
    raw_refresh = secrets.new_secret()
    refresh = RefreshToken(
        user_id=user.id,
        token_hash=secrets.digest(raw_refresh),
        issued_at=now,
        expires_at=now + policy.refresh_lifetime,
        revoked_at=None,
    )
    session.add(refresh)
    await session.flush()
    return TokenPair(access.token, access.expires_at, raw_refresh, refresh.expires_at, user)


async def refresh_tokens(
    session: AsyncSession, raw_refresh: str, *, policy: TokenPolicy, actor: Actor, clock: Clock
) -> TokenPair | IdentityError:
    """Rotate: the old refresh token is spent; presenting a spent one revokes the whole family.

    Like login, failures are returned so that a revocation is committed, not rolled back.
    """
    now = clock.now()
    stored = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == secrets.digest(raw_refresh))
    )
    if stored is None or stored.expires_at <= now:
        return IdentityError(IdentityErrorCode.TOKEN_INVALID, "刷新凭证无效或已过期, 请重新登录")
    if stored.revoked_at is not None:
        await revoke_refresh_tokens(session, stored.user_id, now)
        write_audit(
            session,
            actor,
            "auth.refresh_reused",
            clock=clock,
            target_type="User",
            target_id=stored.user_id,
        )
        return IdentityError(IdentityErrorCode.TOKEN_INVALID, "刷新凭证已被使用, 请重新登录")
    stored.revoked_at = now
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        return IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, "账号已停用")
    organisation = await require_organisation(session, user.organisation_id)
    write_audit(session, actor, "auth.refresh", clock=clock, target_type="User", target_id=user.id)
    return await _issue_pair(session, user, organisation, policy=policy, now=now)


async def revoke_refresh_tokens(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def create_organisation(
    session: AsyncSession, draft: OrganisationDraft, *, actor: Actor, clock: Clock
) -> Organisation:
    actor.require(Role.OPERATOR)
    name = draft.name.strip()
    if not name:
        raise InvalidInput("单位名称不能为空", field="name")
    await require_region(session, draft.region_code)
    credit_code = await _checked_credit_code(session, draft)
    org = Organisation(
        kind=draft.kind,
        name=name,
        region_code=draft.region_code,
        credit_code=credit_code,
        supplier_size=draft.supplier_size if _is_seller(draft.kind) else None,
        is_disabled_welfare=draft.is_disabled_welfare,
        is_prison_enterprise=draft.is_prison_enterprise,
        contact_phone=draft.contact_phone,
        contact_email=draft.contact_email,
        address=draft.address,
        created_at=clock.now(),
    )
    session.add(org)
    await session.flush()
    record(
        session,
        OrganisationRegistered(
            organisation_id=org.id, kind=org.kind.value, region_code=org.region_code
        ),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        "organisation.create",
        clock=clock,
        target_type="Organisation",
        target_id=org.id,
    )
    return org


def _is_seller(kind: OrganisationKind) -> bool:
    return kind in (OrganisationKind.SUPPLIER, OrganisationKind.PARTNER)


async def _checked_credit_code(session: AsyncSession, draft: OrganisationDraft) -> str | None:
    if draft.credit_code is None:
        if _is_seller(draft.kind) or draft.kind is OrganisationKind.PURCHASING_UNIT:
            raise IdentityError(
                IdentityErrorCode.INVALID_CREDIT_CODE, "统一社会信用代码必填", field="creditCode"
            )
        return None
    return await unregistered_credit_code(session, draft.credit_code)


async def unregistered_credit_code(session: AsyncSession, raw: str) -> str:
    """The normalised code, if its check character holds and no organisation has it yet."""
    code = uscc.normalise(raw)
    if not uscc.is_valid(code):
        raise IdentityError(
            IdentityErrorCode.INVALID_CREDIT_CODE,
            f"统一社会信用代码无效 (校验位不符或格式错误): {raw}",
            field="creditCode",
        )
    if await session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        raise IdentityError(
            IdentityErrorCode.DUPLICATE_CREDIT_CODE,
            f"统一社会信用代码已登记: {code}",
            field="creditCode",
        )
    return code


async def create_api_key(
    session: AsyncSession,
    organisation_id: int,
    name: str,
    *,
    scopes: list[str],
    actor: Actor,
    clock: Clock,
    rate_per_second: int | None = None,
) -> tuple[ApiKey, str]:
    """Returns the stored key and the raw key, which is never stored and shown only now."""
    actor.require(Role.OPERATOR)
    scopes = checked_scopes(scopes)
    rate_per_second = checked_rate(rate_per_second)
    org = await require_organisation(session, organisation_id)
    if org.kind is not OrganisationKind.PARTNER:
        raise IdentityError(
            IdentityErrorCode.API_KEY_INVALID,
            "只有电商平台可以使用 API 密钥",
            field="organisationId",
        )
    key, raw = await issue_api_key(
        session, org.id, name, scopes=scopes, rate_per_second=rate_per_second, clock=clock
    )
    write_audit(
        session, actor, "api_key.create", clock=clock, target_type="ApiKey", target_id=key.id
    )
    return key, raw


async def issue_api_key(
    session: AsyncSession,
    organisation_id: int,
    name: str,
    *,
    scopes: list[str],
    rate_per_second: int | None,
    clock: Clock,
) -> tuple[ApiKey, str]:
    """A new key (checks already done); the raw key is returned, never stored."""
    prefix = secrets.new_secret(6)[:8].replace("_", "x").replace("-", "x")
    secret = secrets.new_secret()
    key = ApiKey(
        organisation_id=organisation_id,
        name=name.strip() or "default",
        prefix=prefix,
        secret_hash=secrets.digest(secret),
        scopes=scopes,
        rate_per_second=rate_per_second,
        created_at=clock.now(),
        last_used_at=None,
        revoked_at=None,
    )
    session.add(key)
    await session.flush()
    return key, f"{_API_KEY_TAG}_{prefix}_{secret}"


API_KEY_SCOPES = ("catalogue", "orders")
MAX_RATE_PER_SECOND = 1000


def checked_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(API_KEY_SCOPES))
    if unknown or not scopes:
        raise InvalidInput(
            f"权限范围须为 {'、'.join(API_KEY_SCOPES)} 中的一项或多项", field="scopes"
        )
    return sorted(set(scopes))


def checked_rate(rate: int | None) -> int | None:
    if rate is not None and not 1 <= rate <= MAX_RATE_PER_SECOND:
        raise InvalidInput(f"每秒请求数须在 1 到 {MAX_RATE_PER_SECOND} 之间", field="ratePerSecond")
    return rate


def split_api_key(raw: str) -> tuple[str, str] | None:
    tag, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if tag != _API_KEY_TAG or not prefix or not secret:
        return None
    return prefix, secret


async def authenticate_api_key(session: AsyncSession, raw: str, *, clock: Clock) -> Principal:
    invalid = IdentityError(IdentityErrorCode.API_KEY_INVALID, "API 密钥无效或已吊销")
    parts = split_api_key(raw)
    if parts is None:
        raise invalid
    prefix, secret = parts
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or (key.revoked_at is not None and key.revoked_at <= clock.now()):
        raise invalid
    if not secrets.same_digest(key.secret_hash, secrets.digest(secret)):
        raise invalid
    org = await require_organisation(session, key.organisation_id)
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= _LAST_USED_GRANULARITY:
        key.last_used_at = now
    return Principal(
        role=Role.PARTNER,
        organisation_id=org.id,
        region_code=org.region_code,
        api_key_id=key.id,
        scopes=frozenset(key.scopes),
    )
