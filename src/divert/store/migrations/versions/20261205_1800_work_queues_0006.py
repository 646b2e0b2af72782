"""What the daily queues need on the case row: the next date the case needs someone
(`due_on`: an open offer's deadline; the day a referral with no engagement report becomes
overdue) and the vehicle its latest screening named; each indexed with what lists filter on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 18:00:00

Backfill: the vehicle from the latest screening; `due_on` from the latest offer of each
offered case and the latest referral of each case in treatment with no report since.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ENGAGEMENT_GRACE_DAYS = 14  # as divert.store.caselog.ENGAGEMENT_GRACE


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("vehicle", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_cases_state_due_on", ["state", "due_on"], unique=False)
        batch_op.create_index("ix_cases_vehicle_filing_date", ["vehicle", "filing_date"],
                              unique=False)
    bind = op.get_bind()
    for case_id, decision in bind.execute(sa.text(
            "SELECT s.case_id, s.decision_json FROM screenings s WHERE s.id = "
            "(SELECT max(t.id) FROM screenings t WHERE t.case_id = s.case_id) "
            "AND s.outcome = 'divert'")).all():
        bind.execute(sa.text("UPDATE cases SET vehicle = :v WHERE id = :id"),
                     {"v": json.loads(decision).get("vehicle"), "id": case_id})
    for case_id, payload in bind.execute(sa.text(
            "SELECT e.case_id, e.payload FROM case_events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.state = 'offered' AND e.kind = 'OfferMade' ORDER BY e.seq")).all():
        bind.execute(sa.text("UPDATE cases SET due_on = :d WHERE id = :id"),
                     {"d": date.fromisoformat(json.loads(payload)["expires_on"]), "id": case_id})
    for case_id, referred_on in bind.execute(sa.text(
            "SELECT r.case_id, max(r.referred_on) FROM referrals r JOIN cases c "
            "ON c.id = r.case_id WHERE c.state = 'in_treatment' AND NOT EXISTS (SELECT 1 "
            "FROM engagement_reports e WHERE e.referral_id = r.id) GROUP BY r.case_id")).all():
        day = referred_on if isinstance(referred_on, date) else date.fromisoformat(referred_on)
        bind.execute(sa.text("UPDATE cases SET due_on = :d WHERE id = :id"),
                     {"d": day + timedelta(days=ENGAGEMENT_GRACE_DAYS), "id": case_id})


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_vehicle_filing_date")
        batch_op.drop_index("ix_cases_state_due_on")
        batch_op.drop_column("vehicle")
        batch_op.drop_column("due_on")
