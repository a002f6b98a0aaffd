"""Command line: ``python -m csnb.simulate --out DIR --seed N``, the same as ``csnb simulate``."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``csnb simulate`` with these arguments (one definition of the options)."""
    from ..cli import main as cli_main

    return cli_main(["simulate", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
