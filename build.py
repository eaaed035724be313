"""Build the site: ``python build.py [options]`` is ``newsdesk build [options]``."""

import sys

from newsdesk.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
