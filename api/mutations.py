"""How every mutation runs: one unit of work, domain errors as payload errors, idempotency."""

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.errors import UserError
from core import idempotency
from core.clock import Clock
from core.errors import CoreErrorCode, DomainError, InvalidInput
from core.principal import Actor


class HasId(Protocol):
    id: Any


T = TypeVar("T")
R = TypeVar("R", bound=HasId)
P = TypeVar("P")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None
    errors: list[UserError]


Action = Callable[[AsyncSession, Actor], Awaitable[T]]


async def perform(info: Info, action: Action[T]) -> Outcome[T]:
    """Run `action` in its own transaction; a DomainError rolls it back and becomes `errors`."""
    try:
        return await _attempt(info, action)
    except IntegrityError:
        # A unique constraint caught what the service's own check could not see yet.
        return Outcome(None, [UserError.from_domain(conflict("数据已被并发修改, 请重试"))])


async def _attempt(info: Info, action: Action[T]) -> Outcome[T]:
    ctx = info.context
    try:
        actor = await ctx.actor()
        async with ctx.db.unit_of_work() as session:
            return Outcome(await action(session, actor), [])
    except DomainError as error:
        return Outcome(None, UserError.all_from(error))


@dataclass(frozen=True)
class NodeId:
    """A global ID argument, decoded inside the unit of work so a wrong one becomes `errors`."""

    global_id: relay.GlobalID
    type_name: str
    field: str

    def resolve(self) -> int:
        return decode_id(self.global_id, self.type_name, field=self.field)


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A raw argument checked by `parse` inside the unit of work (its InvalidInput → `errors`)."""

    parse: Callable[[Any], T]
    raw: Any

    def resolve(self) -> T:
        return self.parse(self.raw)


async def run_mutation(
    info: Info,
    service: Callable[..., Awaitable[T]],
    *args: object,
    payload: Callable[[Outcome[T]], P],
    **kwargs: object,
) -> P:
    """Call `service(session, *args, **kwargs, actor=…, clock=…)` the way `perform` runs an action.

    `NodeId` and `Parsed` arguments are resolved in order inside the unit of work; `clock` is
    passed only to services that take one. `payload` shapes the outcome.
    """
    return payload(await perform(info, _calling(info, service, args, kwargs)))


async def run_create(
    info: Info,
    spec: "Idempotent[R]",
    service: Callable[..., Awaitable[R]],
    *args: object,
    payload: Callable[[Outcome[R]], P],
    **kwargs: object,
) -> P:
    """`run_mutation` for a create that an idempotency key makes safe to retry."""
    return payload(await perform_create(info, spec, _calling(info, service, args, kwargs)))


def _calling(
    info: Info,
    service: Callable[..., Awaitable[T]],
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> Action[T]:
    async def call(session: AsyncSession, actor: Actor) -> T:
        return await call_service(
            service, session, *args, actor=actor, clock=info.context.clock, **kwargs
        )

    return call


async def call_service(
    service: Callable[..., Awaitable[T]],
    session: AsyncSession,
    *args: object,
    actor: Actor,
    clock: Clock,
    **kwargs: object,
) -> T:
    """`service(session, *args, **kwargs, actor=actor)`, with `clock` if it takes one."""
    given = [_resolved(arg) for arg in args]
    named = {name: _resolved(arg) for name, arg in kwargs.items()}
    if _takes_clock(service):
        named["clock"] = clock
    return await service(session, *given, **named, actor=actor)


def _resolved(arg: object) -> object:
    return arg.resolve() if isinstance(arg, NodeId | Parsed) else arg


@cache
def _takes_clock(service: Callable[..., object]) -> bool:
    return "clock" in inspect.signature(service).parameters


@dataclass(frozen=True)
class Idempotent(Generic[R]):
    operation: str
    key: str | None
    request: dict[str, Any]
    reload: Callable[[AsyncSession, int], Awaitable[R | None]]


async def perform_create(info: Info, spec: Idempotent[R], action: Action[R]) -> Outcome[R]:
    """Like `perform`, but a retry with the same idempotency key returns the first result."""
    if spec.key is None:
        return await perform(info, action)
    key = spec.key.strip()
    digest = idempotency.request_digest(spec.request)

    async def once(session: AsyncSession, actor: Actor) -> R:
        if not key or len(key) > 128:
            raise InvalidInput("幂等键长度须为 1 到 128", field="idempotencyKey")
        scope = _scope(actor)
        target = await idempotency.replayed_target(
            session, scope=scope, operation=spec.operation, key=key, digest=digest
        )
        if target is not None:
            found = await spec.reload(session, int(target))
            assert found is not None
            return found
        made = await action(session, actor)
        idempotency.remember(
            session,
            scope=scope,
            operation=spec.operation,
            key=key,
            digest=digest,
            target_id=made.id,
            clock=info.context.clock,
        )
        await session.flush()
        return made

    try:
        outcome = await _attempt(info, once)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with what it made.
        return await perform(info, once)
    if outcome.errors and await _replayable(info, spec.operation, key, digest):
        # The winner committed between our replay check and our own checks (which then saw
        # its row as a duplicate): answer with what it made.
        return await perform(info, once)
    return outcome


async def _replayable(info: Info, operation: str, key: str, digest: str) -> bool:
    actor = await info.context.actor()
    async with info.context.db.reader() as session:
        try:
            found = await idempotency.replayed_target(
                session, scope=_scope(actor), operation=operation, key=key, digest=digest
            )
        except DomainError:
            return False
    return found is not None


def _scope(actor: Actor) -> str:
    p = actor.principal
    if p is None:
        return "anonymous"
    return f"user:{p.user_id}" if p.user_id is not None else f"key:{p.api_key_id}"


def decode_id(global_id: relay.GlobalID, expected: str, *, field: str) -> int:
    if global_id.type_name != expected or not global_id.node_id.isdigit():
        raise InvalidInput(f"ID 不是{expected}的 ID", field=field)
    return int(global_id.node_id)


def conflict(message: str) -> DomainError:
    return DomainError(CoreErrorCode.CONFLICT, message)
