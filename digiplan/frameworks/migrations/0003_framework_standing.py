from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0002_roles_and_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="standing",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not stated"),
                    ("current", "In force"),
                    ("historical", "Historical"),
                    ("proposal", "Proposal, not adopted"),
                    ("reference", "Reference framework"),
                ],
                max_length=12,
                verbose_name="standing",
            ),
        ),
        migrations.AlterField(
            model_name="framework",
            name="kind",
            field=models.CharField(
                choices=[
                    ("national", "National strategy"),
                    ("action_plan", "Action plan"),
                    ("strategy", "Strategy"),
                    ("plan", "Plan"),
                    ("indicators", "Self-assessment set"),
                    ("reference", "Reference framework"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
