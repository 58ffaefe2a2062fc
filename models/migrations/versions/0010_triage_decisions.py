"""a handler's confirmation or rejection of a case's fast-track (繁简分流) candidate

Revision ID: 0010_triage_decisions
Revises: 0009_document_catalogue
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_triage_decisions'
down_revision = '0009_document_catalogue'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'triage_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('procedure', sa.String(length=10), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=False),
        sa.Column('computed', sa.String(length=10), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decided_by', sa.String(length=100), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_triage_decisions_case_id', 'triage_decisions', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_triage_decisions_case_id', table_name='triage_decisions')
    op.drop_table('triage_decisions')
