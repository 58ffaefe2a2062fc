"""a clerk's corrections of a file's catalogue (split, merge, retype, retitle, reorder, delete)

Revision ID: 0011_catalogue_edits
Revises: 0010_triage_decisions
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0011_catalogue_edits'
down_revision = '0010_triage_decisions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('catalogue_edits', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('catalogue_edits')
