"""Give every GraphQL error a stable `extensions.code`; hide unexpected ones outside debug mode."""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from yiwang.core.errors import DomainError

log = logging.getLogger("yiwang.api")

INTERNAL_ERROR = "INTERNAL_ERROR"


class ErrorShaping(SchemaExtension):
    def __init__(self, *, debug: bool) -> None:
        self._debug = debug

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        result.errors = [self._shape(error) for error in result.errors]

    def _shape(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            return error  # parse, validation and coercion errors: already the client's to fix
        if isinstance(original, DomainError):
            extensions = {"code": original.code.value} | ({"field": original.field} if original.field else {})
            return _with(error, original.message, extensions)
        request_id = self._request_id()
        log.error("unexpected error (request %s)", request_id, exc_info=original)
        if self._debug:
            return _with(error, error.message, {"code": INTERNAL_ERROR, "requestId": request_id})
        return _with(
            error, f"服务器内部错误, 请联系运维并提供请求编号 {request_id}", {"code": INTERNAL_ERROR, "requestId": request_id}
        )

    def _request_id(self) -> str:
        context = self.execution_context.context
        return str(getattr(context, "request_id", "-"))


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )
