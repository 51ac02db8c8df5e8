"""The sealed ballot box: answers of open campaigns and drafts are sealed, responses carry no day.

An installation upgraded while a campaign is open has that campaign's answers as responses in
the clear: they are sealed into ballots here (and released again when the campaign closes), and
every plaintext draft is sealed, so that nothing of an open campaign stays readable.
"""

import uuid

from django.db import migrations, models


def _box_size(Item, version_id, group):
    from digiplan.assessments import ballots

    return ballots.box_size(Item.objects.filter(version_id=version_id, kind="indicator",
                                                respondent=group).count(),
                            comment=group == "staff")


def seal_open_campaigns(apps, schema_editor):
    from digiplan.assessments import ballots

    Campaign = apps.get_model("assessments", "Campaign")
    Response = apps.get_model("assessments", "Response")
    Answer = apps.get_model("assessments", "Answer")
    Ballot = apps.get_model("assessments", "Ballot")
    Draft = apps.get_model("assessments", "Draft")
    Participation = apps.get_model("assessments", "Participation")
    Item = apps.get_model("frameworks", "Item")
    for campaign in Campaign.objects.filter(status="open"):
        sizes = {group: _box_size(Item, campaign.framework_version_id, group)
                 for group in ("staff", "pupil")}
        responses = Response.objects.filter(campaign=campaign)
        answers = {}
        for response_id, item_id, value in Answer.objects.filter(
                response__in=responses).values_list("response_id", "item_id", "value"):
            answers.setdefault(response_id, {})[item_id] = value
        Ballot.objects.bulk_create(
            Ballot(id=uuid.uuid4(), campaign=campaign, sealed=ballots.seal_ballot(
                campaign.pk, sizes[r.group], ballots.Contents(unit_id=r.unit_id, group=r.group,
                                                   answers=answers.get(r.pk, {}),
                                                   comment=r.comment)))
            for r in responses)
        Answer.objects.filter(response__in=responses).delete()
        responses.delete()
    for draft in Draft.objects.all():
        participation = Participation.objects.filter(token_hash=draft.token_hash).select_related(
            "campaign").first()
        if participation is None:
            draft.delete()
            continue
        answers = {}
        for key, value in (draft.answers or {}).items():
            if str(key).isdigit():
                answers[int(key)] = value if isinstance(value, int) else None
        draft.sealed = ballots.seal_draft(
            participation.campaign_id, participation.pk,
            _box_size(Item, participation.campaign.framework_version_id, "staff"),
            ballots.Contents(unit_id=participation.unit_id, group="staff", answers=answers,
                             comment=draft.comment or ""))
        draft.save(update_fields=["sealed"])


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0003_result_figures"),
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Ballot",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True,
                                        serialize=False)),
                ("sealed", models.BinaryField()),
                ("campaign", models.ForeignKey(on_delete=models.deletion.CASCADE,
                                               related_name="+", to="assessments.campaign")),
            ],
        ),
        migrations.AddField(model_name="draft", name="sealed",
                            field=models.BinaryField(default=b"")),
        migrations.RunPython(seal_open_campaigns, migrations.RunPython.noop),
    ]
