"""The Meilisearch adapter without a server: what it sends, in what order, and how it reads
the answers. (The behavioural suite runs it against a real server when YIWANG_MEILI_URL is set.)"""

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from search.documents import FacetName, PolicyTag, SearchFilter, SearchSort
from search.errors import SearchBackendError
from search.meili import MeiliSearchIndex
from search.meili_mapping import (
    FACET_ATTRIBUTES,
    SETTINGS,
    filters,
    from_document,
    quote,
    search_params,
    synonym_groups,
    synonym_map,
    to_document,
)
from tests.search.catalogue import TODAY, catalogue, doc, query


class FakeIndex:
    def __init__(self, client: "FakeClient") -> None:
        self.client = client
        self.response: dict[str, Any] = {"hits": [], "totalHits": 0}

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.client.calls.append((name, args, kwargs))
            if name == "search":
                return self.response
            if name == "get_synonyms":
                return {"电脑": ["计算机"], "计算机": ["电脑"]}
            if name == "get_stats":
                return SimpleNamespace(number_of_documents=3)
            return self.client.task()

        return call


class FakeClient:
    def __init__(self, *, fail: str | None = None) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.fail = fail
        self.tasks = 0
        self._index = FakeIndex(self)

    def index(self, name: str) -> FakeIndex:
        return self._index

    def create_index(self, name: str, options: dict[str, Any]) -> Any:
        self.calls.append(("create_index", (name, options), {}))
        return self.task()

    def task(self) -> Any:
        self.tasks += 1
        return SimpleNamespace(task_uid=self.tasks)

    def wait_for_task(self, uid: int, **timeouts: int) -> Any:
        assert timeouts["timeout_in_ms"] > 0
        self.calls.append(("wait_for_task", (uid,), timeouts))
        if self.fail and uid == 1:  # the index creation
            return SimpleNamespace(status="failed", error={"code": self.fail, "message": "x"})
        return SimpleNamespace(status="succeeded", error=None)

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]


def adapter(client: FakeClient) -> MeiliSearchIndex:
    return MeiliSearchIndex("http://meili.test", index_name="offers", client=client)  # type: ignore[arg-type]


async def test_settings_go_in_before_documents_and_documents_in_waited_batches() -> None:
    client = FakeClient()
    docs = [doc(i) for i in range(1, 2501)]
    await adapter(client).upsert(docs)
    names = client.names()
    assert names[:4] == ["create_index", "wait_for_task", "update_settings", "wait_for_task"]
    adds = [args[0] for name, args, _ in client.calls if name == "add_documents"]
    assert [len(batch) for batch in adds] == [1000, 1000, 500]
    assert names[4:] == ["add_documents", "wait_for_task"] * 3


async def test_settings_are_applied_once() -> None:
    client = FakeClient()
    index = adapter(client)
    await index.upsert([doc(1)])
    await index.upsert([doc(2)])
    assert client.names().count("update_settings") == 1


async def test_an_existing_index_is_fine_and_a_failed_task_raises() -> None:
    await adapter(FakeClient(fail="index_already_exists")).upsert([doc(1)])
    with pytest.raises(SearchBackendError, match="index_creation_failed"):
        await adapter(FakeClient(fail="index_creation_failed")).upsert([doc(1)])


async def test_delete_by_a_filter_on_ids() -> None:
    client = FakeClient()
    await adapter(client).delete([3, 1, 3])
    (kwargs,) = [kw for name, _, kw in client.calls if name == "delete_documents"]
    assert kwargs == {"filter": "offer_id IN [1, 3]"}


async def test_search_sends_tokens_filters_and_reads_hits_facets_and_highlights() -> None:
    client = FakeClient()
    index = adapter(client)
    lenovo = catalogue()[0]
    hit = {**to_document(lenovo), "_formatted": {"title": "联想 <b>\ue000M740t\ue001</b>"}}
    client._index.response = {
        "hits": [hit],
        "totalHits": 41,
        "facetDistribution": {
            "brand": {"联想": 30, "惠普": 11},
            "category_facet": {"A02010104 台式计算机": 41},
            "price_band": {"5000-10000": 1, "0-1000": 40},
        },
    }
    result = await index.search(query('-"M740t" 联想', facets=("brand", "category", "price_band")))
    ((text, params),) = [args for name, args, _ in client.calls if name == "search"]
    assert text == "m740t 联想"
    assert params["filter"][0] == 'visible_region_codes IN ["331102", "331100", "330000"]'
    assert result.total == 41
    assert result.hits[0].document == lenovo
    assert result.hits[0].title_html == "联想 &lt;b&gt;<em>M740t</em>&lt;/b&gt;"
    brand = result.facet(FacetName.BRAND)
    assert brand is not None
    assert [(v.value, v.count) for v in brand.values] == [("联想", 30), ("惠普", 11)]
    category = result.facet(FacetName.CATEGORY)
    assert category is not None
    assert [(v.value, v.label) for v in category.values] == [("A02010104", "台式计算机")]
    bands = result.facet(FacetName.PRICE_BAND)
    assert bands is not None
    assert [v.value for v in bands.values] == ["0-1000", "5000-10000"]


async def test_pinyin_hits_get_our_highlight() -> None:
    client = FakeClient()
    lenovo = catalogue()[0]
    client._index.response = {"hits": [{**to_document(lenovo)}], "totalHits": 1}
    result = await adapter(client).search(query("lianxiang"))
    assert result.hits[0].title_html == "<em>联想</em> ThinkCentre M740t 台式计算机"


async def test_synonyms_and_count() -> None:
    client = FakeClient()
    index = adapter(client)
    await index.set_synonyms([("电脑", "计算机", "台式机")])
    ((mapping,),) = [args for name, args, _ in client.calls if name == "update_synonyms"]
    assert mapping["电脑"] == ["计算机", "台式机"]
    assert await index.synonyms() == [("电脑", "计算机")]
    assert await index.count() == 3


def test_documents_round_trip() -> None:
    for offer in catalogue():
        assert from_document(to_document(offer)) == offer


def test_filters_quote_every_string() -> None:
    q = query(
        filter=SearchFilter(
            category_code="A0201",
            brands=('联想" OR active = false OR "', "H\\P"),
            price_min_fen=100,
            price_max_fen=900,
            delivers_to="331121",
            hall_id=7,
            agreement_id=12,
            policy_tags=(PolicyTag.SME,),
        )
    )
    assert filters(q) == [
        'visible_region_codes IN ["331102", "331100", "330000"]',
        "active = true",
        "agreement_ends_on_day >= 20261102",
        'visible_region_codes IN ["331121", "331100", "330000"]',
        'category_path = "A0201"',
        'brand_key IN ["联想\\"oractive=falseor\\"", "h\\\\p"]',
        "price_fen >= 100",
        "price_fen <= 900",
        "hall_ids = 7",
        "agreement_id = 12",
        'policy_tags = "SME"',
    ]
    assert quote('a"b\\') == '"a\\"b\\\\"'


def test_sorts_pages_and_facets() -> None:
    params = search_params(
        query(sort=SearchSort.PRICE_ASC, page=2, page_size=10), (FacetName.HALL,)
    )
    assert params["sort"] == ["price_fen:asc", "offer_id:asc"]
    assert (params["page"], params["hitsPerPage"]) == (2, 10)
    assert params["facets"] == ["hall_ids"]
    assert "sort" not in search_params(query(), ())


def test_settings() -> None:
    assert SETTINGS["rankingRules"][0] == "sort"
    assert {"locales": ["cmn"]}.items() <= SETTINGS["localizedAttributes"][0].items()
    filterable = SETTINGS["filterableAttributes"]
    assert {"visible_region_codes", "active", "agreement_ends_on_day", "offer_id"} <= set(
        filterable
    )
    assert set(FACET_ATTRIBUTES.values()) <= set(filterable)
    assert len(filterable) == len(set(filterable))


def test_synonym_groups_round_trip() -> None:
    groups = [("电脑", "计算机", "台式机"), ("打印机", "打印设备")]
    assert synonym_groups(synonym_map(groups)) == groups


def test_today_and_viewer_are_always_in_the_filter() -> None:
    q = replace(query(), viewer_region_code="320402", today=TODAY.replace(year=2027))
    assert filters(q)[:3] == [
        'visible_region_codes IN ["320402", "320400", "320000"]',
        "active = true",
        "agreement_ends_on_day >= 20271102",
    ]
