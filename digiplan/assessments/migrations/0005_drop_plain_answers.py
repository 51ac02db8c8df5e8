"""The plaintext draft columns and the responses' day go, after 0004 sealed what they held.

A migration of its own: on PostgreSQL a table cannot be altered in the transaction that has just
deleted rows referenced by deferred foreign keys.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0004_ballot_box"),
    ]

    operations = [
        migrations.AlterField(model_name="draft", name="sealed", field=models.BinaryField()),
        migrations.RemoveField(model_name="draft", name="answers"),
        migrations.RemoveField(model_name="draft", name="comment"),
        migrations.RemoveField(model_name="response", name="submitted_on"),
    ]
