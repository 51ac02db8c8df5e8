"""The coverage page: a huvudman's framework version held against a national or European
reference. Everyone who may read the version may read its coverage; a draft only its editors."""

from tests.framework_helpers import build_frameworks
from tests.views.matrix import LOGIN, READS, Route, answers

HUVUDMAN_READERS = answers(200, anonymous=LOGIN, other_strategist=404)

EXPECTED = {
    "version_coverage": Route(
        kwargs=lambda w: {"pk": build_frameworks(w).published.pk}, get=HUVUDMAN_READERS, post=READS
    ),
}
