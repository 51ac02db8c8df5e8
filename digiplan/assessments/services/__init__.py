"""Writes of the self-assessment. Every one runs in a transaction with its audit row — except
the anonymous answers themselves, which are never audited with a person."""

import datetime
import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.assessments import ballots, selectors
from digiplan.assessments.models import (
    Answer,
    Ballot,
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Draft,
    Group,
    OrgResultFigures,
    Participation,
    PupilCode,
    Response,
    ResultFigures,
    ResultSnapshot,
)
from digiplan.assessments.services.common import (
    ERROR_ALREADY_ANSWERED,
    ERROR_CODE_USED_UP,
    ERROR_COMMENT_LONG,
    ERROR_DATES,
    ERROR_ITEM,
    ERROR_NOT_OPEN,
    ERROR_RATING_SUBMITTED,
    ERROR_REASON,
    ERROR_STALE,
    ERROR_UNITS,
    ERROR_UNKNOWN_CODE,
    ERROR_UNKNOWN_TOKEN,
    ERROR_VALUE,
    ERROR_VERSION,
    STAFF_ROLES,
    _answer_rules,
    _clean_answers,
    _clean_comment,
    campaign_items,
    new_token,
    token_hash,
)
from digiplan.assessments.services.purge import (
    PURGE_BATCH,
    PURGE_DAYS_DEFAULT,
    RETIRED_PREFIX,
    PurgeResult,
    assessment_data_purge,
    retired_token_hash,
)
from digiplan.assessments.services.ratings import (
    rating_for,
    rating_reopen,
    rating_save,
)
from digiplan.audit.services import audit_record
from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind, VersionStatus
from digiplan.lib import sealing
from digiplan.lib.bulk import bulk_insert
from digiplan.organisations.models import Huvudman, Membership, Organisation, OrganisationType, Person


def campaign_create(
    *,
    actor: Person | None,
    huvudman: Huvudman,
    name: str,
    school_year: str,
    framework_version: FrameworkVersion,
    opens_on: datetime.date,
    closes_on: datetime.date,
    units: Iterable[Organisation],
    k: int = 5,
    include_leader: bool = True,
    include_staff: bool = True,
    include_pupils: bool = False,
) -> Campaign:
    with transaction.atomic():
        if (
            framework_version.status != VersionStatus.PUBLISHED
            or framework_version.framework.huvudman_id not in (None, huvudman.pk)
        ):
            raise ValidationError({"framework_version": ERROR_VERSION})
        if closes_on <= opens_on:
            raise ValidationError({"closes_on": ERROR_DATES})
        units = _campaign_units(huvudman, units)
        campaign = Campaign(
            huvudman=huvudman,
            name=name,
            school_year=school_year,
            framework_version=framework_version,
            opens_on=opens_on,
            closes_on=closes_on,
            k=k,
            include_leader=include_leader,
            include_staff=include_staff,
            include_pupils=include_pupils,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        campaign.full_clean()
        campaign.save()
        _add_campaign_units(campaign, units)
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="campaign.create",
            obj=campaign,
            after={"name": name, "school_year": school_year, "units": len(units), "k": k},
        )
    return campaign


def _campaign_units(huvudman: Huvudman, units: Iterable[Organisation]) -> list[Organisation]:
    """The active school units of the huvudman among units; refuses none."""
    chosen = [
        u
        for u in units
        if u.huvudman_id == huvudman.pk and u.is_active and u.type == OrganisationType.SKOLENHET
    ]
    if not chosen:
        raise ValidationError({"units": ERROR_UNITS})
    return chosen


def _add_campaign_units(campaign: Campaign, units: list[Organisation]) -> None:
    """The campaign's units, each with the staff and pupils expected to answer as of today."""
    staff = dict(
        Membership.objects.filter(organisation__in=units, role__in=STAFF_ROLES, person__is_active=True)
        .values("organisation")
        .annotate(n=Count("person", distinct=True))
        .values_list("organisation", "n")
    )
    CampaignUnit.objects.bulk_create(
        CampaignUnit(
            campaign=campaign,
            unit=u,
            staff_expected=staff.get(u.pk, 0),
            pupils_expected=sum(c.pupils for c in u.pupil_counts.all()),
        )
        for u in units
    )


def campaign_open(*, actor: Person | None, campaign: Campaign) -> dict[int, str]:
    """Opens the campaign and asks every active staff member of its units. Returns the new
    tokens by participation id, for the invitations; only their hashes are stored."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise ValidationError(_("Only a campaign that is not yet open can be opened."))
        campaign.status, campaign.opened_at = CampaignStatus.OPEN, timezone.now()
        campaign.save(update_fields=["status", "opened_at"])
        tokens: dict[int, str] = {}
        if campaign.include_staff:
            units = campaign.units.values_list("unit_id", flat=True)
            pairs = set(
                Membership.objects.filter(
                    organisation_id__in=units,
                    role__in=STAFF_ROLES,
                    person__is_active=True,
                ).values_list("person_id", "organisation_id")
            )
            participations = []
            by_pair: dict[tuple[int, int], str] = {}
            for person_id, unit_id in sorted(pairs):
                token, hashed = new_token()
                participations.append(
                    Participation(campaign=campaign, person_id=person_id, unit_id=unit_id, token_hash=hashed)
                )
                by_pair[(person_id, unit_id)] = token
            Participation.objects.bulk_create(participations, batch_size=2000)
            tokens = {
                p.pk: by_pair[(p.person_id, p.unit_id)]
                for p in Participation.objects.filter(campaign=campaign)
            }
        audit_record(
            actor=actor,
            huvudman=campaign.huvudman,
            action="campaign.open",
            obj=campaign,
            after={"participants": len(tokens)},
        )
    return tokens


def participation_new_token(participation: Participation) -> str:
    """A fresh link for a reminder: the old one stops working."""
    token, hashed = new_token()
    Participation.objects.filter(pk=participation.pk).update(token_hash=hashed)
    Draft.objects.filter(token_hash=participation.token_hash).update(token_hash=hashed)
    return token


def campaign_close(*, actor: Person | None, campaign: Campaign) -> Campaign:
    """Closes the campaign in one transaction: no more answers; the ballot box opened, its
    ballots shuffled and written as responses, and emptied; the participations written again
    in a random order; the drafts deleted; and the results computed and stored as they will be
    shown. A failure anywhere leaves the campaign open with every ballot in its box."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.OPEN:
            raise ValidationError(ERROR_NOT_OPEN)
        campaign.status, campaign.closed_at = CampaignStatus.CLOSED, timezone.now()
        campaign.save(update_fields=["status", "closed_at"])
        released = _ballots_release(campaign)
        _participations_reshuffle(campaign)
        # Unsent drafts are the only place answers meet a token: they go when answering ends.
        hashes = Participation.objects.filter(campaign=campaign).values_list("token_hash", flat=True)
        Draft.objects.filter(token_hash__in=hashes).delete()
        # The snapshot and the stored figures come from the same answers: aggregated once.
        with selectors.answer_stats_shared():
            # The results as shown at this moment, once: a second close is refused above, and
            # the one-to-one field refuses a second snapshot.
            data = selectors.snapshot_data(campaign)
            snapshot = ResultSnapshot.objects.create(campaign=campaign, data=data)
            # The numbers behind the shown figures, for the results pages to read back.
            ResultFigures.objects.bulk_create(
                ResultFigures(campaign=campaign, unit_id=unit_id, **row)
                for unit_id, row in selectors.result_figures(campaign).items()
            )
        # The organisation's own figures over every unit, read back by the organisation page
        # and the unit page's charts instead of every unit's (issue 17). After ResultFigures
        # and the snapshot: they are computed from those.
        OrgResultFigures.objects.create(
            campaign=campaign, data=selectors.org_figures_data(campaign, snapshot.data)
        )
        audit_record(
            actor=actor,
            huvudman=campaign.huvudman,
            action="campaign.close",
            obj=campaign,
            extra={"responses": released},
        )
        transaction.on_commit(storage_forget_order)
    return campaign


RELEASE_BATCH = 2000


def _ballots_release(campaign: Campaign) -> int:
    """Opens every ballot of the campaign and writes them as responses in a random order, with
    random ids; then empties the box. Inside campaign_close's transaction: all or nothing.
    Written in bulk (COPY on PostgreSQL): a national campaign has millions of answers."""
    opened = [
        ballots.open_ballot(campaign.pk, sealed)
        for sealed in Ballot.objects.filter(campaign=campaign)
        .values_list("sealed", flat=True)
        .iterator(chunk_size=RELEASE_BATCH)
    ]
    # The order ballots arrived in is the order people answered in: it must not survive.
    secrets.SystemRandom().shuffle(opened)
    items: dict[str, dict[int, Item]] = {
        group: _answer_rules(campaign, group)[0] for group in (Group.STAFF, Group.PUPIL)
    }
    # Random ids, handed out in their sorted order: the rows (and their answers) are written in
    # the order of ids that say nothing, so each index of the responses and answers is walked
    # once from end to end instead of at a random place per row (at national size those
    # indexes are larger than PostgreSQL's buffers; bench/national_scale.py).
    prepare_id = Response._meta.pk.get_db_prep_value
    ids = [prepare_id(rid, connection, prepared=False) for rid in sorted(uuid.uuid4() for _ in opened)]
    bulk_insert(
        Response,
        ["id", "campaign_id", "unit_id", "group", "comment"],
        ((rid, campaign.pk, c.unit_id, c.group, c.comment) for rid, c in zip(ids, opened, strict=True)),
    )
    _answers_insert(
        (rid, [(pk, value) for pk, value in c.answers.items() if pk in items[c.group]])
        for rid, c in zip(ids, opened, strict=True)
    )
    Ballot.objects.filter(campaign=campaign).delete()
    return len(opened)


def _answers_insert(responses: Iterable[tuple[Any, list[tuple[int, int | None]]]]) -> None:
    """The released answers, (response id, [(item id, value), …]) per response. On PostgreSQL
    one COPY in its text format, its lines written a few hundred kB at a time: millions of
    answers through bulk_insert's row-by-row COPY cost 5 µs each in Python alone."""
    if connection.vendor != "postgresql":
        bulk_insert(
            Answer,
            ["response_id", "item_id", "value"],
            ((rid, pk, value) for rid, answers in responses for pk, value in answers),
        )
        return
    quote = connection.ops.quote_name
    column = {f.attname: str(f.column) for f in Answer._meta.concrete_fields}
    statement = "COPY {} ({}, {}, {}) FROM STDIN".format(
        quote(Answer._meta.db_table), *(quote(column[f]) for f in ("response_id", "item_id", "value"))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        lines: list[str] = []
        for rid, answers in responses:
            head = f"{rid}\t"
            lines += [f"{head}{pk}\t{'\\N' if value is None else value}\n" for pk, value in answers]
            if len(lines) >= 20_000:  # a few hundred kB a write, not one round trip per response
                copy.write("".join(lines))
                lines = []
        if lines:
            copy.write("".join(lines))


def _participations_reshuffle(campaign: Campaign) -> None:
    """Writes the campaign's participations again, in a random order. While the campaign was
    open, each one marked answered was written anew when its person answered, so where its row
    lay (PostgreSQL's ctid) and which transaction wrote it followed the order of answering: the
    same order the ballots arrived in. Now every row is written by this transaction, at a place
    that says nothing."""
    fields = [f.attname for f in Participation._meta.concrete_fields]
    rows = list(Participation.objects.filter(campaign=campaign).values_list(*fields))
    secrets.SystemRandom().shuffle(rows)
    Participation.objects.filter(campaign=campaign).delete()
    bulk_insert(Participation, fields, rows)


def storage_forget_order() -> None:
    """After closing: lets the database drop the old versions of rows that closing replaced or
    deleted (ballots, participations, drafts), which still carry the order of answering until
    the space is reclaimed. PostgreSQL: VACUUM the tables (which cannot run in a transaction; a
    test inside one skips it). SQLite: deleted content is already overwritten (secure_delete)
    and the write-ahead log is folded into the database file and truncated."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Ballot, Participation, Draft):
                cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def participation_for_token(token: str) -> Participation | None:
    """The participation of a link, with its sealed draft read in the same query (draft_read
    uses it): each page of the questionnaire needs both, and a round trip less a request
    counts when every teacher answers at once."""
    hashed = token_hash(token)
    # RawSQL and a slice rather than Subquery and first(): building those cost more CPU than
    # the round trip they save (bench/submission_costs.py). token_hash is unique in both tables.
    draft = RawSQL(f"SELECT sealed FROM {Draft._meta.db_table} WHERE token_hash = %s", [hashed])  # noqa: S611
    found = list(
        Participation.objects.select_related("campaign", "unit")
        .annotate(draft_sealed=draft)
        .filter(token_hash=hashed)[:1]
    )
    return found[0] if found else None


def box_size(campaign: Campaign, group: str = Group.STAFF) -> int:
    """The size of every sealed ballot and draft of the campaign's group (ballots.box_size)."""
    return selectors.frozen(
        campaign.framework_version_id,
        f"box-size-{group}",
        lambda: ballots.box_size(
            Item.objects.filter(
                version_id=campaign.framework_version_id, kind=ItemKind.INDICATOR, respondent=group
            ).count(),
            comment=group == Group.STAFF,
        ),
    )


_UNREAD = object()  # draft_read: the participation came without its draft


def draft_read(participation: Participation) -> ballots.Contents | None:
    """The person's saved answers, or None. A draft that no longer opens (the installation's
    secret changed) is treated as none: the person answers again rather than getting an error."""
    sealed: Any = getattr(participation, "draft_sealed", _UNREAD)
    if sealed is _UNREAD:
        sealed = (
            Draft.objects.filter(token_hash=participation.token_hash).values_list("sealed", flat=True).first()
        )
    if sealed is None:
        return None
    try:
        return ballots.open_draft(participation.campaign_id, participation.pk, sealed)
    except sealing.SealError:
        return None


def draft_save(
    *,
    participation: Participation,
    answers: Mapping[Any, Any],
    comment: str = "",
) -> ballots.Contents:
    """Adds this page's answers to the person's draft; an empty value takes an answer back."""
    campaign = participation.campaign
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(ERROR_NOT_OPEN)
    if participation.answered:
        raise ValidationError(ERROR_ALREADY_ANSWERED)
    clean = _clean_answers(campaign, Group.STAFF, answers)
    comment = _clean_comment(comment)
    with transaction.atomic():
        draft, _created = Draft.objects.select_for_update().get_or_create(
            token_hash=participation.token_hash, defaults={"sealed": b""}
        )
        contents = None
        if _created is False:
            try:
                contents = ballots.open_draft(campaign.pk, participation.pk, draft.sealed)
            except sealing.SealError:
                contents = None
        contents = contents or ballots.Contents(unit_id=participation.unit_id, group=Group.STAFF, answers={})
        contents.answers.update(clean)
        for key, value in answers.items():
            if value in (None, ""):
                contents.answers.pop(int(key), None)
        contents.comment = comment or contents.comment
        draft.sealed = ballots.seal_draft(campaign.pk, participation.pk, box_size(campaign), contents)
        draft.save()
    return contents


def response_submit(*, participation: Participation, answers: Mapping[Any, Any], comment: str = "") -> bool:
    """Puts the answers in the campaign's ballot box, once, and marks the person as answered.
    A second submit of the same token (a double click, a retry after a dropped connection)
    stores nothing and returns False; the first ballot stays as it was."""
    campaign = participation.campaign
    clean = _clean_answers(campaign, Group.STAFF, answers)
    comment = _clean_comment(comment)
    sealed = ballots.seal_ballot(
        campaign.pk,
        box_size(campaign),
        ballots.Contents(unit_id=participation.unit_id, group=Group.STAFF, answers=clean, comment=comment),
    )
    with transaction.atomic():
        # Exactly once: of concurrent submits of one token, only the first UPDATE finds the
        # participation unanswered; the others wait for its row lock and then find it answered
        # (and if the first rolls back, the next one takes its place).
        if not Participation.objects.filter(pk=participation.pk, answered=False).update(answered=True):
            return False
        if _campaign_status_locked(campaign.pk) != CampaignStatus.OPEN:
            raise ValidationError(ERROR_NOT_OPEN)  # and the UPDATE above is rolled back
        Ballot.objects.create(campaign=campaign, sealed=sealed)
        Draft.objects.filter(token_hash=participation.token_hash).delete()
    return True


def _campaign_status_locked(campaign_pk: int) -> str | None:
    """The campaign's status, read so that closing cannot pass a submission in between: on
    PostgreSQL a FOR KEY SHARE lock, which submissions share with each other but which waits
    for a closing in progress (FOR UPDATE), and which campaign_close in turn waits for; so a
    response is either in the results computed at closing or refused. (SQLite runs one
    writing transaction at a time.)"""
    if connection.vendor != "postgresql":
        return Campaign.objects.filter(pk=campaign_pk).values_list("status", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status FROM {Campaign._meta.db_table} WHERE id = %s FOR KEY SHARE", [campaign_pk]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def pupil_code_for(code: str) -> PupilCode | None:
    return (
        PupilCode.objects.select_related("campaign", "unit")
        .filter(code=(code or "").strip().upper().replace(" ", "").replace("-", ""))
        .first()
    )


def pupil_submit(*, code: PupilCode, answers: Mapping[Any, Any]) -> None:
    """Puts a pupil's answers in the ballot box, on one seat of the group's code."""
    campaign = code.campaign
    clean = _clean_answers(campaign, Group.PUPIL, answers)
    sealed = ballots.seal_ballot(
        campaign.pk,
        box_size(campaign, Group.PUPIL),
        ballots.Contents(unit_id=code.unit_id, group=Group.PUPIL, answers=clean),
    )
    with transaction.atomic():
        if _campaign_status_locked(campaign.pk) != CampaignStatus.OPEN:
            raise ValidationError(ERROR_NOT_OPEN)
        # One seat, claimed by an UPDATE on the code's row alone: concurrent submits wait for
        # its row lock, and PostgreSQL checks used < capacity again on the row they then find.
        # (A condition through a join made Django write a subquery, which PostgreSQL checked
        # against the row as it was before the wait: twelve pupils got in on a code for three.)
        if not PupilCode.objects.filter(pk=code.pk, used__lt=F("capacity")).update(used=F("used") + 1):
            raise ValidationError(ERROR_CODE_USED_UP)
        Ballot.objects.create(campaign=campaign, sealed=sealed)


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def pupil_code_create(
    *, actor: Person | None, campaign: Campaign, unit: Organisation, label: str, capacity: int
) -> PupilCode:
    with transaction.atomic():
        if not campaign.include_pupils:
            raise ValidationError(_("This self-assessment has no pupil questionnaire."))
        if not campaign.units.filter(unit=unit).exists():
            raise ValidationError(ERROR_UNITS)
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
            if not PupilCode.objects.filter(code=code).exists():
                break
        pupil_code = PupilCode(
            campaign=campaign, unit=unit, label=label.strip(), code=code, capacity=capacity
        )
        pupil_code.full_clean()
        pupil_code.save()
        audit_record(
            actor=actor,
            huvudman=campaign.huvudman,
            action="pupil_code.create",
            obj=pupil_code,
            object_label=f"{unit.name} {label}",
            after={"capacity": capacity},
        )
    return pupil_code


__all__ = [
    "ERROR_NOT_OPEN",
    "ERROR_ALREADY_ANSWERED",
    "ERROR_UNKNOWN_TOKEN",
    "ERROR_VALUE",
    "ERROR_ITEM",
    "ERROR_COMMENT_LONG",
    "ERROR_CODE_USED_UP",
    "ERROR_UNKNOWN_CODE",
    "ERROR_DATES",
    "ERROR_VERSION",
    "ERROR_UNITS",
    "ERROR_RATING_SUBMITTED",
    "ERROR_STALE",
    "ERROR_REASON",
    "STAFF_ROLES",
    "token_hash",
    "new_token",
    "campaign_items",
    "rating_for",
    "rating_save",
    "rating_reopen",
    "RETIRED_PREFIX",
    "PURGE_DAYS_DEFAULT",
    "PURGE_BATCH",
    "retired_token_hash",
    "PurgeResult",
    "assessment_data_purge",
    "campaign_create",
    "campaign_open",
    "participation_new_token",
    "campaign_close",
    "RELEASE_BATCH",
    "storage_forget_order",
    "participation_for_token",
    "box_size",
    "draft_read",
    "draft_save",
    "response_submit",
    "pupil_code_for",
    "pupil_submit",
    "CODE_ALPHABET",
    "pupil_code_create",
    "ValidationError",
]
