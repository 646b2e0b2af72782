"""Sealing a person's records (expungement): cases.sealed_at, and one row per sealing with
the order it rests on and who sealed and approved it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "sealings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("case_ids", sa.Text(), nullable=False),
        sa.Column("order_ref", sa.String(length=200), nullable=False),
        sa.Column("sealed_by", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealings")),
    )
    with op.batch_alter_table("sealings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sealings_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sealings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sealings_person_id"))
    op.drop_table("sealings")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("sealed_at")
