from dataclasses import dataclass
from enum import StrEnum

from core.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    PURCHASER = "PURCHASER"
    SUPPLIER = "SUPPLIER"
    PARTNER = "PARTNER"
    OPERATOR = "OPERATOR"
    SUPERVISOR = "SUPERVISOR"
    AUDITOR = "AUDITOR"  # 纪检、审计: reads everything in its region tree, changes nothing


# Those who sell: admitted suppliers, and e-commerce platforms that are suppliers too.
SELLERS = (Role.SUPPLIER, Role.PARTNER)
# Who oversees a region tree and reads everything in it; only supervisors also act on it.
OVERSEERS = (Role.SUPERVISOR, Role.AUDITOR)
# Who may read the audit log of the organisations in their region and below.
READERS_OF_AUDIT_LOG = (Role.OPERATOR, Role.AUDITOR)


@dataclass(frozen=True, kw_only=True)
class Principal:
    """Who is acting: a logged-in user, or a partner's API key (user_id is then None)."""

    role: Role
    organisation_id: int
    region_code: str
    user_id: int | None = None
    api_key_id: int | None = None
    # What an API key may do ("catalogue", "orders"); a signed-in user is limited by role alone.
    scopes: frozenset[str] = frozenset()
    # The user's token epoch when the access token was issued (identity.accounts).
    token_epoch: int = 0

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"此操作需要角色: {'、'.join(r.value for r in roles)}")

    def require_scope(self, scope: str) -> None:
        if self.api_key_id is not None and scope not in self.scopes:
            raise Forbidden(f"此 API 密钥没有 {scope} 权限")


@dataclass(frozen=True, kw_only=True)
class Actor:
    """A principal (or nobody) plus where the request came from: what the audit log records."""

    principal: Principal | None
    client_address: str | None = None
    request_id: str | None = None

    def require(self, *roles: Role) -> Principal:
        if self.principal is None:
            raise Unauthenticated()
        if roles:
            self.principal.require_role(*roles)
        return self.principal


ANONYMOUS = Actor(principal=None)
