"""supervision and outbox partitions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervision_rule_setting",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("rule_code", sa.String(length=48), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=True),
        sa.Column(
            "level",
            sa.Enum("RED", "ORANGE", "YELLOW", name="rule_level", native_enum=False, length=8),
            nullable=True,
        ),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "updated_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_supervision_rule_setting_region_code_region"),
        ),
        sa.PrimaryKeyConstraint(
            "region_code", "rule_code", name=op.f("pk_supervision_rule_setting")
        ),
    )
    op.create_table(
        "supervision_warning",
        sa.Column("rule_code", sa.String(length=48), nullable=False),
        sa.Column(
            "level",
            sa.Enum("RED", "ORANGE", "YELLOW", name="warning_level", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "ACKNOWLEDGED",
                "RESOLVED",
                "DISMISSED",
                name="warning_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "subject_type",
            sa.Enum(
                "ORDER",
                "CONTRACT",
                "SUPPLIER",
                "UNIT",
                name="warning_subject_type",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "purchaser_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "supplier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_event_id", sa.String(length=32), nullable=True),
        sa.Column(
            "assignee_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"],
            ["user_account.id"],
            name=op.f("fk_supervision_warning_assignee_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_supervision_warning_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_warning")),
        sa.UniqueConstraint(
            "rule_code",
            "subject_type",
            "subject_id",
            "scope",
            name=op.f("uq_supervision_warning_rule_code_subject_type_subject_id_scope"),
        ),
    )
    with op.batch_alter_table("supervision_warning", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_warning_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_warning_purchaser_id"), ["purchaser_id"], unique=False
        )
        batch_op.create_index(
            "ix_supervision_warning_region_raised", ["region_code", "raised_at"], unique=False
        )
        batch_op.create_index("ix_supervision_warning_status_id", ["status", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supervision_warning_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "supervision_warning_entry",
        sa.Column(
            "warning_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "action",
            sa.Enum(
                "RAISED",
                "ACKNOWLEDGED",
                "ASSIGNED",
                "RESOLVED",
                "DISMISSED",
                name="warning_action",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column(
            "actor_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "assignee_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["supervision_warning.id"],
            name=op.f("fk_supervision_warning_entry_warning_id_supervision_warning"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_warning_entry")),
    )
    with op.batch_alter_table("supervision_warning_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_warning_entry_warning_id"), ["warning_id"], unique=False
        )

    with op.batch_alter_table("outbox_cursor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "last_xact_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("xact_id", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("partition", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_outbox_event_xact_id_id", ["xact_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_event_xact_id_id")
        batch_op.drop_column("partition")
        batch_op.drop_column("xact_id")

    with op.batch_alter_table("outbox_cursor", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("last_xact_id")

    with op.batch_alter_table("supervision_warning_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_warning_entry_warning_id"))

    op.drop_table("supervision_warning_entry")
    with op.batch_alter_table("supervision_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_warning_supplier_id"))
        batch_op.drop_index("ix_supervision_warning_status_id")
        batch_op.drop_index("ix_supervision_warning_region_raised")
        batch_op.drop_index(batch_op.f("ix_supervision_warning_purchaser_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_warning_order_id"))

    op.drop_table("supervision_warning")
    op.drop_table("supervision_rule_setting")
