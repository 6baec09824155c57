from django.db import migrations

# The timeline of a case is never rewritten: PostgreSQL refuses UPDATE and DELETE on it. (SQLite,
# the development default, relies on GrievanceEvent.save.)
APPEND_ONLY = """
CREATE FUNCTION grievances_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'grievance events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER grievances_event_append_only
    BEFORE UPDATE OR DELETE ON grievances_grievanceevent
    FOR EACH ROW EXECUTE FUNCTION grievances_event_append_only();
"""
DROP = """
DROP TRIGGER grievances_event_append_only ON grievances_grievanceevent;
DROP FUNCTION grievances_event_append_only();
"""

def seed(apps, schema_editor):
    from grievances.defaults import seed_categories
    from grievances.workdays import sync_holidays_into

    seed_categories(apps.get_model("grievances", "Category"))
    sync_holidays_into(apps.get_model("grievances", "CalendarDay"))


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def allow_rewrites(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_initial")]

    operations = [
        migrations.RunPython(append_only, allow_rewrites),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
