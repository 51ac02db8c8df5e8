# PendingImport moves here from organisations, with its rows: this migration only tells Django's
# state that the model is now this app's, on the table it already has; 0002 renames the table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisations", "0002_pending_import_minimised"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingImport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=20)),
                        ("deactivate_missing", models.BooleanField(default=False)),
                        ("file_names", models.CharField(blank=True, max_length=200)),
                        ("rows", models.JSONField(default=dict)),
                        ("digest", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
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
                    ],
                    options={"db_table": "organisations_pendingimport"},
                ),
            ],
            database_operations=[],
        ),
    ]
