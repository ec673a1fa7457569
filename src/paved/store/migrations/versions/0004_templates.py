"""template origins: the template version each service came from

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "template_origins",
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("commit", sa.String(length=64), nullable=False),
        sa.Column("pending_version", sa.String(length=100), nullable=True),
        sa.Column("pending_commit", sa.String(length=64), nullable=True),
        sa.Column("pending_branch", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("service"),
    )
    with op.batch_alter_table("template_origins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_template_origins_template"), ["template"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("template_origins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_template_origins_template"))
    op.drop_table("template_origins")
