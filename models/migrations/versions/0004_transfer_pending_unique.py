"""one pending transfer of a form to an agency per case

Revision ID: 0004_transfer_pending_unique
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_transfer_pending_unique'
down_revision = '0003'
branch_labels = None
depends_on = None

_PENDING = sa.text("status = 'pending'")


_TRANSFERS = sa.table(
    'transfers', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer), sa.column('form_id', sa.String),
    sa.column('to_agency_id', sa.Integer), sa.column('status', sa.String), sa.column('return_reasons', sa.JSON),
    sa.column('decided_by', sa.String),
)


def upgrade() -> None:
    # Pending duplicates made before the guard (a double click sent two) are closed, the earliest
    # kept, with the reason on each: the index could not be built over them.
    t = _TRANSFERS
    first = sa.select(sa.func.min(t.c.id)).where(t.c.status == 'pending').group_by(
        t.c.case_id, t.c.form_id, t.c.to_agency_id).scalar_subquery()
    op.execute(t.update().where(t.c.status == 'pending', t.c.id.not_in(first)).values(
        status='returned', decided_by='system:migration-0004',
        return_reasons=['重复移送：同一案件的同一表单已移送给该单位，系统保留最早的一份。'],
    ))
    op.create_index(
        'uq_transfers_pending', 'transfers', ['case_id', 'form_id', 'to_agency_id'], unique=True,
        sqlite_where=_PENDING, postgresql_where=_PENDING,
    )


def downgrade() -> None:
    op.drop_index('uq_transfers_pending', table_name='transfers')
