"""`newsdesk schedule`: the coming changes of the site, each checked as `check` checks the site."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from newsdesk import pipeline
from newsdesk.errors import BuildFailed, Diagnostic, stop_on_errors
from newsdesk.load.config import read_config
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover, display_path
from newsdesk.model import lifecycle
from newsdesk.options import BuildOptions


def plan(options: BuildOptions) -> tuple[lifecycle.Lifecycle, list[Diagnostic]]:
    """`newsdesk schedule`: the plan, and what checking the whole site as `check` does found.

    Every article is checked whatever its state, so each upcoming change can say whether the
    article it publishes passed; articles that cannot even be loaded stop it here.
    """
    now = options.now or dt.datetime.now(dt.UTC)
    config, problems = read_config(options.config, display_path(options.config))
    sources, found = discover(options.content)
    articles, loaded = load_articles(sources, config)
    stop_on_errors(problems + found + loaded)
    life = lifecycle.at(now, articles, config.tz, drafts=options.drafts, future=options.future)
    try:
        checked = list(pipeline.build(replace(options, dry_run=True, now=now)).warnings)
    except BuildFailed as failed:
        checked = failed.diagnostics
    return life, checked
