"""Quick conversion (newsdesk.markdown.quick) writes exactly the HTML stock Python-Markdown writes.

Each test converts the same Markdown with ``Converter(quick=True)`` and ``Converter(quick=False)``
(stock Python-Markdown with the same extensions) and compares everything a conversion returns.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown as md
import pytest
from conftest import skip_or_fail
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor, HashHeaderProcessor
from markdown.inlinepatterns import DelimiterProcessor, SimpleTagInlineProcessor
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

from newsdesk.markdown import quick as quick_markdown
from newsdesk.markdown.convert import EXTENSIONS, Converter, markdown_instance
from newsdesk.markdown.quick import shortcut_for
from newsdesk.markdown.quick_tables import STOCK_CODE, WRITTEN_FOR, stock_drift

# Everything Markdown, its extensions and smarty treat specially, plus Unicode that must pass untouched.
TRICKY = "#>*_-+.=:~|`\\[](){}!<>&;\"'1234567890abcxyz ABC “”‘’—–…\u00a0Київ"


def converts_alike(*sources: str) -> None:
    """Both converters, one after another on each source (so reset() is part of the comparison)."""
    quick, stock = Converter(quick=True), Converter(quick=False)
    for source in sources:
        assert quick.convert(source) == stock.convert(source), source


# Lines that open lists, quotes, headings, code, tables, footnotes, definitions and
# abbreviations, and the inline marks between them.
BLOCK_STARTS = ["", "", "", "# ", "## ", "### ", "> ", "- ", "* ", "1. ", "    ", "```", ": ", "[^1]: ", "*[AT]: "]
INLINE = st.text(alphabet=TRICKY + "\t", max_size=30) | st.sampled_from(
    [
        "**bold**", "*em*", "_em_", "__strong__", "`code`", "``co`de``", "[a](http://x.example/ \"t\")",
        "[a][ref]", "[ref]", "![i](x.png)", "![i][ref]", "[^1]", "<http://x.example>", "<a@b.example>",
        "<b>x</b>", "<!-- c -->", "&amp;", "&#8212;", "&copy", "  \n", "it's", "'90s", '"q"', "'q'",
        "--", "---", "...", "a_b_c", "***x***", "\\*", "AT", "{: #id .c}", "| a | b |", "|---|---|", "&#123 x",
        '[a](http://x.example/a\\_b "t\\*")',
    ]
)  # fmt: skip
LINES = st.builds(
    lambda start, parts: start + "".join(parts), st.sampled_from(BLOCK_STARTS), st.lists(INLINE, max_size=5)
)


@settings(max_examples=600, deadline=None)
@given(st.lists(LINES, max_size=12))
@example(["[ref]: http://x.example", "[ref] and [a][ref] and ![i][ref]", "", "[^1]: note", "", "text[^1]"])
@example(["'Quoted' \"twice\" -- dashes --- and... it's the '90s", "", "> 'a' \"b\"", "", "- x\n- 'y'"])
@example(['He said "\'Tis so" and \'"Yes" she said\'', "", "x'\" and y\"' and --'a and &nbsp;'b and—'c"])
def test_lines_of_markdown_convert_exactly_as_python_markdown(lines: list[str]) -> None:
    converts_alike("\n".join(lines))


# Whole blocks of every construct Markdown and EXTENSIONS know, with inline marks in their text.
TEXT = st.lists(INLINE, min_size=1, max_size=3).map("".join)
CONSTRUCTS = [
    st.builds(
        lambda n, t, close: "#" * n + " " + t + close, st.integers(1, 7), TEXT, st.sampled_from(["", " #", " ##"])
    ),
    st.builds(lambda t, mark, n: f"{t}\n{mark * n}", TEXT, st.sampled_from("=-"), st.integers(1, 4)),  # setext
    st.sampled_from(["---", "***", "___", "- - -", "* * *", "_  _  _", "-- --", "   ----", "**", "- -"]),  # rules
    st.builds(lambda t, u: f"> {t}\n> > {u}\n{u}", TEXT, TEXT),  # quotes, nested and lazy
    st.builds(lambda t, u: f"- {t}\n    - {u}\n\n        1. {t}\n\n    {u}\n* {u}", TEXT, TEXT),  # nested lists
    st.builds(lambda t, u: f"3. {t}\n4. {u}\n\n    {t}", TEXT, TEXT),  # ordered, loose
    st.builds(lambda t, u: f"| {t} | {u} |\n|:---|---:|\n| {u} | {t} |", TEXT, TEXT),  # table with borders
    st.builds(lambda t, u: f"{t} | {u}\n--- | :-:\n{u} | `a|b`", TEXT, TEXT),  # table without
    st.builds(lambda t: f"| {t} |\n| --- |\n| x |", TEXT),  # one column
    st.sampled_from(["a|b\n-|:-\nc|d", "|a\n|-\n|b", "a|\n-|\nb|"]),  # tight tables
    st.builds(lambda t, u: f"{t}\n:   {u}\n\n:   {t}\n\n    {u}", TEXT, TEXT),  # definition list
    st.builds(lambda t, u: f"{t}[^n]\n\n[^n]: {u}\n    {t}\n\n    {u}", TEXT, TEXT),  # footnotes
    st.builds(lambda t: f"*[AT]: Acme Trust\n*[HTML]: Hyper Text\n\nAT and HTML {t}", TEXT),  # abbreviations
    st.builds(lambda t: f'[ref]: http://x.example "Title"\n[r2]: <http://y.example>\n  (Alt)\n\n[{t}][ref] [r2]', TEXT),
    st.builds(lambda t: f"[r3]:/z\n\n[{t}][r3]", TEXT),  # references
    st.builds(lambda t: f"```python\n{t}\n# not a heading\n```", TEXT),  # fenced code
    st.builds(lambda t: f"~~~ {{.x #y}}\n> {t}\n~~~~\n~~~", TEXT),
    st.builds(lambda t: f"    code {t}\n\n    more\n{t}", TEXT),  # indented code, then lazy text
    st.builds(lambda t: f"<div>\n{t}\n</div>\n\n<!-- {t} -->\n\n<hr>\n<p>{t}</p>", TEXT),  # raw HTML blocks
    st.builds(lambda t: f'<div markdown="1">\n# {t}\n\n* {t}\n</div>', TEXT),  # md_in_html
    st.builds(lambda t: f'<section markdown="block">\n> {t}\n\n<p markdown="span">*{t}*</p>\n</section>', TEXT),
    st.builds(lambda t: f"## {t} {{: #h .c}}\n\n{t}\n{{: .para}}", TEXT),  # attribute lists
    st.builds(lambda t: f"### {t} {{#h3}}\n\n*{t}*{{.em}}", TEXT),
    st.builds(lambda t: f"[TOC]\n\n# {t}\n\n- [TOC]", TEXT),  # table of contents
    st.builds(lambda t: f"\\# {t}\n\\> {t}\n\\- {t}\n1\\. {t}\n\\[x\\]: y \\| z", TEXT),  # escaped markers
    TEXT,  # a plain paragraph
]
BLOCK = st.one_of(CONSTRUCTS)
# Nested in a quote or a list item, or indented, or not.
NESTED = st.builds(
    lambda prefix, block: "\n".join(prefix + line for line in block.split("\n")),
    st.sampled_from(["", "", "", "> ", "    ", "  ", "\t", "> > "]),
    BLOCK,
)
DOCUMENT = st.lists(st.tuples(NESTED, st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n"])), max_size=8).map(
    lambda parts: "".join(block + gap for block, gap in parts)
)


@settings(max_examples=500, deadline=None)
@given(st.lists(DOCUMENT, min_size=1, max_size=3))
@example(["# H\n\nSetext\n===\n\n---\n\n> q\n\n- a\n    - b\n\nT | U\n--- | ---\n1 | 2\n\nTerm\n: def"])
@example(["x[^1] and AT\n\n[^1]: note\n\n*[AT]: Acme\n\n[r]: http://x.example\n\n[r]\n\n```\ncode\n```"])
@example(['<div markdown="1">\n*x*\n</div>\n\n<div>\nraw\n</div>\n\n    code\n\n[TOC]\n\n## H {: #h}'])
@example(["a|b\n-|-\n1|2", "[r]:/z\n\n[r]", "~~~\n# code\n~~~", "## H {#h}", "&#123 x"])
@example(["para\n# heading mid-block\n> quote mid-block\n***\nafter rule\n- list mid-block"])
@example(["> " * 60 + "deep", "\n".join("    " * n + "- item" for n in range(40))])
def test_every_block_construct_converts_exactly_as_python_markdown(documents: list[str]) -> None:
    converts_alike(*documents)


def test_deep_nesting_fails_or_converts_exactly_as_python_markdown() -> None:
    """Python-Markdown stops quoting near the recursion limit, or runs out of stack: the same in both."""

    def outcome(converter: Converter, source: str) -> object:
        try:
            return converter.convert(source)
        except RecursionError:
            return RecursionError

    quotes = [">" * depth + " deep" for depth in (150, 400, 1000)]
    lists = ["\n".join("    " * n + "- item" for n in range(depth)) for depth in (150, 300)]  # 300 runs out
    quick, stock = Converter(quick=True), Converter(quick=False)
    for source in quotes + lists:
        assert outcome(quick, source) == outcome(stock, source)
    assert outcome(stock, lists[-1]) is RecursionError


def test_the_benchmark_corpus_converts_exactly_as_python_markdown() -> None:
    bench = Path(__file__).resolve().parents[2] / "bench"
    sys.path.insert(0, str(bench))
    try:
        import corpus
    finally:
        sys.path.remove(str(bench))
    converts_alike(*(article.body for article in corpus.articles(300)))


class _BangBlock(BlockProcessor):
    """A block processor quick_markdown does not know: ``!! text`` becomes an aside."""

    def test(self, parent, block):  # type: ignore[no-untyped-def]
        return block.startswith("!! ")

    def run(self, parent, blocks):  # type: ignore[no-untyped-def]
        etree.SubElement(parent, "aside").text = blocks.pop(0)[3:]


def test_processors_and_patterns_it_does_not_know_are_always_tried() -> None:
    """Another version of Python-Markdown (other regular expressions, other processors) is never
    misread: what the shortcuts do not know, they try on every block and every text."""

    def instance(quick: bool) -> md.Markdown:
        converter = md.Markdown(extensions=EXTENSIONS)
        # Another heading syntax under the same processor, another inline pattern, another block.
        converter.parser.blockprocessors["hashheader"].RE = re.compile(
            r"(?:^|\n)(?P<level>%{1,6})(?P<header>.*?)(?:\n|$)"
        )
        converter.inlinePatterns.register(SimpleTagInlineProcessor(r"()\+\+(.+?)\+\+", "ins"), "ins", 65)
        converter.parser.blockprocessors.register(_BangBlock(converter.parser), "bang", 72)
        return quick_markdown.quicken(converter) if quick else converter

    source = "% A heading\n\nSome ++inserted++ words\n\n!! An aside"
    quick, stock = instance(True).convert(source), instance(False).convert(source)
    assert quick == stock
    assert ">A heading</h1>" in quick and "<ins>inserted</ins>" in quick and "<aside>An aside</aside>" in quick


def test_a_processor_registered_after_a_conversion_takes_part_in_the_next() -> None:
    converter = markdown_instance(quick=True)
    assert converter.convert("Some ++inserted++ words") == "<p>Some ++inserted++ words</p>"
    converter.inlinePatterns.register(SimpleTagInlineProcessor(r"()\+\+(.+?)\+\+", "ins"), "ins", 65)
    converter.parser.blockprocessors.register(_BangBlock(converter.parser), "bang", 72)
    assert converter.reset().convert("Some ++inserted++ words\n\n!! An aside") == (
        "<p>Some <ins>inserted</ins> words</p>\n<aside>An aside</aside>"
    )
    converter.parser.blockprocessors.deregister("bang")
    assert converter.reset().convert("!! An aside") == "<p>!! An aside</p>"


def require_the_version_the_tables_were_written_for() -> None:
    """Skip on another version of Python-Markdown (what it drops differs), or fail under
    NEWSDESK_REQUIRE_TOOLS=1: pyproject.toml pins the version, so the tables must follow it."""
    written = ".".join(map(str, WRITTEN_FOR))
    if md.__version_info__[: len(WRITTEN_FOR)] != WRITTEN_FOR:
        skip_or_fail(
            f"quick_markdown's tables were written for Python-Markdown {written}, not {md.__version__}: "
            "a shortcut this version changed is dropped (same HTML, slower); update newsdesk/markdown/quick_tables.py"
        )


def test_the_shortcuts_know_the_processors_of_the_installed_python_markdown() -> None:
    """A shortcut whose regular expression or stock code no longer matches the installed version is
    dropped (correct, but slow): this says which, so that the tables in quick_tables can be updated."""
    require_the_version_the_tables_were_written_for()
    assert stock_drift() == {}
    converter = markdown_instance(quick=True)
    assert overrides_in(converter) == set(STOCK_CODE)
    registries = {
        "preprocessors": converter.preprocessors,
        "block processors": converter.parser.blockprocessors,
        "inline patterns": converter.inlinePatterns,
        "smarty's patterns": converter.treeprocessors["smarty"].inlinePatterns,
        "tree processors": converter.treeprocessors,
    }
    without = {
        name: [type(item).__name__ for item in items if not shortcut_for(item)] for name, items in registries.items()
    }
    assert without == {
        "preprocessors": ["NormalizeWhitespace"],  # always has work to do
        "block processors": [  # tests anchored at the start of the block, cheap already
            "MarkdownInHtmlProcessor", "EmptyBlockProcessor", "ListIndentProcessor", "DefListIndentProcessor",
            "CodeBlockProcessor", "SaneOListProcessor", "SaneUListProcessor", "ParagraphProcessor",
        ],
        "inline patterns": [],
        "smarty's patterns": [],
        "tree processors": [  # cheap, or work to do in every article
            "FootnoteTreeprocessor", "FootnotePostTreeprocessor", "PrettifyTreeprocessor", "AbbrTreeprocessor",
        ],
    }  # fmt: skip


@pytest.mark.parametrize(("required", "outcome"), [("1", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_another_version_of_python_markdown_fails_the_drift_test_in_ci_and_skips_it_elsewhere(
    monkeypatch: pytest.MonkeyPatch, required: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("NEWSDESK_REQUIRE_TOOLS", required)
    monkeypatch.setattr(md, "__version_info__", (3, 12, 0, "final", 0))
    monkeypatch.setattr(md, "__version__", "3.12.0")
    with pytest.raises(outcome, match=r"written for Python-Markdown 3\.11\.3, not 3\.12\.0"):
        require_the_version_the_tables_were_written_for()


def overrides_in(instance: md.Markdown) -> set[str]:
    """The overrides (by their entry in STOCK_CODE) that quicken installed in ``instance``."""
    registries = [instance.preprocessors, instance.parser.blockprocessors, instance.inlinePatterns]
    registries += [instance.treeprocessors, instance.postprocessors]
    registries += [p.inlinePatterns for p in instance.treeprocessors if isinstance(p, InlineProcessor)]
    items = [instance.parser, *registries, *(item for registry in registries for item in registry)]
    return {stock for item in items if (stock := getattr(type(item), "stock", None)) is not None}


# Every construct whose code an override replaces or relies on: fences, raw HTML, attribute lists,
# escapes, a table of contents, and inline text of every kind, nested.
EVERYTHING = """[TOC]

# Heading {: #h .c}

> - *em* and **strong**, `code`, <b>html</b>, &amp; \\* [a link][r] and a note[^1]
>     - 'nested' "quotes" -- dashes... <http://x.example>

```python
# not a heading
```

<div markdown="1">
*inside* {: .x}
</div>

[r]: http://x.example "T"
[^1]: A *note*.
*[HTML]: Hyper Text
"""


@pytest.mark.parametrize(
    ("override", "name"), [(override, name) for override, code in STOCK_CODE.items() for name in code]
)
def test_an_override_whose_stock_code_differs_is_not_applied(
    monkeypatch: pytest.MonkeyPatch, override: str, name: str
) -> None:
    """As if the installed Python-Markdown had other code there: the drift report names it, that
    one override is left out (the rest still apply) and the HTML is still stock Python-Markdown's."""
    monkeypatch.setitem(STOCK_CODE[override], name, "0" * 16)
    assert stock_drift() == {override: [name]}
    assert overrides_in(markdown_instance(quick=True)) == set(STOCK_CODE) - {override}
    converts_alike(EVERYTHING, "Plain words", EVERYTHING)


def parse_blocks_without_hash_headings(self: BlockParser, parent: etree.Element, blocks: list[str]) -> None:
    """The stock loop of BlockParser.parseBlocks, as an extension might patch it: no # headings."""
    while blocks:
        for processor in self.blockprocessors:
            if isinstance(processor, HashHeaderProcessor):
                continue
            if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                break


def handle_inline_without_emphasis(self: InlineProcessor, data: str, patternIndex: int = 0) -> str:
    """The stock loop of InlineProcessor.__handleInline, as an extension might patch it: no * or _."""
    if isinstance(data, AtomicString):
        return data
    start = 0
    while patternIndex < len(self.inlinePatterns):
        pattern = self.inlinePatterns[patternIndex]
        if isinstance(pattern, DelimiterProcessor):
            patternIndex, start = patternIndex + 1, 0
            continue
        data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)  # type: ignore[attr-defined]
        if not matched:
            patternIndex += 1
    return data


def test_a_patched_block_parser_is_run_as_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    """quick_markdown's own loop would make the heading: the stock loop it replaces is not the one
    it was written against, so it is left in place."""
    monkeypatch.setattr(BlockParser, "parseBlocks", parse_blocks_without_hash_headings)
    quick = markdown_instance(quick=True)
    assert type(quick.parser) is BlockParser
    assert stock_drift() == {"block parser": ["markdown.blockparser:BlockParser.parseBlocks"]}
    source = "# Not a heading\n\n> # Nor this"
    assert quick.convert(source) == markdown_instance(quick=False).convert(source)
    assert quick.convert(source) == "<p># Not a heading</p>\n<blockquote>\n<p># Nor this</p>\n</blockquote>"


def test_a_patched_inline_processor_is_run_as_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__handleInline", handle_inline_without_emphasis)
    quick = markdown_instance(quick=True)
    assert [type(p) for p in quick.treeprocessors if isinstance(p, InlineProcessor)] == [InlineProcessor] * 2
    assert stock_drift() == {
        "inline processor": ["markdown.treeprocessors:InlineProcessor._InlineProcessor__handleInline"]
    }
    source = "Some *emphasis*, `code` and 'quotes'"
    assert quick.convert(source) == markdown_instance(quick=False).convert(source)
    assert quick.convert(source) == "<p>Some *emphasis*, <code>code</code> and &lsquo;quotes&rsquo;</p>"


def inline_state(instance: md.Markdown) -> list[tuple[object, ...]]:
    """What each inline processor keeps of its last run, by content (the trees differ)."""

    def text(node: etree.Element | str) -> str:
        return node if isinstance(node, str) else etree.tostring(node, encoding="unicode")

    return [
        (
            {key: text(node) for key, node in p.stashed_nodes.items()},
            sorted((text(child), text(parent)) for child, parent in p.parent_map.items()),
            list(p.ancestors),
        )
        for p in instance.treeprocessors
        if isinstance(p, InlineProcessor)
    ]


def test_no_state_of_one_conversion_is_left_for_the_next() -> None:
    """One quick instance converting document after document keeps what a fresh stock instance
    keeps after converting only the last: documents that stash nodes (raw HTML, code, links,
    footnotes, abbreviations, smart quotes) and documents with nothing inline to do, in turn."""
    plain = "> - plain words\n>\n>     - deeper words\n\nA last paragraph"
    quick = markdown_instance(quick=True)
    for source in [EVERYTHING, plain, EVERYTHING, "Just words", plain, "<b>x</b> `y`", "Just words"]:
        stock = markdown_instance(quick=False)
        assert quick.reset().convert(source) == stock.convert(source), source
        assert inline_state(quick) == inline_state(stock), source
