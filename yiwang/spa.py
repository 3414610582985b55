"""The purchaser SPA (`web/dist`, built by `make web`) and the local GraphiQL page.

The SPA is served at `/` with a history-API fallback: a browser asking for an HTML page at any
path no other route claims (a deep link such as `/orders/123`) gets `index.html`, and the SPA's
router takes it from there. Other requests to unknown paths keep their 404.
"""

import logging
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

log = logging.getLogger("yiwang.spa")

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
_INDEX = "index.html"
_GRAPHIQL = "graphiql.html"
# index.html names the hashed bundles: it must be revalidated, or a deploy would load stale code.
_NO_CACHE = {"Cache-Control": "no-cache"}
_IMMUTABLE = "public, max-age=31536000, immutable"


def spa_routes(dist: Path) -> list[BaseRoute]:
    """The SPA's routes (put them last), or none when it has not been built."""
    if not (dist / _INDEX).is_file():
        log.warning("no SPA build at %s: serving the API only (`make web` builds it)", dist)
        return []
    return [
        Mount("/assets", app=_HashedAssets(directory=dist / "assets"), name="assets"),
        Mount("/", app=HistoryFallback(dist), name="spa"),
    ]


def graphiql_page(dist: Path) -> str | None:
    """GraphiQL's page from our own build (no CDN), or None to keep strawberry's."""
    page = dist / _GRAPHIQL
    return page.read_text(encoding="utf-8") if page.is_file() else None


class _HashedAssets(StaticFiles):
    """Vite names every asset by its content hash: browsers may keep them for good."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = _IMMUTABLE
        return response


class HistoryFallback:
    """Top-level files of the build as they are; `index.html` for any page a browser asks for."""

    def __init__(self, dist: Path) -> None:
        self._dist = dist.resolve()
        self._files = {p.name for p in self._dist.iterdir() if p.is_file() and p.name != _GRAPHIQL}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self._response(scope)
        await response(scope, receive, send)

    def _response(self, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            return _not_found()
        name = scope["path"].lstrip("/")
        if name in self._files and name != _INDEX:
            return FileResponse(self._dist / name)
        # The shop's own address answers anyone (`curl http://…/` included); a deep link only a
        # browser, so an API client's mistyped path still gets its 404.
        if not name or _wants_html(Headers(scope=scope).get("accept", "")):
            return FileResponse(self._dist / _INDEX, headers=_NO_CACHE)
        return _not_found()


def _wants_html(accept: str) -> bool:
    return "text/html" in accept.lower()


def _not_found() -> Response:
    return JSONResponse({"detail": "Not Found"}, status_code=404)
