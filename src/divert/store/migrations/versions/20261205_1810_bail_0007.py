"""Bail recommendations: the bail policy's decision, stored with each screening; and the
three facts its exceptions read, as the ADA states them at filing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fentanyl_evidence", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("bench_warrants_5y", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("open_pwid_cases", sa.Integer(), nullable=True))
    op.create_table(
        "bail_recommendations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("policy_id", sa.String(length=80), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("decision_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_bail_recommendations_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"],
            name=op.f("fk_bail_recommendations_screening_id_screenings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bail_recommendations")),
    )
    with op.batch_alter_table("bail_recommendations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bail_recommendations_case_id"), ["case_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bail_recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bail_recommendations_case_id"))
    op.drop_table("bail_recommendations")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("open_pwid_cases")
        batch_op.drop_column("bench_warrants_5y")
        batch_op.drop_column("fentanyl_evidence")
