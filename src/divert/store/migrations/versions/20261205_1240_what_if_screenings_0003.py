"""What-if screenings: a labelled screening beside the live one (e.g. under the proposal).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "what_if_screenings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.String(length=80), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("assumptions", sa.Text(), nullable=False),
        sa.Column("decision_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_what_if_screenings_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_what_if_screenings")),
        sa.UniqueConstraint("case_id", "label",
                            name=op.f("uq_what_if_screenings_case_id")),
    )
    with op.batch_alter_table("what_if_screenings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_what_if_screenings_case_id"), ["case_id"],
                              unique=False)
        batch_op.create_index("ix_what_if_screenings_label_outcome", ["label", "outcome"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("what_if_screenings", schema=None) as batch_op:
        batch_op.drop_index("ix_what_if_screenings_label_outcome")
        batch_op.drop_index(batch_op.f("ix_what_if_screenings_case_id"))
    op.drop_table("what_if_screenings")
