"""File readers: header matching, XLSX sheets, encodings, Parquet types, CSV shape errors."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import MAX_EXAMPLES, plural
from .parsers import TRIM, number_text
from .schema import HEADER_ALIASES, STAND_IN_HEADERS, Table

#: Bytes read at a time when checking or transcoding an encoding.
CHUNK = 1 << 20

# --------------------------------------------------------------------------- headers, files


def norm_header(name: object) -> str:
    """Normalise a header for matching: NFKC, case-folded, no spaces, underscores or hyphens.

    "Exit Date", "exit-date" and "exit_date" are one name; full-width brackets become ASCII.
    """
    text = unicodedata.normalize("NFKC", str(name))
    return "".join(text.split()).casefold().replace("_", "").replace("-", "")


def map_headers(
    names: Sequence[str], table: Table, extra_aliases: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Map file headers to contract columns.

    Returns the mapping contract name -> file column and the ignored file columns. When two
    file columns map to one contract column, the English name wins, else the first one. A
    header of :data:`~csnb.io.schema.STAND_IN_HEADERS` names the column it stands in for when
    no other header of the file maps there (a nickname is the agent_id of an export without
    an account column), else its own alias (the name beside the account).
    """
    lookup: dict[str, str] = {}
    for alias, contract_name in {**HEADER_ALIASES.get(table.name, {}), **extra_aliases}.items():
        lookup[norm_header(alias)] = contract_name
    exact = {norm_header(c.name): c.name for c in table.columns}
    lookup.update(exact)
    own = {norm_header(a) for a in extra_aliases} | set(exact)
    stand_in = {norm_header(h): c for h, c in STAND_IN_HEADERS.get(table.name, {}).items()
                if norm_header(h) not in own}
    named = {lookup.get(norm_header(n)) for n in names if norm_header(n) not in stand_in}
    mapping: dict[str, str] = {}
    extras: list[str] = []
    for name in sorted(names, key=lambda n: norm_header(n) not in exact):
        target = lookup.get(norm_header(name))
        instead = stand_in.get(norm_header(name))
        if instead is not None and instead not in named and instead not in mapping:
            target = instead  # the first stand-in in file order (the sort is stable)
        if target is None or target not in {c.name for c in table.columns}:
            extras.append(name)
        elif target in mapping or name in mapping.values():  # or a repeated stand-in
            extras.append(f"{name} (also maps to {target})")
        else:
            mapping[target] = name
    order = {n: i for i, n in enumerate(names)}
    extras.sort(key=lambda e: order.get(e.split(" (also")[0], 0))
    return mapping, extras


def closest_headers(name: str, table: Table, extra_aliases: dict[str, str]) -> list[str]:
    """Up to three known headers of ``table`` that look like ``name`` (for error messages)."""
    known = [c.name for c in table.columns] + list(HEADER_ALIASES.get(table.name, {}))
    known += list(extra_aliases)
    by_norm: dict[str, str] = {}
    for k in known:
        by_norm.setdefault(norm_header(k), k)
    hits = difflib.get_close_matches(norm_header(name), list(by_norm), n=3, cutoff=0.5)
    return [by_norm[h] for h in hits]


_DAY = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_DAY_RANGE = re.compile(rf"{_DAY}(?:\s*(?:至|到|~|～|—|_)\s*{_DAY})?")


def day_from_name(name: str) -> tuple[dt.date | None, str]:
    """The one day a file name states ("..._2026-04-20至2026-04-20.xlsx"), or None and why.

    Platform tools name a custom report after its date range; a daily report without a date
    column is dated by it. A range of several days cannot date a row: None, with the reason.
    """
    found = list(_DAY_RANGE.finditer(name))
    if not found:
        return None, "the file name holds no date"
    days = set()
    for m in found:
        parts = [p for p in m.groups() if p is not None]
        try:
            for i in range(0, len(parts), 3):
                days.add(dt.date(int(parts[i]), int(parts[i + 1]), int(parts[i + 2])))
        except ValueError:
            return None, f"the file name holds a date that does not exist ({m.group(0)})"
    if len(days) > 1:
        first, last = min(days), max(days)
        return None, f"the file name spans {first} to {last}, not one day"
    return days.pop(), ""


#: XLSX files up to this size are read fully (merged cells resolved), larger ones streamed.
_XLSX_FULL_BYTES = 20 << 20


def read_xlsx(path: Path, table: Table, extra_aliases: dict[str, str]) -> pd.DataFrame:
    """Read the first sheet of an XLSX as text cells, finding the header below any preamble."""
    import openpyxl

    # Merged cells (a date spanning its agents' rows, a title across the columns) are known
    # only to a full load; platform reports are small, so read them fully, and only very
    # large sheets in the streaming mode, which sees a merged range as its first cell alone.
    full = path.stat().st_size <= _XLSX_FULL_BYTES
    book = openpyxl.load_workbook(path, read_only=not full, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        merged = list(sheet.merged_cells.ranges) if full else []
    finally:
        book.close()
    for cells in merged:
        # The value sits in the top-left cell; every cell of the range shows it.
        top, left = cells.min_row - 1, cells.min_col - 1
        value = rows[top][left] if top < len(rows) and left < len(rows[top]) else None
        for i in range(top, min(cells.max_row, len(rows))):
            row = rows[i]
            row.extend([None] * (cells.max_col - len(row)))
            for j in range(left, cells.max_col):
                row[j] = value
    trailing = 0
    while rows and all(xlsx_text(v) is None for v in rows[-1]):
        rows.pop()  # formatted but empty trailing rows are not data rows (counted, reported)
        trailing += 1
    if not rows:
        raise ValueError("the first sheet is empty")
    # The header is the first row that holds every required column after aliasing; when no
    # row does, the row matching most contract columns (the missing ones are then reported).
    best, best_hits = 0, -1
    for i, row in enumerate(rows[:50]):
        names = [str(v).strip() for v in row if xlsx_text(v) is not None]
        mapping, _ = map_headers(names, table, extra_aliases)
        if all(c in mapping for c in table.required):
            best = i
            break
        if len(mapping) > best_hits:
            best, best_hits = i, len(mapping)
    header, data = rows[best], rows[best + 1:]
    width = max(len(r) for r in rows)
    names, seen = [], set()
    for j in range(width):
        v = header[j] if j < len(header) else None
        name = str(v).strip() if xlsx_text(v) is not None else f"column{j + 1}"
        while name in seen or name == "__row":
            name += "_"
        seen.add(name)
        names.append(name)
    columns = {
        name: [xlsx_text(r[j]) if j < len(r) else None for r in data]
        for j, name in enumerate(names)
    }
    # Columns without header and without any value are layout, not data.
    columns = {k: v for j, (k, v) in enumerate(columns.items())
               if not (k == f"column{j + 1}" and all(x is None for x in v))}
    frame = pd.DataFrame({"__row": range(1, len(data) + 1), **columns})
    for k in columns:
        frame[k] = frame[k].astype(object)
    frame.attrs["trailing_empty_rows"] = trailing
    frame.attrs["preamble_rows"] = best
    return frame


def xlsx_text(v: object) -> str | None:
    """Render an openpyxl cell value as the text a CSV export would hold."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return number_text(v.total_seconds())
    if isinstance(v, float):
        return None if math.isnan(v) else number_text(v)
    text = str(v)
    return text if text.strip(TRIM) else None


def decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes in ``encoding`` (read in chunks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True




#: Bytes charset-normalizer looks at: enough for a header and many rows, fast on any file.
_SAMPLE = 1 << 16


def detect_encoding(path: Path) -> tuple[str, str]:
    """Decide the text encoding of a CSV: the Python codec and the decision as shown to users.

    A byte-order mark decides (UTF-8 with BOM; UTF-16, Excel's "Unicode text" export); else a
    file that decodes as UTF-8 is UTF-8; else charset-normalizer judges a sample, and the
    codec must decode the whole file. GB18030 (the superset of GBK and GB2312, which Chinese
    Windows tools write) is tried after a UTF-16 or Big5 guess; other guesses are refused.

    Raises
    ------
    ValueError
        No candidate decodes the whole file.
    """
    import charset_normalizer

    with path.open("rb") as f:
        head = f.read(_SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 (BOM)"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 (BOM)"
    if decodes(path, "utf-8"):
        return "utf-8", "UTF-8"
    best = charset_normalizer.from_bytes(head).best()
    guess = best.encoding if best is not None else None
    # Only encodings Chinese shop tools write are taken: a Latin guess for bytes that are not
    # GB18030 means a broken file far more often than a Western export.
    candidates = ["gb18030"]
    if guess is not None and (guess.startswith("utf_16") or guess == "big5"):
        candidates.insert(0, guess)
    for codec in candidates:
        if decodes(path, codec):
            name = codecs.lookup(codec).name.upper().replace("_", "-")
            return codec, f"{name} (detected)"
    raise ValueError(
        "the file is neither UTF-8 (with or without BOM), UTF-16 with BOM nor GB18030/GBK "
        f"text{f' (charset-normalizer guessed {guess})' if guess else ''}; save it as UTF-8")


def parquet_durations(path: Path) -> dict[str, float]:
    """Columns of Arrow duration type in a Parquet file, with their units per second."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    per_second = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}
    return {
        f.name: per_second[f.type.unit]
        for f in pq.read_schema(path)
        if pa.types.is_duration(f.type)
    }


def check_csv_widths(path: Path) -> None:
    """Raise ValueError naming the data rows whose field count differs from the header's.

    Only called when DuckDB could not make sense of a CSV, so the slow stdlib pass runs on
    the error path alone.
    """
    import csv

    bad: list[tuple[int, int]] = []
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        for row_number, row in enumerate((r for r in reader if r), start=1):
            if len(row) != len(header):
                count += 1
                if len(bad) < MAX_EXAMPLES:
                    bad.append((row_number, len(row)))
    if count:
        rows = ", ".join(f"row {r} has {n}" for r, n in bad)
        raise ValueError(
            f"has {plural(count, 'data row')} whose field count differs from the header's "
            f"{len(header)} ({rows}); "
            f"quote values that contain commas, such as \"1,234.00\""
        )


def short_error(exc: BaseException) -> str:
    """The exception's type and first line, for a problem message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
