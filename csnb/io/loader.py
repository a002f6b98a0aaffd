"""One load of a dataset folder: its files read, checked against the data contract, built.

A dataset is a folder (DESIGN.md, "Data contract"). Each contract table is a file named after
it (``agents.csv``, ``sessions.parquet``, ``complaints.xlsx``) or a subfolder whose files are
concatenated (``sessions/2025-06.csv``, ...). CSV (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16
with BOM as Excel's "Unicode text"; detected with charset-normalizer), Parquet and XLSX (first
sheet, below any title rows, merged cells filled) are read.

How a load works
----------------
1. Discover: list the table files; other files are ignored with an ``unknown_file`` warning
   (``csnb.toml``, ``README.md``, ``truth.json`` and dot-files are expected and not listed).
2. Stage: every file is read by DuckDB (``read_csv(all_varchar=true)``; ``read_parquet``,
   whose columns of the contract type are checked in that type and the others cast to
   VARCHAR; XLSX through openpyxl, registered into DuckDB). A CSV that is not UTF-8 is
   transcoded in chunks to a UTF-8 temp file first, so raw tables are never held in pandas.
   Headers are mapped to contract names (English names, :data:`~csnb.io.schema.HEADER_ALIASES`
   with every platform style's daily-report headers, and ``[aliases.TABLE]`` of
   ``csnb.toml``); category values through :data:`~csnb.io.schema.VALUE_ALIASES` and
   ``[values.COLUMN]`` of ``csnb.toml``. An ``agent_daily`` file without a date column is
   dated by the one day its file name states.
3. Parse: one SQL mechanism for all tables and formats turns each cell into its contract type
   (``TRY_CAST``, regular expressions: percent strings, "1,234.00", "￥", "2分30秒",
   "00:02:30", Excel serial dates, 是/否, value aliases, zone offsets converted to shop time).
4. Check: every contract check runs as SQL; findings become :class:`~csnb.errors.Problem`
   records naming file, column, count and up to five ``(row, value)`` examples. Row numbers
   are 1-based data rows of their file (the row after the header is row 1; blank CSV lines
   are not data rows).
5. Build: accepted rows go into one DuckDB table per contract table with exactly the contract
   columns; the row accounting (read = accepted + rejected) is checked per file and
   a failure raises :class:`~csnb.errors.RowAccountingError` (a bug, never bad data).

Error checks (severity "error"; the row is rejected)
---------------------------------------------------
``missing_column`` (a required column is absent: every row of that file is rejected),
``missing_value``, ``non_numeric``, ``bad_date``, ``bad_timestamp``, ``bad_duration``,
``bad_rate``, ``bad_bool``, ``bad_month``, ``not_allowed``, ``out_of_range``, ``duplicate_id``
(every row sharing a repeated key, within and across the files of a table),
``exit_before_hire``, ``exit_reason_mismatch``, ``unreadable`` (a file that cannot be read at
all), ``no_tables`` (the folder holds no contract table). With ``strict=True`` any error
raises one :class:`~csnb.errors.DataContractError` listing all of them, after every table has
been checked.

Soft policies (severity "warning"; each is one Problem with count and examples)
-------------------------------------------------------------------------------
- ``summary_row``: a row with any cell equal to a summary marker (汇总值, 平均值, ...) is a
  platform total, not data: rejected.
- ``empty_row``: a row whose cells are all empty or missing markers: rejected.
- ``future_date``: an ``agent_daily`` day after the load day (shop time): rejected.
- ``future_timestamp``: a timestamp after the load time in shop time cannot be real data (a
  clock or zone error): the row is rejected.
- ``unknown_reference``: a value of a referencing column (``Column.references``, e.g. a
  session's agent_id) that is not among the accepted keys of the referenced table, when that
  table is present: the row is kept (agents may be missing from an incomplete roster).
- ``not_final``: a cell of ``agent_daily`` marked "延迟统计" (statistics not final yet) in a
  non-key column becomes NULL and the row is kept, even in a required column; the distinct
  dates of such rows are stored in the table ``_not_final_days(date DATE)`` of the dataset's
  connection (always created) so metrics can mark those days provisional. In a key column,
  and in every other table, the marker is an ordinary missing value.
- ``outside_employment``: a session or agent_daily row dated before its agent's hire_date or
  after the exit_date: kept (the roster is more often wrong than the platform's log).
- ``unknown_value``: a value of a *lenient* column (optional, no figure uses it: actions,
  message counts) that does not parse, is not allowed or is out of range becomes NULL; the
  row is kept and ``quality_table`` counts the cells under ``set_missing``.
- ``date_from_file_name`` / ``no_date_in_name``: an ``agent_daily`` file without a date
  column was dated by its file name, or could not be (then ``missing_column`` follows).
- ``preamble_rows`` / ``trailing_empty_rows``: rows above the header (a title) and empty rows
  below the data of an XLSX sheet are not read; their number is reported.
- ``extra_columns``: columns that are not in the contract (or a second column mapping to the
  same contract column) are ignored.
- ``unknown_file``: a file or folder that is not a contract table is ignored.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from .._sql import ident, lit
from ..errors import (
    MAX_EXAMPLES,
    Problem,
    RowAccountingError,
    plural,
)
from ..settings import SETTINGS_FILE, Settings, load_settings
from .checks import Check, Staged
from .dataset import QUALITY_COLUMNS, Dataset
from .parsers import create_macros, drop_macros
from .readers import (
    CHUNK,
    check_csv_widths,
    closest_headers,
    day_from_name,
    detect_encoding,
    map_headers,
    parquet_durations,
    read_xlsx,
    short_error,
)
from .resources import connect
from .schema import SUFFIXES, TABLES, Table

__all__: list[str] = []  # csnb.io.load is the entry point

#: Files a dataset folder may hold besides its tables (not reported as unknown).
EXPECTED_FILES = (SETTINGS_FILE, "README.md", "truth.json")

#: Tables whose rows are an agent's work on a day, and the column dating it.
_EMPLOYMENT_DATES = {"sessions": "start_ts", "agent_daily": "date"}


class _StoreFailed(Exception):
    """Building the tables in a store failed on the store's side (its disk)."""

    def __init__(self, store: Path):
        super().__init__(str(store))
        self.store = store


class _Loader:
    """One load of one folder; collects problems, never raises on bad data."""

    def __init__(self, folder: Path, settings: Settings | None):
        self.folder = folder
        self.settings = settings
        self.problems: list[Problem] = []
        self.quality: list[dict] = []
        self.files: list[dict] = []
        # Per file: how it was read (encoding decision, source header -> contract column).
        self.file_info: dict[str, dict] = {}

    # -- steps

    def check(self) -> dict[str, Staged]:
        """Stage and check every table of the folder; return the staged tables.

        Opens the load's connection (``self.con``) with the shop's time zone; the findings
        are in ``self.problems``. :meth:`finish` then builds the tables.
        """
        settings = self.settings if self.settings is not None else load_settings(
            self.folder if self.folder.is_dir() else None
        )
        self.settings = settings
        con = connect(settings)
        # Shop time everywhere: TIMESTAMPTZ text from parquet carries the shop offset.
        con.execute(f"SET TimeZone = {lit(settings.timezone)}")
        con.execute("SET enable_progress_bar = false")
        self.con = con
        self.now = dt.datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)

        found = self._discover()
        staged: dict[str, Staged] = {}
        create_macros(con, settings.timezone)
        with tempfile.TemporaryDirectory(prefix="csnb-load-") as tmp:
            self.tmp = Path(tmp)
            for name, paths in found.items():
                st = self._stage(TABLES[name], paths)
                if st.read_files:
                    staged[name] = st
                    self._check(st)
                else:
                    con.execute(f"DROP TABLE {st.stage}")
        self._check_references(staged)
        return staged

    def finish(self, staged: dict[str, Staged], into: str = "") -> Dataset:
        """Build the tables (in the catalog ``into`` names) and check the row accounting."""
        self._not_final_days(staged, into)
        tables = self._build(staged, into)
        drop_macros(self.con)
        quality = pd.DataFrame(self.quality, columns=QUALITY_COLUMNS)
        for col in ("read", "accepted", "summary", "rejected"):
            quality[col] = quality[col].astype("int64")
        lost = quality[quality["read"] != quality["accepted"] + quality["rejected"]]
        if len(lost):
            raise RowAccountingError(
                f"row accounting failed for {', '.join(lost['path'])}: read != accepted + "
                f"rejected ({lost.to_dict(orient='records')})")
        assert self.settings is not None
        return Dataset(
            path=self.folder,
            settings=self.settings,
            con=self.con,
            tables=tables,
            quality=quality,
            problems=tuple(self.problems),
            files=pd.DataFrame(self.files, columns=["path", "bytes", "sha256"]),
            origin="files",
        )

    def _discover(self) -> dict[str, list[Path]]:
        found: dict[str, list[Path]] = {}
        if not self.folder.is_dir():
            what = "does not exist" if not self.folder.exists() else "is not a folder"
            self._problem("", str(self.folder), None, "no_tables",
                          f"{what}; a dataset is a folder of table files")
            return found
        for entry in sorted(self.folder.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and entry.name in TABLES:
                for sub in sorted(entry.iterdir()):
                    if sub.name.startswith("."):
                        continue
                    if sub.is_file() and sub.suffix.lower() in SUFFIXES:
                        found.setdefault(entry.name, []).append(sub)
                    else:
                        self._unknown(sub)
            elif entry.is_file() and entry.stem in TABLES and entry.suffix.lower() in SUFFIXES:
                found.setdefault(entry.stem, []).append(entry)
            elif entry.is_file() and entry.name in EXPECTED_FILES:
                if entry.name == SETTINGS_FILE:
                    self._register_file(entry)
            else:
                self._unknown(entry)
        if not found:
            self._problem(
                "", ".", None, "no_tables",
                f"holds no contract table (expected files or folders named "
                f"{', '.join(TABLES)} with suffix {', '.join(SUFFIXES)})",
            )
        # Stage in contract order so references resolve against staged tables.
        return {name: sorted(found[name]) for name in TABLES if name in found}

    def _stage(self, table: Table, paths: Sequence[Path]) -> Staged:
        st = Staged(table, self.now, dict(self.settings.values) if self.settings else {})
        self.con.execute(f"CREATE TEMP TABLE {st.stage} ({st.schema()})")
        for path in paths:
            rel = self._register_file(path)
            index = len(st.files)
            st.files.append(rel)
            try:
                self._stage_file(st, index, path, rel)
            except Exception as exc:  # noqa: BLE001 - any reader failure is a finding
                self._problem(table.name, rel, None, "unreadable",
                              f"could not be read: {short_error(exc)}")
                self.quality.append({"table": table.name, "path": rel,
                                     "encoding": self._encoding(rel), "read": 0,
                                     "accepted": 0, "summary": 0, "rejected": 0})
                continue
            st.read_files.append(index)
        return st

    def _stage_file(self, st: Staged, index: int, path: Path, rel: str) -> None:
        """Read one file, parse and flag its rows into the staging table."""
        table = st.table
        sources, names, cleanup = self._open(path, table, rel)
        try:
            mapping, extras = map_headers(names, table, self._aliases(table))
            if table.name == "agent_daily" and "date" not in mapping:
                sources, names = self._date_from_name(st, path, rel, sources, names, mapping)
            missing = [c for c in table.required if c not in mapping]
            info = self.file_info.setdefault(rel, {"table": table.name,
                                                   "encoding": self._encoding(rel)})
            info["headers"] = [(mapping[c.name], c.name) for c in table.columns
                               if c.name in mapping]
            info["ignored"] = list(extras)
            if missing:
                st.bad_files.append(index)
            for i, source in enumerate(sources):
                try:
                    # One statement: a failed try leaves nothing behind.
                    self.con.execute(st.insert_sql(index, source, names, mapping,
                                                   self.file_info[rel].get("types")))
                    break
                except duckdb.Error:
                    if i == len(sources) - 1:
                        raise
        except Exception:
            if index in st.bad_files:
                st.bad_files.remove(index)
            raise
        finally:
            cleanup()
        if extras:
            self._problem(
                table.name, rel, None, "extra_columns",
                f"has {plural(len(extras), 'column')} that the contract does not use, "
                f"ignored: {', '.join(extras)}",
                count=len(extras), severity="warning",
            )
        if missing:
            rows = self.con.execute(
                f"SELECT count(*) FROM {st.stage} WHERE _file = ?", [index]
            ).fetchall()[0][0]
            unmatched = [e for e in extras if " (also maps to " not in e]
            hint = "; ".join(
                f"{e} (closest known: {', '.join(close)})" if close else f"{e} (no close match)"
                for e in unmatched
                for close in [closest_headers(e, table, self._aliases(table))]
            )
            for col in missing:
                self._problem(
                    table.name, rel, col, "missing_column",
                    f"is missing (required), so all {plural(rows, 'row')} of the file are "
                    f"rejected; columns found: {', '.join(names) if names else '(none)'}"
                    + (f"; headers not matched: {hint}" if hint else "")
                    + f"; name yours under [aliases.{table.name}] in csnb.toml",
                    count=rows,
                )

    def _date_from_name(self, st: Staged, path: Path, rel: str, sources: list[str],
                        names: list[str], mapping: dict[str, str]
                        ) -> tuple[list[str], list[str]]:
        """Date a daily report without a date column by the one day its file name states.

        Returns the sources with a constant ``__file_date`` column and the names with it
        (``mapping`` gains ``date``), or both unchanged when the name states no single day.
        """
        day, why = day_from_name(path.name)
        if day is None:
            self._problem(st.table.name, rel, "date", "no_date_in_name",
                          f"is not in the file and cannot come from its name: {why} (a "
                          f"daily report without a date column is dated by a file name such "
                          f"as '..._2026-04-20至2026-04-20.xlsx')", severity="warning")
            return sources, names
        mapping["date"] = "__file_date"
        self._problem(st.table.name, rel, "date", "date_from_file_name",
                      f"is not in the file: every row is dated {day}, the day its name "
                      f"states", severity="warning")
        wrapped = [f"(SELECT *, {lit(day.isoformat())} AS __file_date FROM {s})"
                   for s in sources]
        return wrapped, [*names, "__file_date"]

    def _open(self, path: Path, table: Table, rel: str
              ) -> tuple[list[str], list[str], Callable[[], None]]:
        """Return SQL sources to try, with a ``__row`` column; the data columns; a cleanup."""
        suffix = path.suffix.lower()
        self.file_info[rel] = {"table": table.name, "encoding": suffix.lstrip(".").upper()}
        if suffix == ".csv":
            if path.stat().st_size == 0:
                raise ValueError("the file is empty (no header row)")
            text_path = self._utf8_csv(path, rel)
            opts = ("all_varchar=true, header=true, skip=0, comment='', quote='\"', "
                    "escape='\"', null_padding=true, parallel={}")
            # Explicit skip/comment: the sniffer would otherwise drop lines it takes for a
            # preamble or comments, silently. The parallel reader refuses quoted newlines
            # with null_padding, hence the serial reader as a second try.
            srcs = [f"read_csv({lit(str(text_path))}, {opts.format(p)})"
                    for p in ("true", "false")]
            try:
                names = [r[0] for r in
                         self.con.execute(f"DESCRIBE SELECT * FROM {srcs[1]}").fetchall()]
            except duckdb.Error:
                check_csv_widths(text_path)  # names the lines when field counts differ
                raise
            if len(names) == 1 and "," in names[0]:
                # The sniffer gave up on commas: some lines have more fields than the header.
                check_csv_widths(text_path)
            sources = [f"(SELECT row_number() OVER () AS __row, * FROM {s})" for s in srcs]
            return sources, names, lambda: None
        if suffix == ".parquet":
            src = f"read_parquet({lit(str(path))}, file_row_number=true)"
            names = [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
                     if r[0] != "file_row_number"]
            # DuckDB reads an Arrow duration (a pandas timedelta column) as a bare integer
            # count of its unit: turn it into seconds, which is what duration columns hold.
            seconds = [f"{ident(name)} / {factor} AS {ident(name)}"
                       for name, factor in parquet_durations(path).items() if name in names]
            replace = f" REPLACE ({', '.join(seconds)})" if seconds else ""
            source = f"(SELECT file_row_number + 1 AS __row, *{replace} FROM {src})"
            # Typed columns are checked in their type (see Staged.insert_sql).
            self.file_info[rel]["types"] = {
                r[0]: r[1] for r in self.con.execute(f"DESCRIBE SELECT * FROM {source}")
                .fetchall()}
            self.file_info[rel]["encoding"] = "Parquet"
            return [source], names, lambda: None
        if suffix == ".xlsx":
            frame = read_xlsx(path, table, self._aliases(table))
            self.file_info[rel]["encoding"] = "XLSX"
            preamble = int(frame.attrs.get("preamble_rows", 0))
            if preamble:
                self._problem(table.name, rel, None, "preamble_rows",
                              f"has {plural(preamble, 'row')} above the header (title, notes), "
                              f"not read", count=preamble, severity="warning")
            trailing = int(frame.attrs.get("trailing_empty_rows", 0))
            if trailing:
                self._problem(table.name, rel, None, "trailing_empty_rows",
                              f"has {plural(trailing, 'empty row')} below the data (sheet "
                              f"formatting), not read", count=trailing, severity="warning")
            view = f"_xlsx_{table.name}"
            self.con.register(view, frame)
            names = [c for c in frame.columns if c != "__row"]
            return [ident(view)], names, lambda: self._unregister(view)
        raise ValueError(f"unsupported file type {suffix!r}")

    def _aliases(self, table: Table) -> dict[str, str]:
        """Extra header aliases of ``csnb.toml`` for a table."""
        return self.settings.aliases.get(table.name, {}) if self.settings else {}

    def _unregister(self, view: str) -> None:
        self.con.unregister(view)

    def _encoding(self, rel: str) -> str:
        """The encoding decision of a file, as shown in the quality table."""
        return str(self.file_info.get(rel, {}).get("encoding", ""))

    def _utf8_csv(self, path: Path, rel: str) -> Path:
        """Return a UTF-8 version of a CSV: the file itself, or a transcoded temp copy."""
        codec, label = detect_encoding(path)
        self.file_info[rel]["encoding"] = label
        if codec in ("utf-8", "utf-8-sig"):
            return path  # DuckDB skips a UTF-8 BOM itself
        out = self.tmp / f"{len(list(self.tmp.iterdir()))}.csv"
        decoder = codecs.getincrementaldecoder(codec)()
        # One pass, chunk by chunk: detect_encoding checked that the whole file decodes.
        with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
        return out

    def _check(self, st: Staged) -> None:
        """Run every contract check of a staged table and record its row accounting."""
        table = st.table
        self._mark_duplicates(st)
        rows = self.con.execute(
            f"SELECT _file, count(*), count(*) FILTER (WHERE {st.ok}), "
            f"count(*) FILTER (WHERE NOT {st.ok}), "
            f"count(*) FILTER (WHERE {st.not_bad} AND _summary IS NOT NULL) "
            f"FROM {st.stage} GROUP BY _file"
        ).fetchall()
        counts = {r[0]: r[1:] for r in rows}
        for index in st.read_files:
            read, accepted, rejected, summary = counts.get(index, (0, 0, 0, 0))
            if read != accepted + rejected:
                raise RowAccountingError(
                    f"{st.files[index]}: read {read} rows, accepted {accepted} and rejected "
                    f"{rejected}; the difference was lost")
            rel = st.files[index]
            self.quality.append({"table": table.name, "path": rel,
                                 "encoding": self._encoding(rel), "read": read,
                                 "accepted": accepted, "summary": summary,
                                 "rejected": rejected})
        checks = st.checks()
        self._record(st, checks, self._aggregate(st.stage, checks, where="_flag"))

    def _mark_duplicates(self, st: Staged) -> None:
        """Flag every eligible row whose key is shared with another eligible row."""
        key = [ident(k) for k in st.table.key]
        if not key:
            return
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in key)
        same = " AND ".join(f"{st.stage}.{k} = d.{k}" for k in key)
        self.con.execute(
            f"UPDATE {st.stage} SET _dup = true, _flag = true FROM (SELECT {', '.join(key)} "
            f"FROM {st.stage} WHERE {st.eligible} AND {not_null} GROUP BY ALL "
            f"HAVING count(*) > 1) AS d WHERE {same} AND {st.eligible}"
        )

    def _check_references(self, staged: dict[str, Staged]) -> None:
        for st in staged.values():
            for c in st.table.columns:
                if not c.references:
                    continue
                ref_table, ref_col = c.references.split(".")
                if ref_table not in staged:
                    continue
                ref = staged[ref_table]
                col, key = ident(c.name), ident(ref_col)
                # Only the referenced keys that occur here can match: NOT IN builds its hash
                # table on the subquery, and a complaint's session among all the sessions
                # meant hashing every session id (1.2 s of a 5M load); the semi-join keeps
                # that side small whichever table is the larger.
                check = Check(
                    c.name, "unknown_reference", "warning",
                    f"{st.ok} AND {col} IS NOT NULL AND {col} NOT IN (SELECT {key} "
                    f"FROM {ref.stage} WHERE {ref.ok} AND {key} IS NOT NULL "
                    f"AND {key} IN (SELECT {col} FROM {st.stage}))",
                    col,
                    _not_found_message(str(c.references)),
                )
                self._record(st, [check], self._aggregate(st.stage, [check]))
        self._check_employment(staged)

    def _check_employment(self, staged: dict[str, Staged]) -> None:
        """Warn about work dated outside the agent's employment (hire_date to exit_date)."""
        agents = staged.get("agents")
        if agents is None:
            return
        # Accepted agents have distinct ids (a repeated id rejects every row sharing it), so
        # the join neither drops nor repeats a row. A join, not a correlated EXISTS: at 10M
        # sessions the EXISTS took 5.3 s of a 24 s load, the join a sixth of it.
        employed = (f"SELECT agent_id AS _agent, hire_date AS _hire, exit_date AS _exit "
                    f"FROM {agents.stage} WHERE {agents.ok}")
        for name, column in _EMPLOYMENT_DATES.items():
            st = staged.get(name)
            if st is None:
                continue
            day = f"CAST({st.stage}.{ident(column)} AS DATE)"
            check = Check(
                "agent_id", "outside_employment", "warning",
                f"{st.ok} AND (_hire > {day} OR _exit < {day}) IS TRUE",
                f"agent_id || ' on ' || CAST({day} AS VARCHAR)",
                lambda n: f"has {plural(n, 'row')} dated before the agent's hire_date or after "
                          f"the exit_date, rows kept (check the agents table)",
            )
            join = f"LEFT JOIN ({employed}) ON _agent = {st.stage}.agent_id"
            self._record(st, [check], self._aggregate(st.stage, [check], join=join))

    def _not_final_days(self, staged: dict[str, Staged], into: str = "") -> None:
        st = staged.get("agent_daily")
        if st is None:
            self.con.execute(f"CREATE TABLE {into}_not_final_days (date DATE)")
            return
        marked = " OR ".join(f"s_{c} = 'not_final'" for c in st.raw_kept)
        self.con.execute(
            f"CREATE TABLE {into}_not_final_days AS SELECT DISTINCT date FROM {st.stage} "
            f"WHERE _flag AND {st.eligible} AND date IS NOT NULL AND ({marked}) ORDER BY date"
        )

    def _build(self, staged: dict[str, Staged], into: str = "") -> tuple[str, ...]:
        """Create each table from its accepted rows, in the catalog ``into`` names (a store)."""
        for name, st in staged.items():
            self.con.execute(f"CREATE TABLE {into}{ident(name)} AS SELECT "
                             f"{st.accepted_columns()} FROM {st.stage} WHERE {st.ok}")
            self.con.execute(f"DROP TABLE {st.stage}")
            n = self.con.execute(f"SELECT count(*) FROM {into}{ident(name)}").fetchall()[0][0]
            accepted = sum(q["accepted"] for q in self.quality if q["table"] == name)
            if n != accepted:
                raise RowAccountingError(
                    f"{name}: {accepted} rows were accepted but the table holds {n}")
        return tuple(staged)

    # -- helpers

    def _aggregate(self, stage: str, checks: Sequence[Check], where: str = "true",
                   join: str = "") -> dict[int, dict]:
        """Count and sample every check per file in one scan of the staging table.

        Each condition is evaluated once per row (in the inner select; a subquery in it, such
        as a reference check's, is one join), and an example's text is built only for the
        rows that fail it. The inner select keeps the stage's name, so conditions and values
        written with qualified names read the same columns. ``join`` adds a table the
        conditions read (it must match each row at most once).
        """
        flags, parts = [], []
        for i, c in enumerate(checks):
            flags.append(f"({c.cond}) AS _c{i}")
            parts.append(f"count(*) FILTER (WHERE _c{i}) AS n{i}")
            parts.append(
                f"min_by(CASE WHEN _c{i} THEN {{'row': _row, 'value': CAST({c.value} AS VARCHAR)}}"
                f" END, _row, {MAX_EXAMPLES}) FILTER (WHERE _c{i}) AS x{i}"
            )
        rows = self.con.execute(
            f"SELECT _file, {', '.join(parts)} FROM (SELECT {stage}.*, {', '.join(flags)} "
            f"FROM {stage} {join} WHERE {where}) AS {stage} GROUP BY _file"
        ).fetchall()
        names = ["_file"] + [p.rsplit(" AS ", 1)[1] for p in parts]
        return {row[0]: dict(zip(names, row, strict=True)) for row in rows}

    def _record(self, st: Staged, checks: Sequence[Check], results: dict[int, dict]) -> None:
        for i, c in enumerate(checks):
            for index in sorted(results):
                n = results[index][f"n{i}"]
                if not n:
                    continue
                examples = tuple(
                    (int(e["row"]), "" if e["value"] is None else str(e["value"]))
                    for e in (results[index][f"x{i}"] or [])
                )
                self._problem(st.table.name, st.files[index], c.column, c.check,
                              c.message(n), count=int(n), examples=examples,
                              severity=c.severity)

    def _register_file(self, path: Path) -> str:
        rel = path.relative_to(self.folder).as_posix()
        h = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
        self.files.append({"path": rel, "bytes": path.stat().st_size, "sha256": h.hexdigest()})
        return rel

    def _unknown(self, path: Path) -> None:
        what = "folder" if path.is_dir() else "file"
        self._problem(
            "", path.relative_to(self.folder).as_posix(), None, "unknown_file",
            f"is not a contract table {what}, ignored (tables are files or folders named "
            f"{', '.join(TABLES)} with suffix {', '.join(SUFFIXES)})",
            severity="warning",
        )

    def _problem(self, table: str, path: str, column: str | None, check: str, message: str,
                 *, count: int = 0, examples: tuple = (), severity: str = "error") -> None:
        self.problems.append(Problem(table, path, column, check, message, count,
                                     tuple(examples), severity))


def _not_found_message(reference: str) -> Callable[[int], str]:
    def message(n: int) -> str:
        return f"has {plural(n, 'value')} not found in {reference}, rows kept"

    return message
