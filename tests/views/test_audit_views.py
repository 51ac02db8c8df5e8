from django.urls import reverse

from digiplan.organisations import services


def test_strategists_browse_and_filter_their_own_trail(world, client_for):
    services.organisation_update(actor=world.strategist, node=world.unit_a, name="Almskolan 2")
    services.organisation_update(actor=world.other_strategist, node=world.other_unit, name="Ekskolan 2")
    page = client_for("strategist").get(reverse("audit_list")).content.decode()
    assert "Almskolan 2" in page and "name: Almskolan → Almskolan 2" in page
    assert "Ekskolan" not in page
    filtered = client_for("strategist").get(reverse("audit_list") + "?typ=person").content.decode()
    assert "Almskolan 2" not in filtered and "Per Personal" in filtered
    by_actor = client_for("strategist").get(reverse("audit_list") + "?vem=Sara").content.decode()
    assert "Almskolan 2" in by_actor and "Per Personal" not in by_actor


def test_every_service_write_leaves_an_audit_row_in_its_transaction(world):
    from digiplan.audit.models import AuditEvent

    count = AuditEvent.objects.count()
    services.organisation_move(actor=world.strategist, node=world.unit_b, new_parent=world.forvaltning)
    services.organisation_deactivate(actor=world.strategist, node=world.unit_b)
    services.person_update(actor=world.strategist, person=world.staff, name="Per P")
    assert AuditEvent.objects.count() == count + 3
    assert set(AuditEvent.objects.order_by("-id")[:3].values_list("action", flat=True)) == {
        "organisation.move",
        "organisation.deactivate",
        "person.update",
    }


def _audited_actions() -> set[str]:
    """Every action the code can write to the audit trail: the string constants given as
    `action=` to audit_record, or as the first argument of seed_scale's _audit (an `x if y
    else z` gives both)."""
    import ast
    from pathlib import Path

    import digiplan

    found = set()
    for path in Path(digiplan.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "audit_record":
                values = [k.value for k in node.keywords if k.arg == "action"]
            elif name == "_audit" and node.args:
                values = [node.args[0]]
            else:
                continue
            for value in values:
                found |= {
                    c.value
                    for c in ast.walk(value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    return found


def test_every_audited_action_has_a_swedish_label(world, client_for):
    from django.utils import translation

    from digiplan.audit.labels import ACTION_LABELS
    from digiplan.audit.models import AuditEvent

    actions = _audited_actions()
    assert {"plan.publish", "campaign.close", "rating.save", "person.bulk_create"} <= actions
    assert actions - set(ACTION_LABELS) == set()
    with translation.override("sv"):
        untranslated = {a for a, label in ACTION_LABELS.items() if str(label) == label._args[0]}
    assert not untranslated
    AuditEvent.objects.create(
        huvudman=world.huvudman,
        actor_label="Sara",
        action="plan.publish",
        object_type="plan",
        object_label="Almskolans plan",
    )
    page = client_for("strategist").get(reverse("audit_list") + "?typ=plan").content.decode()
    assert "Plan publicerad" in page and "plan.publish" not in page
