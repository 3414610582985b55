import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from core.clock import Clock
from core.db import Database
from core.principal import Actor, Principal
from core.settings import Settings
from identity import accounts, secrets
from identity import service as identity
from identity.errors import IdentityError, IdentityErrorCode
from orders.payments import PaymentGateway
from search.port import SearchIndex

if TYPE_CHECKING:
    from api.loaders import Loaders


@dataclass(frozen=True)
class Credentials:
    bearer_token: str | None = None
    api_key: str | None = None


@dataclass
class Context:
    """Everything a resolver may use for one request. Built per request; never shared."""

    db: Database
    settings: Settings
    clock: Clock
    credentials: Credentials
    client_address: str | None
    request_id: str
    payment_gateway: PaymentGateway | None = None
    index: SearchIndex | None = None
    # graphql-transport-ws: the connection_init payload ({"Authorization": "Bearer …"} or
    # {"X-Api-Key": …}), since browsers cannot set headers on a WebSocket.
    connection_params: dict[str, Any] | None = None
    loaders: "Loaders" = field(init=False)
    _actor: "asyncio.Task[Actor] | None" = field(default=None, init=False)

    def __post_init__(self) -> None:
        from api.loaders import Loaders

        self.loaders = Loaders(self)

    async def actor(self) -> Actor:
        """Who is asking; raises TOKEN_EXPIRED, TOKEN_INVALID or API_KEY_INVALID."""
        if self._actor is None:
            self._actor = asyncio.ensure_future(self._resolve_actor())
        return await asyncio.shield(self._actor)

    def search_index(self) -> SearchIndex:
        if self.index is None:
            raise RuntimeError("search is used before the app's lifespan made the index")
        return self.index

    async def viewer(self) -> Principal | None:
        return (await self.actor()).principal

    async def _resolve_actor(self) -> Actor:
        return Actor(
            principal=await self._principal(),
            client_address=self.client_address,
            request_id=self.request_id,
        )

    async def _principal(self) -> Principal | None:
        credentials = self._credentials()
        if credentials.bearer_token:
            principal = secrets.read_access_token(
                credentials.bearer_token, key=self.settings.signing_key, now=self.clock.now()
            )
            async with self.db.reader() as session:
                if not await accounts.session_is_current(session, principal):
                    raise IdentityError(
                        IdentityErrorCode.TOKEN_INVALID, "账号已停用或密码已修改, 请重新登录"
                    )
            return principal
        if credentials.api_key:
            async with self.db.unit_of_work() as session:
                return await identity.authenticate_api_key(
                    session, credentials.api_key, clock=self.clock
                )
        return None

    def _credentials(self) -> Credentials:
        given = self.credentials
        if given.bearer_token or given.api_key or not self.connection_params:
            return given
        params = {str(k).lower(): str(v) for k, v in self.connection_params.items()}
        scheme, _, token = params.get("authorization", "").partition(" ")
        return Credentials(
            bearer_token=token.strip() if scheme.lower() == "bearer" and token.strip() else None,
            api_key=params.get("x-api-key") or None,
        )


Info = StrawberryInfo[Context, None]
