"""Pure checks of what a caller asks of the index: limits, codes, facet names, synonyms."""

from collections.abc import Iterable, Sequence
from typing import NoReturn

from identity import regions
from marketplace import codes
from search.analysis import clean_groups, synonym_key
from search.documents import FacetName, SearchFilter, SearchQuery
from search.errors import SearchError, SearchErrorCode

MAX_QUERY_LENGTH = 100
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # deepest offset + page size a search reaches (as Meilisearch)
MAX_BRANDS = 20
MAX_FACET_VALUES = 100  # values returned per facet, the most frequent first
MAX_SYNONYM_GROUPS = 2_000
MAX_SYNONYM_TERMS = 20
MAX_SYNONYM_LENGTH = 32


def check_query(query: SearchQuery) -> tuple[FacetName, ...]:
    """Raises SearchError for what no backend should be asked; returns the facets asked for."""
    if len(query.text) > MAX_QUERY_LENGTH:
        _fail(SearchErrorCode.QUERY_TOO_LONG, f"搜索词不能超过{MAX_QUERY_LENGTH}个字符", "text")
    _check_page(query)
    _check_region(query.viewer_region_code, "viewerRegionCode")
    _check_filter(query.filter)
    return tuple(_facet(name) for name in dict.fromkeys(query.facets))


def _check_page(query: SearchQuery) -> None:
    if query.page_size > MAX_PAGE_SIZE:
        _fail(SearchErrorCode.PAGE_SIZE_TOO_LARGE, f"每页最多{MAX_PAGE_SIZE}条", "pageSize")
    if query.page < 1 or query.page_size < 1:
        _fail(SearchErrorCode.INVALID_PAGE, "页码和每页条数必须为正数", "page")
    if query.page * query.page_size > MAX_RESULT_WINDOW:
        _fail(SearchErrorCode.PAGE_TOO_DEEP, f"最多只能查看前{MAX_RESULT_WINDOW}条结果", "page")


def _check_filter(f: SearchFilter) -> None:
    if f.category_code is not None and not codes.is_valid(f.category_code):
        _fail(SearchErrorCode.INVALID_CATEGORY_CODE, "品目编码格式不正确", "categoryCode")
    if f.delivers_to is not None:
        _check_region(f.delivers_to, "deliversTo")
    _check_price(f.price_min_fen, f.price_max_fen)
    if len(f.brands) > MAX_BRANDS or any(not b.strip() or len(b) > 64 for b in f.brands):
        _fail(SearchErrorCode.INVALID_FILTER, f"品牌最多选{MAX_BRANDS}个，且不能为空", "brands")
    for value, name in ((f.hall_id, "hallId"), (f.agreement_id, "agreementId")):
        if value is not None and value < 1:
            _fail(SearchErrorCode.INVALID_FILTER, "编号必须为正数", name)


def _check_price(low: int | None, high: int | None) -> None:
    if (low is not None and low < 0) or (high is not None and high < 0):
        _fail(SearchErrorCode.INVALID_PRICE_RANGE, "价格不能为负数", "price")
    if low is not None and high is not None and low > high:
        _fail(SearchErrorCode.INVALID_PRICE_RANGE, "最低价不能高于最高价", "price")


def _check_region(code: str, field: str) -> None:
    if not regions.is_valid_code(code):
        _fail(SearchErrorCode.INVALID_REGION, f"行政区划代码不正确: {code}", field)


def _facet(name: str) -> FacetName:
    try:
        return FacetName(name)
    except ValueError:
        known = "、".join(FacetName)
        _fail(SearchErrorCode.UNKNOWN_FACET, f"未知的分面: {name}（可选: {known}）", "facets")


def check_synonyms(groups: Iterable[Sequence[str]]) -> list[tuple[str, ...]]:
    """Normalised groups; a term may belong to one group only."""
    raw = list(groups)
    if len(raw) > MAX_SYNONYM_GROUPS:
        _fail(SearchErrorCode.INVALID_SYNONYMS, f"同义词最多{MAX_SYNONYM_GROUPS}组", "groups")
    for group in raw:
        if len(group) > MAX_SYNONYM_TERMS or any(len(t) > MAX_SYNONYM_LENGTH for t in group):
            message = f"每组同义词最多{MAX_SYNONYM_TERMS}个，每个最多{MAX_SYNONYM_LENGTH}字"
            _fail(SearchErrorCode.INVALID_SYNONYMS, message, "groups")
    cleaned = clean_groups(raw)
    seen: dict[str, int] = {}
    for index, group in enumerate(cleaned):
        for term in group:
            key = synonym_key(term)
            if seen.setdefault(key, index) != index:
                _fail(SearchErrorCode.INVALID_SYNONYMS, f"“{term}”出现在多组同义词中", "groups")
    return cleaned


def _fail(code: SearchErrorCode, message: str, field: str) -> NoReturn:
    raise SearchError(code, message, field=field)
