"""whatsapp follow-ups: "did it work?" some time after a routed answer

Revision ID: 9b4d6f2a7c1e
Revises: 5e7a9c1b2d3f
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "9b4d6f2a7c1e"
down_revision = "5e7a9c1b2d3f"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration keeps the vocabulary of its day.
STATES = ("scheduled", "sent", "answered", "cancelled", "failed")


def upgrade() -> None:
    op.create_table(
        "whatsapp_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_hash", sa.String(length=64), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("service_id", sa.String(length=128), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_customer_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="ck_followup_state"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_hash", "service_id", name="uq_followup_visit"),
    )
    op.create_index(op.f("ix_whatsapp_followups_sender_hash"), "whatsapp_followups", ["sender_hash"], unique=False)
    op.create_index(op.f("ix_whatsapp_followups_state"), "whatsapp_followups", ["state"], unique=False)
    op.create_index(op.f("ix_whatsapp_followups_leased_until"), "whatsapp_followups", ["leased_until"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_whatsapp_followups_leased_until"), table_name="whatsapp_followups")
    op.drop_index(op.f("ix_whatsapp_followups_state"), table_name="whatsapp_followups")
    op.drop_index(op.f("ix_whatsapp_followups_sender_hash"), table_name="whatsapp_followups")
    op.drop_table("whatsapp_followups")
