"""manage.py create_huvudman and the service behind it: a huvudman with its root, its first
strategist with a strategist role at the root, and one queued invitation; bad input refused in
Swedish, with nothing written."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from digiplan.audit.models import AuditEvent
from digiplan.onboarding import services
from digiplan.onboarding.services import (
    ERROR_EMAIL_INVALID,
    ERROR_EMAIL_TAKEN,
    ERROR_NAME_EMPTY,
    ERROR_ORGNR_INVALID,
    ERROR_ORGNR_TAKEN,
)
from digiplan.organisations.models import Huvudman, Membership, Organisation, OrganisationType, Person, Role
from tests.assessments.test_tasks import DATABASE_TASKS
from tests.onboarding.conftest import invitation_path


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_huvudman", *args, stdout=out)
    return out.getvalue()


ARGS = ("--name", "Nya kommun", "--orgnr", "212000-5678", "--strategist", "Ny.Strateg@Nya.test")


def swedish(message) -> str:
    with translation.override("sv"):
        return str(message)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Huvudman, Organisation, Person, Membership, AuditEvent)
    }


def test_the_command_creates_the_huvudman_its_root_and_its_first_strategist(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = create(*ARGS, "--strategist-name", "Nina Ny")
    huvudman = Huvudman.objects.get(organisation_number="212000-5678")
    assert huvudman.name == "Nya kommun"
    root = Organisation.objects.get(huvudman=huvudman, parent=None)
    assert root.type == OrganisationType.HUVUDMAN and root.path == f"/{root.pk}/"
    person = Person.objects.get(email="ny.strateg@nya.test")
    assert person.huvudman == huvudman and person.name == "Nina Ny"
    assert not person.has_usable_password()
    assert list(Membership.objects.filter(person=person).values_list("organisation", "role")) == [
        (root.pk, Role.STRATEGIST)
    ]
    assert "Nya kommun" in out and "ny.strateg@nya.test" in out
    assert set(AuditEvent.objects.filter(huvudman=huvudman).values_list("action", flat=True)) == {
        "huvudman.create",
        "person.create",
        "membership.create",
        "invitation.send",
    }


def test_the_command_queues_one_invitation_and_no_token(db, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with DATABASE_TASKS, django_capture_on_commit_callbacks(execute=True):
        create(*ARGS)
    person = Person.objects.get(email="ny.strateg@nya.test")
    row = DBTaskResult.objects.get()
    assert row.task_path == "digiplan.onboarding.tasks.send_invitation"
    assert row.args_kwargs["kwargs"]["person_id"] == person.pk
    assert mail.outbox == []  # queued, not sent in the command


def test_the_invitation_mail_is_in_swedish_and_has_the_link(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create(*ARGS)
    message = mail.outbox[0]
    assert message.to == ["ny.strateg@nya.test"]
    assert "Välkommen till Digiplan" in message.subject and "Nya kommun" in message.subject
    assert "strateg för Nya kommun" in message.body
    assert invitation_path(message).startswith("/valkommen/")
    assert "skolkonto" not in message.body  # the new huvudman has no school-account sign-in yet


def test_without_a_name_the_strategist_is_named_by_the_address(db):
    create(*ARGS)
    assert Person.objects.get(email="ny.strateg@nya.test").name == "ny.strateg@nya.test"


def test_an_organisation_number_without_its_hyphen_is_accepted(db):
    create("--name", "Nya kommun", "--orgnr", "2120005678", "--strategist", "ny@nya.test")
    assert Huvudman.objects.filter(organisation_number="212000-5678").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--name", "  ", "--orgnr", "212000-5678", "--strategist", "ny@nya.test"), ERROR_NAME_EMPTY),
        (("--name", "Nya", "--orgnr", "212000-567", "--strategist", "ny@nya.test"), ERROR_ORGNR_INVALID),
        (("--name", "Nya", "--orgnr", "21200O-5678", "--strategist", "ny@nya.test"), ERROR_ORGNR_INVALID),
        (("--name", "Nya", "--orgnr", "212000-1234", "--strategist", "ny@nya.test"), ERROR_ORGNR_TAKEN),
        (("--name", "Nya", "--orgnr", "212000-5678", "--strategist", "inte-en-adress"), ERROR_EMAIL_INVALID),
        # Taken by a person of the other huvudman: the message does not say whose.
        (
            ("--name", "Nya", "--orgnr", "212000-5678", "--strategist", "Strateg@Friskolan.test"),
            ERROR_EMAIL_TAKEN,
        ),
    ],
    ids=["empty name", "short number", "letter in number", "number taken", "bad address", "address taken"],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_written(world, args, message):
    before = counts()
    with pytest.raises(CommandError) as refused:
        create(*args)
    assert swedish(message) in str(refused.value)
    assert counts() == before
    assert mail.outbox == []


def test_the_address_taken_message_names_nobody(world):
    with pytest.raises(CommandError) as refused:
        create("--name", "Nya", "--orgnr", "212000-5678", "--strategist", "strateg@friskolan.test")
    assert world.other_huvudman.name not in str(refused.value)
    assert world.other_strategist.name not in str(refused.value)


def test_every_fault_is_reported_at_once(db):
    with pytest.raises(CommandError) as refused:
        create("--name", "", "--orgnr", "x", "--strategist", "y")
    for message in (ERROR_NAME_EMPTY, ERROR_ORGNR_INVALID, ERROR_EMAIL_INVALID):
        assert swedish(message) in str(refused.value)


def test_the_command_exits_non_zero_with_the_message_on_stderr(db, capsys, monkeypatch):
    from django.core.management import ManagementUtility
    from django.db import connections

    # As from the shell, but the test's database stays open (the command closes it at the end).
    monkeypatch.setattr(connections, "close_all", lambda: None)
    argv = ["manage.py", "create_huvudman", "--name", "", "--orgnr", "1", "--strategist", "a@b.test"]
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(argv).execute()
    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert swedish(ERROR_NAME_EMPTY) in captured.err
    assert not Huvudman.objects.exists()


def test_a_script_tag_in_the_name_is_stored_as_text(db):
    create(
        "--name", "<script>alert(1)</script> kommun", "--orgnr", "212000-5678", "--strategist", "ny@nya.test"
    )
    assert Huvudman.objects.get().name == "<script>alert(1)</script> kommun"


def test_a_failure_after_the_first_rows_leaves_nothing(db, monkeypatch, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("the membership could not be saved")

    monkeypatch.setattr(services.organisation_services, "membership_create", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        create(*ARGS)
    assert counts() == dict.fromkeys(counts(), 0)
    assert mail.outbox == []
