"""Plain HTTP beside GraphQL: the printable contract, and the payment provider's webhook."""

import asyncio
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.view import request_context
from core.clock import Clock
from core.db import Database
from core.errors import DomainError
from core.settings import Settings
from orders import contracts, payments, queries
from orders.contract_document import render_contract_pdf
from orders.fonts import contract_font_path

log = logging.getLogger("yiwang.api.orders")

CONTRACT_PATH = "/contracts/{number:str}.pdf"
STRIPE_WEBHOOK_PATH = "/webhooks/stripe"


class ContractPdf:
    """A contract is public once announced; before that, its order's viewers may print it."""

    def __init__(
        self, *, database: Callable[[], Database], settings: Settings, clock: Clock
    ) -> None:
        self._database, self._settings, self._clock = database, settings, clock

    async def handle(self, request: Request) -> Response:
        db = self._database()
        ctx = request_context(request, db=db, settings=self._settings, clock=self._clock)
        try:
            viewer = await ctx.viewer()
        except DomainError as error:
            return JSONResponse({"code": error.code.value, "message": error.message}, 401)
        async with db.reader() as session:
            contract = await queries.contract_visible_to(
                session, viewer, request.path_params["number"]
            )
        if contract is None:
            return JSONResponse({"code": "NOT_FOUND", "message": "合同不存在"}, 404)
        document = contracts.document_of(contract)
        font = contract_font_path(self._settings.font_dir)
        pdf = await asyncio.to_thread(render_contract_pdf, document, font_path=font)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="{contract.number}.pdf"',
                "Cache-Control": "private, no-store",
            },
        )


class StripeWebhook:
    """Verified by signature; each event applied once; answered 200 so Stripe stops retrying."""

    def __init__(
        self,
        *,
        database: Callable[[], Database],
        clock: Clock,
        gateway: payments.PaymentGateway | None,
    ) -> None:
        self._database, self._clock, self._gateway = database, clock, gateway

    async def handle(self, request: Request) -> Response:
        if self._gateway is None:
            return JSONResponse({"code": "NOT_FOUND", "message": "未开通公务卡支付"}, 404)
        payload = await request.body()
        try:
            event = self._gateway.parse_event(payload, request.headers.get("stripe-signature"))
        except DomainError as error:
            return JSONResponse({"code": error.code.value, "message": error.message}, 400)
        async with self._database().unit_of_work() as session:
            applied = await payments.handle_gateway_event(session, event, clock=self._clock)
        log.info("stripe event %s %s applied=%s", event.id, event.type, applied)
        return JSONResponse({"received": True, "applied": applied})
