from django.db import migrations

# (code, name, sensitive, visit every N days): 三必访 and 四个必访 groups are visited monthly.
TAGS = [
    ("elderly_alone", "独居/空巢老人", False, 30),
    ("disabled", "残疾人", False, None),
    ("low_income", "低保户", False, 30),
    ("special_hardship", "特困人员", False, 30),
    ("laid_off", "下岗失业", False, None),
    ("retired", "离退休职工", False, None),
    ("seriously_ill", "重病/丧事家庭", False, 30),
    ("new_party_member", "新迁入党员", False, 30),
    ("released_prisoner", "刑释解教人员", True, 30),
    ("at_risk_youth", "不良青年/辍学", True, 30),
    ("petitioner", "信访户", True, 30),
    ("family_dispute", "家庭矛盾户", True, 30),
]


def create_tags(apps, schema_editor):
    ResidentTag = apps.get_model("residents", "ResidentTag")
    for order, (code, name, sensitive, days) in enumerate(TAGS):
        ResidentTag.objects.update_or_create(
            code=code,
            defaults={"name": name, "sensitive": sensitive, "visit_every_days": days, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]

    operations = [migrations.RunPython(create_tags, migrations.RunPython.noop)]
