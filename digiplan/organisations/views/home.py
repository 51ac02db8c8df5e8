from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from digiplan.organisations import access
from digiplan.organisations.models import OrganisationType


@login_required
def home(request):
    memberships = access.memberships_of(request.user).order_by("organisation__path")
    reach = access.reachable_nodes(request.user).filter(is_active=True)
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "is_strategist": access.is_strategist(request.user),
            "unit_count": reach.filter(type=OrganisationType.SKOLENHET).count(),
        },
    )
