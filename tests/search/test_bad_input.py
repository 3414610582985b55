"""Bad input: never an exception from the engine, a typed error with a stable code instead."""

from dataclasses import replace

import pytest

from search.documents import SearchFilter
from search.errors import SearchError, SearchErrorCode
from search.port import SearchIndex
from search.rules import MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from tests.search.catalogue import LENOVO_DESKTOP, catalogue, query


@pytest.fixture
async def index(index: SearchIndex) -> SearchIndex:
    await index.upsert(catalogue())
    return index


async def test_an_empty_query_browses_every_visible_offer(index: SearchIndex) -> None:
    assert (await index.search(query(""))).total == 7
    assert (await index.search(query("   "))).total == 7


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '" - . / * : ^ ( ) NEAR AND OR',
        "NEAR(联想 M740t)",
        "联想 AND",
        "OR 联想",
        "M740t*",
        "-联想",
        "fts_keys:_r331102",
        "{fts_title}: 联想",
        "联想' OR 1=1 --",
        "\\",
        "\x00联想",
        "🙂",
    ],
)
async def test_query_syntax_characters_never_raise(index: SearchIndex, text: str) -> None:
    await index.search(query(text))


async def test_syntax_around_words_still_finds_them(index: SearchIndex) -> None:
    result = await index.search(query('"联想" (M740t)'))
    assert [h.document.offer_id for h in result.hits] == [LENOVO_DESKTOP]


async def test_a_filter_key_typed_as_text_reveals_nothing(index: SearchIndex) -> None:
    assert (await index.search(query("_r320400"))).total == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"text": "电" * (MAX_QUERY_LENGTH + 1)}, SearchErrorCode.QUERY_TOO_LONG, "text"),
        ({"page_size": MAX_PAGE_SIZE + 1}, SearchErrorCode.PAGE_SIZE_TOO_LARGE, "pageSize"),
        ({"page_size": 0}, SearchErrorCode.INVALID_PAGE, "page"),
        ({"page": 0}, SearchErrorCode.INVALID_PAGE, "page"),
        ({"page": 1000, "page_size": 100}, SearchErrorCode.PAGE_TOO_DEEP, "page"),
        ({"facets": ("brand", "colour")}, SearchErrorCode.UNKNOWN_FACET, "facets"),
        ({"viewer_region_code": "33110"}, SearchErrorCode.INVALID_REGION, "viewerRegionCode"),
        ({"viewer_region_code": "000000"}, SearchErrorCode.INVALID_REGION, "viewerRegionCode"),
    ],
)
async def test_bad_queries_get_a_stable_code(
    index: SearchIndex, change: dict[str, object], code: SearchErrorCode, field: str
) -> None:
    with pytest.raises(SearchError) as raised:
        await index.search(replace(query(), **change))  # type: ignore[arg-type]
    assert raised.value.code == code
    assert raised.value.field == field
    assert raised.value.message  # in Chinese, for the user


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"category_code": "A0'; DROP"}, SearchErrorCode.INVALID_CATEGORY_CODE),
        ({"category_code": "A020"}, SearchErrorCode.INVALID_CATEGORY_CODE),
        ({"price_min_fen": 500, "price_max_fen": 100}, SearchErrorCode.INVALID_PRICE_RANGE),
        ({"price_min_fen": -1}, SearchErrorCode.INVALID_PRICE_RANGE),
        ({"delivers_to": "abc"}, SearchErrorCode.INVALID_REGION),
        ({"brands": ("",)}, SearchErrorCode.INVALID_FILTER),
        ({"brands": tuple(f"b{i}" for i in range(21))}, SearchErrorCode.INVALID_FILTER),
        ({"hall_id": 0}, SearchErrorCode.INVALID_FILTER),
    ],
)
async def test_bad_filters_get_a_stable_code(
    index: SearchIndex, fields: dict[str, object], code: SearchErrorCode
) -> None:
    with pytest.raises(SearchError) as raised:
        await index.search(query(filter=SearchFilter(**fields)))  # type: ignore[arg-type]
    assert raised.value.code == code


async def test_a_query_at_the_length_limit_is_fine(index: SearchIndex) -> None:
    await index.search(query("联" * MAX_QUERY_LENGTH))


async def test_a_brand_with_quotes_is_just_a_brand(index: SearchIndex) -> None:
    result = await index.search(query(filter=SearchFilter(brands=('联想" OR "1', "\\"))))
    assert result.total == 0


@pytest.mark.parametrize(
    "groups",
    [
        [("电脑", "计算机"), ("计算机", "台式机")],  # a term in two groups
        [tuple(f"词{i}" for i in range(21))],
        [("电" * 33, "脑")],
    ],
)
async def test_bad_synonyms_are_refused_and_change_nothing(
    index: SearchIndex, groups: list[tuple[str, ...]]
) -> None:
    await index.set_synonyms([("电脑", "计算机")])
    with pytest.raises(SearchError) as raised:
        await index.set_synonyms(groups)
    assert raised.value.code == SearchErrorCode.INVALID_SYNONYMS
    assert await index.synonyms() == [("电脑", "计算机")]
