import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
        ("organisations", "__first__"),
        ("registry", "0003_services"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpectedToolLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_code", models.CharField(max_length=40, verbose_name="code")),
                ("linked_at", models.DateTimeField(auto_now=True)),
                (
                    "framework",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="frameworks.framework",
                    ),
                ),
                (
                    "huvudman",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.huvudman",
                    ),
                ),
                (
                    "linked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="expected_as",
                        to="registry.digitalservice",
                    ),
                ),
            ],
            options={"verbose_name": "expected tool", "verbose_name_plural": "expected tools"},
        ),
        migrations.AddConstraint(
            model_name="expectedtoollink",
            constraint=models.UniqueConstraint(
                fields=("framework", "item_code"), name="unique_expected_tool_link"
            ),
        ),
    ]
