"""audit seal: a keyed MAC on every audit event and on the chain's head (issue 16)

Revision ID: 0005_audit_seal
Revises: 0004_transfer_pending_unique
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_audit_seal'
down_revision = '0004_transfer_pending_unique'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL in the rows already there: events written before the key existed, reported as such
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('mac')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('mac')
