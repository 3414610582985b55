"""Tables of the embedded search backend (the Meilisearch backend keeps none).

Per indexed offer: a `search_document` (the document and its analysed text) and a narrow
`search_row` (what filters, sorts and facets read). The full-text index over the analysed
text is dialect-specific and unknown to the ORM (see `include_name`):

- SQLite: the FTS5 table `search_fts` with `search_document` as its external content, so the
  tokens are stored once and a replaced document is removed from the index with exactly the
  tokens it was indexed with;
- PostgreSQL: the column `search_document.tsv` (tsvector) and its GIN index.
"""

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Index, SmallInteger, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, Json

FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_document_tsv"


class SearchDocument(Base):
    """The whole document, read for the hits of a page, and its analysed text (`fts_*`,
    space-separated tokens) that the full-text index is built from."""

    __tablename__ = "search_document"

    offer_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    product_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    category_code: Mapped[str] = mapped_column(String(16))
    category_name: Mapped[str] = mapped_column(String(64))
    supplier_id: Mapped[int] = mapped_column(BigId)
    supplier_name: Mapped[str] = mapped_column(String(128))
    price_fen: Mapped[int] = mapped_column(BigId)
    market_price_fen: Mapped[int | None] = mapped_column(BigId)
    stock: Mapped[int]
    sales_count: Mapped[int]
    rating_x100: Mapped[int] = mapped_column(SmallInteger)
    agreement_id: Mapped[int] = mapped_column(BigId)
    agreement_region_code: Mapped[str] = mapped_column(String(6))
    agreement_ends_on: Mapped[date]
    active: Mapped[bool]
    delivery_region_codes: Mapped[list[str]] = mapped_column(Json)
    hall_ids: Mapped[list[int]] = mapped_column(Json)
    policy_tag_bits: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime]
    fts_title: Mapped[str] = mapped_column(Text)  # title, brand, model
    fts_body: Mapped[str] = mapped_column(Text)  # category and supplier names
    fts_pinyin: Mapped[str] = mapped_column(Text)
    fts_keys: Mapped[str] = mapped_column(Text)  # filter keys: regions, categories, brand …


class SearchRow(Base):
    """The narrow row each matched offer is read through: what filters, sorts and facet
    counts need (~40 bytes), so that reading 100,000 of them stays cheap. Its facet values
    live in the shared `search_facet_set` row, so facets are one GROUP BY on one integer."""

    __tablename__ = "search_row"
    # Partial, so that no search can be planned through it: a search must start from the
    # full-text index (whose keys already hold only active offers), never scan this one.
    __table_args__ = (
        Index(
            "ix_search_row_expiry",
            "agreement_ends_on",
            sqlite_where=text("active = 1"),  # as SQLite renders a true boolean
            postgresql_where=text("active"),
        ),
    )

    offer_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    active: Mapped[bool]
    agreement_ends_on: Mapped[date]
    price_fen: Mapped[int] = mapped_column(BigId)
    sales_count: Mapped[int]
    rating_x100: Mapped[int] = mapped_column(SmallInteger)
    facet_set_id: Mapped[int] = mapped_column(BigId)


class SearchFacetSet(Base):
    """One combination of facet values (brand, category, price band, policy tags, agreement,
    halls) that some offers share: a million offers make a few tens of thousands of these."""

    __tablename__ = "search_facet_set"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    signature: Mapped[str] = mapped_column(String(32), unique=True)
    brand: Mapped[str] = mapped_column(String(64))
    category_code: Mapped[str] = mapped_column(String(16))
    category_name: Mapped[str] = mapped_column(String(64))
    price_band: Mapped[int] = mapped_column(SmallInteger)
    policy_tag_bits: Mapped[int] = mapped_column(SmallInteger)
    agreement_id: Mapped[int] = mapped_column(BigId)
    hall_ids: Mapped[list[int]] = mapped_column(Json)


class SearchVocabulary(Base):
    """Latin tokens of the indexed text (model numbers, pinyin), for one-typo corrections.

    Never pruned on delete: a word no document has any more only costs a failed lookup.
    """

    __tablename__ = "search_vocabulary"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)


class SearchSynonym(Base):
    """One term of a synonym group; `term_key` is what a query is looked up by."""

    __tablename__ = "search_synonym"

    group_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    term: Mapped[str] = mapped_column(String(64))
    term_key: Mapped[str] = mapped_column(String(64), unique=True)


# The tables for Core statements (bulk writes need no ORM identity map).
document_table = cast(Table, SearchDocument.__table__)
row_table = cast(Table, SearchRow.__table__)
facet_set_table = cast(Table, SearchFacetSet.__table__)
vocabulary_table = cast(Table, SearchVocabulary.__table__)
synonym_table = cast(Table, SearchSynonym.__table__)


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic `include_name` hook: the full-text objects the migration makes outside the ORM
    (FTS5 table and its shadow tables, the tsvector column and its index) are not drift."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    if parent_names.get("table_name") == SearchDocument.__tablename__:
        return name not in (TSV_COLUMN, TSV_INDEX)
    return True
