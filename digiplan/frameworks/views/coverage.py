"""A plan held against a national or European reference: which goals it covers, and the holes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from digiplan.frameworks import access, coverage
from digiplan.frameworks.standing import with_standing


@login_required
def version_coverage(request, pk: int):
    version, _can_edit = access.get_version(request.user, pk)
    references = [v for v in coverage.reference_versions() if v.framework_id != version.framework_id]
    chosen = next((v for v in references if str(v.framework_id) == request.GET.get("mot")), None)
    reference = chosen or (references[0] if references else None)
    return render(
        request,
        "frameworks/coverage.html",
        {
            "version": version,
            "framework": version.framework,
            "choices": [(v, with_standing(v.framework.name, v.framework, v)) for v in references],
            "reference": reference,
            "coverage": coverage.coverage(version, reference) if reference else None,
        },
    )
