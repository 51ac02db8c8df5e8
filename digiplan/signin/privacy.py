"""What sign-in keeps about a person: the identities once matched to them (issuer and subject).
They go into the person's file; erasure deletes them with the person's row (on_delete CASCADE)
and here already, so an erased person cannot be found again by their school identity."""

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiplan.privacy.registry import PersonalData
from digiplan.signin.mfa import recovery_codes_left, totp_device
from digiplan.signin.models import ExternalIdentity


def signin_export(person) -> dict:
    identities = ExternalIdentity.objects.filter(person=person).order_by("issuer", "subject")
    return {
        "school_identities": [
            {"issuer": i.issuer, "subject": i.subject, "linked_on": i.created_on.isoformat()}
            for i in identities
        ],
        # Whether the person has a second factor; never its secret nor the recovery codes.
        "second_factor": {
            "authenticator_app": totp_device(person) is not None,
            "recovery_codes_left": recovery_codes_left(person),
        },
    }


def signin_unlink(*, person, label) -> dict:
    deleted, _ = ExternalIdentity.objects.filter(person=person).delete()
    # The second factor's secret and recovery codes go too, whether or not the row stays.
    totp, _ = TOTPDevice.objects.filter(user=person).delete()
    static, _ = StaticDevice.objects.filter(user=person).delete()
    return {
        "signin.externalidentity": deleted,
        "otp_totp.totpdevice": totp,
        "otp_static.staticdevice": static,
    }


PART = PersonalData(
    app="signin",
    export=signin_export,
    shown_links=frozenset(
        {
            ("signin.externalidentity", "person"),
            ("otp_totp.totpdevice", "user"),
            ("otp_static.staticdevice", "user"),
        }
    ),
    unlink=signin_unlink,
)
