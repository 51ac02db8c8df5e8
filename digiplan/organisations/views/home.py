from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from digiplan.organisations import access, hooks, selectors


@login_required
def home(request):
    return render(
        request,
        "home.html",
        {
            "memberships": selectors.own_memberships(request.user),
            "is_strategist": access.is_strategist(request.user),
            "unit_count": selectors.active_unit_count(request.user),
            "panels": hooks.panels_for(request.user),
        },
    )
