"""The table of Django's database cache (settings.CACHES), so that every app server shares one
cache: `migrate` makes it, as it makes every other table. It does nothing when CACHES uses
Redis; createcachetable skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_guess_limits")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
