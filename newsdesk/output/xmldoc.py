"""XML documents (feeds, sitemaps): built as ElementTree elements, written as valid XML 1.0.

ElementTree escapes ``<``, ``&`` and quotes, but writes control characters as they are,
and XML 1.0 forbids most of them: one stray ``\\x0b`` pasted into a headline would make
every feed reader reject the whole feed.  :func:`serialise` removes them.

Namespaces are written as plain ``xmlns`` attributes and prefixed tag names, so the
output uses the conventional prefixes (``news:``) without ElementTree's global
namespace registry.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

# Everything XML 1.0 allows (section 2.2), negated.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def child(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def serialise(root: ElementTree.Element) -> bytes:
    for element in root.iter():
        if element.text:
            element.text = clean(element.text)
        for name, value in element.attrib.items():
            element.attrib[name] = clean(value)
    ElementTree.indent(root)
    # typeshed gives tostring() with an encoding other than "unicode" as Any: with "utf-8" it is bytes.
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
