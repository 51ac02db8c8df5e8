"""audit_record refuses to write outside the write's transaction: a write and its audit row are
saved together or not at all. The check is an exception, so that `python -O` keeps it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from digiplan.audit.models import AuditEvent
from digiplan.audit.services import ERROR_OUTSIDE_TRANSACTION, AuditOutsideTransactionError, audit_record

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises_and_writes_nothing(world):
    with pytest.raises(AuditOutsideTransactionError, match=ERROR_OUTSIDE_TRANSACTION):
        audit_record(actor=world.strategist, huvudman=world.huvudman, action="test.outside")
    assert not AuditEvent.objects.filter(action="test.outside").exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_inside_a_transaction_writes_its_row(world):
    with transaction.atomic():
        event = audit_record(actor=world.strategist, huvudman=world.huvudman, action="test.inside")
    assert AuditEvent.objects.get(pk=event.pk).actor == world.strategist


def test_the_check_survives_python_dash_o():
    """`assert` statements are removed under -O (and PYTHONOPTIMIZE): the check must not be one."""
    code = (
        "import django; django.setup()\n"
        "from digiplan.audit.services import AuditOutsideTransactionError, audit_record\n"
        "try:\n"
        "    audit_record(actor=None, huvudman=None, action='test.optimised')\n"
        "except AuditOutsideTransactionError:\n"
        "    print('refused')\n"
    )
    # An empty in-memory SQLite: the check must come before any query.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digiplan.settings", "DATABASE_URL": "sqlite://:memory:"}
    result = subprocess.run(
        [sys.executable, "-O", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "refused", result.stderr
