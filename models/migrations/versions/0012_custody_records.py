"""a handler's record of an extension of a time limit or a change of measure (办案期限)

Revision ID: 0012_custody_records
Revises: 0011_catalogue_edits
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0012_custody_records'
down_revision = '0011_catalogue_edits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'custody_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('person', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('measure', sa.String(length=40), nullable=True),
        sa.Column('extension', sa.String(length=60), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('document_number', sa.String(length=200), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_by', sa.String(length=100), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_custody_records_case_id', 'custody_records', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_custody_records_case_id', table_name='custody_records')
    op.drop_table('custody_records')
