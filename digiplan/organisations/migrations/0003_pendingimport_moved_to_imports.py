# PendingImport now belongs to the imports app (digiplan/imports/migrations/0001_initial.py),
# rows and all: it leaves this app's state only; its table is not touched here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_pending_import_minimised"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PendingImport")],
            database_operations=[],
        ),
    ]
