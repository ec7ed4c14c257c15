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
_STR_TAG = "tag:yaml.org,2002:str"


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings carry the 1-based line they start on under LINE_KEY, and each key's line
    under KEY_LINES."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A plain text is most of any knowledge file, and PyYAML would build it as its own value after
        # several checks and look-ups; the value is the same: spare large files that work.
        if node.__class__ is yaml.ScalarNode and node.tag == _STR_TAG:
            return node.value
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
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=True)
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
