"""newsdesk: a static site generator for a news desk.

The public surface is small on purpose: ``build`` runs the whole pipeline, and
``BuildOptions`` says what to build.  Everything else is internal.
"""

__version__ = "0.1.0"

from newsdesk.pipeline import BuildOptions, BuildReport, build

__all__ = ["BuildOptions", "BuildReport", "__version__", "build"]
