"""Compare the results JSON of two report folders, key by key.

Used to show that a refactoring changed no figure: render the same month before and after
(``csnb report --month M --data DIR --out A`` on each commit), then

    python scripts/compare_results.py A B

prints, for each ``YYYY-MM/NAME.json`` of A, "equal" or every key whose value differs or
that one side lacks. Run timestamps and package versions are ignored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

IGNORED = {"rendered_at", "versions", "generated_at"}


def strip(value):
    """The value without the keys that differ from run to run."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def differences(a, b, path: str = "") -> list[str]:
    """Every key path whose value differs between ``a`` and ``b``."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            where = f"{path}.{key}" if path else key
            if key not in a:
                out.append(f"{where}: only in the second ({b[key]!r})")
            elif key not in b:
                out.append(f"{where}: only in the first ({a[key]!r})")
            else:
                out += differences(a[key], b[key], where)
        return out
    return [] if a == b else [f"{path}: {a!r} -> {b!r}"]


def main(argv: list[str]) -> int:
    """Compare two report folders; exit 1 when any results JSON differs."""
    first, second = (Path(p) for p in argv)
    status = 0
    for path in sorted(first.glob("*/*.json")):
        other = second / path.relative_to(first)
        if not other.exists():
            print(f"{path.relative_to(first)}: missing in {second}")
            status = 1
            continue
        found = differences(strip(json.loads(path.read_text("utf-8"))),
                            strip(json.loads(other.read_text("utf-8"))))
        print(f"{path.relative_to(first)}: {'equal' if not found else 'differs'}")
        for line in found:
            print(f"    {line}")
        status |= bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
