"""The public reports and the reports' start page. The public page needs no sign-in: its
address is the key; the pages that publish, list and withdraw are for strategists."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
ALL_200 = dict.fromkeys(PERSONAS, 200)
SIGNED_IN_200 = {**ALL_200, "anonymous": LOGIN}
STRATEGISTS_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 200,
}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}


def _published(world):
    from digiplan.organisations.models import Organisation, OrganisationType
    from digiplan.reports.public import public_report_publish
    from tests.views.expected_results import _closed_campaign

    campaign = _closed_campaign(world)
    return public_report_publish(
        actor=world.strategist,
        huvudman=world.huvudman,
        units=Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET),
        school_year=campaign.school_year,
        title="Uppföljning",
    )


EXPECTED = {
    "report_list": (None, SIGNED_IN_200),
    "public_report_list": (lambda w: (_published(w), {})[1], STRATEGISTS_ONLY),
    "public_report_create": (None, POST_ONLY),
    "public_report_withdraw": (lambda w: {"pk": _published(w).pk}, POST_ONLY),
    "public_report": (lambda w: {"token": _published(w).token}, ALL_200),
    "public_report_pdf": (lambda w: {"token": _published(w).token}, ALL_200),
}
