"""Screenshots of the sample site for the README: ``make screenshots``.

Builds the sample site with a fixed "now", serves it, and saves the front page and an
article at desktop and phone widths, light and dark, under docs/screenshots/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from browser import chromium, serve

from newsdesk.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
PAGES = {"front": "/", "article": "/2024/03/02/harbour-council-approves-new-ferry-timetable/", "search": "/search/"}
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def take(only: set[str]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        output = Path(temp) / "output"
        code = main(["build", "--quiet", "--now", "2026-11-25T12:00:00Z", "--output", str(output)])
        if code:
            sys.exit(code)
        SHOTS.mkdir(parents=True, exist_ok=True)
        with serve(output) as base, chromium() as browser:
            for scheme in ("light", "dark"):
                for size, (width, height) in SIZES.items():
                    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                    for name, url in PAGES.items():
                        shot = f"{name}-{size}-{scheme}"
                        if only and shot not in only and name not in only:
                            continue
                        page.goto(base + url + ("?q=ferry" if name == "search" else ""))
                        if name == "search":
                            page.wait_for_selector(".pagefind-ui__result", timeout=10_000)
                        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=size == "desktop" or name != "front")
                        print(SHOTS / f"{shot}.png")
                    page.close()


if __name__ == "__main__":
    take(set(sys.argv[1:]))
