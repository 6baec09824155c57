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

# (code, name, working days, children); administrators change them in the admin.
CATEGORIES = [
    ("property", "物业与维修", 5, [
        ("property-elevator", "电梯故障", 2), ("property-water", "水电暖", 3),
        ("property-leak", "房屋漏水", 5), ("property-fee", "物业服务与收费", 10),
    ]),
    ("sanitation", "环境卫生", 3, [
        ("sanitation-rubbish", "垃圾清运", 2), ("sanitation-greening", "绿化养护", 5),
    ]),
    ("order", "市容秩序", 5, [
        ("order-parking", "车辆乱停", 3), ("order-stalls", "占道经营", 3),
        ("order-noise", "噪声扰民", 3),
    ]),
    ("neighbours", "邻里纠纷", 10, []),
    ("security", "治安与消防", 2, [
        ("security-fire", "消防隐患", 1), ("security-safety", "治安隐患", 2),
    ]),
    ("employment", "就业与社保", 10, []),
    ("assistance", "社会救助", 10, [
        ("assistance-elderly", "养老服务", 5), ("assistance-disability", "残疾人帮扶", 10),
    ]),
    ("other", "其他", 10, []),
]  # fmt: skip


def seed(apps, schema_editor):
    Category = apps.get_model("grievances", "Category")
    order = 0
    for code, name, days, children in CATEGORIES:
        order += 10
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "time_limit_days": days, "order": order}
        )
        for child_code, child_name, child_days in children:
            order += 1
            Category.objects.get_or_create(
                code=child_code,
                defaults={"name": child_name, "time_limit_days": child_days, "order": order,
                          "parent": parent},
            )  # fmt: skip
    from grievances.workdays import sync_holidays_into

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
