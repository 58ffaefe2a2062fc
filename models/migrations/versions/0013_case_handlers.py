"""the handler (承办人) an agency assigns to a case for the stage it holds

Revision ID: 0013_case_handlers
Revises: 0012_custody_records
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0013_case_handlers'
down_revision = '0012_custody_records'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_handlers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('transfer_id', sa.Integer(), nullable=True),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('assigned_by', sa.String(length=100), nullable=False),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_handlers_case_id', 'case_handlers', ['case_id'])
    op.create_index('ix_case_handlers_username', 'case_handlers', ['username'])


def downgrade() -> None:
    op.drop_index('ix_case_handlers_username', table_name='case_handlers')
    op.drop_index('ix_case_handlers_case_id', table_name='case_handlers')
    op.drop_table('case_handlers')
