"""Rules for usernames and passwords (pure), and hashing off the event loop."""

import asyncio
import re
import unicodedata

from identity import secrets
from identity.errors import IdentityError, IdentityErrorCode

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 128


def checked_username(raw: str) -> str:
    username = unicodedata.normalize("NFKC", raw).strip().lower()
    if not _USERNAME.match(username):
        raise IdentityError(
            IdentityErrorCode.USERNAME_INVALID,
            "用户名须为 3–32 位小写字母、数字或 _ . -, 以字母或数字开头",
            field="username",
        )
    return username


def check_password(password: str, *, username: str, field: str = "password") -> None:
    problem = _password_problem(password, username)
    if problem:
        raise IdentityError(IdentityErrorCode.WEAK_PASSWORD, problem, field=field)


def _password_problem(password: str, username: str) -> str | None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return f"密码长度须为 {MIN_PASSWORD}–{MAX_PASSWORD} 位"
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        return "密码须同时包含字母和数字"
    if username and username in password.lower():
        return "密码不能包含用户名"
    return None


async def hashed(password: str) -> str:
    """argon2 takes a few hundred milliseconds on purpose: never on the event loop."""
    return await asyncio.to_thread(secrets.hash_password, password)


async def verified(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(secrets.verify_password, password_hash, password)
