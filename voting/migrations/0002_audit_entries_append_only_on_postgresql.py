"""On PostgreSQL the database itself refuses to change or delete an audit entry (not only the model)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION voting_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'voting_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER voting_auditentry_append_only BEFORE UPDATE OR DELETE ON voting_auditentry
    FOR EACH ROW EXECUTE FUNCTION voting_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS voting_auditentry_append_only ON voting_auditentry;
DROP FUNCTION IF EXISTS voting_auditentry_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_polls_rules_roll_ballots_audit")]

    operations = [migrations.RunPython(forward, backward)]
