"""Which backend serves search: Meilisearch when a URL is configured, else the database."""

from core.db import Database
from core.settings import Settings
from search.embedded import EmbeddedSearchIndex
from search.port import SearchIndex


def make_search_index(settings: Settings, db: Database) -> SearchIndex:
    # Read with getattr until Settings grows meili_url, meili_api_key and meili_index.
    url: str | None = getattr(settings, "meili_url", None)
    if not url:
        return EmbeddedSearchIndex(db)
    from search.meili import MeiliSearchIndex  # the client is only needed here

    return MeiliSearchIndex(
        url,
        api_key=_secret(getattr(settings, "meili_api_key", None)),
        index_name=getattr(settings, "meili_index", None) or "offers",
    )


def _secret(value: object) -> str | None:
    """The API key, whether a plain string or a pydantic SecretStr."""
    if value is None:
        return None
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal() if callable(reveal) else value) or None
