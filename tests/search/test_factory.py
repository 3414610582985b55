from pydantic import SecretStr

from core.db import Database
from core.settings import Settings
from search.embedded import EmbeddedSearchIndex
from search.factory import make_search_index
from search.meili import MeiliSearchIndex


def test_the_database_serves_search_by_default(settings: Settings, db: Database) -> None:
    assert isinstance(make_search_index(settings, db), EmbeddedSearchIndex)


def test_a_meilisearch_url_chooses_meilisearch(settings: Settings, db: Database) -> None:
    configured = settings.model_copy(
        update={"meili_url": "http://127.0.0.1:7700", "meili_api_key": SecretStr("key")}
    )
    index = make_search_index(configured, db)  # makes no request yet
    assert isinstance(index, MeiliSearchIndex)
