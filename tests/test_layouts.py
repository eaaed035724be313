"""The shipped layouts produce valid HTML: the Nu HTML Checker (vnu) finds no errors.

vnu starts a Java VM, so it runs once over a folder holding one page of every type.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from conftest import VNU_JAR, Site, require_file, require_tool

PAGE_TYPES = {
    "article": "/2024/03/02/talks/",
    "article-plain": "/2024/01/05/brief-note/",
    "redirect": "/2024/01/05/brief/",  # the old URL of a renamed story
    "gone": "/2024/02/05/match/",  # a story taken down
    "front": "/",
    "front-page-2": "/page/2/",
    "year": "/2024/",
    "month": "/2024/03/",
    "day": "/2024/03/02/",
    "desk": "/desks/world/",
    "desk-page-2": "/desks/world/page/2/",
    "desk-empty": "/desks/culture/",
    "topic": "/topics/ukraine/",
    "author": "/authors/jane-doe/",
    "desks": "/desks/",
    "topics": "/topics/",
    "authors": "/authors/",
    "404": "/404.html",
}


def test_every_page_type_is_valid_html(site: Site, tmp_path):
    require_tool("java", "runs the Nu HTML Checker (apt-get install default-jre-headless)")
    require_file(VNU_JAR, "the Nu HTML Checker (make test installs it: npm install --prefix .tools vnu-jar)")
    site.config(
        {
            "title": "Test & Desk",
            "base_url": "https://news.example.org",
            "per_page": 1,
            "logo": "/static/t.jpg",
            "twitter": "desk",
            "desks": [{"name": "World", "description": "News from abroad."}, "Sport", "Culture"],
        }
    )
    site.write("static/t.jpg", b"jpeg")
    site.article(
        "2024/03/talks.md",
        'Talks resume -- "quoted" text, a [link](/static/t.jpg) and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
        '<figure class="embed"><iframe src="https://video.example/1" title="Video"></iframe></figure>\n',
        title='Talks "resume" </script> & <b>more</b>',
        slug="talks",
        date="2024-03-02T14:30:00+02:00",
        updated="2024-03-03T09:00:00Z",
        desk="World",
        topics=["Diplomacy", "Ukraine"],
        authors=["Jane Doe", "Ivan Petrenko"],
        dateline="KYIV",
        image={"src": "/static/t.jpg", "alt": "Delegates", "caption": "The table.", "credit": "Photo: Desk"},
        corrections=[{"date": "2024-03-03", "text": "An earlier version misspelled a name."}],
    )
    site.article("2024/01/brief.md", title="Brief", date="2024-01-05", desk="World", author="Jane Doe")
    site.article("2024/02/match.md", title="Match", date="2024-02-05", desk="Sport", topics=["Ukraine"])
    site.build()
    site.article("2024/01/brief.md", title="Brief note", date="2024-01-05", desk="World", author="Jane Doe")
    site.article("2024/02/match.md", title="Match", date="2024-02-05", desk="Sport", unpublished=True)
    site.build()

    folder = tmp_path / "pages"
    folder.mkdir()
    for name, url in PAGE_TYPES.items():
        shutil.copyfile(site.file(url), folder / f"{name}.html")
    proc = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}" for m in messages]
    assert errors == []
    assert proc.returncode == 0
