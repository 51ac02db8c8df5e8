"""The comparison built in the background (`manage.py db_worker`); operators run it nightly,
or `manage.py build_comparison` does the same at once."""

from django.tasks import task

from digiplan.comparison.services import comparison_build


@task
def build_comparison() -> int:
    """Build the national comparison anew; answers the number of figures stored."""
    return comparison_build().figure_count
