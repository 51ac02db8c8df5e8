"""The sealed ballot box and sealed drafts of the staff and pupil questionnaires.

While a campaign is open, a submitted questionnaire is a Ballot: its unit, group, answers and
comment sealed (digiplan.lib.sealing) under a key of the campaign that the database does not hold,
padded to one size for the whole campaign. A reader of the database or a backup sees that a
ballot exists, and from the participation that a person has answered, but not what anyone
answered, nor even the unit or the length of a comment. When the campaign closes, every ballot is
opened, the ballots are shuffled and written as Responses in one transaction, and the box is
emptied (services.campaign_close). A draft is sealed the same way, bound to its participation.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from digiplan.assessments.models import COMMENT_MAX, Group
from digiplan.lib import sealing

BALLOT_PURPOSE = "digiplan.assessments.ballot"
DRAFT_PURPOSE = "digiplan.assessments.draft"
PROFILE_PURPOSE = "digiplan.assessments.profile"

# unit id, group, number of answers, comment length; then per answer item id and value.
_HEADER = struct.Struct(">QBHH")
_ANSWER = struct.Struct(">Qh")
_NO_VALUE = -32768  # "don't know" / "not applicable": an answer that never enters a mean
_GROUPS: dict[str, int] = {Group.STAFF: 1, Group.PUPIL: 2}
_GROUP_NAMES = {code: group for group, code in _GROUPS.items()}
_BLOCK = 1024


@dataclass
class Contents:
    unit_id: int
    group: str
    answers: dict[int, int | None]  # item pk → value, None for an answer that does not count
    comment: str = ""


def box_size(statements: int, *, comment: bool) -> int:
    """The one size of every sealed ballot (and draft) of one respondent group of a campaign
    whose group has this many statements: room for all of them answered and, for staff, the
    longest comment. Pupils' ballots are smaller; that they are pupils' shows anyway, from the
    code whose seat each one took."""
    largest = _HEADER.size + _ANSWER.size * statements + (4 * COMMENT_MAX if comment else 0)
    return _BLOCK * math.ceil((largest + sealing.LENGTH.size + 1) / _BLOCK)


def encode(contents: Contents) -> bytes:
    comment = contents.comment.encode()
    parts = [_HEADER.pack(contents.unit_id, _GROUPS[contents.group], len(contents.answers), len(comment))]
    parts += [
        _ANSWER.pack(item, _NO_VALUE if value is None else value)
        for item, value in sorted(contents.answers.items())
    ]
    parts.append(comment)
    return b"".join(parts)


def decode(data: bytes) -> Contents:
    unit_id, group, count, comment_length = _HEADER.unpack_from(data)
    offset = _HEADER.size
    answers: dict[int, int | None] = {}
    for _ in range(count):
        item, value = _ANSWER.unpack_from(data, offset)
        answers[item] = None if value == _NO_VALUE else value
        offset += _ANSWER.size
    comment = data[offset : offset + comment_length].decode()
    return Contents(unit_id=unit_id, group=_GROUP_NAMES[group], answers=answers, comment=comment)


def seal_ballot(campaign_id: int, size: int, contents: Contents) -> bytes:
    return sealing.seal(
        encode(contents), purpose=BALLOT_PURPOSE, context=f"campaign:{campaign_id}", size=size
    )


def open_ballot(campaign_id: int, sealed: bytes | memoryview) -> Contents:
    return decode(sealing.unseal(sealed, purpose=BALLOT_PURPOSE, context=f"campaign:{campaign_id}"))


def _draft_context(campaign_id: int, participation_id: int) -> str:
    return f"campaign:{campaign_id}:participation:{participation_id}"


def seal_draft(campaign_id: int, participation_id: int, size: int, contents: Contents) -> bytes:
    return sealing.seal(
        encode(contents),
        purpose=DRAFT_PURPOSE,
        context=_draft_context(campaign_id, participation_id),
        size=size,
    )


def open_draft(campaign_id: int, participation_id: int, sealed: bytes | memoryview) -> Contents:
    return decode(
        sealing.unseal(sealed, purpose=DRAFT_PURPOSE, context=_draft_context(campaign_id, participation_id))
    )
