"""Token buckets, one per key, in this process: a key may spend `burst` requests at once and
`rate` more each second. With several server processes each keeps its own buckets, so the real
limit is the rate times the processes (ADR 22)."""

import math
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    def __init__(self, *, capacity: int = 10_000) -> None:
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._capacity = capacity

    def take(self, key: str, *, rate: float, burst: float, now: float) -> float | None:
        """Spend one token; None when allowed, else the seconds until one is there."""
        bucket = self._buckets.pop(key, None) or _Bucket(burst, now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        self._buckets[key] = bucket
        if len(self._buckets) > self._capacity:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return (1 - bucket.tokens) / rate


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
