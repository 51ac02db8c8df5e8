"""The sealed ballot box under faults, upgrades and erasure: a crash at any step of a submit or a
closing loses nothing and counts once; an installation upgraded while a campaign is open seals
what it holds; erasure reaches into the sealed box."""

import pytest
from django.db import DatabaseError, connection, models
from django.test import Client
from django.urls import reverse

from digiplan.assessments import ballots, services
from digiplan.assessments.models import (
    Answer,
    Ballot,
    Campaign,
    CampaignStatus,
    Draft,
    Participation,
    Response,
    ResultSnapshot,
)
from digiplan.assessments.views import answering
from digiplan.lib import sealing
from digiplan.organisations.models import Role
from tests.assessment_helpers import build_campaign, open_ballots
from tests.assessments.test_ballot_box import (
    MARK,
    _answer_in_order,
    add_staff,
    holding,
)
from tests.conftest import _person, build_world

# ---- 4. Faults between the steps ---------------------------------------------------------------


class Crash(Exception):
    pass


def _crash_on(monkeypatch, target, name):
    def crash(*args, **kwargs):
        raise Crash(name)

    monkeypatch.setattr(target, name, crash)


SUBMIT_STEPS = ["seal", "claim", "status", "ballot", "draft"]


@pytest.mark.parametrize("step", SUBMIT_STEPS)
def test_a_crash_at_any_step_of_a_submit_loses_nothing_and_the_retry_counts_once(world, monkeypatch, step):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    led = str(fx.items["LED.P1"].pk)
    services.draft_save(participation=participation, answers={led: "2"}, comment="utkast")
    with monkeypatch.context() as patch:
        if step == "seal":
            _crash_on(patch, ballots, "seal_ballot")
        elif step == "claim":
            _crash_on(patch, services.Participation.objects, "filter")
        elif step == "status":
            _crash_on(patch, services, "_campaign_status_locked")
        elif step == "ballot":
            _crash_on(patch, services.Ballot.objects, "create")
        elif step == "draft":
            _crash_on(patch, services.Draft.objects, "filter")
        with pytest.raises(Crash):
            services.response_submit(participation=participation, answers={led: "4"})
    participation.refresh_from_db()
    assert not participation.answered and not Ballot.objects.exists()
    assert services.draft_read(participation).answers == {fx.items["LED.P1"].pk: 2}
    assert services.response_submit(participation=participation, answers={led: "4"})
    assert not services.response_submit(participation=participation, answers={led: "4"})
    assert [b.answers for b in open_ballots(fx.campaign)] == [{fx.items["LED.P1"].pk: 4}]


def test_a_crash_after_the_submit_committed_shows_already_answered_on_retry(world, monkeypatch):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    url = reverse("survey_token", args=[fx.tokens[participation.pk]])
    komp = f"item-{fx.items['KOMP.P1'].pk}"
    with monkeypatch.context() as patch:
        _crash_on(patch, answering, "_profile")  # the page after the commit fails to render
        with pytest.raises(Crash):
            Client().post(f"{url}?del=2", {"del": "2", "go": "submit", komp: "4"})
    response = Client().post(f"{url}?del=2", {"del": "2", "go": "submit", komp: "1"})
    assert "Dina svar är redan inskickade" in response.content.decode()
    assert [b.answers for b in open_ballots(fx.campaign)] == [{fx.items["KOMP.P1"].pk: 4}]


CLOSE_STEPS = [
    "open ballot",
    "write responses",
    "empty box",
    "participations",
    "drafts",
    "snapshot",
    "figures",
    "audit",
]


@pytest.mark.parametrize("step", CLOSE_STEPS)
def test_a_crash_at_any_step_of_closing_leaves_the_campaign_open_and_every_ballot(world, monkeypatch, step):
    from digiplan.assessments import selectors

    add_staff(world, 6)
    fx = build_campaign(world)
    _answer_in_order(world, fx, 6)
    services.draft_save(
        participation=Participation.objects.filter(campaign=fx.campaign, answered=False).first(),
        answers={str(fx.items["LED.P1"].pk): "3"},
    )
    answered = set(Participation.objects.filter(answered=True).values_list("pk", flat=True))
    with monkeypatch.context() as patch:
        if step == "open ballot":
            _crash_on(patch, ballots, "open_ballot")
        elif step == "write responses":
            # After the responses are written, at their answers (COPY of its own on PostgreSQL).
            _crash_on(patch, services, "_answers_insert")
        elif step == "participations":
            # After the deleted participations are written, before the rest.
            real_insert = services.bulk_insert
            crash_at = Participation

            def insert(model, columns, rows):
                if model is crash_at:
                    raise Crash(step)
                return real_insert(model, columns, rows)

            patch.setattr(services, "bulk_insert", insert)
        elif step == "empty box":
            real = services.Ballot.objects.filter

            def filtered(*args, **kwargs):
                found = real(*args, **kwargs)
                found.delete = lambda: (_ for _ in ()).throw(Crash("delete"))
                return found

            patch.setattr(services.Ballot.objects, "filter", filtered)
        elif step == "drafts":
            _crash_on(patch, services.Draft.objects, "filter")
        elif step == "snapshot":
            _crash_on(patch, selectors, "snapshot_data")
        elif step == "figures":
            _crash_on(patch, selectors, "result_figures")
        elif step == "audit":
            _crash_on(patch, services, "audit_record")
        with pytest.raises(Crash):
            services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    campaign = Campaign.objects.get(pk=fx.campaign.pk)
    assert campaign.status == CampaignStatus.OPEN
    assert Ballot.objects.count() == 6 and not Response.objects.exists()
    assert set(Participation.objects.filter(answered=True).values_list("pk", flat=True)) == answered
    assert Draft.objects.count() == 1 and not ResultSnapshot.objects.exists()
    services.campaign_close(actor=world.strategist, campaign=campaign)
    assert Response.objects.count() == 6 and not Ballot.objects.exists()
    with pytest.raises(services.ValidationError):
        services.campaign_close(actor=world.strategist, campaign=campaign)
    assert Response.objects.count() == 6


def test_a_ballot_that_cannot_be_opened_stops_the_closing_and_loses_nothing(world, settings):
    fx = build_campaign(world)
    services.response_submit(
        participation=Participation.objects.get(campaign=fx.campaign, person=world.staff),
        answers={str(fx.items["LED.P1"].pk): "4"},
    )
    old = settings.SEALING_KEY or settings.SECRET_KEY
    settings.SEALING_KEY = "a-new-secret-" + "y" * 40
    with pytest.raises(sealing.SealError):
        services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Ballot.objects.count() == 1
    assert Campaign.objects.get(pk=fx.campaign.pk).status == CampaignStatus.OPEN
    settings.SEALING_KEY_FALLBACKS = [old]  # the documented way to change the secret
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Answer.objects.get().value == 4


def test_a_lost_connection_during_a_submit_asks_to_try_again_and_the_retry_counts_once(world, monkeypatch):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    url = reverse("survey_token", args=[fx.tokens[participation.pk]])
    komp = f"item-{fx.items['KOMP.P1'].pk}"
    with monkeypatch.context() as patch:

        def lost(*args, **kwargs):
            raise DatabaseError("server closed the connection unexpectedly")

        patch.setattr(services.Ballot.objects, "create", lost)
        with pytest.raises(DatabaseError):
            Client(raise_request_exception=True).post(f"{url}?del=2", {"del": "2", "go": "submit", komp: "4"})
    participation.refresh_from_db()
    assert not participation.answered
    response = Client().post(f"{url}?del=2", {"del": "2", "go": "submit", komp: "4"})
    assert response.status_code == 200 and "profile-table" in response.content.decode()
    assert len(open_ballots(fx.campaign)) == 1


def test_the_release_writes_every_group_and_comment_as_sealed(world):
    fx = build_campaign(world)
    code = services.pupil_code_create(
        actor=world.leader_a, campaign=fx.campaign, unit=world.unit_a, label="7B", capacity=5
    )
    services.pupil_submit(code=code, answers={str(fx.items["KOMP.E1"].pk): "3"})
    services.response_submit(
        participation=Participation.objects.get(campaign=fx.campaign, person=world.staff),
        answers={str(fx.items["LED.P1"].pk): "na"},
        comment="Mer stöd, tack",
    )
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    rows = {
        (r.unit_id, r.group, r.comment, tuple(r.answers.values_list("item__code", "value")))
        for r in Response.objects.all()
    }
    assert rows == {
        (world.unit_a.pk, "pupil", "", (("KOMP.E1", 3),)),
        (world.unit_a.pk, "staff", "Mer stöd, tack", (("LED.P1", None),)),
    }
    assert all(isinstance(f, models.UUIDField) for f in [Response._meta.pk])


# ---- 5. An installation upgraded while a campaign is open --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upgrading_while_a_campaign_is_open_seals_its_answers_and_drafts():
    """Before the ballot box, an open campaign's answers were responses in the clear and drafts
    were plain JSON. The migration seals both, loses nothing, and leaves the campaign open."""
    import json
    import uuid

    from django.db.migrations.executor import MigrationExecutor

    world = build_world()
    add_staff(world, 1)
    fx = build_campaign(world)
    waiting, drafting = Participation.objects.filter(campaign=fx.campaign, unit=world.unit_a)[:2]
    led, komp = fx.items["LED.P1"].pk, fx.items["KOMP.P1"].pk
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0003_result_figures")])
    try:
        response_id = uuid.uuid4()
        prepared = Response._meta.pk.get_db_prep_value(response_id, connection)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO assessments_response (id, campaign_id, unit_id, "
                '"group", submitted_on, comment) VALUES (%s, %s, %s, %s, %s, %s)',
                [prepared, fx.campaign.pk, world.unit_a.pk, "staff", "2026-10-01", MARK],
            )
            for item, value in ((led, 4), (komp, None)):
                cursor.execute(
                    "INSERT INTO assessments_answer (response_id, item_id, value) VALUES (%s, %s, %s)",
                    [prepared, item, value],
                )
            cursor.execute(
                "INSERT INTO assessments_draft (token_hash, answers, comment, "
                "updated_on) VALUES (%s, %s, %s, %s)",
                [drafting.token_hash, json.dumps({str(led): 2, str(komp): None}), "halvvägs", "2026-10-02"],
            )
        Participation.objects.filter(pk=waiting.pk).update(answered=True)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert not Response.objects.exists() and not Answer.objects.exists()
    [ballot] = open_ballots(fx.campaign)
    assert (ballot.unit_id, ballot.group, ballot.comment, ballot.answers) == (
        world.unit_a.pk,
        "staff",
        MARK,
        {led: 4, komp: None},
    )
    draft = services.draft_read(Participation.objects.get(pk=drafting.pk))
    assert (draft.answers, draft.comment) == ({led: 2, komp: None}, "halvvägs")
    assert holding(MARK) == [] and holding("halvvägs") == []
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Response.objects.get().comment == MARK


# ---- 6. Erasure reaches into the sealed box ----------------------------------------------------


def test_erasing_a_person_named_in_a_sealed_comment_removes_the_name_from_every_box(world):
    """A colleague's comment names someone who is then erased. The comment is sealed, so the
    general search cannot see it; at closing it would come back with the name."""
    from digiplan.privacy.services import person_erase

    named = _person(world.huvudman, "Greta Gransson", "greta.g@sjovik.test", world.unit_b, Role.COORDINATOR)
    add_staff(world, 2)
    fx = build_campaign(world)
    writers = list(Participation.objects.filter(campaign=fx.campaign, unit=world.unit_a))
    led = str(fx.items["LED.P1"].pk)
    services.response_submit(
        participation=writers[0], answers={led: "4"}, comment="Greta Gransson hjälper oss mycket."
    )
    services.response_submit(participation=writers[1], answers={led: "2"}, comment="Bra år.")
    services.draft_save(
        participation=writers[2], answers={led: "3"}, comment="Fråga greta.g@sjovik.test om skrivaren"
    )
    before = {bytes(v) for v in Ballot.objects.values_list("sealed", flat=True)}
    person_erase(actor=world.strategist, person=named, confirm_email="greta.g@sjovik.test")
    after = {bytes(v) for v in Ballot.objects.values_list("sealed", flat=True)}
    assert not before & after  # every ballot sealed again: which one named her does not show
    assert sorted(b.comment for b in open_ballots(fx.campaign)) == [
        "Bra år.",
        "[borttagen person] hjälper oss mycket.",
    ]
    assert services.draft_read(writers[2]).comment == "Fråga [borttagen person] om skrivaren"
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert "Greta" not in " ".join(Response.objects.values_list("comment", flat=True))
