"""Property-based tests of the loader (hypothesis): hostile cells, headers, encodings, files.

The outcome of a load is always either a correct frame or one ``csnb.errors`` exception whose
problems name the file (and the column, for a column finding); never another exception type,
never a row lost without an accounting line.

Example counts per test are scaled by the hypothesis profile: ``HYPOTHESIS_PROFILE=slow``
runs ten times as many (``csnb-slow``). Run with ``--hypothesis-show-statistics`` to see them.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import tempfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_exports import clock, cn_duration, excel_serial, fullwidth_thousands, percent

from csnb.errors import CsnbError, DataContractError
from csnb.io import load_dataset
from csnb.io.parsers import create_macros
from csnb.io.readers import day_from_name, detect_encoding, map_headers, norm_header
from csnb.io.schema import (
    HEADER_ALIASES,
    MISSING_MARKERS,
    STAND_IN_HEADERS,
    SUMMARY_MARKERS,
    TABLES,
)

settings.register_profile("csnb", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("csnb-slow", parent=settings.get_profile("csnb"))
SLOW = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
settings.load_profile("csnb-slow" if SLOW else "csnb")


def examples(n: int) -> settings:
    """Settings running ``n`` examples (ten times as many under the slow profile)."""
    return settings(max_examples=n * (10 if SLOW else 1))


PARSED_KINDS = ("int", "float", "money", "rate", "duration", "bool", "date", "timestamp",
                "month")
DAILY = TABLES["agent_daily"]

# ------------------------------------------------------------------ strategies

TRAPS = [
    "1e400", "-1e400", "inf", "-inf", "nan", "NaN", "Infinity", "1e308", "9" * 30, "-0",
    "-5秒", "-00:01:05", "1e400秒", "99999999999小时", "2999-12-31", "9999-99-99", "0000-00-00",
    "2025-02-30", "45921.5", "-45921", "1e20", "25:61:61", "1,23,4", "１２３", "\x00", "12\x00",
    "￥", "%", "元", "￥-5", "-12%", "120%", "1,234.00元", "1，234", "2分30秒", "00:01:05",
    "7小时41分52秒", "52.17%", "2025/09/21", "2025年9月21日", "20250921", "是", "否",
    "2025-06-01 09:00:00+08:00", "2025-06-01T09:00:00Z", "2025-13", "2025-00", "'", '"', ",",
    "\t", " ", "\u3000", "\ufeff", "—", "延迟统计",
]
cells = st.one_of(
    st.sampled_from(TRAPS + list(MISSING_MARKERS) + list(SUMMARY_MARKERS)),
    st.integers(-10**25, 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),  # any Unicode, NUL and control characters included
)
# Cells a CSV line can hold without changing the number of lines.
line_cells = cells.map(lambda s: s.replace("\r", " ").replace("\n", " "))


def headers_strategy():
    """Header rows: contract names, aliases, junk, in any order, some duplicated or missing."""
    known = [c.name for c in DAILY.columns] + list(HEADER_ALIASES["agent_daily"])
    one = st.one_of(st.sampled_from(known), st.text(min_size=1, max_size=8))
    return st.lists(one, min_size=1, max_size=12)


# ------------------------------------------------------------------ cell parsers


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    create_macros(c, "Asia/Shanghai")
    yield c
    c.close()


# Trimmed once in a subquery, as the loader does: the macros then inline a column reference.
PARSE_ALL = ("SELECT " + ", ".join(f"_csnb_{k}(t) AS {k}" for k in PARSED_KINDS)
             + " FROM (SELECT _csnb_trim(s) AS t FROM (VALUES (CAST(? AS VARCHAR))) v(s))")


@examples(1200)
@given(cell=cells)
def test_every_cell_parser_returns_a_typed_value_or_null(con, cell):
    """No cell makes a parser raise; numbers are finite, so an infinity never becomes data."""
    row = con.execute(PARSE_ALL, [cell]).fetchone()
    got = dict(zip(PARSED_KINDS, row, strict=True))
    for kind in ("int",):
        assert got[kind] is None or isinstance(got[kind], int)
    for kind in ("float", "money", "rate", "duration"):
        assert got[kind] is None or math.isfinite(got[kind]), (kind, cell, got[kind])
    assert got["bool"] in (None, True, False)
    assert got["date"] is None or isinstance(got["date"], dt.date)
    assert got["month"] is None or (len(got["month"]) == 7 and got["month"][4] == "-")


formats = {
    "int": [str, lambda n: f"{n:,}", fullwidth_thousands],
    "money": [lambda c: f"{c / 100:.2f}", lambda c: f"￥{c / 100:,.2f}",
              lambda c: f"{c / 100:,.2f}元", lambda c: f"¥{c / 100:.2f}"],
    "rate": [lambda b: percent(b / 10_000), lambda b: f"{b / 10_000:.4f}"],
    "duration": [lambda s: str(s), cn_duration, clock, lambda s: f"{s}秒"],
    "date": [lambda d: d.strftime("%Y-%m-%d"), lambda d: d.strftime("%Y/%m/%d"),
             lambda d: excel_serial(pd.Timestamp(d)), lambda d: f"{d.year}年{d.month}月{d.day}日"],
}


@examples(300)
@given(n=st.integers(0, 10**12), cents=st.integers(0, 10**11), bp=st.integers(0, 10_000),
       secs=st.integers(0, 10**6), day=st.dates(dt.date(1960, 1, 1), dt.date(2100, 12, 31)),
       pick=st.integers(0, 11), pad=st.sampled_from(["", " ", "\u3000", "\t"]))
def test_valid_cells_in_every_platform_format_parse_to_their_value(con, n, cents, bp, secs, day,
                                                                   pick, pad):
    values = {"int": n, "money": cents, "rate": bp, "duration": secs, "date": day}
    texts = {k: pad + f[pick % len(f)](values[k]) + pad for k, f in formats.items()}
    sql = ("SELECT _csnb_int(a), _csnb_money(b), _csnb_rate(c), _csnb_duration(d), "
           "_csnb_date(e) FROM (SELECT _csnb_trim(a) AS a, _csnb_trim(b) AS b, _csnb_trim(c) "
           "AS c, _csnb_trim(d) AS d, _csnb_trim(e) AS e FROM (VALUES (?, ?, ?, ?, ?)) v(a, b, "
           "c, d, e))")
    got = con.execute(sql, [texts[k] for k in formats]).fetchone()
    assert got[0] == n, texts["int"]
    assert got[1] == pytest.approx(cents / 100, rel=1e-12), texts["money"]
    assert got[2] == pytest.approx(bp / 10_000, rel=1e-12, abs=1e-15), texts["rate"]
    assert got[3] == secs, texts["duration"]
    assert got[4] == day, texts["date"]


# ------------------------------------------------------------------ headers, encodings, names


@examples(300)
@given(names=headers_strategy())
def test_header_mapping_is_total_and_one_to_one(names):
    mapping, extras = map_headers(names, DAILY, {})
    # Every file column is either mapped once or listed as ignored; never both, never lost.
    assert len(set(mapping.values())) == len(mapping)
    ignored = [e.split(" (also maps to ")[0] for e in extras]
    assert sorted(list(mapping.values()) + ignored) == sorted(names)
    for column, header in mapping.items():
        assert column in {c.name for c in DAILY.columns}
        assert norm_header(header) in {norm_header(a) for a, c in
                                       [*HEADER_ALIASES["agent_daily"].items(),
                                        *STAND_IN_HEADERS["agent_daily"].items(),
                                        *((c.name, c.name) for c in DAILY.columns)]
                                       if c == column}


@examples(300)
@given(text=st.text(max_size=200), encoding=st.sampled_from(
    ["utf-8", "utf-8-sig", "gb18030", "utf-16", "mixed", "bytes"]), junk=st.binary(max_size=64))
def test_encoding_is_decided_or_refused_with_a_reason(text, encoding, junk):
    if encoding == "mixed":
        data = text.encode("utf-8") + "中文客服".encode("gb18030") + text.encode("utf-8")
    elif encoding == "bytes":
        data = junk
    else:
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data)
        try:
            codec, label = detect_encoding(path)
        except ValueError as exc:
            assert "save it as UTF-8" in str(exc)
            return
        decoded = data.decode(codec)  # the decision decodes the whole file
        assert label
        if encoding in ("utf-8", "utf-8-sig", "utf-16") and data:
            assert decoded.lstrip("\ufeff") == text.lstrip("\ufeff") or codec == "gb18030"


@examples(200)
@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), span=st.integers(0, 40),
       prefix=st.text(alphabet="自定义报表_客服abc ", max_size=10))
def test_a_file_name_dates_a_report_only_when_it_names_one_day(day, span, prefix):
    last = day + dt.timedelta(days=span)
    found, why = day_from_name(f"{prefix}{day:%Y-%m-%d}至{last:%Y-%m-%d}.xlsx")
    assert (found == day and not why) if span == 0 else (found is None and "spans" in why)


# ------------------------------------------------------------------ whole files


def _write(folder: Path, headers: list[str], rows: list[list[str]], form: str,
           cut: float) -> Path:
    if form == "xlsx" or form == "truncated":
        book = openpyxl.Workbook()
        sheet = book.active
        for row in [headers, *rows]:
            sheet.append([openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", v) for v in row])
        buf = io.BytesIO()
        book.save(buf)
        data = buf.getvalue()
        if form == "truncated":
            data = data[: int(len(data) * cut)]
        path = folder / "agent_daily.xlsx"
        path.write_bytes(data)
        return path

    def line(row: list[str]) -> str:
        return ",".join('"' + v.replace('"', '""') + '"' for v in row) + "\n"

    text = "".join(line(r) for r in [headers, *rows]) if form != "empty" else ""
    if form == "header-only":
        text = line(headers)
    encoding = {"utf-16": "utf-16", "gb18030": "gb18030"}.get(form, "utf-8")
    data = text.encode(encoding, errors="replace")
    if form == "mixed":
        data = data + line(["2025-06-01", "客服", "1", "1"]).encode("gb18030")
    path = folder / "agent_daily.csv"
    path.write_bytes(data)
    return path


#: Checks that concern a whole file or row rather than one column.
FILE_CHECKS = {"unreadable", "no_tables", "summary_row", "empty_row", "extra_columns",
               "duplicate_id"}


@examples(80)
@given(headers=headers_strategy(), data=st.data(),
       form=st.sampled_from(["utf-8", "utf-16", "gb18030", "mixed", "xlsx", "truncated",
                             "empty", "header-only"]),
       cut=st.floats(0.05, 0.95))
def test_a_hostile_file_loads_or_raises_one_named_csnb_error(headers, data, form, cut):
    rows = data.draw(st.lists(st.lists(line_cells, min_size=len(headers),
                                       max_size=len(headers)), max_size=6))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _write(folder, headers, rows, form, cut)
        try:
            ds = load_dataset(folder, cache=False)
        except DataContractError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            assert errors
            for p in errors:
                assert p.path == path.name, str(p)
                assert p.column is not None or p.check in FILE_CHECKS, str(p)
            q, found = exc.quality, exc.problems
        except CsnbError:
            raise AssertionError("a load raises DataContractError only")  # noqa: B904
        else:
            frame = ds.frame("agent_daily")
            q, found = ds.quality, ds.problems
            assert len(frame) == q["accepted"].sum()
            # Accepted values keep their contract types and ranges.
            assert frame["inquiries"].dropna().ge(0).all()
            assert frame["fast_response_rate"].dropna().between(0, 1).all()
            assert frame["date"].dropna().le(pd.Timestamp.now().normalize()).all()
            ds.con.close()
        if q is not None and len(q):
            row = q.iloc[0]
            assert row["read"] == row["accepted"] + row["rejected"]
            unread = not any(p.check == "unreadable" for p in found)
            if form in ("utf-8", "xlsx") and unread and len(headers) > 1:
                # Nothing silently dropped: every written row is read or reported.
                skipped = sum(p.count for p in found
                              if p.check in ("trailing_empty_rows", "preamble_rows"))
                assert row["read"] + skipped == len(rows), (row.to_dict(), rows)


@examples(30)
@given(data=st.data(), n=st.integers(1, 5))
def test_valid_rows_in_any_format_load_to_their_values(data, n):
    """Shuffled headers in any platform's spelling, cells in any format: the frame is right."""
    order = data.draw(st.permutations([c.name for c in DAILY.columns]))
    aliases = {c: [a for a, t in HEADER_ALIASES["agent_daily"].items() if t == c] + [c]
               for c in order}
    headers = [data.draw(st.sampled_from(aliases[c])) for c in order]
    truth, rows = [], []
    for i in range(n):
        inquiries = data.draw(st.integers(0, 10**6))
        values = {
            "date": dt.date(2025, 6, 1) + dt.timedelta(days=i), "agent_id": f"A{i}",
            "name": f"N{i}",
            "inquiries": inquiries, "paid_buyers": data.draw(st.integers(0, inquiries)),
            "sales": data.draw(st.integers(0, 10**9)), "avg_first_response_s":
            data.draw(st.integers(0, 10**5)), "avg_response_s": data.draw(st.integers(0, 10**5)),
            "fast_response_rate": data.draw(st.integers(0, 10_000)),
            "consultations": data.draw(st.integers(0, 10**6)),
            "satisfaction_rate": data.draw(st.integers(0, 10_000)),
        }
        kind = {"inquiries": "int", "paid_buyers": "int", "consultations": "int",
                "sales": "money", "avg_first_response_s": "duration",
                "avg_response_s": "duration", "fast_response_rate": "rate",
                "satisfaction_rate": "rate", "date": "date"}
        cells_ = {c: (data.draw(st.sampled_from(formats[kind[c]]))(values[c])
                      if c in kind else values[c]) for c in order}
        rows.append([cells_[c] for c in order])
        truth.append(values)
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), headers, rows, "utf-8", 1.0)
        ds = load_dataset(tmp, cache=False)
        got = ds.frame("agent_daily").sort_values("agent_id").reset_index(drop=True)
        ds.con.close()
    want = pd.DataFrame(truth)
    want["sales"] = want["sales"] / 100
    for c in ("fast_response_rate", "satisfaction_rate"):
        want[c] = want[c] / 10_000
    want["date"] = pd.to_datetime(want["date"])
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False, check_exact=False,
                                  rtol=1e-12)

