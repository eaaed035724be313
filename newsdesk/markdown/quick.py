"""Python-Markdown, minus the work that cannot change a given text.

Python-Markdown tries every block processor on every block, every inline pattern on every piece
of text and every preprocessor and tree processor on every document, although most of them look
for a character the text does not have (a ``#`` for a heading, a ``>`` for a quote, a ``{`` for an
attribute list...).  It also sorts its registries again each time it walks one.
:func:`quicken` changes one Markdown instance (never the markdown module, never a class of it) so
that it skips those and sorts once.  The HTML is the same: ``tests/markdown/test_quick.py``
converts generated Markdown of every construct and the benchmark corpus both ways and compares.

Each shortcut is keyed by what it was worked out from, as :mod:`newsdesk.markdown.quick_tables` records
it for one version of Python-Markdown: a processor's or pattern's regular expression (and class),
and the source of each stock method an override here replaces or relies on (an override's
``stock`` names its entry).  Whatever is not listed or differs (another version, a method an
extension patched) is done as stock Python-Markdown does it: slower, never wrong.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import markdown as md
from markdown import htmlparser
from markdown.blockparser import BlockParser
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.md_in_html import HtmlBlockPreprocessor
from markdown.extensions.toc import TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor
from markdown.util import INLINE_PLACEHOLDER_PREFIX, STX, AtomicString, Registry

from newsdesk.markdown.quick_tables import (
    ATTR_LIST_RES,
    BLOCK_NEEDS,
    FENCED_BLOCK_RE,
    HTML_PARSER_STOPS,
    INLINE_NEEDS,
    UNESCAPE_RE,
    stock_unchanged,
)

# ---------------------------------------------------------------------------
# Registries sorted once
# ---------------------------------------------------------------------------


class _SortedOnce(Registry):  # type: ignore[type-arg]
    """A registry that keeps its sorted list of items until an item is registered or removed.

    The stock registry builds a new sorted list each time it is iterated, and the block parser
    iterates its processors once per block.  Iterating a list that is no longer current is what
    the stock registry does too, so a change during an iteration behaves the same.
    """

    stock: ClassVar[str] = "registry"  # its entry in quick_tables.STOCK_CODE

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


def _block_needs(processor: object) -> tuple[str, ...] | None:
    """The strings one of which a block ``processor`` takes contains; None when unknown."""
    cls = type(processor)
    known = BLOCK_NEEDS.get(f"{cls.__module__}.{cls.__qualname__}")
    if known is None:
        return None
    attribute, regex, needs = known
    return needs if getattr(getattr(processor, attribute, None), "pattern", None) == regex else None


class _QuickBlockParser(BlockParser):
    """Python-Markdown's block parser, not trying a processor on a block it cannot take."""

    stock: ClassVar[str] = "block parser"

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


class _QuickFencedCode(FencedBlockPreprocessor):
    """Fenced code blocks, not searched for in a document without a fence."""

    stock: ClassVar[str] = "fenced code"

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

    stock: ClassVar[str] = "md_in_html blocks"

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "<" not in text and "&" not in text:
            return lines
        return super().run(lines)


def _patterns(processor: object, *names: str) -> tuple[str | None, ...]:
    """The regular expressions (as written) of the named attributes of ``processor``."""
    return tuple(getattr(getattr(processor, name, None), "pattern", None) for name in names)


def _quicken_preprocessors(instance: md.Markdown) -> None:
    interesting = _patterns(getattr(htmlparser, "htmlparser", None), "interesting_normal")
    for processor in instance.preprocessors:
        kind = type(processor)
        if kind is FencedBlockPreprocessor and _patterns(processor, "FENCED_BLOCK_RE") == (FENCED_BLOCK_RE,):
            _become(processor, _QuickFencedCode)
        elif kind is HtmlBlockPreprocessor and interesting == (HTML_PARSER_STOPS,):
            _become(processor, _QuickHtmlBlocks)


# ---------------------------------------------------------------------------
# Inline patterns
# ---------------------------------------------------------------------------


def _needs(pattern: object) -> tuple[str, ...] | None:
    """The strings one of which a match of ``pattern`` contains; None when unknown."""
    regex = getattr(getattr(pattern, "compiled_re", None), "pattern", None)
    if not isinstance(regex, str):
        return None
    return INLINE_NEEDS.get(regex)


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline processor, skipping patterns that cannot match a piece of text.

    The stock processor runs every inline pattern's regex over every piece of text, even when the
    text holds none of the characters the pattern starts with: most of the time Markdown spends.
    """

    stock: ClassVar[str] = "inline processor"

    _quick_plan: _InlinePlan | None = None

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        plan = self._plan()
        if not plan.unknown and not self._may_change(tree, plan.triggers):
            # No pattern can match any text and there is no placeholder to expand: the stock
            # run would take each text out and put it back unchanged.
            self._leave_state_of_stock_run(tree, ancestors)
            return tree
        return super().run(tree, ancestors)

    def _leave_state_of_stock_run(self, tree: etree.Element, ancestors: list[str] | None) -> None:
        """Leave what the stock run leaves after a run that changes nothing (and nothing of the last
        document): no stashed nodes, this tree's parent map, the ancestors of the last element with
        children its breadth-first walk visits."""
        self.stashed_nodes = {}
        self.parent_map = {child: parent for parent in tree.iter() for child in parent}
        level = [(tree, [*(ancestors or ()), tree.tag.lower()])]
        while below := [(c, [*path, c.tag.lower()]) for element, path in level for c in element if len(c)]:
            level = below
        self.ancestors = level[-1][1]

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
    unknown: bool  # some pattern is not in INLINE_NEEDS, and is always tried

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
    pieces: list[str] = []
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


class _QuickAttrList(AttrListTreeprocessor):
    """Attribute lists (``{: .class}``), not looked for in a tree without a brace."""

    stock: ClassVar[str] = "attr_list"

    def run(self, doc: etree.Element) -> None:
        if "{" in _tree_text(doc):
            super().run(doc)


class _QuickUnescape(UnescapeTreeprocessor):
    """Backslash escapes restored, not looked for in a tree without an escape's placeholder."""

    stock: ClassVar[str] = "unescape"

    def run(self, root: etree.Element) -> None:
        if STX in _tree_text(root, attributes=True):
            super().run(root)


class _QuickToc(TocTreeprocessor):
    """The table of contents, whose marker (``[TOC]``) is not looked for in a tree without it.

    ``replace_marker`` replaces an element whose own text is the marker; it joins the text of
    every element of the article to find one.
    """

    stock: ClassVar[str] = "toc"

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self.marker in _tree_text(root):
            super().replace_marker(root, elem)


def _quicken_treeprocessors(instance: md.Markdown) -> None:
    for processor in instance.treeprocessors:
        kind = type(processor)
        if (
            kind is AttrListTreeprocessor
            and _patterns(processor, "HEADER_RE", "BLOCK_RE", "INLINE_RE") == ATTR_LIST_RES
        ):
            _become(processor, _QuickAttrList)
        elif kind is UnescapeTreeprocessor and _patterns(processor, "RE") == (UNESCAPE_RE,):
            _become(processor, _QuickUnescape)
        elif kind is TocTreeprocessor and isinstance(marker := getattr(processor, "marker", None), str) and marker:
            _become(processor, _QuickToc)


def _become(item: object, quick: type[Any]) -> bool:
    """Make ``item`` an instance of the override ``quick`` if the stock code it relies on is unchanged."""
    if not stock_unchanged(quick.stock):
        return False
    item.__class__ = quick
    return True


_OVERRIDES = (_QuickInline, _QuickFencedCode, _QuickHtmlBlocks, _QuickAttrList, _QuickUnescape, _QuickToc)


def shortcut_for(item: object) -> bool:
    """Whether a processor or pattern of a quickened instance has a shortcut (is ever skipped)."""
    return isinstance(item, _OVERRIDES) or _block_needs(item) is not None or _needs(item) is not None


def quicken(instance: md.Markdown) -> md.Markdown:
    """Make ``instance`` skip work that cannot change its output (this instance only)."""
    registries = [instance.preprocessors, instance.parser.blockprocessors, instance.inlinePatterns]
    registries += [instance.treeprocessors, instance.postprocessors]
    for processor in instance.treeprocessors:
        # The inline patterns, and smarty's own.
        if type(processor) is InlineProcessor and _become(processor, _QuickInline):
            registries.append(processor.inlinePatterns)
    for registry in registries:
        if type(registry) is Registry:
            _become(registry, _SortedOnce)
    if type(instance.parser) is BlockParser:
        _become(instance.parser, _QuickBlockParser)
    _quicken_preprocessors(instance)
    _quicken_treeprocessors(instance)
    return instance
