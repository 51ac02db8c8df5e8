"""YAML with line numbers: every mapping remembers the line it started on, so that a refused
file can say where each problem is."""

import yaml
from django.utils.translation import gettext_lazy as _

from digiplan.lib.uploads import LimitedYamlComposer

ERROR_TAB = _(
    "a tab character is used to indent here: YAML indents with spaces only. Replace the tabs with spaces."
)
ERROR_MAPPING_NOT_ALLOWED = _(
    "a colon where none can be: check the indentation, and put text that holds “: ” in quotation marks."
)
# PyYAML's problems, in English, for the mistakes people make writing a file by hand.
_PROBLEMS = {
    "found character '\\t' that cannot start any token": ERROR_TAB,
    "mapping values are not allowed here": ERROR_MAPPING_NOT_ALLOWED,
}


class Mapping(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class Sequence(list):
    line: int = 0


class _Loader(LimitedYamlComposer, yaml.SafeLoader):
    """Safe types only; nesting and alias expansion limited while the document is composed."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        if isinstance(key, str):
            result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader, node):
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
# Dates and other implicit types stay strings: a framework file holds text and numbers only.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp",)]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str):
    """The document; a yaml.MarkedYAMLError keeps its position, its problem in the reader's
    language where we know the problem."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        known = _PROBLEMS.get(error.problem or "")
        if known is not None:
            error.problem = str(known)
        raise


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True  # an export never uses the aliases an import limits


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
