"""Frameworks, their versions and items, and the scales. The huvudman's strategists author its
drafts; everyone of the huvudman reads its published versions (tests/framework_helpers)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from digiplan.frameworks.models import (
    Framework,
    FrameworkVersion,
    Item,
    Responsibility,
    Scale,
    ScaleLevel,
    Target,
)
from tests.factories import FrameworkVersionFactory
from tests.framework_helpers import build_frameworks
from tests.views.matrix import (
    LOGIN,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    STRATEGISTS_ONLY,
    Post,
    Route,
    answers,
    to,
)

HUVUDMAN_READERS = answers(200, anonymous=LOGIN, other_strategist=404)
# A draft is seen by its huvudman's strategists alone.
DRAFT_EDITORS = answers(404, anonymous=LOGIN, strategist=200)
# A published version is read by the huvudman, changed by its strategists.
PUBLISHED_EDITORS = answers(403, anonymous=LOGIN, strategist=200, other_strategist=404)
SMALL_FRAMEWORK = """\
format: digiplan-framework/1
slug: importerad-plan
name: Importerad plan
kind: plan
source: Test
items:
  - {code: A, kind: area, title: Ett område}
"""
LEVELS = "1; Nej\n2; Ja"


def _draft(world):
    return {"pk": build_frameworks(world).draft.pk}


def _revision(world) -> str:
    return str(FrameworkVersion.objects.get(pk=build_frameworks(world).draft.pk).revision)


def _draft_item(world):
    return {"pk": build_frameworks(world).draft_item.pk}


def _second_area(world):
    """LT, the second area of the draft: it can move up."""
    return {"pk": build_frameworks(world).draft.items.get(code="LT").pk}


def _published_alone(world):
    """A published version of the huvudman's with no draft beside it."""
    return {"pk": FrameworkVersionFactory(huvudman=world.huvudman).pk}


def _drafts_writes(audit: str, rows=None, body=lambda w: {}, base=DRAFT_EDITORS) -> Post:
    return Post({**base, "strategist": to("version_detail")}, body, ("strategist",), (audit,), rows or {})


def _both_strategists_write(redirect: str, audit: str, rows: dict, body) -> Post:
    return Post(
        {**STRATEGISTS_ONLY, "strategist": to(redirect), "other_strategist": to(redirect)},
        body,
        writers=("strategist", "other_strategist"),
        audit=(audit,),
        rows=rows,
    )


EXPECTED = {
    "framework_list": Route(get=SIGNED_IN_200, post=READS),
    "framework_create": Route(
        get=STRATEGISTS_ONLY,
        post=_both_strategists_write(
            "version_detail",
            "framework.create",
            {Framework: 1, FrameworkVersion: 1},
            lambda w: {"name": "Ny strategi", "slug": "ny-strategi", "kind": "strategy"},
        ),
    ),
    "framework_import": Route(
        get=STRATEGISTS_ONLY,
        post=_both_strategists_write(
            "version_detail",
            "framework.import",
            {Framework: 1, FrameworkVersion: 1, Item: 1},
            lambda w: {"file": SimpleUploadedFile("plan.yaml", SMALL_FRAMEWORK.encode())},
        ),
    ),
    # The framework's page is its current version's: readers are sent there.
    "framework_detail": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).framework.pk},
        get=answers(to("version_detail"), anonymous=LOGIN, other_strategist=404),
        post=READS,
    ),
    "version_diff": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).framework.pk}, get=HUVUDMAN_READERS, post=READS
    ),
    "version_detail": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).published.pk}, get=HUVUDMAN_READERS, post=READS
    ),
    "version_export": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).published.pk}, get=HUVUDMAN_READERS, post=READS
    ),
    "version_publish": Route(kwargs=_draft, get=POST_ONLY, post=_drafts_writes("framework.publish")),
    "version_new_draft": Route(
        kwargs=_published_alone,
        get=POST_ONLY,
        post=_drafts_writes("framework.new_draft", {FrameworkVersion: 1, Item: 7}, base=PUBLISHED_EDITORS),
    ),
    "version_archive": Route(
        kwargs=_published_alone,
        get=POST_ONLY,
        post=_drafts_writes("framework.archive", base=PUBLISHED_EDITORS),
    ),
    "item_create": Route(
        kwargs=_draft,
        get=DRAFT_EDITORS,
        post=_drafts_writes(
            "item.create",
            {Item: 1},
            lambda w: {"kind": "area", "code": "NY", "title": "Nytt område", "revision": _revision(w)},
        ),
    ),
    "responsibility_create": Route(
        kwargs=_draft,
        get=DRAFT_EDITORS,
        post=_drafts_writes(
            "responsibility.save",
            {Responsibility: 1},
            lambda w: {"role": "staff", "text": "Dela med mig av det jag lär mig.", "revision": _revision(w)},
        ),
    ),
    "target_create": Route(
        kwargs=_draft,
        get=DRAFT_EDITORS,
        post=_drafts_writes(
            "target.save",
            {Target: 1},
            lambda w: {"metric": "devices_per_employee", "value": "2", "revision": _revision(w)},
        ),
    ),
    "item_edit": Route(
        kwargs=_draft_item,
        get=DRAFT_EDITORS,
        post=_drafts_writes(
            "item.update",
            body=lambda w: {
                "kind": "desired_state",
                "code": "DK.1",
                "title": "All personal har god digital kompetens",
                "links": [build_frameworks(w).national.items.get(code="1.2").pk],
                "revision": _revision(w),
            },
        ),
    ),
    "item_move": Route(
        kwargs=_second_area,
        get=POST_ONLY,
        post=_drafts_writes("item.reorder", body=lambda w: {"direction": "up", "revision": _revision(w)}),
    ),
    "item_delete": Route(
        kwargs=_draft_item,
        get=POST_ONLY,
        # DK.1, the indicator under it, and its link to the national strategy.
        post=_drafts_writes(
            "item.delete", {Item: -2, Item.links.through: -1}, lambda w: {"revision": _revision(w)}
        ),
    ),
    "item_chain": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).published_item.pk}, get=HUVUDMAN_READERS, post=READS
    ),
    "responsibility_delete": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).draft_responsibility.pk},
        get=POST_ONLY,
        post=_drafts_writes("responsibility.delete", {Responsibility: -1}),
    ),
    "target_delete": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).draft_target.pk},
        get=POST_ONLY,
        post=_drafts_writes("target.delete", {Target: -1}),
    ),
    "scale_list": Route(get=SIGNED_IN_200, post=READS),
    "scale_create": Route(
        get=STRATEGISTS_ONLY,
        post=_both_strategists_write(
            "scale_list",
            "scale.create",
            {Scale: 1, ScaleLevel: 2},
            lambda w: {"name": "Ja eller nej", "slug": "ja-nej", "levels": LEVELS},
        ),
    ),
    "my_responsibilities": Route(get=SIGNED_IN_200, post=READS),
}
