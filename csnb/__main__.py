"""``python -m csnb``: the same command line as the ``csnb`` script."""

import sys

from .cli import main

sys.exit(main())
