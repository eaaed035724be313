"""Hostile article bodies: every Markdown construct, broken, nested and mixed with odd characters.

:func:`corpus` makes a deterministic list of bodies (seeded), :data:`HOSTILE` is the hand-made list
of inputs that parsers trip on, :data:`CRASHERS` the inputs that made Python-Markdown (with
``newsdesk.markdown.convert.EXTENSIONS``) raise, found by fuzzing, and :func:`bodies` a hypothesis strategy
from the same pieces.  Bodies are text a file can hold: UTF-8 (no surrogates, which only appear as
character references here) and no NUL, which the front matter rules make an error of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from newsdesk.markdown.convert import Converter
from newsdesk.markdown.links import UnreadableHTML, absolute_links

# Inline pieces: Markdown's marks, smarty's quotes and dashes, raw HTML, entities, and characters
# that are not plain text (controls, zero-width, bidi overrides, emoji, RTL scripts).
INLINE = [
    "**bold**", "*em*", "_em_", "__strong__", "***both***", "*unclosed", "**", "`code`", "``co`de``", "`",
    "[a](http://x.example/ \"t\")", "[a][ref]", "[ref]", "[]", "[](<>)", "[x](<http://x.example/y z>)", "[x]( \"t\")",
    "![i](/static/x.png)", "![i][ref]", "![", "[^1]", "[^]", "[^ ]", "[^1][^2]", "[^nope]",
    "<http://x.example/a_b>", "<mailto:desk@x.example>", "<desk@x.example>", "<ftp://x.example>", "<http://>",
    "<b>x</b>", "<b>", "</i>", "<!-- c -->", "<!--", "-->", "<?php echo 1; ?>", "<?", "<![CDATA[x]]>",
    "<![CDATA[", "]]>", "<!DOCTYPE html>", "<!x", "<![if x]>", "<>", "</>", "</", "<", ">", "< a>", "<a <b>",
    "<br/>", "<img src=/static/x.png>", "<span title='a\"b'>", "<del>", "</ins>",
    "&amp;", "&#8212;", "&copy", "&copy;", "&#0;", "&#x0;", "&#x110000;", "&#99999999999;", "&#xD800;",
    "&#xDFFF;", "&#;", "&#x;", "&", "&#", "&nosuch;", "&nbsp;",
    "  \n", "\\", "\\*", "\\`", "\\<", "it's", "'90s", '"q"', "'q'", "\"'", "'\"", "--", "---", "...", "—'a",
    "&mdash;\"b", "a_b_c", "HTML", "AT", "{: #id .c}", "{#x}", "{: }", "{:}", "{", "}", "{: .a key=v }",
    "{: @}", "| a |", "|", "&#123 x", "[TOC]",
    "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff",
    "\ufffe", "\uffff", "\u200b", "\u200c", "\u200d", "\u2060", "\u202e", "\u2066", "\u00ad", "\u0002",
    "\u0003", "\u00020\u0003", "\u0002wzxhzdk:0\u0003", "\u0002klzzwxh:0000\u0003", "klzzwxh:0000", "wzxhzdk:0",
    "\U0001f600", "\U0001f1fa\U0001f1e6", "\U0001f469\u200d\U0001f4bb", "\U0010ffff", "مرحبا بالعالم",
    "שלום", "Київ", "日本語", "\u00a0", "\u3000", "“", "”", "‘", "’", "—", "–", "…", "e\u0301", "\t",
    "word", "words and more words", "x" * 80,
]  # fmt: skip

# What a line can open with.
STARTS = [
    "", "", "", "", "# ", "## ", "###### ", "####### ", "#", "> ", "> > ", ">", "- ", "* ", "+ ", "1. ", "1) ",
    "0. ", "999999999999999999999. ", "-1. ", "a. ", "    ", "        ", "\t", "  ", "   - ", "```", "```python",
    "~~~", ": ", ":   ", "[^1]: ", "[^1]:", "[^x]: ", "*[HTML]: ", "*[AT]: ", "*[]: ", "*[", "[ref]: http://x.example/",
    "[ref]: http://x.example ", "| ", "|", "{: ", "<div>", "</div>", '<div markdown="1">', "<!--", "<?", "<![CDATA[",
    "- [ ] ", "=", "---", "***", "___", "[TOC]", "\x0c",
]  # fmt: skip

Block = Callable[[random.Random, str], str]


def _deep_list(r: random.Random, t: str) -> str:
    return "\n".join("    " * n + "- " + t for n in range(r.randint(1, 12)))


# Whole blocks of every construct Markdown and the extensions know, many of them broken.
BLOCKS: list[Block] = [
    lambda r, t: f"# {t}",
    lambda r, t: f"## {t} ##",
    lambda r, t: f"### {t} {{: #h{r.randint(0, 9)} .c }}",
    lambda r, t: f"# {t} [^1] `x` <b>y</b> *z* [l](http://x.example) ![i](/static/p.png) &copy; {{#h}}",
    lambda r, t: f"{t}\n===\n{t}\n---",
    lambda r, t: f"{t}\n{{: .para #p }}",
    lambda r, t: r.choice(["---", "***", "___", "- - -", "* * *", "-- --", "   ----", "**", "- -"]),
    lambda r, t: f"> {t}\n> > {t}\n{t}",
    lambda r, t: "> " * r.randint(1, 40) + t,
    lambda r, t: "- " * r.randint(1, 40) + t,
    _deep_list,
    lambda r, t: f"- {t}\n    - {t}\n\n        1. {t}\n\n    {t}\n* {t}",
    lambda r, t: f"3. {t}\n4. {t}\n\n    {t}",
    lambda r, t: f"- item\n\n    ```\n    {t}\n    ```\n\n- ```\n  {t}\n  ```",
    lambda r, t: f"1. {t}\n\n    > {t}\n\n    ~~~\n    {t}\n    ~~~",
    lambda r, t: f"| {t} | {t} |\n|:---|---:|\n| {t} |\n| a | b | c | d |",  # ragged rows
    lambda r, t: f"{t}|{t}\n-|-\n{t}",
    lambda r, t: "|\n|-\n|",
    lambda r, t: f"| `a|b` | \\| | {t}\n|---|:-:|---\n| | | |",
    lambda r, t: f"{t}\n:   {t}\n\n:   {t}\n\n    {t}",  # definition list
    lambda r, t: f":   {t}\n\n{t}\n: ```\n  {t}\n  ```",
    lambda r, t: f"- {t}\n  : {t}",
    lambda r, t: f"{t}[^n]\n\n[^n]: {t}\n    {t}\n\n    {t}",  # footnotes
    lambda r, t: f"[^a]: [^a] {t}\n\n{t}[^a]",
    lambda r, t: "[^a]: [^b]\n[^b]: [^a]\n\n[^a] [^b]",
    lambda r, t: "[^a]:\n\n[^a]",
    lambda r, t: f"- [^1]\n\n    [^1]: in a list {t}",
    lambda r, t: f"> [^q]: in a quote {t}\n\n[^q]",
    lambda r, t: f"| [^t] |\n|-|\n| [^t]: {t} |",
    lambda r, t: f"*[HTML]: Hyper Text\n*[{t}]: x\n\nHTML {t}",  # abbreviations
    lambda r, t: f"*[{t}]:\n\n{t}",
    lambda r, t: "*[]: empty\n*[AT]:\n*[AT]: again\n\nAT and AT",
    lambda r, t: (
        f'[ref]: http://x.example "{t}"\n[r2]: <http://y.example> ({t})\n[r3]: x.png \'{t}\n\n[a][ref] [b][r2] [c][r3]'
    ),
    lambda r, t: '[ref]: http://x.example "a "quoted" title"\n[r4]:\n\n[ref] [r4]',
    lambda r, t: f"<http://x.example/{t}> <mailto:{t}> <{t}@x.example>",
    lambda r, t: f"\"'{t}'\" '\"{t}\"' --'{t}' &mdash;\"{t}\" '{t} it's the '90s, isn't it\"",
    lambda r, t: f"```{t}\n{t}\n```",
    lambda r, t: f"~~~ {{{t}}}\n{t}\n~~~",
    lambda r, t: f"``` {{ .a #b {t} }}\n{t}\n```",
    lambda r, t: f"```\n{t}\n",  # unclosed fence
    lambda r, t: f"    code {t}\n\n    more\n{t}",
    lambda r, t: f"[TOC]\n\n# [TOC] {t}\n\n- [TOC]\n\n> [TOC]\n\n| [TOC] |\n|-|\n| [TOC] |",
    lambda r, t: f'<div markdown="1">\n{t}\n\n<div markdown="1">\n# {t}\n</div>',
    lambda r, t: f'<div markdown="1">\n{t}\n</span>\n</div>\n</div>',
    lambda r, t: f'<p markdown="1">\n{t}\n\n- a\n</p>',
    lambda r, t: f'<div markdown="1"><div markdown="1">{t}</div>',
    lambda r, t: f'<div markdown="1">\n*[HTML]: {t}\n</div>\n\nHTML',
    lambda r, t: '<div markdown="1">\n[TOC]\n# h\n</div>',
    lambda r, t: f'<div markdown="1">\n```\n{t}\n```\n</div>',
    lambda r, t: f'<div markdown="1">\n<!-- {t}\n</div>',
    lambda r, t: f'<div markdown="1">\n<?php {t}\n</div>',
    lambda r, t: f'<div markdown="1">\n<![CDATA[ {t}\n</div>',
    lambda r, t: f'<div markdown="1">\n<script>{t}\n</div>',
    lambda r, t: f'<section markdown="block">\n> {t}\n\n<p markdown="span">*{t}*</p>\n</section>',
    lambda r, t: f'<div markdown="{t}">\n{t}\n</div>',
    lambda r, t: f"<div {t}>\n{t}\n</div>",
    lambda r, t: f"<div>\n{t}\n\n{t}",  # unclosed
    lambda r, t: f"<script>\n{t}\n\n{t}",
    lambda r, t: f"<style>\n{t}\n</style>",
    lambda r, t: f"<!--\n{t}\n\n{t}",
    lambda r, t: f"<?php\n{t}\n\n{t}",
    lambda r, t: f"<![CDATA[\n{t}\n\n{t}",
    lambda r, t: f'<table><tr><td markdown="1">*{t}*</td></tr>\n</table>',
    lambda r, t: f"*{t}* **{t}** ***{t}*** _{t}_ __{t}__ ___{t}___",
    lambda r, t: f'[{t}](http://x.example/{t}) [{t}][{t}] ![{t}](/static/x.png "{t}")',
    lambda r, t: t * r.randint(100, 400),  # a very long line
    lambda r, t: f"\\# {t}\n\\> {t}\n\\- {t}\n1\\. {t}\n\\[x\\]: y \\| z",
]


def text(r: random.Random, most: int = 4) -> str:
    return "".join(r.choice(INLINE) for _ in range(r.randint(0, most)))


def block(r: random.Random) -> str:
    if r.random() < 0.5:
        return r.choice(BLOCKS)(r, text(r, 3))
    return "\n".join(r.choice(STARTS) + text(r) for _ in range(r.randint(1, 4)))


def nested(r: random.Random, piece: str) -> str:
    prefix = r.choice(["", "", "", "", "> ", "    ", "  ", "\t", "> > ", "- ", "1. "])
    return "\n".join(prefix + line for line in piece.split("\n"))


GAPS = ["\n\n", "\n\n", "\n\n", "\n", "\n\n\n", "\r\n\r\n", "\r", "\n\x0c\n", "\n \n", "\n\t\n"]


def document(r: random.Random) -> str:
    parts = [r.choice(["Opening paragraph.\n\n", "", "\ufeff", "\n\n\n"])]
    for _ in range(r.randint(1, 6)):
        parts += [nested(r, block(r)), r.choice(GAPS)]
    return "".join(parts)


def corpus(count: int, seed: int = 13) -> list[str]:
    """``count`` bodies, the same ones on every run."""
    r = random.Random(seed)
    return [document(r) for _ in range(count)]


# Hand-made hostile bodies, each an article of its own.
HOSTILE = [
    "&#0; &#x0; &#x110000; &#99999999999; &#xD800; &#xDFFF; &#; &#x; &nosuch; &#65 &#x41",
    "Control characters: \x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10\x1b\x1f\x7f\x80\x85\x9f end.",
    "Bell\x07 in text\n\n# Heading\x08 with backspace\n\n- item\x1b escape\n\n| a\x0b | b |\n|-|-|\n| \x0c | \x7f |",
    "Form\x0cfeed\x0c\n\x0c\n\x0cafter form feeds",
    "Lone\rcarriage\rreturns\r\r# heading after CR\r\r- list\r- item\r",
    "Mixed\r\nline\nendings\r\n\r\n> quote\r> more\n",
    "Zero\u200bwidth\u200c\u200d\u2060 joiners\ufeff and BOM \ufeff# not a heading",
    "\ufeff# A heading after a byte order mark",
    "Bidi \u202eoverride\u202c and \u2066isolate\u2069 مرحبا بالعالم שלום עולם",
    "# مرحبا\n\n## שלום {: #rtl }\n\n[TOC]",
    "Emoji \U0001f600 \U0001f1fa\U0001f1e6 \U0001f469\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308 # \U0001f4f0",
    "# \U0001f600 heading\n\n## \U0001f600\n\n## \U0001f600",
    "Private use \ue000 and noncharacters \ufdd0 \ufffe \uffff \U0010ffff and \ufffd",
    "Line separator\u2028paragraph separator\u2029next line\x85done",
    "x" * 200_000,
    ("word " * 20_000).strip(),
    "*" * 5000,
    "_" * 3000 + "x" + "_" * 3000,
    "[" * 300 + "x" + "]" * 300,
    "`" * 1000,
    "<" * 3000,
    "&" * 3000,
    "\\" * 3001,
    "> " * 400 + "deep quote",
    "\n".join("    " * n + "- deep" for n in range(60)),
    "<!-- an unclosed comment\n\nthat runs to the end\n\n# of the article",
    "Text <!-- unclosed inline comment\n\nmore",
    "<?php echo 'hello'; ?>\n\n<?php unclosed\n\ntext",
    "<![CDATA[ x < y ]]>\n\n<![CDATA[ unclosed\n\ntext",
    "<!DOCTYPE html>\n\n<!ELEMENT x>\n\n<![if !IE]>\n<p>x</p>\n<![endif]>\n\n<!x y z>",
    "<script>\nalert('<b>hi</b>')\n</script>\n\n<script>unclosed\n\n# not a heading?",
    "<style>\np { color: red }\n</style>\n\n<style>\n\n",
    '<div markdown="1">\n<div markdown="1">\n<div markdown="1">\n*deep*\n',
    '<div markdown="1">\n</div>\n</div>\n</div>\n\n</span></p>',
    '<span markdown="1">*x*</span> <p markdown="span">**y**</p> <div markdown="off">*z*</div>',
    '<div markdown="1">\n[^1]: a note in html\n</div>\n\nText[^1]',
    '<div markdown="1">\n| a | b |\n|-|-|\n| 1 | 2 |\n</div>',
    "<div>\n<div>\n\nraw\n\n</div>",
    "</div>\n\n</p>\n\n</>\n\n<>\n\n< >\n\n<a\n\n<a href='x.png\n\n<img src=/static/x.png",
    "<textarea>\n# x\n\n- y\n</textarea>\n\n<title>t</title>",
    "<math><mi>x</mi></math>\n\n<svg><script>x</script></svg>",
    "[^1]: [^1]\n\nText[^1]",
    "[^a]: See [^b].\n\n[^b]: See [^a].\n\nText[^a][^b]",
    "[^]: empty id\n\n[^ ]: space id\n\nText[^] and [^ ]",
    "[^1]:\n\nText[^1][^1][^1]",
    "Text[^missing] with no definition",
    "# Heading[^h]\n\n[^h]: In a heading",
    "| a[^t] |\n|-|\n| b |\n\n[^t]: In a table",
    "*[HTML]: Hyper Text Markup Language\n*[HTML]: again\n*[]: nothing\n*[*]: star\n\nHTML and * and HTML",
    "*[a|b(c]: regex characters\n*[\\]: backslash\n\na|b(c and \\",
    "# Head {: #id .class key=value }\n\nPara\n{: #id }\n\n{: #lonely }\n\n- item {: .x }",
    '## H {: #}\n\n## H {: .}\n\n## H {: =}\n\n## H {: 1=2}\n\n## H {: "a"=b}',
    "[TOC]\n\n[TOC]\n\n# A\n\n[TOC]\n\n- [TOC]\n\n> [TOC]",
    "# [TOC]\n\n## `[TOC]`\n\n### <b>[TOC]</b>",
    "# *em* **strong** `code` <span>html</span> &copy; [link](http://x.example) ![img](/static/p.png)",
    "# \n\n##\n\n###   ###\n\n# #\n\n####### seven",
    "# Same\n\n# Same\n\n# Same\n\n# same {#same_1}",
    "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 |\n|\n| x",
    "|\n|-\n|\n\n||\n|-|-|\n||",
    "a | b\n-- | --\n\n| only header |\n|---|",
    "- item\n\n    ```python\n    code\n    ```\n\n- ```\n  unindented fence\n```",
    "1. one\n\n    ~~~\n    # not heading\n\n2. two ~~~",
    "```\nunclosed fence\n\n# heading?\n\n- list?",
    "``` {.x #y key=v}\ncode\n```\n\n~~~~~~{}\ncode\n~~~~~~",
    "Term\n:   Definition\n\n:   Another\n\n    Indented\n\nTerm 2\n: ```\n  code\n  ```",
    ":   Definition without a term\n\n: another",
    "- Term\n  : def in a list\n\n> Term\n> : def in a quote",
    "[ref]: http://x.example 'single'\n[ref2]: http://x.example (parens)\n[ref3]: <http://x.example> \"dq\"\n\n[a][ref] [b][ref2] [c][ref3]",
    '[odd]: http://x.example "title with "quotes" inside"\n[odd2]: http://x.example "unclosed\n\n[a][odd] [b][odd2]',
    "[empty]:\n\n[e]: <>\n\n[a][empty] [b][e]",
    "<http://x.example/a_b*c*> <https://x.example/?a=1&b=2> <mailto:desk@x.example> <desk@x.example>",
    "<mailto:> <http://> <a@> <@b> <http://x.example/<nested>>",
    "'Tis \"the\" season's '90s \"'quoted'\" '\"nested\"' -- --- ... .... ---- ''' \"\"\"",
    "\"\" '' \"'\" '\"' \"-\" '-' &nbsp;\"x\" &mdash;'y' --'z' —\"w\"",
    "Text \\\n\\\\ \\` \\* \\_ \\{ \\} \\[ \\] \\( \\) \\# \\+ \\- \\. \\! \\: \\| \\< \\> \\' \\\"",
    "\u0002\u0003 placeholders \u00020\u0003 \u0002wzxhzdk:0\u0003 \u0002klzzwxh:0000\u0003 klzzwxh:0000",
    "    \n    \n\t\n\u00a0\n\u3000\nText after whitespace-only lines",
]


@dataclass(frozen=True)
class Crasher:
    """A body fragment that made the engine raise, found by fuzzing and minimised (``minimal``).

    ``text`` is ``minimal`` dressed as copy a reporter could write.  The construct that raises
    starts on its first line wherever a body puts it.  ``stage`` is where it raised today:
    ``convert`` (``newsdesk.markdown.convert.Converter().convert``, stock Python-Markdown too) or
    ``render`` (``newsdesk.markdown.convert.absolute_links`` on the converted HTML, as the feed entry of
    the article is made).
    """

    name: str
    text: str
    minimal: str
    stage: str
    raises: type[Exception]
    where: str


CRASHERS = [
    Crasher(
        "footnote-defined-on-a-footnotes-line",
        "[^1]: [^2]: a note whose text defines another\n[^3]: a third note",
        "[^1]: [^2]: x\n[^3]: y",
        "convert",
        RuntimeError,  # OrderedDict mutated during iteration
        "markdown/extensions/footnotes.py, FootnoteExtension.makeFootnotesDiv: parsing a note defines another",
    ),
    Crasher(
        "footnote-defined-in-a-footnotes-indented-text",
        "[^1]: a note\n\n    [^2]: defined inside the first\n\n[^3]: a third note",
        "[^1]: x\n\n    [^2]: y\n\n[^3]: z",
        "convert",
        RuntimeError,  # OrderedDict mutated during iteration
        "markdown/extensions/footnotes.py, FootnoteExtension.makeFootnotesDiv: parsing a note defines another",
    ),
    Crasher(
        "marked-section-with-an-unknown-keyword-in-raw-html",
        '<div class="embed">\n<![x[ pasted markup ]]>\n</div>',
        "<p><![x[",
        "render",
        UnreadableHTML,  # html.parser's AssertionError: unknown status keyword 'x' in marked section
        "_markupbase.py parse_marked_section, from html.parser in newsdesk.markdown.convert.absolute_links (feed entry)",
    ),
    Crasher(
        "marked-section-without-a-keyword-in-raw-html",
        '<div class="embed">\n<![ pasted markup ]]>\n</div>',
        "<p><![ </p>",
        "render",
        UnreadableHTML,  # html.parser's AssertionError: expected name token at '<![ </p>'
        "_markupbase.py _scan_name, from html.parser in newsdesk.markdown.convert.absolute_links (feed entry)",
    ),
]


def raises_today(crasher: Crasher, text: str | None = None) -> bool:
    """Whether ``text`` (the crasher's own by default) still raises where the crasher was found.

    Another version of Python-Markdown or of Python's ``html.parser`` may have fixed it.
    """
    source = crasher.text if text is None else text
    try:
        converted = Converter().convert(source)
        if crasher.stage == "render":
            absolute_links(converted.html, "/2024/03/05/crash/", "https://news.example.org")
    except crasher.raises:
        return True
    return False


# Blocks in the family of the crashers, for the hypothesis strategy only: the seeded corpus stays
# one that today's engine builds, so that it keeps checking that every page of it is published.
CRASHY_BLOCKS: list[Block] = [
    lambda r, t: f"[^{r.randint(0, 3)}]: [^{r.randint(0, 3)}]: {t}\n[^{r.randint(0, 3)}]: {t}",
    lambda r, t: f"[^a]: {t}\n\n    [^b]: {t}\n\n[^c]: {t}",
    lambda r, t: f"<div>\n<![{r.choice(['x', ' ', 'CDATA', 'if', 'foo bar'])}[ {t} ]]>\n</div>",
    lambda r, t: f"<p>{t}<![{t}</p>",
]

# Strategies for hypothesis, from the same pieces.
_LINE = st.builds(
    lambda start, parts: start + "".join(parts), st.sampled_from(STARTS), st.lists(st.sampled_from(INLINE), max_size=5)
)
_BLOCK = st.one_of(
    _LINE,
    st.builds(lambda n, seed: BLOCKS[n](random.Random(seed), text(random.Random(seed), 3)),
              st.integers(0, len(BLOCKS) - 1), st.integers(0, 2**16)),
    st.builds(lambda n, seed: CRASHY_BLOCKS[n](random.Random(seed), text(random.Random(seed), 2)),
              st.integers(0, len(CRASHY_BLOCKS) - 1), st.integers(0, 2**16)),
    st.sampled_from([c.text for c in CRASHERS]),
)  # fmt: skip
_NESTED = st.builds(
    lambda prefix, piece: "\n".join(prefix + line for line in piece.split("\n")),
    st.sampled_from(["", "", "", "> ", "    ", "\t", "- ", "1. "]),
    _BLOCK,
)


def bodies() -> st.SearchStrategy[str]:
    """Article bodies from the grammar: blocks of every construct, nested, separated by odd gaps."""
    return st.lists(st.tuples(_NESTED, st.sampled_from(GAPS)), min_size=1, max_size=6).map(
        lambda parts: "Opening paragraph.\n\n" + "".join(piece + gap for piece, gap in parts)
    )
