"""``python -m workbench``: the ``workbench`` command, where its script is not on the
``PATH`` (as often on Windows)."""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
