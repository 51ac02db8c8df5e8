from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("organisations", "0004_sign_in")]
    operations: list = []
