"""A framework file indented with tabs is refused in Swedish, with the line (issue 15, point 6)."""

import pytest

from digiplan.frameworks.exchange import FrameworkFileError, import_framework
from tests.assessment_helpers import INDICATORS

TABBED = INDICATORS.replace("\n  - slug: instamning-t", "\n\t- slug: instamning-t", 1)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.django_db
def test_a_tab_indent_is_refused_in_swedish_with_its_line():
    with pytest.raises(FrameworkFileError) as refused:
        import_framework(TABBED, huvudman=None, actor=None)
    ((line, message),) = refused.value.errors
    assert line == _line_of(TABBED, "\t- slug: instamning-t")
    assert message.startswith("Filen är inte giltig YAML: här används ett tabbtecken för indrag")
    assert "found character" not in message


@pytest.mark.django_db
def test_a_colon_inside_a_value_is_explained_in_swedish():
    text = INDICATORS.replace("name: Skattning (test)", "name: Skattning: test", 1)
    with pytest.raises(FrameworkFileError) as refused:
        import_framework(text, huvudman=None, actor=None)
    ((_line, message),) = refused.value.errors
    assert "ett kolon där inget kolon får stå" in message and "mapping values" not in message
