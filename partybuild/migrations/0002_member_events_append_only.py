from django.db import migrations

# A party file's history is never rewritten: PostgreSQL refuses UPDATE and DELETE on its events.
# (SQLite, the development default, relies on MemberEvent.save.)
APPEND_ONLY = """
CREATE FUNCTION partybuild_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'party member events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER partybuild_event_append_only
    BEFORE UPDATE OR DELETE ON partybuild_memberevent
    FOR EACH ROW EXECUTE FUNCTION partybuild_event_append_only();
"""
DROP = """
DROP TRIGGER partybuild_event_append_only ON partybuild_memberevent;
DROP FUNCTION partybuild_event_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def allow_rewrites(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("partybuild", "0001_initial")]
    operations = [migrations.RunPython(append_only, allow_rewrites)]
