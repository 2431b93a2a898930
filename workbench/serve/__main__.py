"""``python -m workbench.serve``: Voilà with the guard (:mod:`workbench.serve.guard`), as
``workbench serve`` starts it."""

import sys

from workbench.serve.guard import main

if __name__ == "__main__":  # pragma: no cover - run by `workbench serve` as a child
    main(sys.argv[1:])
