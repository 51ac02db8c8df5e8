"""Issue 16: selects speak Swedish and choose nothing for the user that matters. Django's
"- Select an option -" had no Swedish; adding a role preselected Strateg, the most powerful
role; a select with a single real choice opened empty. And the invitation's subject said
"Skattning Skattning 2026/27"."""

import re

from django import forms
from django.core import mail
from django.urls import reverse

from digiplan.assessments import tasks
from digiplan.lib.forms import preselect_only_choice
from digiplan.organisations.models import Membership, Organisation, Role
from tests.assessment_helpers import build_campaign
from tests.factories import PersonFactory

BLANK = "– Välj –"


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no select {name}"
    return found.group(1)


def _options(select: str) -> list[tuple[str, str, bool]]:
    return [
        (value, label.strip(), " selected" in attrs)
        for value, attrs, label in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    ]


def test_no_select_shows_djangos_untranslated_blank_choice(world, client_for):
    client = client_for("strategist")
    pages = [
        reverse("person_detail", args=[world.staff.pk]),
        reverse("organisation_move", args=[world.unit_a.pk]),
        reverse("campaign_create"),
        reverse("plan_create"),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "Select an option" not in page, url
        assert "---------" not in page, url
    assert BLANK in client.get(pages[0]).content.decode()


def test_adding_a_role_preselects_no_role_and_requires_a_choice(world, client_for):
    client = client_for("strategist")
    page = client.get(reverse("person_detail", args=[world.staff.pk])).content.decode()
    roles = _options(_select(page, "role"))
    assert roles[0][:2] == ("", BLANK)
    assert not any(selected for value, _label, selected in roles if value)
    assert {v for v, _l, _s in roles[1:]} == set(Role.values)
    before = Membership.objects.count()
    response = client.post(
        reverse("person_detail", args=[world.staff.pk]), {"organisation": world.unit_a.pk, "role": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["role"]
    assert Membership.objects.count() == before


def test_a_new_role_title_preselects_no_role(world, client_for):
    page = client_for("strategist").get(reverse("role_titles")).content.decode()
    roles = _options(_select(page, "role"))
    assert roles[0][:2] == ("", BLANK) and not any(s for v, _l, s in roles if v)


def test_a_select_with_a_single_real_choice_has_it_chosen(world, client_for):
    # A strategist of one school unit only can give roles there and nowhere else.
    local = PersonFactory(organisation=world.unit_b, role=Role.STRATEGIST)
    colleague = PersonFactory(organisation=world.unit_b, role=Role.STAFF)
    page = client_for("anonymous")
    page.force_login(local)
    html = page.get(reverse("person_detail", args=[colleague.pk])).content.decode()
    options = _options(_select(html, "organisation"))
    assert [(v, s) for v, _label, s in options] == [(str(world.unit_b.pk), True)]
    assert "Björkskolan" in options[0][1]


def test_the_helper_leaves_optional_and_several_choice_selects_alone(world):
    class Form(forms.Form):
        one = forms.ModelChoiceField(queryset=Organisation.objects.none())
        optional = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
        many = forms.ModelChoiceField(queryset=Organisation.objects.none())
        kind = forms.ChoiceField(choices=[("", BLANK), ("gr", "GR")])

    form = Form()
    form.fields["one"].queryset = Organisation.objects.filter(pk=world.unit_a.pk)
    form.fields["optional"].queryset = Organisation.objects.filter(pk=world.unit_a.pk)
    form.fields["many"].queryset = Organisation.objects.filter(pk__in=[world.unit_a.pk, world.unit_b.pk])
    preselect_only_choice(form)
    html = str(form)
    assert _options(_select(html, "one")) == [(str(world.unit_a.pk), "Almskolan", True)]
    for name in ("optional", "many"):
        assert not any(s for v, _l, s in _options(_select(html, name)) if v), name
    assert _options(_select(html, "kind"))[1] == ("gr", "GR", True)


def test_the_invitation_subject_names_the_campaign_once(world):
    fx = build_campaign(world)  # named "Skattning"
    tasks.send_invitations.enqueue(fx.campaign.pk, sorted(fx.tokens))
    tasks.send_reminders.enqueue(fx.campaign.pk)
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {"Skattning 2026/27: din personliga länk", "Påminnelse: Skattning 2026/27"}


def test_a_campaign_named_otherwise_keeps_the_word_in_the_subject(world):
    fx = build_campaign(world)
    fx.campaign.name = "LIKA hösten"
    fx.campaign.save(update_fields=["name"])
    tasks.send_invitations.enqueue(fx.campaign.pk, sorted(fx.tokens))
    assert mail.outbox[0].subject == "Skattning LIKA hösten 2026/27: din personliga länk"
