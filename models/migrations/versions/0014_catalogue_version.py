"""a revision counter on each file's catalogue, checked by every correction's UPDATE

Two clerks correcting the same catalogue at once: the second write names the revision it read
and finds another, so it is refused (409) instead of overwriting the first.

Revision ID: 0014_catalogue_version
Revises: 0013_case_handlers
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0014_catalogue_version'
down_revision = '0013_case_handlers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('catalogue_revision', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('catalogue_revision')
