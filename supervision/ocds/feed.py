"""Open data: framework agreements and the orders made under them as OCDS 1.1 releases (ADR 20).

An agreement is published once activated; an order once its contract has been announced.
Each release is the process's state as of its `date`, so re-reading the feed from a date
gives every process that changed since, as it is now.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from supervision.ocds.agreement import agreement_release
from supervision.ocds.common import instant
from supervision.ocds.keys import ReleaseKey, ReleaseKind, release_keys
from supervision.ocds.load import agreement_facts, published_orders
from supervision.ocds.order import order_release
from supervision.ocds.params import MAX_LIMIT

PUBLISHER = "一网 政府采购电子卖场"
VERSION = "1.1"


@dataclass(frozen=True)
class ReleasePage:
    releases: list[dict[str, Any]]
    next: ReleaseKey | None  # None on the last page


async def releases_since(
    session: AsyncSession,
    since: datetime | None,
    after: ReleaseKey | None,
    limit: int,
    *,
    ocid_prefix: str,
) -> ReleasePage:
    """One page of releases dated at or after `since`, oldest first, following `after`."""
    keys = await release_keys(session, since=since, after=after, limit=limit + 1)
    page, more = keys[:limit], len(keys) > limit
    agreements = await agreement_facts(session, _ids(page, ReleaseKind.AGREEMENT))
    orders = await published_orders(session, _ids(page, ReleaseKind.ORDER))
    releases = [
        agreement_release(agreements[k.id], prefix=ocid_prefix, at=k.at)
        if k.kind is ReleaseKind.AGREEMENT
        else order_release(orders[k.id], prefix=ocid_prefix, at=k.at)
        for k in page
    ]
    return ReleasePage(releases, page[-1] if more else None)


async def all_releases(
    session: AsyncSession, since: datetime | None, *, ocid_prefix: str
) -> AsyncIterator[dict[str, Any]]:
    """Every release from `since` on, a page at a time."""
    after: ReleaseKey | None = None
    while True:
        page = await releases_since(session, since, after, MAX_LIMIT, ocid_prefix=ocid_prefix)
        for release in page.releases:
            yield release
        if page.next is None:
            return
        after = page.next


def release_package(
    releases: list[dict[str, Any]],
    *,
    uri: str,
    published_date: datetime,
    publisher: str,
    extensions: list[str],
) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": instant(published_date),
        "publisher": {"name": publisher},
        "extensions": extensions,
        "releases": releases,
    }


def _ids(keys: list[ReleaseKey], kind: ReleaseKind) -> list[int]:
    return [k.id for k in keys if k.kind is kind]
