"""Strawberry's ASGI view, brought in line with the GraphQL over HTTP spec.

With `Accept: application/graphql-response+json` the spec wants that media type back and a 4xx
status when the request never reached execution (parse, validation, variable coercion errors).
Plain `application/json` clients (wildcards and a missing Accept included) keep getting 200, as
the spec's legacy watershed allows. Malformed HTTP requests get a 4xx and a GraphQL-shaped body.

File uploads come as `multipart/form-data` (the GraphQL multipart request spec), but only with a
header that a cross-site form cannot send (ADR 11).
"""

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, FormData, HTTPException, StarletteRequestAdapter
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.http.types import QueryParams
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from api.context import Context, Credentials
from api.rate_limits import PartnerRateLimit
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from orders.payments import PaymentGateway
from search.port import SearchIndex

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MULTIPART = "multipart/form-data"
# A browser sends neither on a cross-site form post, and cannot add one without a CORS preflight,
# which this app never grants: an upload cannot be forged from another site.
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-requested-with")
# The multipart request spec has two fields (`operations`, `map`); each file is a part too.
_MAX_FORM_FIELDS = 2
_MAX_FORM_FILES = 10


def _response_media_type(accept: str) -> str:
    """`application/graphql-response+json` when the client names it and prefers it; else JSON."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = _quality(params)
        if quality > 0:
            ranked.append((-quality, position, media.lower()))
    for _, _, media in sorted(ranked):
        if media == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if media in (JSON, "application/*", "*/*"):
            return JSON
    return JSON


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def _content_type(headers: Headers) -> str:
    return f"{_response_media_type(headers.get('accept', ''))}; charset=utf-8"


def _require_preflight_header(headers: Mapping[str, str]) -> None:
    if not any(headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
        raise HTTPException(
            400,
            "A multipart request must carry a non-empty `Apollo-Require-Preflight` or "
            "`X-Requested-With` header.",
        )


def _form_text(form: FormData, name: str) -> str:
    value = form.form.get(name, "{}")
    if not isinstance(value, str):
        raise HTTPException(400, f"`{name}` must be a form field, not a file.")
    return value


def _is_files_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(paths, list) and all(isinstance(path, str) for path in paths)
        for paths in value.values()
    )


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's adapter, with Starlette's limits on multipart forms made tight."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self._starlette_request = request

    async def get_form_data(self) -> FormData:
        form = await self._starlette_request.form(
            max_fields=_MAX_FORM_FIELDS, max_files=_MAX_FORM_FILES
        )
        return FormData(files=form, form=form)


class YiwangGraphQL(GraphQL[Context, None]):
    request_adapter_class = _RequestAdapter

    def __init__(
        self,
        schema: Any,
        *,
        db: Database,
        settings: Settings,
        clock: Clock,
        payment_gateway: PaymentGateway | None = None,
        index: SearchIndex | None = None,
        graphiql_html: str | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.debug else None,
            multipart_uploads_enabled=True,
        )
        self._db = db
        self._settings = settings
        self._clock = clock
        self._payment_gateway = payment_gateway
        self._index = index
        self._rate_limit = PartnerRateLimit(db, settings)
        self._graphiql_html = graphiql_html

    @property
    def graphql_ide_html(self) -> str:
        """The SPA build's GraphiQL (assets served locally) when there is one."""
        return self._graphiql_html or super().graphql_ide_html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            try:
                response = await self._rate_limit.refused(request) or await self.run(request)
            except HTTPException as error:
                response = self._malformed_request_response(request, error)
            await response(scope, receive, send)
        finally:
            await request.close()  # an upload's temporary files

    def _malformed_request_response(self, request: Request, error: HTTPException) -> Response:
        """Strawberry refuses malformed requests in plain text; we answer with a GraphQL error."""
        code = HTTPStatus(error.status_code).name
        body = {"errors": [{"message": error.reason, "extensions": {"code": code}}]}
        response = Response(self.encode_json(body), status_code=error.status_code)
        response.headers["content-type"] = _content_type(request.headers)
        if error.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
            # GET is refused only for mutations.
            response.headers["allow"] = "POST" if request.method == "GET" else "GET, POST"
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return request_context(
            request,
            db=self._db,
            settings=self._settings,
            clock=self._clock,
            payment_gateway=self._payment_gateway,
            index=self._index,
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Without the IDE (debug off), a GET without a query is a bad request, not a 404."""
        return self.graphql_ide is not None and super().should_render_graphql_ide(request)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        """A GET's `variables` and `extensions` are JSON text; left empty, they are absent."""
        parsed: dict[str, Any] = dict(params)
        for name in ("variables", "extensions"):
            text = parsed.get(name)
            try:
                parsed[name] = self.decode_json(text) if text else None
            except json.JSONDecodeError as error:
                raise HTTPException(400, f"The `{name}` parameter is not valid JSON.") from error
        return parsed

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media_type = parse_content_type(request.content_type or "")[0]
            if media_type == MULTIPART:
                _require_preflight_header(request.headers)
            elif media_type != JSON:
                raise HTTPException(
                    415,
                    "Send the POST body as `application/json` (uploads: `multipart/form-data`).",
                )
        parsed = await super().parse_http_body(request)
        for operation in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(operation.operation_name, str | None):
                raise HTTPException(400, "`operationName` must be a string or null.")
        return parsed

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        """The spec's `operations` and `map` fields; a malformed form is a 400, never a 500."""
        try:
            form = await request.get_form_data()
        except (ValueError, StarletteHTTPException) as error:
            raise HTTPException(400, "Unable to parse the multipart body.") from error
        operations = self.parse_json(_form_text(form, "operations"))
        files_map = self.parse_json(_form_text(form, "map"))
        if not _is_files_map(files_map):
            raise HTTPException(400, "`map` must map each file field to a list of paths.")
        try:
            return replace_placeholders_with_files(operations, files_map, form.files)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            # A pure walk over the client's own JSON: these mean a path or file that is not there.
            raise HTTPException(400, "`map` names a file or a path that is not there.") from error

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            result = await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                # A mutation sent with GET: the spec's status is 405, strawberry's 400.
                raise HTTPException(405, error.reason) from error.__cause__
            raise
        graphql_response = sub_response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        if graphql_response and _never_executed(result):
            sub_response.status_code = 400
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if _never_executed(result):
            # The GraphQL spec: a request that fails before execution has no `data` entry.
            del response["data"]
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.headers["content-type"] = _content_type(request.headers)
        return sub_response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        # Strawberry's `application/json` plus ours, copied from the sub-response: keep only ours.
        response.headers["content-type"] = sub_response.headers["content-type"]
        return response


def _never_executed(result: ExecutionResult) -> bool:
    """Parse, validation and variable coercion errors: no data, and no error at a field's path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and not any(error.path for error in errors)


def request_context(
    request: Request | WebSocket,
    *,
    db: Database,
    settings: Settings,
    clock: Clock,
    payment_gateway: PaymentGateway | None = None,
    index: SearchIndex | None = None,
) -> Context:
    """Who is asking and with what: the same for GraphQL and the plain HTTP routes."""
    headers = request.headers
    scheme, _, token = headers.get("authorization", "").partition(" ")
    bearer_token = token.strip() if scheme.lower() == "bearer" else ""
    client = request.client.host if request.client else None
    return Context(
        db=db,
        settings=settings,
        clock=clock,
        credentials=Credentials(
            bearer_token=bearer_token or None,
            api_key=headers.get("x-api-key") or None,
        ),
        client_address=client,
        request_id=request.scope.get("state", {}).get("request_id", "-"),
        payment_gateway=payment_gateway,
        index=index,
    )
