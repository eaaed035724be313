"""newsdesk: a static site generator for a news desk.

The public surface is small on purpose: ``build`` runs the whole pipeline, and
``BuildOptions`` says what to build.  Everything else is internal.
"""

from newsdesk.options import BuildOptions, BuildReport
from newsdesk.pipeline import build
from newsdesk.version import __version__

__all__ = ["BuildOptions", "BuildReport", "__version__", "build"]
