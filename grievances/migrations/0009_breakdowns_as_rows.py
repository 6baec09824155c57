import django.db.models.deletion
from django.db import migrations, models


def copy_breakdowns(apps, schema_editor):
    """Each monthly row's JSON breakdowns become rows, so the figures read the same the moment
    the migration ends."""
    GrievanceMonth = apps.get_model("grievances", "GrievanceMonth")
    GrievanceBreakdown = apps.get_model("grievances", "GrievanceBreakdown")
    parts = [
        GrievanceBreakdown(
            community_id=row.community_id, month=row.month, dimension=dimension, key=key,
            **figures,
        )
        for row in GrievanceMonth.objects.iterator()
        for dimension, breakdown in (("category", row.by_category), ("channel", row.by_channel))
        for key, figures in breakdown.items()
    ]  # fmt: skip
    GrievanceBreakdown.objects.bulk_create(parts, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("grievances", "0008_photos"),
        ("shequ", "0003_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="GrievanceBreakdown",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="月份")),
                (
                    "dimension",
                    models.CharField(
                        choices=[("category", "类别"), ("channel", "渠道")],
                        max_length=10,
                        verbose_name="维度",
                    ),
                ),
                ("key", models.CharField(max_length=32, verbose_name="分项")),
                ("received", models.PositiveIntegerField(default=0, verbose_name="登记")),
                ("accepted", models.PositiveIntegerField(default=0, verbose_name="受理")),
                ("resolved", models.PositiveIntegerField(default=0, verbose_name="办结")),
                ("on_time", models.PositiveIntegerField(default=0, verbose_name="按时办结")),
                ("overdue", models.PositiveIntegerField(default=0, verbose_name="超期")),
                ("reopened", models.PositiveIntegerField(default=0, verbose_name="重新办理")),
                ("rejected", models.PositiveIntegerField(default=0, verbose_name="不予受理")),
                ("rated", models.PositiveIntegerField(default=0, verbose_name="已评价")),
                ("satisfied", models.PositiveIntegerField(default=0, verbose_name="满意")),
                ("rating_sum", models.PositiveIntegerField(default=0, verbose_name="满意度合计")),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="grievance_breakdowns",
                        to="shequ.community",
                        verbose_name="社区",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求月度分项统计",
                "verbose_name_plural": "诉求月度分项统计",
                "indexes": [
                    models.Index(
                        fields=["dimension", "month", "community"],
                        name="grievance_breakdown_period",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("community", "month", "dimension", "key"),
                        name="grievance_breakdown_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(copy_breakdowns, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="grievancemonth",
            name="by_category",
        ),
        migrations.RemoveField(
            model_name="grievancemonth",
            name="by_channel",
        ),
    ]
