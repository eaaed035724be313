"""What :mod:`newsdesk.quick_markdown`'s shortcuts were worked out from, for one Python-Markdown.

Each shortcut is keyed by what it was worked out from, exactly as written in Python-Markdown
:data:`WRITTEN_FOR` (``pyproject.toml`` allows that release and later bug-fix releases of its
series): a processor's or pattern's regular expression, and the source of each stock method an
override replaces or relies on (:data:`STOCK_CODE`).  A shortcut whose key differs in the
installed Python-Markdown is not applied; :func:`stock_drift` names the stock code that differs,
and ``tests/markdown/test_quick.py`` fails on it (under ``NEWSDESK_REQUIRE_TOOLS=1``, also on
another version) so that these tables get updated.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect

from markdown.util import ETX, STX

# The Python-Markdown release these tables were written for (major, minor, micro).  3.11.0 and
# 3.11.2 differ in stock code the overrides rely on: 3.11.0 in InlineProcessor.run,
# FencedBlockPreprocessor.run and UnescapeTreeprocessor.run, 3.11.2 in the last.
WRITTEN_FOR = (3, 11, 3)

# ---------------------------------------------------------------------------
# Regular expressions, as written in WRITTEN_FOR
# ---------------------------------------------------------------------------

# What a block must contain for a block processor to take it, by the processor's class: the
# attribute holding the regular expression its ``test`` (or, where ``test`` is always true and
# ``run`` declines, its ``run``) searches with, that expression as WRITTEN_FOR has it, and
# strings one of which the block contains whenever the processor takes it.  Processors whose test
# is a cheap ``startswith`` or anchored match (empty, indent, code, lists, paragraph) are left out.
BLOCK_NEEDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
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


FENCED_BLOCK_RE = (
    "\n"
    "(?P<fence>^(?:~{3,}|`{3,}))[ ]*                          # opening fence\n"
    "((\\{(?P<attrs>[^\\n]*)\\})|                                # (optional {attrs} or\n"
    "(\\.?(?P<lang>[\\w#.+-]*)[ ]*)?                            # optional (.)lang\n"
    "(hl_lines=(?P<quot>\"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?) # optional hl_lines)\n"
    "\\n                                                       # newline (end of opening fence)\n"
    "(?P<code>.*?)(?<=\\n)                                     # the code block\n"
    "(?P=fence)[ ]*$                                          # closing fence\n"
)


# What an inline pattern's match must contain, by the pattern's regular expression (those of
# EXTENSIONS as WRITTEN_FOR has them): a pattern none of whose strings occurs in a piece of text
# cannot match anywhere in it.  Lookbehinds and lookaheads only narrow a match, so they are left
# out; a pattern not listed here (another version's regex) is always tried.
INLINE_NEEDS: dict[str, tuple[str, ...]] = {
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


# attr_list's expressions: each matches a brace.
ATTR_LIST_RES = (
    r"[ ]+\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$",  # HEADER_RE
    r"\n[ ]*\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$",  # BLOCK_RE
    r"^\{\:?[ ]*([^\}\n ][^\n]*)\}",  # INLINE_RE
)
UNESCAPE_RE = f"{STX}(\\d+){ETX}"


# Where Python-Markdown's HTML parser stops (its ``interesting_normal``, with convert_charrefs off
# as Python-Markdown runs it): everywhere else it hands the text back as it was.
HTML_PARSER_STOPS = "[&<]"

# ---------------------------------------------------------------------------
# The stock code the overrides replace or rely on
# ---------------------------------------------------------------------------

# By override of quick_markdown (its ``stock``), each stock method or class it replaces, or calls
# and relies on, by ``module:qualified.name``, with the first 16 hex digits of the SHA-256 of its
# source (``inspect.getsource``).  Source, not bytecode: bytecode changes with the version of
# Python, source only with Python-Markdown.  An override is applied only while all of its match.
STOCK_CODE: dict[str, dict[str, str]] = {
    # Every change to the order goes through register and deregister: the whole class.
    "registry": {"markdown.util:Registry": "cc2e39c97a34527a"},
    "block parser": {"markdown.blockparser:BlockParser.parseBlocks": "1737e188f149267b"},
    "inline processor": {
        "markdown.treeprocessors:InlineProcessor.run": "f6c93631f2871499",
        # The fast path leaves the ancestors this builds.
        "markdown.treeprocessors:InlineProcessor._InlineProcessor__build_ancestors": "8697cbaff0526995",
        "markdown.treeprocessors:InlineProcessor._InlineProcessor__handleInline": "fe27babc114aed0a",
        "markdown.treeprocessors:InlineProcessor._InlineProcessor__applyPattern": "8862b35197c0e614",
        "markdown.treeprocessors:InlineProcessor._InlineProcessor__processPlaceholders": "3f4a6088e773c996",
    },
    "fenced code": {"markdown.extensions.fenced_code:FencedBlockPreprocessor.run": "5ff582f6af84b7e7"},
    "md_in_html blocks": {"markdown.extensions.md_in_html:HtmlBlockPreprocessor.run": "79cbd05926bc0cb1"},
    "attr_list": {"markdown.extensions.attr_list:AttrListTreeprocessor.run": "fb126cccd79ac3cb"},
    "unescape": {"markdown.treeprocessors:UnescapeTreeprocessor.run": "5752b9f6937e0084"},
    "toc": {"markdown.extensions.toc:TocTreeprocessor.replace_marker": "9f9ee8b48ecbac72"},
}


def stock_unchanged(override: str) -> bool:
    """Whether the stock code ``override`` relies on is the code it was written against."""
    return all(_digest(_stock(name)) == digest for name, digest in STOCK_CODE[override].items())


def stock_drift() -> dict[str, list[str]]:
    """By override, the stock methods and classes whose source is not the recorded one (so the
    override is not applied): empty when the installed Python-Markdown is the one written for."""
    drift = {
        override: [name for name, digest in code.items() if _digest(_stock(name)) != digest]
        for override, code in STOCK_CODE.items()
    }
    return {override: names for override, names in drift.items() if names}


def _stock(name: str) -> object:
    """The stock method or class called ``module:qualified.name`` (None when there is none)."""
    module, _, path = name.partition(":")
    found: object = importlib.import_module(module)
    for attribute in path.split("."):
        found = getattr(found, attribute, None)
    return found


@functools.cache  # the source under one function object does not change; reading it costs 10x a quicken
def _digest(code: object) -> str | None:
    """The first 16 hex digits of the SHA-256 of the source of ``code``; None when it has none."""
    try:
        source = inspect.getsource(code)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return None
    return hashlib.sha256(source.encode()).hexdigest()[:16]
