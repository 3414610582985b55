from collections.abc import Callable
from typing import Any, TypeVar

from strawberry import relay

from core.pagination import Page, PageRequest
from core.settings import Settings

C = TypeVar("C", bound=relay.Connection[Any])

DEFAULT_PAGE_SIZE = 20


def page_request(
    *, first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    return PageRequest(first=first, after=after, last=last, before=before)


def page_limits(settings: Settings) -> dict[str, int]:
    return {
        "default_size": min(DEFAULT_PAGE_SIZE, settings.max_page_size),
        "max_size": settings.max_page_size,
    }


def to_connection(connection: type[C], page: Page[Any], node: Callable[[Any], Any]) -> C:
    edges = [
        relay.Edge(cursor=c, node=node(item))
        for item, c in zip(page.items, page.cursors, strict=True)
    ]
    return connection(
        page_info=relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        edges=edges,
    )


def int_ids(node_ids: Any) -> list[int]:
    """Node ids that are not integers cannot exist; map them to 0, which no row has."""
    return [int(i) if str(i).isdigit() else 0 for i in node_ids]
