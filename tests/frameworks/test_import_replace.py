"""Importing a framework file whose short name already has a draft: the draft is never replaced
without the strategist saying so (issue 15, point 6)."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digiplan.frameworks.exchange import DraftInTheWay, import_framework
from digiplan.frameworks.models import FrameworkVersion, VersionStatus
from tests.assessment_helpers import INDICATORS

RENAMED = INDICATORS.replace("name: Skattning (test)", "name: Skattning (ny fil)", 1)


def _draft(world) -> FrameworkVersion:
    return import_framework(INDICATORS, huvudman=world.huvudman, actor=world.strategist)


def _drafts(world) -> list[int]:
    return list(
        FrameworkVersion.objects.filter(
            framework__huvudman=world.huvudman, status=VersionStatus.DRAFT
        ).values_list("pk", flat=True)
    )


def _send(client, text: str, **fields):
    upload = SimpleUploadedFile("ramverk.yaml", text.encode())
    return client.post(reverse("framework_import"), {"file": upload, **fields})


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_service_refuses_to_replace_a_draft_it_was_not_allowed_to(world):
    draft = _draft(world)
    with pytest.raises(DraftInTheWay) as refused:
        import_framework(RENAMED, huvudman=world.huvudman, actor=world.strategist, replace_draft=False)
    assert refused.value.draft == draft
    assert _drafts(world) == [draft.pk]
    draft.framework.refresh_from_db()
    assert draft.framework.name == "Skattning (test)"


def test_the_service_replaces_the_draft_when_allowed(world):
    draft = _draft(world)
    again = import_framework(RENAMED, huvudman=world.huvudman, actor=world.strategist, replace_draft=True)
    assert _drafts(world) == [again.pk] and again.pk != draft.pk


def test_a_framework_with_no_draft_is_imported_without_asking(world):
    import_framework(INDICATORS, huvudman=world.huvudman, actor=world.strategist, publish=True)
    again = import_framework(RENAMED, huvudman=world.huvudman, actor=world.strategist, replace_draft=False)
    assert again.status == VersionStatus.DRAFT


def test_the_page_says_in_swedish_what_would_be_replaced_and_keeps_the_draft(world, client_for):
    draft = _draft(world)
    response = _send(client_for("strategist"), RENAMED)
    assert response.status_code == 400
    text = " ".join(_text(response).split())
    assert "Ramverket ”Skattning (test)” har redan ett utkast med" in text
    assert f"{draft.items.count()} punkter" in text
    assert "Ersätt det befintliga utkastet" in text
    assert _drafts(world) == [draft.pk]


def test_the_page_replaces_the_draft_when_the_strategist_ticks_replace(world, client_for):
    draft = _draft(world)
    response = _send(client_for("strategist"), RENAMED, replace_draft="on")
    assert response.status_code == 302
    (new,) = _drafts(world)
    assert new != draft.pk and response["Location"] == reverse("version_detail", kwargs={"pk": new})
