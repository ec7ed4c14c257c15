"""Safe YAML loading that remembers line numbers, so every content error can name file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .documents import read_text
from .errors import ContentError
from .mappings import KEY_LINES, LINE_KEY

try:  # the C loader is several times faster; fall back to pure Python where it is missing
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _plain_texts(node: yaml.SequenceNode) -> bool:
    """Whether every item of a list is a text (quoted or not) that PyYAML would take as it is."""
    return all(item.__class__ is yaml.ScalarNode and item.tag == _STR_TAG for item in node.value)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings carry the 1-based line they start on under LINE_KEY, and each key's line
    under KEY_LINES."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A plain text is most of any knowledge file, and PyYAML would build it as its own value after
        # several checks and look-ups; the value is the same: spare large files that work.
        if node.__class__ is yaml.ScalarNode and node.tag == _STR_TAG:
            return node.value
        # So is a list of plain texts (an intent's questions and cites), which PyYAML builds through a
        # generator. Kept by node as PyYAML does, so that an alias shares the list instead of copying it.
        if node.__class__ is yaml.SequenceNode and node.tag == _SEQ_TAG and _plain_texts(node):
            texts = self.constructed_objects.get(node)
            if texts is None:
                texts = self.constructed_objects[node] = [item.value for item in node.value]
            return texts
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        key_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *base` is merged (and may be overridden) by PyYAML itself
                continue
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict | set):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain word, not a list or mapping", key_node.start_mark
                )
            if key in key_lines:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            key_lines[key] = key_node.start_mark.line + 1
        mapping: dict[Any, Any]
        if len(key_lines) == len(node.value) and all(key_node.tag != _VALUE_TAG for key_node, _ in node.value):
            # no `<<` or `=` key for PyYAML to resolve: the values of the keys just built, as PyYAML would pair them
            pairs = zip(key_lines, node.value, strict=True)
            mapping = {key: self.construct_object(value, deep=True) for key, (_, value) in pairs}
        else:
            mapping = super().construct_mapping(node, deep=True)
        mapping[LINE_KEY] = node.start_mark.line + 1
        mapping[KEY_LINES] = key_lines
        return mapping


# YAML 1.1 reads yes/no/on/off as booleans, which silently breaks word lists ("on" as a stop word).
# Like YAML 1.2, only true and false are booleans here.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_TRUE_FALSE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_LineLoader.add_implicit_resolver(_BOOL_TAG, _TRUE_FALSE, list("tTfF"))


def load_yaml(path: Path) -> Any:
    """Parse one YAML file safely; any syntax problem becomes a ContentError with its line."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_LineLoader)  # _LineLoader derives from SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise ContentError(str(path), line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ContentError(str(path), None, f"invalid YAML: {error}") from None
    except RecursionError:
        raise ContentError(str(path), None, "invalid YAML: nested too deeply") from None
