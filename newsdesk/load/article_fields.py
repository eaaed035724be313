"""An article file's front matter, field by field: each value checked and converted, each problem at its line."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from newsdesk.errors import Diagnostic, error, warning
from newsdesk.load import frontmatter, typos, yamlio
from newsdesk.load.articles import Article, Correction, Image, Loaded
from newsdesk.load.config import SiteConfig
from newsdesk.model import urls
from newsdesk.validate import images

# ---------------------------------------------------------------------------
# Converters: raw YAML value -> field value, or ValueError("… (expected …)")
# ---------------------------------------------------------------------------


class Nested(ValueError):
    """A problem with one key inside a field's value, at ``path`` below the field (``(0, "dat")``
    is the key ``dat`` of the first entry): reported on that key's line, not the field's."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


DATE_EXPECTED = "expected YYYY-MM-DD or an ISO 8601 datetime such as 2022-03-02T14:30:00+02:00"
# Years whose dates survive a move to any time zone (datetime stops at 1 and 9999).
FIRST_YEAR, LAST_YEAR = 2, 9998


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"is {_kind(value)} (expected text)")
    text = str(value).strip()
    if "\0" in text:
        raise ValueError("contains a NUL character (expected plain text)")
    return text


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("is empty (expected text)")
    return text


def _names(value: Any, *, split: bool = True) -> tuple[str, ...]:
    """A name or a list of names (`topics`, `authors`); a string may be comma-separated,
    unless ``split`` is false (`author:` is one person: "Jane Doe, Political Editor")."""
    if isinstance(value, str):
        items: list[Any] = value.split(",") if split else [value]
    elif isinstance(value, list):
        items = value
    else:
        raise ValueError(f"is {_kind(value)} (expected a list such as [Ukraine, Diplomacy])")
    names = []
    for item in items:
        if isinstance(item, list | dict) or item is None:
            raise ValueError(f"has {_kind(item)} in the list (expected names such as [Ukraine, Diplomacy])")
        name = " ".join(_text(item).split())
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _one_per_slug(names: tuple[str, ...]) -> tuple[str, ...]:
    """``[Ukraine, ukraine]`` in one article is one topic (the index matches topics by slug too)."""
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(urls.slugify(name) or name, name)
    return tuple(kept.values())


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false (expected true or false)")
    return value


def parse_datetime(value: Any, tz: dt.tzinfo) -> dt.datetime:
    """A YAML date value to an aware datetime; naive values are in ``tz``."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date ({DATE_EXPECTED})") from None
    else:
        raise ValueError(f"{_kind(value)} is not a date ({DATE_EXPECTED})")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ValueError(f"{value!r} is out of range (expected a year from {FIRST_YEAR} to {LAST_YEAR})")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


IMAGE_KEYS = ("src", "alt", "caption", "credit")
CORRECTION_KEYS = ("date", "text")


def is_bare_date(value: Any) -> bool:
    """A date value with no time of day (``2024-03-02``, also ``20240302`` or ``2024-W09-6``)."""
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return False
    return True


def _image(value: Any) -> Image:
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, dict):
        raise ValueError(f"is {_kind(value)} (expected {{src: ..., alt: ...}} or a path)")
    unknown = [str(key) for key in value if key not in IMAGE_KEYS]
    if unknown:  # a near miss first: it says what was meant
        first = min(unknown, key=lambda key: (typos.near_miss(key, IMAGE_KEYS) is None, key))
        meant = typos.near_miss(first, IMAGE_KEYS)
        raise Nested(
            typos.unknown_key(first, meant) if meant else f"unknown key {first!r} (expected src, alt, caption, credit)",
            (first,),
        )
    fields = {str(k): _text(v) for k, v in value.items() if v is not None}
    if not fields.get("src"):
        raise ValueError("has no src (expected src: /static/photo.jpg)")
    return Image(**fields)


def _aliases(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(urls.alias_url(path) for path in _names(value)))


def _kind(value: Any) -> str:
    return {
        bool: "a true/false value",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }.get(type(value), type(value).__name__)


_SIMPLE: dict[str, Callable[[Any], Any]] = {
    "title": _required_text,
    "desk": _required_text,
    "summary": _text,
    "dateline": _text,
    "slug": _text,
    "id": _required_text,
    "draft": _bool,
    "unpublished": _bool,
    "image": _image,
    "aliases": _aliases,
}
_DATES = ("date", "updated", "publish_at", "expires")
_DAY_ONLY = {"date": "date_only", "updated": "updated_date_only"}  # dates shown to readers: was the time given?
_LISTS = {"topics": "topics", "tags": "topics", "author": "authors", "authors": "authors"}
REQUIRED = ("title", "date", "desk")
LINED = ("id", "aliases", "image")
_KNOWN = {*_SIMPLE, *_DATES, *_LISTS, "corrections"}
# Keys kept in ``meta`` that are not anyone's typo: the wire importer's flag and keys
# reserved for coming features.  With ``_KNOWN`` they are what a near miss is a miss of.
_RESERVED = {"headline_from_lede", "live", "series", "part"}
KEYS = frozenset(_KNOWN | _RESERVED)
# The body ``newsdesk new`` writes: a story still saying it is not ready to publish.
NEW_PLACEHOLDER = "Write the story here. Remove `draft: true` above when it is ready to publish."


def load(key: str, display: str, text: str, config: SiteConfig) -> Loaded:
    """Validate one article file's text."""
    problems: list[Diagnostic] = []
    try:
        parts = frontmatter.split(text)
    except frontmatter.FrontMatterMissing as exc:
        return Loaded(None, (error(display, exc.line, exc.message),))
    try:
        raw = yamlio.parse(parts.front, parts.front_line)
    except yamlio.YamlProblem as exc:
        return Loaded(None, (error(display, exc.line, exc.message),))
    if raw is None:  # empty front matter: report the missing fields below
        raw = {}
    if not isinstance(raw, dict):
        return Loaded(
            None,
            (error(display, parts.front_line, "front matter is not a mapping (expected key: value lines)"),),
        )

    lines: dict[str, int] | None = None

    def line_of(name: str) -> int:
        nonlocal lines
        if lines is None:
            lines = yamlio.key_lines(parts.front, parts.front_line)
        return lines.get(name, parts.front_line)

    problems += yamlio.duplicate_keys(display, parts.front, parts.front_line)

    tz = zoneinfo.ZoneInfo(config.timezone)
    values: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    for raw_key, value in raw.items():
        name = str(raw_key)
        if name not in _KNOWN:
            meant = typos.near_miss(name, KEYS)
            said = typos.foreign(name) or (typos.unknown_key(name, meant) if meant is not None else None)
            if said is not None:
                problems.append(error(display, line_of(name), said))
                continue
        try:
            if value is None and name in _KNOWN:
                if name in REQUIRED:
                    raise ValueError(f"is empty (expected '{name}: ...')")
                continue  # an optional field left blank is as good as absent
            if name in _SIMPLE:
                values[name] = _SIMPLE[name](value)
            elif name in _DATES:
                values[name] = parse_datetime(value, tz)
                if name in _DAY_ONLY and is_bare_date(value):
                    values[_DAY_ONLY[name]] = True
            elif name in _LISTS:
                target = _LISTS[name]
                values[target] = _one_per_slug((*values.get(target, ()), *_names(value, split=name != "author")))
            elif name == "corrections":
                values[name] = _corrections(value, tz)
            else:
                meta[name] = value
        except ValueError as exc:
            line = (
                yamlio.key_line(parts.front, (name, *exc.path), parts.front_line) if isinstance(exc, Nested) else None
            )
            problems.append(error(display, line or line_of(name), f"{name}: {exc}"))

    for name in REQUIRED:
        if name not in raw:
            problems.append(
                error(display, parts.front_line, f"missing {name!r} (expected '{name}: ...' in the front matter)")
            )

    desk = values.get("desk")
    if desk:
        named = config.desk_named(desk)
        if named is None:
            problems.append(error(display, line_of("desk"), unknown_desk(desk, config)))
        else:
            values["desk"] = named

    for target, items in (
        ("desk", [values.get("desk")]),
        ("topics", values.get("topics")),
        ("authors", values.get("authors")),
    ):
        written = next((k for k in (target, *_LISTS) if k in raw and _LISTS.get(k, target) == target), target)
        for item in items or ():
            if item and not urls.slugify(item):
                problems.append(
                    error(
                        display,
                        line_of(written),
                        f"{written}: cannot make a URL from {item!r} (expected a name with letters or digits)",
                    )
                )

    if "title" in values or "slug" in values:
        slug = urls.slugify(values.get("slug") or values.get("title", ""))
        if not slug:
            field_name = "slug" if values.get("slug") else "title"
            problems.append(
                error(
                    display,
                    line_of(field_name),
                    f"{field_name}: cannot make a URL slug from {values.get(field_name)!r} (expected some letters or digits, or a slug: field)",
                )
            )
        values["slug"] = slug

    if not parts.body.strip():
        problems.append(
            error(
                display, parts.body_line - 1, "the article has no body (expected Markdown text after the front matter)"
            )
        )

    if (raw.get("draft") is None or raw.get("draft") is False) and NEW_PLACEHOLDER in parts.body:
        at = parts.body[: parts.body.index(NEW_PLACEHOLDER)].count("\n")
        problems.append(
            error(
                display,
                parts.body_line + at,
                "the placeholder text of newsdesk new is still here "
                "(expected the story in its place, or draft: true until it is written)",
            )
        )

    image = values.get("image")
    if image is not None and not image.alt:
        problems.append(
            warning(
                display,
                line_of("image"),
                "image has no alt text (expected alt: a description for readers who cannot see it)",
            )
        )

    expires = values.get("expires")
    starts = values.get("publish_at") or values.get("date")
    if expires is not None and starts is not None and expires <= starts:
        problems.append(
            error(
                display,
                line_of("expires"),
                f"expires: {expires.isoformat()} is not after the article goes live at {starts.isoformat()} "
                "(expected a time after date and publish_at)",
            )
        )

    if meta.get("headline_from_lede") is True:
        problems.append(
            warning(
                display,
                line_of("headline_from_lede"),
                "the headline is the wire's first sentence (expected an editor's headline: "
                "write a title and remove headline_from_lede)",
            )
        )

    date: dt.datetime | None = values.get("date")
    url = urls.article_url(date.astimezone(tz).date(), values["slug"]) if date and values.get("slug") else ""
    problems += images.body_problems(display, parts.body, parts.body_line)

    if any(p.is_error for p in problems):
        return Loaded(None, tuple(problems))

    assert date is not None  # required: its absence is an error above
    article = Article(
        source=display,
        key=key,
        id=values.pop("id", key),
        url=url,
        body=parts.body,
        body_line=parts.body_line,
        meta=meta,
        lines={name: line_of(name) for name in LINED if name in raw},
        **values,
    )
    return Loaded(article, tuple(problems))


def unknown_desk(desk: str, config: SiteConfig) -> str:
    return f"unknown desk {desk!r} (expected one of: {config.desk_names()})"


def _corrections(value: Any, tz: dt.tzinfo) -> tuple[Correction, ...]:
    if not isinstance(value, list):
        raise ValueError(f"is {_kind(value)} (expected a list of {{date: ..., text: ...}})")
    found = []
    for index, item in enumerate(value):
        for key in item if isinstance(item, dict) else ():
            meant = None if key in CORRECTION_KEYS else typos.near_miss(str(key), CORRECTION_KEYS)
            if meant is not None:
                raise Nested(typos.unknown_key(str(key), meant), (index, str(key)))
        if not isinstance(item, dict) or "date" not in item or "text" not in item:
            raise ValueError("has an entry without date or text (expected each correction to have date: and text:)")
        found.append(
            Correction(parse_datetime(item["date"], tz), _required_text(item["text"]), is_bare_date(item["date"]))
        )
    return tuple(sorted(found, key=lambda c: c.date))
