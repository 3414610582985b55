"""Give every GraphQL error a stable `extensions.code`; hide unexpected ones outside debug mode."""

import logging
import re
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.types import ExecutionContext, ExecutionResult

from core.errors import DomainError

log = logging.getLogger("yiwang.api")

INTERNAL_ERROR = "INTERNAL_ERROR"

# The limiters are strawberry's; their messages are the only handle on which limit was hit.
_REQUEST_ERRORS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"exceeds maximum operation depth of (\d+)"),
        "QUERY_TOO_DEEP",
        "查询嵌套层数超过上限 {0}",
    ),
    (
        re.compile(r"(\d+) aliases found\. Allowed: (\d+)"),
        "TOO_MANY_ALIASES",
        "查询别名数量 {0} 超过上限 {1}",
    ),
    (re.compile(r"more than (\d+) tokens"), "TOO_MANY_TOKENS", "查询过长, 超过 {0} 个词法单元"),
    (re.compile(r"^Syntax Error"), "GRAPHQL_PARSE_FAILED", ""),
)


class ShapedErrorsSchema(Schema):
    """A schema whose results carry shaped errors, whichever stage (parse, validate, run) failed."""

    debug: bool = False

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().execute(*args, **kwargs)
        if isinstance(result, ExecutionResult) and result.errors:
            request_id = str(getattr(kwargs.get("context_value"), "request_id", "-"))
            result.errors = [
                shape(e, debug=self.debug, request_id=request_id) for e in result.errors
            ]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only what is ours to fix: client mistakes are answered, not logged as failures."""
        request_id = (
            getattr(execution_context.context, "request_id", "-") if execution_context else "-"
        )
        for error in errors:
            if _is_unexpected(error):
                log.error(
                    "unexpected error (request %s)", request_id, exc_info=error.original_error
                )


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


def shape(error: GraphQLError, *, debug: bool, request_id: str) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        extensions: dict[str, object] = {"code": original.code.value}
        if original.field:
            extensions["field"] = original.field
        return _with(error, original.message, extensions)
    if _is_unexpected(error):
        message = (
            error.message if debug else f"服务器内部错误, 请联系运维并提供请求编号 {request_id}"
        )
        return _with(error, message, {"code": INTERNAL_ERROR, "requestId": request_id})
    return error if error.path else _request_error(error)


def _request_error(error: GraphQLError) -> GraphQLError:
    """Parse and validation errors: a stable code, and a Chinese message for the limits."""
    for pattern, code, message in _REQUEST_ERRORS:
        match = pattern.search(error.message)
        if match:
            return _with(error, message.format(*match.groups()) or error.message, {"code": code})
    return _with(error, error.message, {"code": "GRAPHQL_VALIDATION_FAILED"})


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
