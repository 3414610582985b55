import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.clock import FrozenClock
from core.db import Database
from core.settings import Settings
from yiwang.app import create_app

INDEX = '<!doctype html><div id="root"></div><script src="/assets/index-abc.js"></script>'
GRAPHIQL = '<!doctype html><div id="graphiql"></div><script src="/assets/graphiql-abc.js"></script>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abc.js").write_text("console.log('shop')")
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "graphiql.html").write_text(GRAPHIQL)
    (tmp_path / "favicon.svg").write_text("<svg/>")
    return tmp_path


async def _client(
    app_settings: Settings, clock: FrozenClock, db: Database, dist: Path
) -> httpx.AsyncClient:
    app = create_app(app_settings, clock=clock, db=db, web_dist=dist)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mall.test")


@pytest.fixture
async def spa(
    settings: Settings, clock: FrozenClock, db: Database, dist: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client(settings, clock, db, dist) as http:
        yield http


async def test_the_shop_is_served_at_the_root(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


async def test_the_root_answers_any_client_not_only_a_browser(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/", headers={"accept": "*/*"})
    assert response.status_code == 200
    assert response.text == INDEX


@pytest.mark.parametrize("path", ["/orders/123", "/search?q=联想", "/products/UHJvZHVjdDox"])
async def test_deep_links_reload_into_the_shop(spa: httpx.AsyncClient, path: str) -> None:
    response = await spa.get(path, headers={"accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.text == INDEX


async def test_hashed_assets_are_cached_for_good(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/assets/index-abc.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert (await spa.get("/favicon.svg")).text == "<svg/>"


async def test_unknown_paths_stay_404_for_api_clients(spa: httpx.AsyncClient) -> None:
    assert (
        await spa.get("/nothing-here", headers={"accept": "application/json"})
    ).status_code == 404
    assert (await spa.post("/orders/123", headers={"accept": "text/html"})).status_code == 404
    assert (await spa.get("/assets/missing.js")).status_code == 404


async def test_the_api_keeps_its_routes(spa: httpx.AsyncClient) -> None:
    assert (await spa.get("/healthz", headers={"accept": "text/html"})).json() == {"status": "ok"}
    response = await spa.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}
    assert (await spa.get("/media/nothing.jpg", headers={"accept": "text/html"})).status_code == 404


async def test_graphiql_loads_from_the_build_not_a_cdn(
    settings: Settings, clock: FrozenClock, db: Database, dist: Path
) -> None:
    debug = settings.model_copy(update={"debug": True})
    async with await _client(debug, clock, db, dist) as http:
        response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.text == GRAPHIQL


async def test_without_a_build_the_api_still_serves(
    settings: Settings,
    clock: FrozenClock,
    db: Database,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="yiwang.spa"):
        async with await _client(settings, clock, db, tmp_path / "missing") as http:
            assert (await http.get("/", headers={"accept": "text/html"})).status_code == 404
            assert (await http.get("/healthz")).status_code == 200
    assert "serving the API only" in caplog.text
