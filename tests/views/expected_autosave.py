"""Saving each answer as it is given: the same keys as the questionnaire pages (expected_answering).
By personal link every visitor holding it saves; signed in, only the participation's owner."""

from digiplan.accounts.models import KnownCode
from digiplan.assessments.models import Draft
from tests.conftest import PERSONAS
from tests.views.expected_answering import _first_page, _staff_participation, _token
from tests.views.matrix import ALL_200, LOGIN, POST_ONLY, Post, Route, answers

EXPECTED = {
    "autosave_token": Route(
        kwargs=_token,
        get=answers(405),
        post=Post(ALL_200, _first_page, writers=PERSONAS, rows={Draft: 1, KnownCode: 1}),
    ),
    "autosave_participation": Route(
        kwargs=lambda w: {"pk": _staff_participation(w).pk},
        get=POST_ONLY,
        post=Post(answers(404, anonymous=LOGIN, staff=200), _first_page, writers=("staff",), rows={Draft: 1}),
    ),
}
