from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from digiplan.organisations import access, hooks, selectors


@login_required
def home(request):
    panels = hooks.panels_for(request.user)
    has_work = any(panel.work for panel in panels)
    return render(
        request,
        "home.html",
        {
            "memberships": selectors.own_memberships(request.user),
            "is_strategist": access.is_strategist(request.user),
            "unit_count": selectors.active_unit_count(request.user),
            "panels": panels,
            "has_work": has_work,
            # Asked only when there is nothing to do: what happens next, and when.
            "next_date": None if has_work else hooks.next_date_for(request.user),
        },
    )
