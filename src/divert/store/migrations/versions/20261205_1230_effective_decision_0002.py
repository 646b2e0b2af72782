"""The decision in effect on each case, kept on the case row for lists and filters; the step
of each account's last one-time code, so a code is accepted only once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 12:30:00

Backfill: the machine's outcome is the latest screening's; the effective one is the latest
review over it (every review before this revision took effect when recorded).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_outcome", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("machine_outcome", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("pending_approval", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_cases_effective_outcome_filing_date",
                              ["effective_outcome", "filing_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_pending_approval"), ["pending_approval"],
                              unique=False)
        batch_op.create_index("ix_cases_state_filing_date", ["state", "filing_date"],
                              unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_totp_step", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE cases SET machine_outcome = (SELECT s.outcome FROM screenings s "
        "WHERE s.case_id = cases.id ORDER BY s.id DESC LIMIT 1)")
    op.execute("UPDATE cases SET effective_outcome = machine_outcome")
    bind = op.get_bind()
    reviews = bind.execute(sa.text(
        "SELECT case_id, kind, payload FROM case_events WHERE kind IN "
        "('DecisionConfirmed', 'DecisionOverridden') ORDER BY case_id, seq")).all()
    last: dict[str, tuple[str, dict[str, str]]] = {}
    for case_id, kind, payload in reviews:
        last[case_id] = (kind, json.loads(payload))
    for case_id, (kind, payload) in last.items():
        outcome = payload["outcome"] if kind == "DecisionOverridden" else None
        bind.execute(sa.text(
            "UPDATE cases SET effective_outcome = COALESCE(:outcome, machine_outcome), "
            "decided_by = :by, decision_reason = :reason WHERE id = :id"),
            {"outcome": outcome, "by": payload.get("by"), "reason": payload.get("reason"),
             "id": case_id})


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_totp_step")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_state_filing_date")
        batch_op.drop_index(batch_op.f("ix_cases_pending_approval"))
        batch_op.drop_index("ix_cases_effective_outcome_filing_date")
        batch_op.drop_column("pending_approval")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("machine_outcome")
        batch_op.drop_column("effective_outcome")
