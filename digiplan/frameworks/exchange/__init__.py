"""The framework file format (docs/framework-format.md): a whole framework version as YAML.
export_framework → import_framework → export_framework gives the same text.

The modules: format (the keys, patterns and limits of the format), parsing (reading a file and
checking every part of it), importing (writing a checked file as a version), exporting. Other
code imports from this package, not from its modules."""

from digiplan.frameworks.exchange.exporting import export_framework
from digiplan.frameworks.exchange.format import (
    FORMAT,
    ITEM_KEYS,
    LANGUAGES,
    LEVEL_KEYS,
    MAX_FILE_BYTES,
    RESPONSIBILITY_KEYS,
    SCALE_KEYS,
    TARGET_KEYS,
    TEXT_MAX,
    TOP_KEYS,
    TRANSLATION_KEYS,
    FrameworkFileError,
)
from digiplan.frameworks.exchange.importing import ERROR_DRAFT_IN_THE_WAY, DraftInTheWay, import_framework
from digiplan.frameworks.exchange.parsing import parse

__all__ = [
    "ERROR_DRAFT_IN_THE_WAY",
    "DraftInTheWay",
    "FORMAT",
    "ITEM_KEYS",
    "LANGUAGES",
    "LEVEL_KEYS",
    "MAX_FILE_BYTES",
    "RESPONSIBILITY_KEYS",
    "SCALE_KEYS",
    "TARGET_KEYS",
    "TEXT_MAX",
    "TOP_KEYS",
    "TRANSLATION_KEYS",
    "FrameworkFileError",
    "export_framework",
    "import_framework",
    "parse",
]
