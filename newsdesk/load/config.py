"""Site settings: ``site.yaml`` read into a frozen :class:`SiteConfig`.

Every key has a default, so a site with no ``site.yaml`` builds.  Unknown keys
are errors (a typo in ``per_pgae`` should not silently do nothing); free-form
values for templates go under ``params``.  A key with a bad value is reported
and left at its default, so the articles are still checked in the same run.
"""

from __future__ import annotations

import re
import urllib.parse
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.load import yamlio
from newsdesk.load.sources import decode
from newsdesk.model import urls


@dataclass(frozen=True)
class DeskInfo:
    name: str
    description: str = ""


@dataclass(frozen=True)
class SiteConfig:
    title: str = "News"
    base_url: str = "http://localhost:8000"
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 20
    feed_size: int = 50
    description: str = ""
    logo: str = ""
    twitter: str = ""  # the site's @handle, for twitter:site
    desks: tuple[DeskInfo, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def root_url(self) -> str:
        """``base_url`` without a trailing slash, ready to prefix a path."""
        return self.base_url.rstrip("/")

    def absolute(self, url: str) -> str:
        return self.root_url + url if url.startswith("/") else url

    def desk_named(self, name: str) -> str | None:
        """The desk's name as ``site.yaml`` spells it; None when desks are listed and this is not one."""
        if not self.desks:
            return name
        known = {d.name.casefold(): d.name for d in self.desks}
        return known.get(name.casefold())

    def desk_names(self) -> str:
        return ", ".join(d.name for d in self.desks)

    def with_base_url(self, base_url: str) -> SiteConfig:
        from dataclasses import replace

        return replace(self, base_url=base_url)


def _string(value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not text (expected a text value)")
    return str(value).strip()


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{value!r} is not a count (expected a whole number of 1 or more)")
    return value


def _timezone(value: Any) -> str:
    name = _string(value)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as Europe/Kyiv)") from None
    return name


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _language(value: Any) -> str:
    # Feeds, sitemaps and structured data all repeat this tag, and validators reject a malformed one.
    tag = _string(value)
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise ValueError(f"{tag!r} is not a language tag (expected a BCP 47 tag such as en or pt-BR)")
    return tag


def _twitter(value: Any) -> str:
    handle = _string(value)
    if handle and not re.fullmatch(r"@?[A-Za-z0-9_]{1,15}", handle):
        raise ValueError(f"{handle!r} is not a Twitter/X handle (expected @name)")
    return "@" + handle.lstrip("@") if handle else ""


def check_base_url(value: Any) -> str:
    url = _string(value)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url {url!r} is not absolute (expected https://host/...)")
    path = urllib.parse.urlsplit(url).path
    if path not in ("", "/"):
        # Pages link to each other from the host's root (/2024/..., /static/...), so a site served
        # under a sub-path would break; say so rather than publish a site whose links 404.
        raise ValueError(
            f"base_url {url!r} has a path ({path}): the site must be served from the host's root (expected https://host/)"
        )
    return url


def _desks(value: Any) -> tuple[DeskInfo, ...]:
    if not isinstance(value, list):
        raise ValueError("is not a list (expected a list of desks, each a name or {name, description})")
    desks: dict[str, DeskInfo] = {}
    for item in value:
        if isinstance(item, str):
            desk = DeskInfo(item.strip())
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            desk = DeskInfo(item["name"].strip(), _string(item.get("description") or ""))
        else:
            raise ValueError(f"{item!r} is not a desk (expected a name or {{name: ..., description: ...}})")
        slug = urls.slugify(desk.name)
        if not slug:
            raise ValueError(f"{desk.name!r} has no letters or digits to make a URL from (expected a desk name)")
        if slug in desks:
            raise ValueError(f"{desk.name!r} is listed twice (expected each desk once)")
        desks[slug] = desk
    return tuple(desks.values())


def _params(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("is not a mapping (expected key: value lines under params:)")
    return value


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "title": _string,
    "base_url": check_base_url,
    "language": _language,
    "timezone": _timezone,
    "per_page": _positive_int,
    "feed_size": _positive_int,
    "description": _string,
    "logo": _string,
    "twitter": _twitter,
    "desks": _desks,
    "params": _params,
}


def load_config(path: Path | None, display_path: str = "site.yaml") -> SiteConfig:
    """Read ``site.yaml``; a missing file means all defaults; any problem raises :class:`BuildFailed`."""
    config, problems = read_config(path, display_path)
    if problems:
        raise BuildFailed(problems)
    return config


def read_config(path: Path | None, display_path: str = "site.yaml") -> tuple[SiteConfig, list[Diagnostic]]:
    """Read ``site.yaml`` into settings and its problems; a bad value leaves its key at the default."""
    if path is None or not path.exists():
        return SiteConfig(), []
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SiteConfig(), [
            error(display_path, 0, f"cannot read settings: {exc.strerror} (expected a readable file)")
        ]
    text = decode(data, display_path)
    if isinstance(text, Diagnostic):
        return SiteConfig(), [text]
    try:
        raw = yamlio.parse(text)
    except yamlio.YamlProblem as exc:
        return SiteConfig(), [error(display_path, exc.line, exc.message)]
    if raw is None:
        return SiteConfig(), []
    if not isinstance(raw, dict):
        return SiteConfig(), [error(display_path, 1, "settings are not a mapping (expected key: value lines)")]
    lines = yamlio.key_lines(text)
    problems = yamlio.duplicate_keys(display_path, text)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        line = lines.get(str(key), 1)
        convert = _CONVERTERS.get(str(key))
        if convert is None:
            known = ", ".join(sorted(_CONVERTERS))
            problems.append(error(display_path, line, f"unknown setting {key!r} (expected one of: {known})"))
            continue
        try:
            values[str(key)] = convert(value)
        except ValueError as exc:
            problems.append(error(display_path, line, f"{key}: {exc}"))
    return SiteConfig(**values), problems
