"""Open data over plain HTTP: the OCDS release feed, for anyone, page by page."""

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.clock import Clock
from core.db import Database
from core.settings import Settings
from supervision.ocds import feed
from supervision.ocds.json_text import dumps
from supervision.ocds.params import (
    OcdsQueryError,
    decode_cursor,
    encode_cursor,
    parse_limit,
    parse_since,
)

RELEASES_PATH = "/ocds/releases"


class OcdsReleases:
    """A release package per page; `links.next` leads on until the feed is exhausted."""

    def __init__(
        self, *, database: Callable[[], Database], settings: Settings, clock: Clock
    ) -> None:
        self._database, self._settings, self._clock = database, settings, clock

    async def handle(self, request: Request) -> Response:
        params = request.query_params
        try:
            since = parse_since(params.get("since"))
            after = decode_cursor(params.get("cursor"))
            limit = parse_limit(params.get("limit"))
        except OcdsQueryError as error:
            body = {"error": {"code": error.code.value, "message": error.message}}
            return JSONResponse(body, status_code=400)
        async with self._database().reader() as session:
            page = await feed.releases_since(
                session, since, after, limit, ocid_prefix=self._settings.ocds_ocid_prefix
            )
        package = feed.release_package(
            page.releases,
            uri=str(request.url),
            published_date=self._clock.now(),
            publisher=feed.PUBLISHER,
            extensions=[self._settings.ocds_techniques_extension_url],
        )
        if page.next is not None:
            next_url = request.url.include_query_params(cursor=encode_cursor(page.next))
            package["links"] = {"next": str(next_url)}
        return Response(dumps(package), media_type="application/json")
