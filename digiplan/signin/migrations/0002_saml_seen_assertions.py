from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("signin", "0001_sign_in"),
    ]

    operations = [
        migrations.CreateModel(
            name="SamlSeenAssertion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("assertion_id", models.CharField(max_length=200, unique=True)),
                ("not_on_or_after", models.DateTimeField()),
            ],
            options={
                "verbose_name": "seen SAML assertion",
                "verbose_name_plural": "seen SAML assertions",
            },
        ),
    ]
