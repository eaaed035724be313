"""YAML parsing that keeps the file's own line numbers.

Front matter and ``site.yaml`` are both parsed here, with libyaml's
``CSafeLoader`` when it is available.  Errors come back as diagnostics whose
line numbers are the line numbers of the file, not of the YAML fragment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from newsdesk.errors import Diagnostic, error

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Loader(_Base):  # type: ignore[valid-type,misc]
    """The safe loader, minus YAML's own timestamps.

    YAML would turn ``2022-13-45`` into a crash inside the loader and
    ``2022-03-02`` into a naive date; dates stay text here and
    ``articles.py`` parses them with a message that names the field.
    """


def _without_timestamps(resolvers: dict[Any, list[tuple[str, Any]]]) -> dict[Any, list[tuple[str, Any]]]:
    return {first: [(tag, rx) for tag, rx in found if tag != _TIMESTAMP] for first, found in resolvers.items()}


Loader.yaml_implicit_resolvers = _without_timestamps(_Base.yaml_implicit_resolvers)


class Dumper(yaml.SafeDumper):
    """The safe dumper with the loader's resolvers, so ``2022-03-02`` is written as plain text
    and read back as the same text (not quoted, not a YAML date)."""


Dumper.yaml_implicit_resolvers = _without_timestamps(yaml.SafeDumper.yaml_implicit_resolvers)


Dumper.add_representer(
    list, lambda dumper, items: dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)
)

# YAML's line breaks besides \n and \r: PyYAML writes them raw in a plain or single-quoted
# scalar, where reading folds them into a space.  A double-quoted scalar escapes them (\N, \L, \P).
_BREAKS = ("\x85", "\u2028", "\u2029")


def _text(dumper: Dumper, value: str) -> yaml.ScalarNode:
    if any(c in value for c in _BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


Dumper.add_representer(str, _text)


def dump(mapping: Mapping[str, Any]) -> str:
    """YAML for a mapping, keys in the given order, Unicode as itself, one line per value."""
    text: str = yaml.dump(dict(mapping), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return text


class YamlProblem(Exception):
    """A YAML syntax error at a line (1-based, in the file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse(text: str, first_line: int = 1) -> Any:
    """Parse ``text``, whose first line is line ``first_line`` of its file."""
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_located(exc, text, first_line)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        line = first_line + text.count("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlProblem(
            line, f"invalid YAML: character U+{code:04X} is not allowed (expected printable text)"
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None


def _located(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[int, str]:
    """The file line and message of a YAML error.

    A problem found at the very end (an unclosed bracket or quote) is reported
    where the unclosed thing starts, which is where the editor must look.
    """
    mark, context = exc.problem_mark, exc.context_mark
    unclosed_flow = (exc.context or "").startswith("while parsing a flow")  # `[a, b` or `{a: 1` left open
    if mark is None or (context is not None and (unclosed_flow or mark.index >= len(text.rstrip()))):
        mark = context or mark
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.context_mark is not None and mark is not exc.context_mark:
        what += f" ({exc.context} from line {first_line + exc.context_mark.line})"
    hint = _hint(exc, text, mark)
    line = first_line + (mark.line if mark else 0)
    column = f" at column {mark.column + 1}" if mark else ""
    return line, f"invalid YAML{column}: {what}" + (f" ({hint})" if hint else "")


def _hint(exc: yaml.MarkedYAMLError, text: str, mark: yaml.Mark | None) -> str:
    """What an editor most likely meant, for libyaml's terse problems."""
    row = text.split("\n")[mark.line] if mark is not None and mark.line < text.count("\n") + 1 else ""
    problem, context = exc.problem or "", exc.context or ""
    if "\t" in row[: len(row) - len(row.lstrip())]:
        return "expected spaces, not tabs, for indentation"
    if "mapping values are not allowed" in problem:
        if row[:1].isspace():
            return "expected each key at the start of its line, not indented"
        return "expected quotes around a value that contains ': ', such as title: \"Kyiv: day 3\""
    if "quoted scalar" in context:
        return "expected a closing quote"
    return ""


def key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """Map each top-level key of a YAML mapping to its line in the file.

    Only called when something needs reporting, so the second parse costs
    nothing on a clean build.
    """
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    lines: dict[str, int] = {}
    for key, _value in node.value:
        if isinstance(key, yaml.ScalarNode):
            lines.setdefault(str(key.value), first_line + key.start_mark.line)
    return lines


def key_line(text: str, path: Sequence[str | int], first_line: int = 1) -> int | None:
    """The line in the file of the key at ``path`` in a YAML mapping, or None if there is none.

    ``path`` walks down from the top: a string is a mapping key, a number a list entry
    (``("corrections", 0, "dat")``); the line is that of the last key named (of the entry
    for a path that ends in a number).  Like :func:`key_lines`, only used for reporting.
    """
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, yaml.SequenceNode) or not 0 <= step < len(node.value):
                return None
            node = node.value[step]
            line = node.start_mark.line
            continue
        if not isinstance(node, yaml.MappingNode):
            return None
        found = next(
            (pair for pair in node.value if isinstance(pair[0], yaml.ScalarNode) and pair[0].value == step), None
        )
        if found is None:
            return None
        line, node = found[0].start_mark.line, found[1]
    return None if line is None else first_line + line


# A top-level ``key:`` at the start of a line: a cheap first look, so clean files are not parsed twice.
_TOP_KEY = re.compile(r"^([^\s#:][^:\n]*):(?:[ \t]|$)", re.M)


def duplicate_keys(display: str, text: str, first_line: int = 1) -> list[Diagnostic]:
    """Top-level keys given twice (YAML would silently keep the last one), reported at the repeat."""
    found = _TOP_KEY.findall(text)
    if len(found) == len(set(found)):
        return []
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    first: dict[str, int] = {}
    repeated: list[Diagnostic] = []
    for key, _value in node.value:
        if isinstance(key, yaml.ScalarNode):
            line = first_line + key.start_mark.line
            if key.value in first:
                message = f"{key.value}: given twice, first on line {first[key.value]} (expected each key once)"
                repeated.append(error(display, line, message))
            else:
                first[key.value] = line
    return repeated
