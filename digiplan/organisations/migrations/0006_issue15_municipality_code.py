import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_plan_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="municipality_code",
            field=models.CharField(
                blank=True,
                max_length=4,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\d{4}\\Z", "A municipality code (kommunkod) is exactly 4 digits, e.g. 0180."
                    )
                ],
                verbose_name="municipality code",
            ),
        ),
    ]
