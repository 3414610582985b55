"""Searching as a viewer: which region they may search, and which page a cursor asks for."""

import base64
from dataclasses import dataclass
from datetime import date

from core.principal import Principal, Role
from search import documents, rules
from search.errors import SearchError, SearchErrorCode
from search.port import SearchIndex


@dataclass(frozen=True)
class SearchScope:
    """Where a viewer searches and which page: checked before anything else is read."""

    region_code: str
    offset: int
    page_size: int


@dataclass(frozen=True)
class SearchPage:
    result: documents.SearchResult
    offset: int  # of the first hit, so cursor(offset + i + 1) names hit i


def search_scope(
    viewer: Principal | None, *, region_code: str | None, first: int, after: str | None
) -> SearchScope:
    """A purchaser always searches its own region; anyone else names one."""
    region = viewer.region_code if viewer and viewer.role == Role.PURCHASER else region_code
    if region is None:
        raise SearchError(
            SearchErrorCode.INVALID_REGION, "请指定要浏览的地区 (regionCode)", field="regionCode"
        )
    offset = offset_of(after)
    if offset % max(1, first):
        raise SearchError(SearchErrorCode.INVALID_PAGE, "翻页游标与每页条数不符", field="after")
    return SearchScope(region_code=region, offset=offset, page_size=first)


async def search_offers(
    index: SearchIndex,
    scope: SearchScope,
    *,
    today: date,
    text: str,
    filter: documents.SearchFilter,
    sort: documents.SearchSort,
    facets: tuple[str, ...],
) -> SearchPage:
    query = documents.SearchQuery(
        viewer_region_code=scope.region_code,
        today=today,
        text=text,
        filter=filter,
        sort=sort,
        facets=facets,
        page=scope.offset // max(1, scope.page_size) + 1,
        page_size=scope.page_size,
    )
    rules.check_query(query)
    return SearchPage(result=await index.search(query), offset=scope.offset)


def cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def offset_of(after: str | None) -> int:
    if after is None:
        return 0
    try:
        kind, _, value = base64.b64decode(after, validate=True).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value)
    except ValueError:
        pass
    raise SearchError(SearchErrorCode.INVALID_PAGE, "翻页游标无效", field="after")
