"""Facet values from counts, shaped the same way by every backend."""

from collections import Counter

from search.documents import PRICE_BANDS, Facet, FacetName, FacetValue, PolicyTag
from search.rules import MAX_FACET_VALUES


def make_facet(name: FacetName, counts: Counter[str], labels: dict[str, str]) -> Facet:
    """Price bands in band order, other facets most frequent first (ties by value), at most
    MAX_FACET_VALUES values; values counted zero are left out."""
    if name == FacetName.PRICE_BAND:
        ordered = [b.key for b in PRICE_BANDS if counts[b.key]]
    else:
        ordered = sorted((v for v in counts if counts[v]), key=lambda v: (-counts[v], v))
    values = ordered[:MAX_FACET_VALUES]
    return Facet(name, tuple(FacetValue(v, _label(name, v, labels), counts[v]) for v in values))


def _label(name: FacetName, value: str, labels: dict[str, str]) -> str:
    if name == FacetName.POLICY_TAG:
        return PolicyTag(value).label
    if name == FacetName.PRICE_BAND:
        return next(b.label for b in PRICE_BANDS if b.key == value)
    return labels.get(value, value)
