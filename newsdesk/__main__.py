"""``python -m newsdesk`` is the ``newsdesk`` command."""

import sys

from newsdesk.cli import main

sys.exit(main())
