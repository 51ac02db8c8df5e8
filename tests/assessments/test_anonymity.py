"""Anonymity by construction: nothing joins a response to a person, and a token answers once."""

import threading

import pytest
from django.apps import apps
from django.db import close_old_connections, connection

from digiplan.assessments import services
from digiplan.assessments.models import Answer, Ballot, Participation, Response
from tests.assessment_helpers import build_campaign, open_ballots


def test_no_path_leads_from_a_response_to_a_person():
    """Walk every relation from Response and Answer: none reaches a person or a participation,
    and neither holds a time finer than the day or a sequential id."""
    person_model = apps.get_model("organisations", "Person")
    forbidden = {person_model, Participation}
    seen, frontier = set(), [Response, Answer]
    while frontier:
        model = frontier.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model._meta.get_fields():
            if not field.is_relation or field.related_model is None:
                continue
            target = field.related_model
            assert target not in forbidden, f"{model.__name__}.{field.name} reaches {target}"
            # Follow only the forward links out of the answer tables: the organisation and the
            # framework may be reached, but they in turn are shared by everyone.
            if model in (Response, Answer) and (field.many_to_one or field.one_to_one):
                if target not in (Response,):
                    continue
                frontier.append(target)
    for model in (Response, Answer, Ballot):
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        # Not even the day: a colleague who knows who answered on which day could match it.
        assert not kinds & {"DateTimeField", "TimeField", "DateField"}, model
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert {f.name for f in Ballot._meta.concrete_fields} == {"id", "campaign", "sealed"}
    participation_fields = {f.name for f in Participation._meta.concrete_fields}
    assert not participation_fields & {"answered_at", "submitted_at", "response"}


def _answers(fx, value=4):
    return {str(fx.items["LED.P1"].pk): value, str(fx.items["KOMP.P1"].pk): "na"}


def test_a_token_answers_once_and_the_first_answer_stays(world):
    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff)
    assert services.response_submit(participation=participation, answers=_answers(fx))
    assert not services.response_submit(participation=participation, answers=_answers(fx, value=1))
    assert len(open_ballots(fx.campaign)) == 1
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Response.objects.count() == 1
    assert Answer.objects.get(item=fx.items["LED.P1"]).value == 4
    assert Answer.objects.get(item=fx.items["KOMP.P1"]).value is None  # "vet ej"


def _at_once(count: int, action) -> tuple[list, list]:
    """Runs action in count threads, each with its own database connection, released together;
    what they returned and what they raised."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        close_old_connections()
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 - the caller looks at them
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_submits_of_one_token_leave_exactly_one_response():
    from tests.conftest import build_world

    world = build_world()
    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff)
    results, errors = _at_once(
        20, lambda: services.response_submit(participation=participation, answers=_answers(fx))
    )
    outcomes = results
    assert Ballot.objects.count() == 1
    assert outcomes.count(True) == 1
    # Every other request either saw "already answered" or lost a lock race; none stored more.
    assert len(outcomes) + len(errors) == 20


@pytest.mark.parametrize(
    "answers, fragment",
    [
        ({"LED.P1": 9}, "är inte ett svar"),
        ({"LED.L1": 3}, "inte ingår"),  # a leader indicator in the staff questionnaire
        ({"nonsense": 3}, "inte ingår"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(world, answers, fragment):
    from django.core.exceptions import ValidationError

    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff)
    resolved = {str(fx.items[k].pk) if k in fx.items else k: v for k, v in answers.items()}
    with pytest.raises(ValidationError, match=fragment):
        services.response_submit(participation=participation, answers=resolved)
    assert not Response.objects.exists() and not Ballot.objects.exists()
    participation.refresh_from_db()
    assert not participation.answered


def test_a_huge_comment_is_refused_and_html_is_kept_as_text(world):
    from django.core.exceptions import ValidationError

    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff)
    with pytest.raises(ValidationError, match="längre än"):
        services.response_submit(participation=participation, answers=_answers(fx), comment="x" * 100_000)
    services.response_submit(
        participation=participation, answers=_answers(fx), comment="<script>alert(1)</script>"
    )
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Response.objects.get().comment == "<script>alert(1)</script>"


def test_a_closed_campaign_takes_no_answers_and_drops_drafts(world):
    from django.core.exceptions import ValidationError

    from digiplan.assessments.models import Draft

    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff)
    services.draft_save(participation=participation, answers=_answers(fx))
    assert Draft.objects.count() == 1
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert not Draft.objects.exists()
    with pytest.raises(ValidationError):
        services.response_submit(participation=participation, answers=_answers(fx))


def test_a_pupil_code_takes_as_many_answers_as_the_group_has_pupils(world):
    from django.core.exceptions import ValidationError

    fx = build_campaign(world)
    code = services.pupil_code_create(
        actor=world.leader_a, campaign=fx.campaign, unit=world.unit_a, label="6B", capacity=2
    )
    answers = {str(fx.items["KOMP.E1"].pk): 5}
    services.pupil_submit(code=code, answers=answers)
    services.pupil_submit(code=code, answers=answers)
    with pytest.raises(ValidationError, match="lika många elever"):
        services.pupil_submit(code=code, answers=answers)
    assert [b.group for b in open_ballots(fx.campaign)] == ["pupil", "pupil"]
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Response.objects.filter(group="pupil").count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_pupils_on_one_code_never_exceed_its_capacity():
    """Twenty pupils press "send" at the same moment on a code for three: three responses are
    stored and the code counts three, on PostgreSQL (where the submits really run at once) as
    on SQLite."""
    from django.core.exceptions import ValidationError

    from digiplan.assessments.models import PupilCode
    from tests.conftest import build_world

    world = build_world()
    fx = build_campaign(world)
    code = services.pupil_code_create(
        actor=world.leader_a, campaign=fx.campaign, unit=world.unit_a, label="6B", capacity=3
    )
    answers = {str(fx.items["KOMP.E1"].pk): 5}
    stored, errors = _at_once(20, lambda: services.pupil_submit(code=code, answers=answers))
    refused = [e for e in errors if isinstance(e, ValidationError)]
    errors = [e for e in errors if not isinstance(e, ValidationError)]  # lock timeouts on SQLite
    assert Ballot.objects.count() == len(stored) == 3
    assert PupilCode.objects.get(pk=code.pk).used == 3
    assert not errors
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Response.objects.filter(group="pupil").count() == 3
    assert len(refused) == 17
    assert all("lika många elever" in str(e) for e in refused)


def test_tokens_are_stored_only_as_hashes(world):
    fx = build_campaign(world)
    token = next(iter(fx.tokens.values()))
    assert not Participation.objects.filter(token_hash=token).exists()
    assert services.participation_for_token(token) is not None
    assert services.participation_for_token(token + "x") is None
