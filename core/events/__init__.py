"""Every event the mall writes to the outbox, one module per domain (ADR 28).

They live below every domain in the layers, so any consumer can match on any event's class:
the search index on listings and orders, supervision and the partners on orders. Importing this
package imports them all, so `decode` knows every stored `event_type`.
"""

from dataclasses import dataclass
from typing import Any

from core.events import agreements, identity, listings, marketplace, orders, partners
from core.outbox import Event, OutboxEvent, registered

__all__ = [
    "UndecodableEvent",
    "UnknownEvent",
    "agreements",
    "decode",
    "identity",
    "listings",
    "marketplace",
    "orders",
    "partners",
]


@dataclass(frozen=True)
class UnknownEvent:
    """A stored row whose `event_type` no class has any more; consumers pass it over."""

    event_type: str
    payload: dict[str, Any]


class UndecodableEvent(ValueError):
    """A row of a known type whose payload does not fit its class's fields."""


def decode(row: OutboxEvent) -> Event | UnknownEvent:
    """The event a stored row holds, as its class."""
    cls = registered().get(row.event_type)
    if cls is None:
        return UnknownEvent(row.event_type, row.payload)
    try:
        return cls(**row.payload)
    except TypeError as error:
        raise UndecodableEvent(f"outbox row {row.id} ({row.event_type}): {error}") from error
