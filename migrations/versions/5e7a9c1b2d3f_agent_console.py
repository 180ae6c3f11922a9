"""agent console: hand-off states and what reaches the conversation, timed steps, agent replies

Revision ID: 5e7a9c1b2d3f
Revises: 3c1d2e4f5a6b
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "5e7a9c1b2d3f"
down_revision = "3c1d2e4f5a6b"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration keeps the vocabulary of its day.
STATES = ("waiting", "taken", "handed_back", "closed")
STEPS = ("waiting", "taken", "replied", "handed_back", "closed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:  # SQLite rebuilds the table
        batch.add_column(sa.Column("conversation_id", sa.String(length=128), nullable=False, server_default=""))
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=False, server_default="web"))
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default="en"))
        # Hand-offs written before the console had no one to take them: they count as closed.
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="closed"))
        batch.add_column(sa.Column("team", sa.String(length=100), nullable=False, server_default=""))
        batch.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("recipient", sa.String(length=64), nullable=False, server_default=""))
        batch.create_check_constraint("ck_handoff_state", _in("state", STATES))
        batch.create_index(batch.f("ix_handoffs_conversation_id"), ["conversation_id"], unique=False)
        batch.create_index(batch.f("ix_handoffs_state"), ["state"], unique=False)
    with op.batch_alter_table("handoffs") as batch:  # the defaults were for the rows already there
        for name in ("conversation_id", "channel", "language", "state", "team", "recipient"):
            batch.alter_column(name, server_default=None)
    op.create_table(
        "handoff_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.CheckConstraint(_in("step", STEPS), name="ck_handoff_step"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_handoff_steps_handoff_id"), "handoff_steps", ["handoff_id"], unique=False)
    op.create_index(op.f("ix_handoff_steps_at"), "handoff_steps", ["at"], unique=False)
    op.create_table(
        "agent_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=False),
        sa.Column("conversation_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handoff_id", "request_key", name="uq_agent_reply_request"),
    )
    op.create_index(op.f("ix_agent_replies_handoff_id"), "agent_replies", ["handoff_id"], unique=False)
    op.create_index(op.f("ix_agent_replies_created_at"), "agent_replies", ["created_at"], unique=False)
    op.create_index(op.f("ix_agent_replies_conversation_hash"), "agent_replies", ["conversation_hash"], unique=False)


def downgrade() -> None:
    op.drop_table("agent_replies")
    op.drop_table("handoff_steps")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_index(batch.f("ix_handoffs_state"))
        batch.drop_index(batch.f("ix_handoffs_conversation_id"))
        batch.drop_constraint("ck_handoff_state", type_="check")
        for name in ("recipient", "ended_at", "taken_at", "team", "state", "language", "channel", "conversation_id"):
            batch.drop_column(name)
