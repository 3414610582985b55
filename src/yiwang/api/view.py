"""Strawberry's ASGI view, brought in line with the GraphQL over HTTP spec.

With `Accept: application/graphql-response+json` the spec wants that media type back and a 4xx
status when the request never reached execution (parse, validation, variable coercion errors).
Plain `application/json` clients keep getting 200, as the spec's legacy watershed allows.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from yiwang.api.context import Context, Credentials
from yiwang.core.clock import Clock
from yiwang.core.db import Database
from yiwang.core.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def _accepted_media_type(accept: str) -> str:
    """The first of our two media types that the client accepts, in its order of preference."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media in (GRAPHQL_RESPONSE, "application/*", "*/*"):
            return GRAPHQL_RESPONSE
        if media == JSON:
            return JSON
    return JSON if not accept.strip() else ""


class YiwangGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, *, db: Database, settings: Settings, clock: Clock) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.debug else None)
        self._db = db
        self._settings = settings
        self._clock = clock

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        headers = request.headers
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        client = request.client.host if request.client else None
        return Context(
            db=self._db,
            settings=self._settings,
            clock=self._clock,
            credentials=Credentials(
                bearer_token=token.strip() if scheme.lower() == "bearer" and token.strip() else None,
                api_key=headers.get("x-api-key") or None,
            ),
            client_address=client,
            request_id=request.scope.get("state", {}).get("request_id", "-"),
        )

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute_single(*args, **kwargs)
        sub_response: Response = kwargs["sub_response"]
        if result.data is None and result.errors and not _reached_execution(result):
            sub_response.status_code = 400
        return result

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media = getattr(sub_response, "yiwang_media_type", JSON)
        if media == JSON and response.status_code == 400:
            response.status_code = 200  # legacy clients get request errors with 200, per the spec
        response.headers["content-type"] = f"{media}; charset=utf-8"
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        media = _accepted_media_type(request.headers.get("accept", ""))
        if isinstance(request, Request) and not media and request.method in ("GET", "POST"):
            media = JSON
        sub_response.yiwang_media_type = media or JSON  # type: ignore[attr-defined]
        return sub_response


def _reached_execution(result: ExecutionResult) -> bool:
    return any(error.path for error in result.errors or [])
