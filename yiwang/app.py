import gc
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.catalogue.images import MEDIA_PATH, MediaFiles
from api.identity import onboarding
from api.orders.http import CONTRACT_PATH, STRIPE_WEBHOOK_PATH, ContractPdf, StripeWebhook
from api.schema import build_schema
from api.supervision.ocds import RELEASES_PATH, OcdsReleases
from api.supplier_portal.imports import TEMPLATE_PATH, template_download
from api.view import YiwangGraphQL
from core.clock import Clock, SystemClock
from core.db import Database
from core.dispatcher import backlog
from core.settings import Settings, get_settings
from orders.payments import PaymentGateway
from orders.stripe_gateway import StripeGateway
from search.factory import make_search_index
from yiwang import background
from yiwang.spa import WEB_DIST, graphiql_page, spa_routes

log = logging.getLogger("yiwang.api")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Every request gets an id (the caller's, if sane): in logs, errors and headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    payment_gateway: PaymentGateway | None = None,
    web_dist: Path = WEB_DIST,
) -> Starlette:
    """The whole mall as one ASGI app. Tests pass their own clock, database and gateway."""
    settings.require_signing_key()
    clock = clock or SystemClock()
    gateway = payment_gateway or _stripe_gateway(settings)
    view = partial(
        YiwangGraphQL,
        build_schema(settings),
        settings=settings,
        clock=clock,
        payment_gateway=gateway,
        graphiql_html=graphiql_page(web_dist),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = db or Database(settings.database_url)
        _wire(app, database, settings, view)
        tasks = background.start(database, app.state.index, settings=settings, clock=clock)
        # Everything built so far lives as long as the process: keep the collector off it, so
        # full collections stay short (they showed as 70-80 ms tail-latency spikes).
        gc.freeze()
        try:
            yield
        finally:
            await background.stop(tasks)
            if db is None:
                await database.dispose()

    def database() -> Database:
        return _database(app)

    app = Starlette(
        debug=settings.debug,
        routes=[
            Route("/graphql", _GraphQLOnState()),
            # subscriptions over graphql-transport-ws
            WebSocketRoute("/graphql", _GraphQLOnState()),
            Route("/healthz", _healthz),
            Route("/readyz", _readyz),
            Route(TEMPLATE_PATH, template_download),
            Route(onboarding.TEMPLATE_PATH, onboarding.template_download),
            Route(
                CONTRACT_PATH,
                ContractPdf(database=database, settings=settings, clock=clock).handle,
            ),
            Route(
                RELEASES_PATH,
                OcdsReleases(database=database, settings=settings, clock=clock).handle,
            ),
            Route(
                STRIPE_WEBHOOK_PATH,
                StripeWebhook(database=database, clock=clock, gateway=gateway).handle,
                methods=["POST"],
            ),
            Mount(MEDIA_PATH, app=MediaFiles(settings.media_dir), name="media"),
            *spa_routes(web_dist),  # last: its history fallback answers any other page
        ],
        lifespan=lifespan,
    )
    app.state.clock = clock
    if db is not None:
        # A test's own database: usable without running the lifespan.
        _wire(app, db, settings, view)
    app.add_middleware(RequestIdMiddleware)
    return app


def _wire(
    app: Starlette, database: Database, settings: Settings, view: Callable[..., YiwangGraphQL]
) -> None:
    """Put the database, the search index and the GraphQL view on `app.state`."""
    state = app.state
    state.db = database
    state.index = getattr(state, "index", None) or make_search_index(settings, database)
    state.graphql = view(db=database, index=state.index)


def _database(app: Starlette) -> Database:
    found: Database | None = getattr(app.state, "db", None)
    if found is None:
        raise RuntimeError("the database is used before the app's lifespan started")
    return found


async def _healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _readyz(request: Request) -> JSONResponse:
    state = request.app.state
    database: Database | None = getattr(state, "db", None)
    if database is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    try:
        async with database.reader() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 — any failure means "not ready", reported as such
        log.warning("readiness check failed: %s", error)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    clock: Clock = state.clock
    lags = await backlog(database, background.consumers(database, state.index, clock=clock))
    consumers = {
        lag.consumer: {
            "pendingEvents": lag.pending,
            "lagSeconds": round(lag.seconds(clock.now()), 3),
        }
        for lag in lags
    }
    return JSONResponse({"status": "ok", "database": "ok", "consumers": consumers})


class _GraphQLOnState:
    """The GraphQL view the lifespan (or a test's own database) put on `app.state`.

    A class, not a function: Starlette routes a plain function as a request handler.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        view: YiwangGraphQL | None = getattr(scope["app"].state, "graphql", None)
        if view is None:
            raise RuntimeError("the GraphQL view is used before the app's lifespan started")
        await view(scope, receive, send)


def _stripe_gateway(settings: Settings) -> PaymentGateway | None:
    """公务卡 payments are on when both the API key and the webhook secret are set."""
    if settings.stripe_api_key is None or settings.stripe_webhook_secret is None:
        return None
    return StripeGateway(
        settings.stripe_api_key.get_secret_value(),
        settings.stripe_webhook_secret.get_secret_value(),
    )


def app_from_environment() -> Starlette:
    """The app as `yiwang serve` runs it, once per worker process, from the `YIWANG_*` settings."""
    return create_app(get_settings())
