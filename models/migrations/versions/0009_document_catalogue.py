"""the documents a file holds (its catalogue), and a clerk's type correction

Revision ID: 0009_document_catalogue
Revises: 0008_transfer_opened_at
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_document_catalogue'
down_revision = '0008_transfer_opened_at'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('catalogue', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('type_corrected', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('type_corrected')
        batch.drop_column('catalogue')
