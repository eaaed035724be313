"""Python-Markdown, minus the work that cannot change a given text.

Python-Markdown tries every block processor on every block, every inline pattern on every piece
of text and every preprocessor and tree processor on every document, although most of them look
for a character the text does not have (a ``#`` for a heading, a ``>`` for a quote, a ``{`` for an
attribute list...).  It also sorts its registries again each time it walks one.
:func:`quicken` changes one Markdown instance (never the markdown module, never a class of it) so
that it skips those and sorts once.  The HTML is the same: ``tests/test_quick_markdown.py``
converts generated Markdown of every construct and the benchmark corpus both ways and compares.

Each shortcut is keyed by the regular expression it was worked out from, exactly as written in
the installed Python-Markdown (and by the processor's class).  A processor or pattern that is not
listed, or whose regular expression differs (another version of Python-Markdown), is tried as
stock Python-Markdown would try it: another version is slower, never wrong.  Two shortcuts have
no regular expression to key them: the table of contents' marker (plain text) and the inline
processor's private methods (checked by name).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import markdown as md
from markdown import htmlparser
from markdown.blockparser import BlockParser
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.md_in_html import HtmlBlockPreprocessor
from markdown.extensions.toc import TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor
from markdown.util import ETX, INLINE_PLACEHOLDER_PREFIX, STX, AtomicString, Registry

# ---------------------------------------------------------------------------
# Registries sorted once
# ---------------------------------------------------------------------------


class _SortedOnce(Registry):  # type: ignore[type-arg]
    """A registry that keeps its sorted list of items until an item is registered or removed.

    The stock registry builds a new sorted list each time it is iterated, and the block parser
    iterates its processors once per block.  Iterating a list that is no longer current is what
    the stock registry does too, so a change during an iteration behaves the same.
    """

    _sorted: list[Any] | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.in_order())

    def in_order(self) -> list[Any]:
        """The items, highest priority first (the same list object until the registry changes)."""
        if self._sorted is None:
            self._sorted = list(super().__iter__())
        return self._sorted

    def register(self, item: Any, name: str, priority: float) -> None:
        self._sorted = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._sorted = None
        super().deregister(name, strict)


def _in_order(registry: Registry) -> list[Any]:  # type: ignore[type-arg]
    """The items of ``registry``, highest priority first: the same list until it changes, if it can tell."""
    return registry.in_order() if isinstance(registry, _SortedOnce) else list(registry)


# ---------------------------------------------------------------------------
# Block processors
# ---------------------------------------------------------------------------

# What a block must contain for a block processor to take it, by the processor's class: the
# attribute holding the regular expression its ``test`` (or, where ``test`` is always true and
# ``run`` declines, its ``run``) searches with, that expression in the installed version, and
# strings one of which the block contains whenever the processor takes it.  Processors whose test
# is a cheap ``startswith`` or anchored match (empty, indent, code, lists, paragraph) are left out.
_BLOCK_NEEDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # A table's header row has a pipe: its cells are split at pipes, or it has a border.
    "markdown.extensions.tables.TableProcessor": ("RE_CODE_PIPES", r"(?:(\\\\)|(\\`+)|(`+)|(\\\|)|(\|))", ("|",)),
    "markdown.blockprocessors.HashHeaderProcessor": (
        "RE",
        r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
        ("#",),
    ),
    # The first line, a newline, then a run of = or -.
    "markdown.blockprocessors.SetextHeaderProcessor": ("RE", r"^.*?\n(?:=+|-+)[ ]*(\n|$)", ("\n=", "\n-")),
    # Three or more of one of - _ *, at most two spaces apart: so two of them are adjacent, or
    # one or two spaces apart.
    "markdown.blockprocessors.HRProcessor": (
        "SEARCH_RE",
        r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)[ ]*$",
        tuple(mark + gap + mark for mark in "-_*" for gap in ("", " ", "  ")),
    ),
    "markdown.extensions.def_list.DefListProcessor": ("RE", r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", (": ",)),
    "markdown.blockprocessors.BlockQuoteProcessor": ("RE", r"(^|\n)[ ]{0,3}>[ ]?(.*)", (">",)),
    "markdown.extensions.footnotes.FootnoteBlockProcessor": ("RE", r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", ("[^",)),
    "markdown.extensions.abbr.AbbrBlockprocessor": (
        "RE",
        r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$",
        ("*[",),
    ),
    "markdown.blockprocessors.ReferenceProcessor": (
        "RE",
        r"""^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
        ("]:",),
    ),
}


def _block_needs(processor: object) -> tuple[str, ...] | None:
    """The strings one of which a block ``processor`` takes contains; None when unknown."""
    cls = type(processor)
    known = _BLOCK_NEEDS.get(f"{cls.__module__}.{cls.__qualname__}")
    if known is None:
        return None
    attribute, regex, needs = known
    return needs if getattr(getattr(processor, attribute, None), "pattern", None) == regex else None


class _QuickBlockParser(BlockParser):
    """Python-Markdown's block parser, not trying a processor on a block it cannot take."""

    _quick_plan: tuple[list[Any], list[tuple[Any, tuple[str, ...] | None]]] | None = None

    def parseBlocks(self, parent: etree.Element, blocks: list[str]) -> None:
        while blocks:
            for processor, needs in self._plan():
                if needs:
                    block = blocks[0]
                    for needle in needs:
                        if needle in block:
                            break
                    else:  # none of them: the processor would decline this block
                        continue
                # The stock loop: the first processor whose test passes and whose run does not
                # decline (return False) takes the block.
                if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                    break

    def _plan(self) -> list[tuple[Any, tuple[str, ...] | None]]:
        """Each block processor in order, with the strings one of which a block it takes contains."""
        processors = _in_order(self.blockprocessors)
        if self._quick_plan is None or self._quick_plan[0] is not processors:
            self._quick_plan = (processors, [(p, _block_needs(p)) for p in processors])
        return self._quick_plan[1]


# ---------------------------------------------------------------------------
# Preprocessors
# ---------------------------------------------------------------------------

_FENCED_BLOCK_RE = (
    "\n"
    "(?P<fence>^(?:~{3,}|`{3,}))[ ]*                          # opening fence\n"
    "((\\{(?P<attrs>[^\\n]*)\\})|                                # (optional {attrs} or\n"
    "(\\.?(?P<lang>[\\w#.+-]*)[ ]*)?                            # optional (.)lang\n"
    "(hl_lines=(?P<quot>\"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?) # optional hl_lines)\n"
    "\\n                                                       # newline (end of opening fence)\n"
    "(?P<code>.*?)(?<=\\n)                                     # the code block\n"
    "(?P=fence)[ ]*$                                          # closing fence\n"
)


class _QuickFencedCode(FencedBlockPreprocessor):
    """Fenced code blocks, not searched for in a document without a fence."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "```" not in text and "~~~" not in text:
            return lines  # the stock run would split the text it joined: the same lines
        return super().run(lines)


class _QuickHtmlBlocks(HtmlBlockPreprocessor):
    """Raw HTML blocks (md_in_html), not parsed for in a document without ``<`` or ``&``.

    Python-Markdown's HTML parser only stops at those two characters (its ``interesting_normal``);
    everywhere else it hands the text back as it was.
    """

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "<" not in text and "&" not in text:
            return lines
        return super().run(lines)


def _quicken_preprocessors(instance: md.Markdown) -> None:
    # Where the HTML parser stops (with convert_charrefs off, as Python-Markdown runs it).
    interesting = getattr(getattr(htmlparser.htmlparser, "interesting_normal", None), "pattern", None)
    for processor in instance.preprocessors:
        kind = type(processor)
        if kind is FencedBlockPreprocessor and processor.FENCED_BLOCK_RE.pattern == _FENCED_BLOCK_RE:
            processor.__class__ = _QuickFencedCode
        elif kind is HtmlBlockPreprocessor and interesting == "[&<]":
            processor.__class__ = _QuickHtmlBlocks


# ---------------------------------------------------------------------------
# Inline patterns
# ---------------------------------------------------------------------------

# What an inline pattern's match must contain, by the pattern's regular expression (those of
# EXTENSIONS in Python-Markdown 3.x): a pattern none of whose strings occurs in a piece of text
# cannot match anywhere in it.  Lookbehinds and lookaheads only narrow a match, so they are left
# out; a pattern not listed here (another version's regex) is always tried.
_NEEDS: dict[str, tuple[str, ...]] = {
    "(?:(?<!\\\\)((?:\\\\{2})+)(?=`+)|(?<!\\\\)`)": ("`",),  # backtick
    "\\\\(.)": ("\\",),  # escape
    "\\[\\^([^\\]]*)\\]": ("[^",),  # footnote
    "(?<!\\!)\\[": ("[",),  # reference
    "\\!\\[": ("![",),  # image_link
    "<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink
    "<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    "  \\n": ("  \n",),  # linebreak
    "(&(?:\\#[0-9]+|\\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    "\\*|_": ("*", "_"),  # em_strong
    # html (smarty's strict version): a tag, a comment, a processing instruction or CDATA
    (
        '(<(\\/?+[a-zA-Z][^\\s"\'<>@]*+(?:\\s+[^\\s"\'=<>]++(?:\\s*+=\\s*+(?:"[^"]*+"|\''
        "[^']*+'|[^\\s\"'=<>]++))?+)*+\\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?"
        "]|[?]>).)*[?]|!\\[CDATA\\[(?:(?!<!\\[CDATA\\[|\\]\\]>).)*\\]\\])>)"
    ): ("<",),
    "(?<!-)---(?!-)": ("---",),  # smarty-em-dashes
    "(?<!\\.)\\.{3}(?!\\.)": ("...",),  # smarty-ellipses
    "(?<!-)--(?!-)": ("--",),  # smarty-en-dashes
    "^'(?=[!\"#\\$\\%'()*+,-.\\/:;<=>?\\@\\[\\\\\\]\\^_`{|}~]\\B)": ("'",),  # smarty-quotes-0
    '^"(?=[!"#\\$\\%\'()*+,-.\\/:;<=>?\\@\\[\\\\\\]\\^_`{|}~]\\B)': ('"',),  # smarty-quotes-1
    "\"'(?=\\w)": ("\"'",),  # smarty-quotes-2
    "'\"(?=\\w)": ("'\"",),  # smarty-quotes-3
    "(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])\\'\"": ("'\"",),  # smarty-quotes-4
    "(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])\\\"'": ("\"'",),  # smarty-quotes-5
    "(?<!\\w)'(?=\\d{2}s)": ("'",),  # smarty-quotes-6
    "(\\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)'(?=\\w)": ("'",),  # smarty-quotes-7
    "(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])'(?!\\s|s\\b|\\d)": ("'",),  # smarty-quotes-8
    "'(\\s|s\\b)": ("'",),  # smarty-quotes-9
    "'": ("'",),  # smarty-quotes-10
    '(\\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"(?=\\w)': ('"',),  # smarty-quotes-11
    '"(?=\\s)': ('"',),  # smarty-quotes-12
    '(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])"': ('"',),  # smarty-quotes-13
    '"': ('"',),  # smarty-quotes-14
}


def _needs(pattern: object) -> tuple[str, ...] | None:
    """The strings one of which a match of ``pattern`` contains; None when unknown."""
    regex = getattr(getattr(pattern, "compiled_re", None), "pattern", None)
    if not isinstance(regex, str):
        return None
    return _NEEDS.get(regex)


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline processor, skipping patterns that cannot match a piece of text.

    The stock processor runs every inline pattern's regex over every piece of text of an
    article, even when the text holds none of the characters the pattern starts with: that is
    most of the time Markdown spends.
    """

    _quick_plan: _InlinePlan | None = None

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        plan = self._plan()
        if not plan.unknown and not self._may_change(tree, plan.triggers):
            # No pattern can match any text and there is no placeholder to expand: the stock
            # run would take each text out and put it back unchanged.
            self.stashed_nodes = {}
            return tree
        return super().run(tree, ancestors)

    @staticmethod
    def _may_change(tree: etree.Element, triggers: list[tuple[int, str]]) -> bool:
        """Whether any text or tail in ``tree`` holds a string some pattern needs, or a placeholder."""
        text = _tree_text(tree)
        return bool(_present(text, triggers)) or INLINE_PLACEHOLDER_PREFIX in text

    def _InlineProcessor__processPlaceholders(
        self, data: str | None, parent: etree.Element, isText: bool = True
    ) -> list[tuple[etree.Element, list[str]]]:
        if not data or INLINE_PLACEHOLDER_PREFIX in data:
            return super()._InlineProcessor__processPlaceholders(data, parent, isText)  # type: ignore[misc,no-any-return]
        # No placeholder: the stock loop would only add the text to the parent's text (or tail).
        if isText:
            parent.text = parent.text + data if parent.text else data
        else:
            parent.tail = parent.tail + data if parent.tail else data
        return []

    def _InlineProcessor__handleInline(self, data: str, index: int = 0) -> str:
        if isinstance(data, AtomicString):
            return data
        plan = self._quick_plan or self._plan()  # checked against the registry by run
        patterns, masks, triggers = plan.patterns, plan.masks, plan.triggers
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        present = _present(data, triggers) | _ALWAYS
        count = len(patterns)
        start = 0
        while index < count:
            if not masks[index] & present:
                index, start = index + 1, 0
                continue
            data, matched, start = apply(patterns[index], data, index, start)
            if matched:
                present = _present(data, triggers) | _ALWAYS
            else:
                index += 1
        return data

    def _plan(self) -> _InlinePlan:
        patterns = _in_order(self.inlinePatterns)
        plan = self._quick_plan
        if plan is None or plan.patterns is not patterns:
            plan = self._quick_plan = _InlinePlan.of(patterns)
        return plan


_ALWAYS = 1  # the bit of a pattern whose needs are unknown: every text has it


@dataclass(frozen=True)
class _InlinePlan:
    """The inline patterns in order; for each, a bit mask of the strings one of which its match
    contains; and each string with its bit."""

    patterns: list[Any]
    masks: list[int]
    triggers: list[tuple[int, str]]
    unknown: bool  # some pattern is not in _NEEDS, and is always tried

    @classmethod
    def of(cls, patterns: list[Any]) -> _InlinePlan:
        wanted = [_needs(p) for p in patterns]
        strings = sorted({s for found in wanted if found is not None for s in found})
        bits = {string: _ALWAYS << n for n, string in enumerate(strings, 1)}
        masks = [_ALWAYS if found is None else sum(bits[s] for s in found) for found in wanted]
        return cls(patterns, masks, [(bit, s) for s, bit in bits.items()], None in wanted)


def _present(data: str, triggers: list[tuple[int, str]]) -> int:
    """The bits of the strings that occur in ``data``."""
    found = 0
    for bit, string in triggers:
        if string in data:
            found |= bit
    return found


def _tree_text(tree: etree.Element, attributes: bool = False) -> str:
    """Every text and tail in ``tree`` (and attribute value, if asked), run together."""
    pieces = []
    add = pieces.append
    for element in tree.iter():
        if element.text:
            add(element.text)
        if element.tail:
            add(element.tail)
        if attributes and element.attrib:
            pieces += [value for value in element.attrib.values() if value]
    return "".join(pieces)


# ---------------------------------------------------------------------------
# Tree processors
# ---------------------------------------------------------------------------

# attr_list's expressions: each matches a brace.
_ATTR_LIST_RES = (
    r"[ ]+\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$",  # HEADER_RE
    r"\n[ ]*\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$",  # BLOCK_RE
    r"^\{\:?[ ]*([^\}\n ][^\n]*)\}",  # INLINE_RE
)
_UNESCAPE_RE = f"{STX}(\\d+){ETX}"


class _QuickAttrList(AttrListTreeprocessor):
    """Attribute lists (``{: .class}``), not looked for in a tree without a brace."""

    def run(self, doc: etree.Element) -> None:
        if "{" in _tree_text(doc):
            super().run(doc)


class _QuickUnescape(UnescapeTreeprocessor):
    """Backslash escapes restored, not looked for in a tree without an escape's placeholder."""

    def run(self, root: etree.Element) -> None:
        if STX in _tree_text(root, attributes=True):
            super().run(root)


class _QuickToc(TocTreeprocessor):
    """The table of contents, whose marker (``[TOC]``) is not looked for in a tree without it.

    ``replace_marker`` replaces an element whose own text is the marker; it joins the text of
    every element of the article to find one.
    """

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self.marker in _tree_text(root):
            super().replace_marker(root, elem)


def _patterns(processor: object, *names: str) -> tuple[str | None, ...]:
    """The regular expressions (as written) of the named attributes of ``processor``."""
    return tuple(getattr(getattr(processor, name, None), "pattern", None) for name in names)


def _quicken_treeprocessors(instance: md.Markdown) -> None:
    for processor in instance.treeprocessors:
        kind = type(processor)
        if (
            kind is AttrListTreeprocessor
            and _patterns(processor, "HEADER_RE", "BLOCK_RE", "INLINE_RE") == _ATTR_LIST_RES
        ):
            processor.__class__ = _QuickAttrList
        elif kind is UnescapeTreeprocessor and _patterns(processor, "RE") == (_UNESCAPE_RE,):
            processor.__class__ = _QuickUnescape
        elif kind is TocTreeprocessor and isinstance(processor.marker, str) and processor.marker:
            processor.__class__ = _QuickToc


# ---------------------------------------------------------------------------


# The private methods of InlineProcessor that _QuickInline replaces or calls.
_INLINE_PRIVATES = (
    "_InlineProcessor__handleInline",
    "_InlineProcessor__applyPattern",
    "_InlineProcessor__processPlaceholders",
)


def shortcut_for(item: object) -> bool:
    """Whether a processor or pattern of a quickened instance has a shortcut (is ever skipped)."""
    quick = (_QuickInline, _QuickFencedCode, _QuickHtmlBlocks, _QuickAttrList, _QuickUnescape, _QuickToc)
    return isinstance(item, quick) or _block_needs(item) is not None or _needs(item) is not None


def quicken(instance: md.Markdown) -> md.Markdown:
    """Make ``instance`` skip work that cannot change its output (this instance only)."""
    registries = [
        instance.preprocessors,
        instance.parser.blockprocessors,
        instance.inlinePatterns,
        instance.treeprocessors,
        instance.postprocessors,
    ]
    for processor in instance.treeprocessors:
        # The inline patterns, and smarty's own.
        if type(processor) is InlineProcessor and all(hasattr(processor, name) for name in _INLINE_PRIVATES):
            processor.__class__ = _QuickInline
            registries.append(processor.inlinePatterns)
    for registry in registries:
        if type(registry) is Registry:
            registry.__class__ = _SortedOnce
    if type(instance.parser) is BlockParser:
        instance.parser.__class__ = _QuickBlockParser
    _quicken_preprocessors(instance)
    _quicken_treeprocessors(instance)
    return instance
