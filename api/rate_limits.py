"""Per-key rate limits for partners' API keys: over the limit, a request gets HTTP 429 with
`Retry-After` and a GraphQL error (RATE_LIMITED) before anything runs."""

import hashlib
import json
import time

from starlette.requests import Request
from starlette.responses import Response

from core.db import Database
from core.rate_limit import TokenBuckets, retry_after_header
from core.settings import Settings
from identity.api_keys import own_rate

_RATE_CACHE_SECONDS = 60.0


class PartnerRateLimit:
    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self._buckets = TokenBuckets()
        self._rates: dict[str, tuple[float, float]] = {}

    async def refused(self, request: Request) -> Response | None:
        raw = request.headers.get("x-api-key")
        if not raw:
            return None
        # Keyed by a digest of the whole key: only its holder can spend its bucket.
        key = hashlib.sha256(raw.encode()).hexdigest()
        now = time.monotonic()
        rate = await self._rate(key, raw, now)
        burst = max(float(self._settings.partner_burst), rate)
        wait = self._buckets.take(key, rate=rate, burst=burst, now=now)
        return None if wait is None else _too_many(wait)

    async def _rate(self, key: str, raw: str, now: float) -> float:
        cached = self._rates.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        async with self._db.reader() as session:
            own = await own_rate(session, raw)
        rate = float(own or self._settings.partner_requests_per_second)
        if len(self._rates) > 10_000:
            self._rates.clear()
        self._rates[key] = (rate, now + _RATE_CACHE_SECONDS)
        return rate


def _too_many(wait: float) -> Response:
    seconds = retry_after_header(wait)
    body = {
        "errors": [
            {
                "message": f"请求过于频繁, 请 {seconds} 秒后重试",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": int(seconds)},
            }
        ]
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=429,
        headers={"Retry-After": seconds},
        media_type="application/json",
    )
