"""search

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 09:00:00.000000

The embedded search backend's tables. The full-text index is dialect-specific and unknown to
the ORM (search.models.include_name keeps it out of `alembic check`):

- SQLite: the FTS5 table search_fts, external content search_document (its fts_* columns, in
  this order, as search.embedded.sqlite writes them);
- PostgreSQL: search_document.tsv (tsvector) with a GIN index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

_SQLITE_FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    fts_title, fts_pinyin, fts_body, fts_keys,
    content='search_document', content_rowid='offer_id',
    detail=column, tokenize='unicode61 remove_diacritics 0'
)
"""
_POSTGRES_TSV = (
    "ALTER TABLE search_document ADD COLUMN tsv tsvector NOT NULL",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
)


def upgrade() -> None:
    _create_documents()
    op.create_table(
        "search_row",
        sa.Column("offer_id", _BIG_ID, autoincrement=False, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("agreement_ends_on", sa.Date(), nullable=False),
        sa.Column("price_fen", _BIG_ID, nullable=False),
        sa.Column("sales_count", sa.Integer(), nullable=False),
        sa.Column("rating_x100", sa.SmallInteger(), nullable=False),
        sa.Column("facet_set_id", _BIG_ID, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_search_row")),
    )
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_row_expiry",
            ["agreement_ends_on"],
            unique=False,
            sqlite_where=sa.text("active = 1"),
            postgresql_where=sa.text("active"),
        )
    op.create_table(
        "search_facet_set",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("signature", sa.String(length=32), nullable=False),
        sa.Column("brand", sa.String(length=64), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=False),
        sa.Column("category_name", sa.String(length=64), nullable=False),
        sa.Column("price_band", sa.SmallInteger(), nullable=False),
        sa.Column("policy_tag_bits", sa.SmallInteger(), nullable=False),
        sa.Column("agreement_id", _BIG_ID, nullable=False),
        sa.Column("hall_ids", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_facet_set")),
        sa.UniqueConstraint("signature", name=op.f("uq_search_facet_set_signature")),
    )
    op.create_table(
        "search_synonym",
        sa.Column("group_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("term_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "position", name=op.f("pk_search_synonym")),
        sa.UniqueConstraint("term_key", name=op.f("uq_search_synonym_term_key")),
    )
    op.create_table(
        "search_vocabulary",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_search_vocabulary")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SQLITE_FTS)
    else:
        for statement in _POSTGRES_TSV:
            op.execute(statement)


def _create_documents() -> None:
    op.create_table(
        "search_document",
        sa.Column("offer_id", _BIG_ID, autoincrement=False, nullable=False),
        sa.Column("product_id", _BIG_ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=False),
        sa.Column("category_name", sa.String(length=64), nullable=False),
        sa.Column("supplier_id", _BIG_ID, nullable=False),
        sa.Column("supplier_name", sa.String(length=128), nullable=False),
        sa.Column("price_fen", _BIG_ID, nullable=False),
        sa.Column("market_price_fen", _BIG_ID, nullable=True),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("sales_count", sa.Integer(), nullable=False),
        sa.Column("rating_x100", sa.SmallInteger(), nullable=False),
        sa.Column("agreement_id", _BIG_ID, nullable=False),
        sa.Column("agreement_region_code", sa.String(length=6), nullable=False),
        sa.Column("agreement_ends_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("delivery_region_codes", _JSON, nullable=False),
        sa.Column("hall_ids", _JSON, nullable=False),
        sa.Column("policy_tag_bits", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fts_title", sa.Text(), nullable=False),
        sa.Column("fts_body", sa.Text(), nullable=False),
        sa.Column("fts_pinyin", sa.Text(), nullable=False),
        sa.Column("fts_keys", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_search_document")),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_vocabulary")
    op.drop_table("search_synonym")
    op.drop_table("search_facet_set")
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.drop_index("ix_search_row_expiry")
    op.drop_table("search_row")
    op.drop_table("search_document")
