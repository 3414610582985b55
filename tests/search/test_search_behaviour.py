"""What a purchaser's search does, the same on every backend (see conftest.py)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from search.documents import (
    FacetName,
    PolicyTag,
    SearchFilter,
    SearchQuery,
    SearchResult,
    SearchSort,
)
from search.port import SearchIndex
from search.synonyms import DEFAULT_SYNONYM_GROUPS
from tests.search.catalogue import (
    CHANGZHOU,
    DELI_SHREDDER,
    EPSON_PROJECTOR,
    EXPIRED,
    HANGZHOU,
    HP_DESKTOP,
    HUAWEI_LAPTOP,
    LENOVO_DESKTOP,
    LISHUI_DESKTOPS,
    OFF_SHELF,
    PANTUM_PRINTER,
    SERVICE_PARTNER,
    ZHEJIANG_OFFICE,
    catalogue,
    doc,
    query,
)

VISIBLE = {
    LENOVO_DESKTOP,
    HP_DESKTOP,
    HUAWEI_LAPTOP,
    PANTUM_PRINTER,
    EPSON_PROJECTOR,
    DELI_SHREDDER,
    SERVICE_PARTNER,
}


@pytest.fixture
async def index(index: SearchIndex) -> SearchIndex:
    await index.upsert(catalogue())
    return index


async def found(index: SearchIndex, q: SearchQuery) -> list[int]:
    return ids(await index.search(q))


def ids(result: SearchResult) -> list[int]:
    return [hit.document.offer_id for hit in result.hits]


# --- words ----------------------------------------------------------------------------------


async def test_chinese_words_find_offers_whose_title_has_them(index: SearchIndex) -> None:
    assert set(await found(index, query("台式计算机"))) == {
        LENOVO_DESKTOP,
        HP_DESKTOP,
        SERVICE_PARTNER,
    }
    assert await found(index, query("激光打印机")) == [PANTUM_PRINTER]


@pytest.mark.parametrize("text", ["ThinkCentre M740t", "M740t", "m740T", "ｍ７４０ｔ", "联想M740t"])
async def test_model_numbers_are_found_however_they_are_typed(
    index: SearchIndex, text: str
) -> None:
    assert await found(index, query(text)) == [LENOVO_DESKTOP]


async def test_a_model_number_written_with_separators_or_without(index: SearchIndex) -> None:
    assert await found(index, query("CB-X50")) == [EPSON_PROJECTOR]
    assert await found(index, query("cbx50")) == [EPSON_PROJECTOR]


@pytest.mark.parametrize("text", ["lianxiang", "lx", "LianXiang M740t"])
async def test_pinyin_full_and_initials_find_chinese_words(index: SearchIndex, text: str) -> None:
    assert await found(index, query(text)) == [LENOVO_DESKTOP]


async def test_synonyms_find_offers_named_with_another_term(index: SearchIndex) -> None:
    assert await found(index, query("电脑")) == []
    await index.set_synonyms(DEFAULT_SYNONYM_GROUPS)
    assert {LENOVO_DESKTOP, HP_DESKTOP, HUAWEI_LAPTOP} <= set(await found(index, query("电脑")))
    assert await found(index, query("笔记本")) == [HUAWEI_LAPTOP]
    assert await found(index, query("投影仪")) == [EPSON_PROJECTOR]


async def test_an_operator_added_synonym_group_takes_effect(index: SearchIndex) -> None:
    assert await found(index, query("主机")) == []
    await index.set_synonyms([*DEFAULT_SYNONYM_GROUPS, ("主机", "台式计算机")])
    assert set(await found(index, query("主机"))) == {
        LENOVO_DESKTOP,
        HP_DESKTOP,
        SERVICE_PARTNER,
    }
    assert ("主机", "台式计算机") in await index.synonyms()


@pytest.mark.parametrize("text", ["M74Ot", "M740x", "Thnikcentre", "ThinkCentree", "lainxiang"])
async def test_one_typo_in_a_long_latin_word_is_forgiven(index: SearchIndex, text: str) -> None:
    assert await found(index, query(text)) == [LENOVO_DESKTOP]


async def test_the_last_word_matches_as_a_prefix(index: SearchIndex) -> None:
    assert await found(index, query("M740")) == [LENOVO_DESKTOP]
    assert await found(index, query("联想 Think")) == [LENOVO_DESKTOP]


async def test_every_word_must_match(index: SearchIndex) -> None:
    assert await found(index, query("联想 打印机")) == []


# --- filters --------------------------------------------------------------------------------


def filtered(**fields: object) -> SearchQuery:
    return query(filter=SearchFilter(**fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"category_code": "A020101"},
            {LENOVO_DESKTOP, HP_DESKTOP, HUAWEI_LAPTOP, SERVICE_PARTNER},
        ),
        ({"category_code": "A02010104"}, {LENOVO_DESKTOP, HP_DESKTOP, SERVICE_PARTNER}),
        ({"brands": ("联想",)}, {LENOVO_DESKTOP}),
        ({"brands": ("惠普", "华为")}, {HP_DESKTOP, HUAWEI_LAPTOP}),
        ({"price_min_fen": 500_000}, {HP_DESKTOP, HUAWEI_LAPTOP}),
        ({"price_min_fen": 100_000, "price_max_fen": 320_000}, {PANTUM_PRINTER, EPSON_PROJECTOR}),
        ({"hall_id": 7}, {HUAWEI_LAPTOP, EPSON_PROJECTOR}),
        ({"agreement_id": ZHEJIANG_OFFICE}, {PANTUM_PRINTER, EPSON_PROJECTOR, DELI_SHREDDER}),
        ({"policy_tags": (PolicyTag.SME,)}, {LENOVO_DESKTOP, HUAWEI_LAPTOP}),
        ({"policy_tags": (PolicyTag.SME, PolicyTag.SMALL_MICRO)}, {HUAWEI_LAPTOP}),
        ({"delivers_to": "331121"}, VISIBLE),
    ],
)
async def test_each_filter_narrows_the_visible_offers(
    index: SearchIndex, fields: dict[str, object], expected: set[int]
) -> None:
    assert set(await found(index, filtered(**fields))) == expected


async def test_filters_combine_with_words(index: SearchIndex) -> None:
    q = replace(query("台式计算机"), filter=SearchFilter(brands=("惠普",)))
    assert await found(index, q) == [HP_DESKTOP]


async def test_a_brand_filter_ignores_case_and_width(index: SearchIndex) -> None:
    await index.upsert([doc(20, brand="HP", title="HP LaserJet M208dw 激光打印机")])
    assert await found(index, filtered(brands=("ｈｐ",))) == [20]


async def test_delivery_filter_keeps_offers_that_deliver_there(index: SearchIndex) -> None:
    restricted = replace(catalogue()[DELI_SHREDDER - 1], delivery_region_codes=("331121",))
    await index.upsert([restricted])
    in_qingtian = replace(filtered(delivers_to="331121"), viewer_region_code="331121")
    assert DELI_SHREDDER in await found(index, in_qingtian)
    elsewhere = replace(filtered(delivers_to="331122"), viewer_region_code="331122")
    assert DELI_SHREDDER not in await found(index, elsewhere)
    assert DELI_SHREDDER not in await found(index, filtered(delivers_to="331122"))


# --- visibility -----------------------------------------------------------------------------


async def test_a_purchaser_sees_only_offers_of_agreements_over_their_region(
    index: SearchIndex,
) -> None:
    assert set(await found(index, query())) == VISIBLE
    in_hangzhou = await found(index, query(viewer_region_code=HANGZHOU))
    assert set(in_hangzhou) == {PANTUM_PRINTER, EPSON_PROJECTOR}  # the province's, not 丽水's


async def test_a_city_agreement_is_seen_by_its_counties_not_by_other_cities(
    index: SearchIndex,
) -> None:
    assert LENOVO_DESKTOP in await found(index, query("M740t", viewer_region_code="331102"))
    assert LENOVO_DESKTOP in await found(index, query("M740t", viewer_region_code="331100"))
    assert await found(index, query("M740t", viewer_region_code=HANGZHOU)) == []


async def test_a_delivery_restricted_offer_is_seen_only_where_it_delivers(
    index: SearchIndex,
) -> None:
    assert DELI_SHREDDER in await found(index, query("碎纸机", viewer_region_code="331102"))
    assert await found(index, query("碎纸机", viewer_region_code=HANGZHOU)) == []
    assert await found(index, query("碎纸机", viewer_region_code="330000")) == []


async def test_offers_of_an_expired_agreement_vanish_on_the_next_day(index: SearchIndex) -> None:
    last_day = doc(EXPIRED, agreement_ends_on=date(2026, 11, 1)).agreement_ends_on
    assert await found(index, query("启天 M455", today=last_day)) == [EXPIRED]
    assert await found(index, query("启天 M455", today=last_day + timedelta(days=1))) == []
    assert EXPIRED not in await found(index, query())


async def test_an_extended_agreement_brings_its_offers_back(index: SearchIndex) -> None:
    await index.upsert([replace(catalogue()[EXPIRED - 1], agreement_ends_on=date(2027, 6, 30))])
    assert await found(index, query("启天 M455")) == [EXPIRED]


async def test_off_shelf_offers_and_other_provinces_are_never_found(index: SearchIndex) -> None:
    everything = await found(index, query("联想"))
    assert OFF_SHELF not in everything
    assert CHANGZHOU not in everything
    assert await found(index, query("M930t")) == []
    assert await found(index, query("M930t", viewer_region_code="320402")) == [CHANGZHOU]


# --- facets, sorts, pages, highlights -------------------------------------------------------


async def test_facets_count_the_whole_result_not_the_page(index: SearchIndex) -> None:
    result = await index.search(query(facets=tuple(FacetName), page_size=2))
    assert len(result.hits) == 2
    assert result.total == len(VISIBLE)
    assert result.facets_exact
    counts = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    assert counts[FacetName.BRAND]["联想"] == 1
    assert sum(counts[FacetName.BRAND].values()) == len(VISIBLE)
    assert counts[FacetName.CATEGORY]["A02010104"] == 3
    assert counts[FacetName.POLICY_TAG] == {"SME": 2, "SMALL_MICRO": 1, "DISABLED_WELFARE": 1}
    assert counts[FacetName.PRICE_BAND] == {
        "0-1000": 2,
        "1000-3000": 1,
        "3000-5000": 2,
        "5000-10000": 2,
    }
    assert counts[FacetName.AGREEMENT] == {str(LISHUI_DESKTOPS): 4, str(ZHEJIANG_OFFICE): 3}
    assert counts[FacetName.HALL] == {"7": 2, "8": 1}


async def test_facet_values_carry_labels(index: SearchIndex) -> None:
    result = await index.search(query("计算机", facets=("category", "price_band")))
    category = result.facet(FacetName.CATEGORY)
    assert category is not None
    assert {(v.value, v.label) for v in category.values} >= {("A02010104", "台式计算机")}
    bands = result.facet(FacetName.PRICE_BAND)
    assert bands is not None
    assert [v.label for v in bands.values] == ["1000元以下", "3000-5000元", "5000-10000元"]


async def test_facets_follow_the_filters(index: SearchIndex) -> None:
    q = replace(query(facets=("brand",)), filter=SearchFilter(category_code="A02010104"))
    brand = (await index.search(q)).facet(FacetName.BRAND)
    assert brand is not None
    assert {v.value for v in brand.values} == {"联想", "惠普", "丽水服务"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (SearchSort.PRICE_ASC, [SERVICE_PARTNER, DELI_SHREDDER, PANTUM_PRINTER, EPSON_PROJECTOR]),
        (SearchSort.PRICE_DESC, [HUAWEI_LAPTOP, HP_DESKTOP, LENOVO_DESKTOP, EPSON_PROJECTOR]),
        (SearchSort.SALES, [HUAWEI_LAPTOP, LENOVO_DESKTOP, PANTUM_PRINTER, HP_DESKTOP]),
        (SearchSort.RATING, [PANTUM_PRINTER, LENOVO_DESKTOP, HUAWEI_LAPTOP, HP_DESKTOP]),
        (SearchSort.RELEVANCE, [HUAWEI_LAPTOP, LENOVO_DESKTOP, PANTUM_PRINTER, HP_DESKTOP]),
    ],
)
async def test_sorts(index: SearchIndex, sort: SearchSort, expected: list[int]) -> None:
    assert (await found(index, query(sort=sort)))[:4] == expected


async def test_relevance_puts_the_product_s_own_words_first(index: SearchIndex) -> None:
    # 联想 is in the service pack's supplier name only; it sells better, still comes second.
    await index.upsert([replace(catalogue()[SERVICE_PARTNER - 1], sales_count=999)])
    assert await found(index, query("联想")) == [LENOVO_DESKTOP, SERVICE_PARTNER]


async def test_pages(index: SearchIndex) -> None:
    first = await index.search(query(sort=SearchSort.PRICE_ASC, page_size=3))
    second = await index.search(query(sort=SearchSort.PRICE_ASC, page_size=3, page=2))
    last = await index.search(query(sort=SearchSort.PRICE_ASC, page_size=3, page=3))
    assert len(set(ids(first)) | set(ids(second)) | set(ids(last))) == len(VISIBLE)
    assert first.has_next_page
    assert second.has_next_page
    assert not last.has_next_page
    assert first.total == second.total == last.total == len(VISIBLE)


async def test_highlights_mark_matched_words_and_escape_the_rest(index: SearchIndex) -> None:
    await index.upsert([doc(21, title="联想 <b>M740t</b> & 台式计算机")])
    titles = {h.document.offer_id: h.title_html for h in (await index.search(query("m740t"))).hits}
    assert titles == {
        LENOVO_DESKTOP: "联想 ThinkCentre <em>M740t</em> 台式计算机",
        21: "联想 &lt;b&gt;<em>M740t</em>&lt;/b&gt; &amp; 台式计算机",
    }


async def test_pinyin_highlights_the_chinese_word(index: SearchIndex) -> None:
    (hit,) = (await index.search(query("lianxiang"))).hits
    assert hit.title_html == "<em>联想</em> ThinkCentre M740t 台式计算机"


# --- writes ---------------------------------------------------------------------------------


async def test_upsert_replaces_a_document(index: SearchIndex) -> None:
    count = await index.count()
    renamed = doc(LENOVO_DESKTOP, title="联想 扬天 M4000q 台式计算机", model="扬天 M4000q")
    await index.upsert([renamed])
    assert await index.count() == count
    assert await found(index, query("M740t")) == []
    assert await found(index, query("M4000q")) == [LENOVO_DESKTOP]
    (hit,) = (await index.search(query("M4000q"))).hits
    assert hit.document == renamed


async def test_the_last_of_duplicates_in_one_upsert_wins(index: SearchIndex) -> None:
    await index.upsert([doc(30, price_fen=100), doc(30, price_fen=200)])
    (hit,) = (await index.search(query(filter=SearchFilter(price_max_fen=300)))).hits
    assert hit.document.price_fen == 200


async def test_a_document_that_becomes_inactive_disappears(index: SearchIndex) -> None:
    await index.upsert([doc(LENOVO_DESKTOP, active=False)])
    assert await found(index, query("M740t")) == []


async def test_delete(index: SearchIndex) -> None:
    count = await index.count()
    await index.delete([LENOVO_DESKTOP, 999_999])
    assert await index.count() == count - 1
    assert await found(index, query("M740t")) == []
    await index.delete([])


async def test_clear_empties_the_index(index: SearchIndex) -> None:
    await index.clear()
    assert await index.count() == 0
    assert await found(index, query()) == []
