"""The embedded backend: search in the application's own database (see index.py)."""

from search.embedded.index import FACET_SAMPLE, EmbeddedSearchIndex

__all__ = ["FACET_SAMPLE", "EmbeddedSearchIndex"]
