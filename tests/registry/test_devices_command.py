"""manage.py import_devices: the same import from the command line, a dry run, and errors."""

import pytest
from django.core.management import CommandError, call_command

from digiplan.registry.device_models import Device
from tests.registry.devices_helpers import (  # noqa: F401  (swedish: an autouse fixture)
    chromeos_bytes,
    chromeos_row,
    intune_bytes,
    intune_row,
    rule,
    swedish,
    template_bytes,
    template_row,
)


def _run(tmp_path, data, *args, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    call_command("import_devices", str(path), *args)


def test_it_imports_a_chromeos_export(world, tmp_path, capsys):
    rule(world, "/Elever/Almskolan")
    _run(tmp_path, chromeos_bytes([chromeos_row("C1")]), "--huvudman", "212000-1234", "--format", "chromeos")
    assert Device.objects.get().serial_number == "C1"
    assert "1 digitala enheter att lägga till" in capsys.readouterr().out


def test_a_dry_run_saves_nothing(world, tmp_path):
    _run(tmp_path, template_bytes([template_row("T1")]), "--huvudman", "212000-1234", "--dry-run")
    assert not Device.objects.exists()


def test_bad_rows_fail_the_command_and_save_nothing(world, tmp_path, capsys):
    with pytest.raises(CommandError):
        _run(tmp_path, intune_bytes([intune_row("I1"), intune_row("")]), "--huvudman", "212000-1234")
    assert "Rad 2:" in capsys.readouterr().err and not Device.objects.exists()


def test_an_unknown_huvudman_is_named(world, tmp_path):
    with pytest.raises(CommandError):
        _run(tmp_path, template_bytes([template_row("T1")]), "--huvudman", "999999-9999")
