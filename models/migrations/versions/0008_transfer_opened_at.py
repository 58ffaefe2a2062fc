"""when the receiving agency first opened a transfer (withdrawal is possible only before)

Revision ID: 0008_transfer_opened_at
Revises: 0007_case_identity
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_transfer_opened_at'
down_revision = '0007_case_identity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('transfers') as batch:
        batch.add_column(sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('transfers') as batch:
        batch.drop_column('opened_at')
