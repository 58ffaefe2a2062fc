"""case identity: case numbers unique per agency, documents keep the agency that added them

Revision ID: 0007_case_identity
Revises: 0006_sign_in_sessions
Create Date: 2026-12-06

Issue 16: a case is its id, not its number. Two agencies may hold the same case number, so the
number is unique within an agency only. Each document records the agency that added it (existing
ones: the case's owner). Grants left behind by transfers that were returned are removed: access
given by a transfer ends with it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007_case_identity'
down_revision = '0006_sign_in_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_case_number'))
        batch_op.create_index(batch_op.f('ix_cases_case_number'), ['case_number'], unique=False)
        batch_op.create_unique_constraint('uq_cases_agency_case_number', ['agency_id', 'case_number'])

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_agency_id'), ['agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_documents_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])
    op.execute(
        "UPDATE documents SET agency_id = (SELECT cases.agency_id FROM cases WHERE cases.id = documents.case_id)"
    )
    op.execute(
        "DELETE FROM case_access WHERE reason LIKE 'transfer:%' AND NOT EXISTS ("
        " SELECT 1 FROM transfers WHERE transfers.case_id = case_access.case_id"
        " AND transfers.to_agency_id = case_access.agency_id"
        " AND transfers.status IN ('pending', 'accepted'))"
    )


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_documents_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_documents_agency_id'))
        batch_op.drop_column('agency_id')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('uq_cases_agency_case_number', type_='unique')
        batch_op.drop_index(batch_op.f('ix_cases_case_number'))
        batch_op.create_index(batch_op.f('ix_cases_case_number'), ['case_number'], unique=True)
