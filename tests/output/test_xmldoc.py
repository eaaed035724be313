"""XML documents for feeds and sitemaps: always well-formed XML 1.0, whatever the headlines hold."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.output.xmldoc import child, clean, serialise

XML_CHARS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="".join(chr(c) for c in range(32) if c not in (9, 10, 13))
)


def test_characters_xml_forbids_are_removed_and_the_rest_kept():
    assert clean("Ferry\x0b fares\x00 rise\ufffe\uffff") == "Ferry fares rise"
    assert clean("tab\tnew\nline\r 🚢 Київ") == "tab\tnew\nline\r 🚢 Київ"


@given(st.text())
def test_any_text_in_a_headline_or_attribute_makes_a_document_that_parses(text: str):
    root = ElementTree.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    child(root, "title", text, type="text", label=text)
    parsed = ElementTree.fromstring(serialise(root))
    title = parsed.find("{http://www.w3.org/2005/Atom}title")
    assert title is not None
    newlines = clean(text).replace("\r\n", "\n").replace("\r", "\n")  # as any XML parser reads line ends
    assert (title.text or "") == newlines


@given(st.text(XML_CHARS.filter(lambda c: c != "\r")))
def test_text_xml_allows_comes_back_as_it_was(text: str):
    root = ElementTree.Element("urlset")
    child(root, "loc", text)
    assert (ElementTree.fromstring(serialise(root)).findtext("loc") or "") == text


def test_a_document_is_utf8_with_its_declaration_and_attributes_as_given():
    root = ElementTree.Element("urlset")
    child(child(root, "url"), "news:name", "Київ", lang="uk")
    data = serialise(root)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n")
    assert '<news:name lang="uk">Київ</news:name>'.encode() in data
    assert data.endswith(b"\n")
