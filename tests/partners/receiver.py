"""A partner's side of webhooks for tests: a real HTTP server on 127.0.0.1 that records each POST
and answers as told; and a partner selling in the ordering world, with its API key."""

import asyncio
import random
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from sqlalchemy import update
from sqlalchemy.pool import QueuePool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.outbox_consumers import drain
from core.principal import Actor
from core.settings import Settings
from identity import service
from marketplace.agreements.models import Entrant, EntrantStatus
from marketplace.models import Offer
from partners import delivery, messages
from search.embedded import EmbeddedSearchIndex
from tests import factories
from tests.factories import Member
from tests.gql import gql
from tests.orders.world import ADD, World
from yiwang.background import consumers

HANG = -1  # a reply that never comes (until the receiver stops)
PATH = "/hooks/orders"
ERRORS = "errors { code field message }"
CREATE = f"""mutation($url: String!, $types: [String!], $p: ID) {{
  createWebhook(url: $url, eventTypes: $types, partnerId: $p) {{
    webhook {{ id url eventTypes active }} secret {ERRORS} }} }}"""


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    # The mall's database connections in use while the POST was in flight: any open
    # transaction holds one.
    connections_in_use: int


@dataclass
class Receiver:
    """Answers 200 unless told otherwise, one reply per request in order."""

    engines: Sequence[QueuePool]
    url: str = ""
    received: list[Received] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def answer(self, *statuses: int) -> None:
        self.replies += statuses

    async def handle(self, request: Request) -> Response:
        in_use = sum(pool.checkedout() for pool in self.engines)
        self.received.append(Received(dict(request.headers), await request.body(), in_use))
        self.arrived.set()
        status = self.replies.pop(0) if self.replies else 200
        if status == HANG:
            await self.stopping.wait()
            status = 200
        return Response(status_code=status)


def _pools(w: World) -> list[QueuePool]:
    pools = []
    for engine in {w.db.engine, w.db.read_engine}:
        pool = engine.sync_engine.pool
        assert isinstance(pool, QueuePool)
        pools.append(pool)
    return pools


@asynccontextmanager
async def receiving(w: World) -> AsyncIterator[Receiver]:
    receiver = Receiver(_pools(w))
    app = Starlette(routes=[Route(PATH, receiver.handle, methods=["POST"])])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:  # noqa: ASYNC110 — uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    receiver.url = f"http://127.0.0.1:{listener.getsockname()[1]}{PATH}"
    try:
        yield receiver
    finally:
        receiver.stopping.set()
        server.should_exit = True
        await serving
        listener.close()


@dataclass
class Seller:
    """A partner admitted to the world's agreement, listing one product under it."""

    w: World
    member: Member
    offer: Offer
    key: str  # an API key with the orders scope

    @property
    def organisation_id(self) -> int:
        return self.member.organisation.id

    async def body(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"X-Api-Key": self.key}
        return await gql(self.w.client, query, variables, headers=headers, expect_errors=True)

    async def send(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        body = await self.body(query, variables)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))

    async def webhook(self, url: str, *types: str) -> dict[str, Any]:
        made = await self.send(CREATE, {"url": url, "types": list(types)})
        assert made["errors"] == [], made
        result: dict[str, Any] = made
        return result


async def seller(w: World, member: Member | None = None) -> Seller:
    member = member or w.partner
    partner = member.organisation
    async with w.db.unit_of_work() as s:
        s.add(
            Entrant(
                agreement_id=w.agreement.id,
                supplier_id=partner.id,
                status=EntrantStatus.ADMITTED,
                applied_at=w.clock.now(),
                decided_at=w.clock.now(),
            )
        )
    offer = await factories.offer(w.db, w.products[1], partner, price_fen=289_900, stock=50)
    async with w.db.unit_of_work() as s:
        await s.execute(
            update(Offer).where(Offer.id == offer.id).values(agreement_id=w.agreement.id)
        )
    return Seller(w, member, offer, await api_key(w, partner.id, ["orders"]))


async def api_key(w: World, organisation_id: int, scopes: list[str]) -> str:
    operator = Actor(principal=w.operator.principal)
    async with w.db.unit_of_work() as s:
        _, raw = await service.create_api_key(
            s, organisation_id, "webhooks", scopes=scopes, actor=operator, clock=w.clock
        )
    return raw


async def order_from(s: Seller, quantity: int = 2) -> dict[str, Any]:
    """The world's buyer orders the seller's offer; the order as placeOrder returned it."""
    w = s.w
    added = await w.as_(w.buyer, ADD, {"o": factories.gid("Offer", s.offer.id), "q": quantity})
    assert added["errors"] == [], added
    placed = await w.place()
    assert placed["errors"] == [], placed
    order: dict[str, Any] = placed["orders"][0]
    return order


async def tell_partners(w: World) -> int:
    """Run the partner-messages consumer, as the dispatcher has it, over the whole outbox."""
    [consumer] = [
        c
        for c in consumers(w.db, EmbeddedSearchIndex(w.db), clock=w.clock)
        if c.name == messages.CONSUMER
    ]
    return await drain(w.db, consumer.name, consumer.handle, clock=w.clock, batch=consumer.batch)


async def send_due(
    w: World, settings: Settings, *, patience: float = 5.0, rng: random.Random | None = None
) -> int:
    """One delivery round, with a client that waits `patience` seconds (the mall's: 10)."""
    async with httpx.AsyncClient(timeout=patience, trust_env=False) as http:
        return await delivery.deliver_due(
            w.db, http, clock=w.clock, settings=settings, rng=rng or random.Random()
        )
