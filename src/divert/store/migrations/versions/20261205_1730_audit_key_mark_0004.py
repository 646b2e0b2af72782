"""The audit key's mark on each audit entry: HMAC-SHA256 of its hash under a key kept
outside the database (store/anchor.py). Existing entries keep no mark and still verify by
hash; entries written once a key is configured carry one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("mac")
