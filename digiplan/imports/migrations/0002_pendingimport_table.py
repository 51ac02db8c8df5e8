# The table takes this app's name; the content type follows the model, so that nothing keeps
# pointing at organisations for it.

from django.db import migrations


def content_type_to(app_label: str, other: str):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType")
        old = content_types.objects.filter(app_label=other, model="pendingimport").first()
        if old is None:
            return
        if content_types.objects.filter(app_label=app_label, model="pendingimport").exists():
            old.delete()
        else:
            old.app_label = app_label
            old.save(update_fields=["app_label"])

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="pendingimport", table=None),
        migrations.RunPython(content_type_to("imports", "organisations"), content_type_to("organisations", "imports")),
    ]
