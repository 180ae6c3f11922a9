"""deflection events: outcome, source and language are closed vocabularies (CHECK constraints)

Revision ID: 3c1d2e4f5a6b
Revises: 80ff89d52b17
Create Date: 2026-12-02
"""

from alembic import op

revision = "3c1d2e4f5a6b"
down_revision = "80ff89d52b17"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration keeps the vocabulary of its day.
CHECKS = {
    "outcome": ("routed", "confirmed", "declined", "assisted_in_person", "handed_off"),
    "source": ("web", "whatsapp", "ambassador", "rest"),
    "language": ("ar", "en"),
}


def upgrade() -> None:
    with op.batch_alter_table("deflection_events") as batch:  # SQLite rebuilds the table
        for column, values in CHECKS.items():
            allowed = ", ".join(f"'{value}'" for value in values)
            batch.create_check_constraint(f"ck_deflection_{column}", f"{column} IN ({allowed})")


def downgrade() -> None:
    with op.batch_alter_table("deflection_events") as batch:
        for column in CHECKS:
            batch.drop_constraint(f"ck_deflection_{column}", type_="check")
