"""Password hashing (argon2id), opaque secrets for refresh tokens and API keys, and JWTs."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.principal import Principal, Role
from identity.errors import IdentityError, IdentityErrorCode

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash("yiwang-no-such-user")
_ISSUER = "yiwang"
_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_at: datetime


def issue_access_token(
    principal: Principal, *, key: str, now: datetime, lifetime: timedelta
) -> AccessToken:
    expires = now + lifetime
    claims = {
        "iss": _ISSUER,
        "sub": str(principal.user_id),
        "org": principal.organisation_id,
        "role": principal.role.value,
        "region": principal.region_code,
        "ep": principal.token_epoch,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    return AccessToken(jwt.encode(claims, key, algorithm=_ALGORITHM), expires)


def read_access_token(token: str, *, key: str, now: datetime) -> Principal:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[_ALGORITHM],
            issuer=_ISSUER,
            # Time is judged by our clock below, never by the library's wall clock.
            options={
                "require": ["exp", "iat", "sub", "iss"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.PyJWTError:
        raise IdentityError(IdentityErrorCode.TOKEN_INVALID, "登录凭证无效") from None
    if int(claims["exp"]) <= int(now.timestamp()):
        raise IdentityError(IdentityErrorCode.TOKEN_EXPIRED, "登录已过期, 请重新登录")
    try:
        return Principal(
            user_id=int(claims["sub"]),
            organisation_id=int(claims["org"]),
            role=Role(claims["role"]),
            region_code=str(claims["region"]),
            token_epoch=int(claims.get("ep", 0)),
        )
    except (KeyError, ValueError, TypeError):
        raise IdentityError(IdentityErrorCode.TOKEN_INVALID, "登录凭证无效") from None
