"""Report runner: render the monthly notebooks into self-contained HTML reports.

:func:`render_month` reads as the named steps of papermill's ``execute.py::execute_notebook``:

1. **resolve**: which notebooks, where they live, where the outputs go;
2. **check parameters**: every parameter given must be declared by the notebook's tagged
   ``parameters`` cell (papermill only logs unknown names), the month must be a real
   ``YYYY-MM`` month, the language one of ``"en"``/``"zh"``, the data folder must exist;
   nothing runs before all of this passed for all notebooks;
3. **load**: the data are read and checked once (a contract violation stops the run before any
   notebook starts); the notebooks open that load read-only (its cache entry, or with the
   cache off a file of the run's own, removed when the run ends) and share the
   metric-book panels they compute through it (:mod:`csnb.io.cache`, :mod:`csnb.io.panels`);
   ``CSNB_WORKERS`` tells them how many run at once (:mod:`csnb.io.resources`);
4. **execute**: papermill, in the kernel of the running interpreter, notebooks in parallel;
5. **check**: the notebook wrote its key figures JSON with the documented keys, and the
   exported HTML references no external URL;
6. **export**: HTML without code (nbconvert lab template, see ``templates/report.html.j2``);
7. **write**: everything is written under temporary names and renamed on success, so a failed
   notebook never leaves a report that looks complete;
8. **index**: ``OUT/index.json`` (manifest) and ``OUT/index.html`` are refreshed.

Output layout (``.zh`` before the suffix for Chinese reports; English has none)::

    OUT/index.html, OUT/index.zh.html, OUT/index.json
    OUT/YYYY-MM/NAME.html          report (code hidden, images embedded, no external URL)
    OUT/YYYY-MM/NAME.json          key figures written by the notebook
    OUT/YYYY-MM/NAME.ipynb         executed notebook, for audit
    OUT/YYYY-MM/NAME.failed.ipynb  executed notebook of a failed run (no html/json then)

Every report's navigation bar (the index, the same report of the previous and next month,
the month's other reports, the other language) is redrawn from the manifest at step 8, so it
only ever links to reports that exist.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ..errors import NotebookError, ParameterError
from ..i18n import LANGS
from ..months import check_month
from .export import export_html, find_external_refs
from .index import write_index
from .kernel import KERNEL_NAME, interpreter_kernel_manager_class
from .params import PARAMETER_NAMES, check_parameters
from .runs import NOTEBOOKS, NotebookRun, RenderSummary, attachment_pattern, report_files

if TYPE_CHECKING:
    from ..io.dataset import Dataset

__all__ = ["DAILY_PARAMETER_NAMES", "RESULT_KEYS", "default_notebooks_dir", "render_daily",
           "render_month"]

logger = logging.getLogger(__name__)

#: Keys every key-figures JSON must have.
RESULT_KEYS = ("month", "provisional", "metric_book_version", "figures")

_INJECTED_TAG = "injected-parameters"

#: Parameters the runner passes to the daily brief (``date`` instead of ``month``).
DAILY_PARAMETER_NAMES = ("date", "data_dir", "lang", "results_path")
#: The daily brief's template (``notebooks/daily.ipynb``).
DAILY_NOTEBOOK = "daily"



#: The order notebooks start in: the longest first, so the workers finish close together
#: (longest-processing-time scheduling). Measured at 5M sessions (benchmarks/bench_scale.py):
#: conversion (the logit) takes about twice any other; overview computes the shrunk rates
#: that incentives then reads (csnb.io.panels.shared_object).
SLOWEST_FIRST = ("conversion", "overview", "operations", "turnover", "complaints", "incentives")


def render_month(
    month: str,
    data: str | os.PathLike,
    out: str | os.PathLike,
    *,
    lang: str = "en",
    only: Sequence[str] | None = None,
    workers: int = 2,
    notebooks_dir: str | os.PathLike | None = None,
    progress: bool = True,
    execution_timeout: float | None = None,
    allow_outside_data: bool = False,
) -> RenderSummary:
    """Render the report notebooks of one month into ``OUT/YYYY-MM/`` and refresh the index.

    Parameters
    ----------
    month : str
        Report month, ``YYYY-MM`` (``"2025-11"``).
    data : path-like
        Data folder (see the data contract); passed to each notebook as ``data_dir``.
    out : path-like
        Reports folder; created when missing.
    lang : {"en", "zh"}
        Report language, passed to each notebook as ``lang``.
    only : sequence of str, optional
        Names from :data:`NOTEBOOKS` to render; default all of them.
    workers : int
        Notebooks executed at the same time (each in its own kernel).
    notebooks_dir : path-like, optional
        Folder with ``NAME.ipynb`` templates; default the repository's ``notebooks/``.
    progress : bool
        Show a progress bar on stderr.
    execution_timeout : float, optional
        Seconds a single cell may run before the notebook fails; default no limit.
    allow_outside_data : bool, default False
        Render a month outside the months the data can answer (every figure then shows as
        not available). Without it such a month is refused before anything runs.

    Returns
    -------
    RenderSummary
        One :class:`NotebookRun` per notebook; ``summary.ok`` is False when any failed.
        A failed notebook does not raise: the others still render and the index shows it.

    Raises
    ------
    ParameterError
        Unknown notebook name in ``only``, a month that is not a real ``YYYY-MM`` month, a
        language not in :data:`LANGS`, a missing data folder or template, or a parameter the
        notebook does not declare. Raised before anything executes.

    Examples
    --------
    >>> summary = render_month("2025-11", "data/samples/shop", "reports")  # doctest: +SKIP
    >>> [(r.name, r.status) for r in summary.runs]  # doctest: +SKIP
    [('overview', 'ok'), ('turnover', 'ok'), ...]
    """
    # 1. resolve: names, templates and folders
    names = _resolve_names(only)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    nb_dir = nb_dir.resolve()
    data_dir = Path(data).expanduser().resolve()
    out_dir = Path(out).expanduser().resolve()

    # 2. check parameters, for every notebook, before executing any
    month_dir = out_dir / check_month(month)
    if lang not in LANGS:
        raise ParameterError(
            f"lang must be one of {', '.join(repr(x) for x in LANGS)}; got {lang!r}"
        )
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ParameterError(f"workers must be a positive integer; got {workers!r}")
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise ParameterError(f"data folder {str(data_dir)!r} {what}")
    templates = {name: nb_dir / f"{name}.ipynb" for name in names}
    for path in templates.values():
        if not path.is_file():
            raise ParameterError(f"notebook template {str(path)!r} not found")
        check_parameters(path, PARAMETER_NAMES)

    # 3. load: read and check the data once, before any notebook runs. A contract violation
    # stops here with one clear error instead of five failed notebooks, and every notebook
    # opens this load (cache or not) instead of parsing the files again.
    from ..metrics import data_months

    def answers(ds: Dataset) -> Path:
        answerable = data_months(ds)
        if month not in answerable and not allow_outside_data:
            span = (f"{answerable[0]} to {answerable[-1]}" if answerable
                    else "no month: the data hold no dated record")
            raise ParameterError(
                f"month {month} is outside the data, which can answer {span}; its reports "
                f"would show no figures. Choose a month in that span, or ask for it "
                f"explicitly (--allow-outside-data, or allow_outside_data=True)"
            )
        return month_dir

    workers = min(workers, len(names))
    with _loaded_run(data_dir, workers, answers) as (env, scratch):
        context = _RunContext(
            month=month,
            parameters={"month": month},
            lang=lang,
            data_dir=data_dir,
            nb_dir=nb_dir,
            month_dir=month_dir,
            scratch=scratch,
            execution_timeout=execution_timeout,
            env=env,
        )

        # 4-7. execute, check, export and write each notebook, in parallel
        runs: dict[str, NotebookRun] = {}
        bar = _progress_bar(len(names), month, progress)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_render_one, name, templates[name], context): name
                for name in sorted(names, key=SLOWEST_FIRST.index)
            }
            for future in as_completed(futures):
                run = future.result()
                runs[run.name] = run
                bar.set_postfix_str(f"{run.name} {run.status}")
                bar.update(1)
        bar.close()

    # 8. index: merge this month's runs into the manifest and re-draw the index page
    ordered = tuple(runs[name] for name in names)
    index_html = write_index(out_dir, month, ordered, lang=lang, data_dir=data_dir)
    return RenderSummary(month=month, runs=ordered, out_dir=out_dir, index_html=index_html)


def render_daily(
    day: str,
    data: str | os.PathLike,
    out: str | os.PathLike,
    *,
    lang: str = "en",
    notebooks_dir: str | os.PathLike | None = None,
    progress: bool = True,
    execution_timeout: float | None = None,
    allow_outside_data: bool = False,
) -> RenderSummary:
    """Render the supervisor's daily brief of ``day`` into ``OUT/YYYY-MM/`` and refresh the index.

    The same steps as :func:`render_month` for one notebook, ``daily.ipynb``, which declares
    ``date`` where the monthly reports declare ``month``. The brief is written as
    ``OUT/YYYY-MM/daily-YYYY-MM-DD[.zh].html`` (with its JSON, executed notebook and the chats
    to read as ``.chats.csv``/``.chats.xlsx``), and the index lists it under its month.

    Parameters
    ----------
    day : str
        The day of the brief, ``YYYY-MM-DD`` (usually yesterday).
    data, out, lang, notebooks_dir, progress, execution_timeout
        As for :func:`render_month`.
    allow_outside_data : bool, default False
        Render a day after the data's last day or before its first (the brief then has no
        figures). Without it such a day is refused before anything runs.

    Returns
    -------
    RenderSummary
        One run, named ``daily-YYYY-MM-DD``.

    Raises
    ------
    ParameterError
        A day that is not a real ``YYYY-MM-DD`` day, a language not in :data:`LANGS`, a
        missing data folder or template, a template that does not declare the parameters, or
        a day outside the data. Raised before anything executes.
    """
    from ..analyses.qa import check_day
    from .daily import daily_name

    # 1. resolve
    the_day = check_day(day)
    name = daily_name(the_day)
    month = the_day.strftime("%Y-%m")
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    nb_dir = nb_dir.resolve()
    data_dir = Path(data).expanduser().resolve()
    out_dir = Path(out).expanduser().resolve()
    template = nb_dir / f"{DAILY_NOTEBOOK}.ipynb"

    # 2. check parameters
    if lang not in LANGS:
        raise ParameterError(
            f"lang must be one of {', '.join(repr(x) for x in LANGS)}; got {lang!r}"
        )
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise ParameterError(f"data folder {str(data_dir)!r} {what}")
    if not template.is_file():
        raise ParameterError(f"notebook template {str(template)!r} not found")
    check_parameters(template, DAILY_PARAMETER_NAMES)

    # 3. load: once, before the notebook runs, which opens this load
    from ..metrics import data_span

    month_dir = out_dir / month

    def answers(ds: Dataset) -> Path:
        first, last = data_span(ds)
        if ((first is None or last is None or not first <= the_day <= last)
                and not allow_outside_data):
            span = f"{first} to {last}" if first is not None else "no day: no dated record"
            raise ParameterError(
                f"date {the_day} is outside the data, which hold {span}; its brief would "
                f"show no figures. Choose a day in that span, or ask for it explicitly "
                f"(--allow-outside-data, or allow_outside_data=True)"
            )
        return month_dir

    with _loaded_run(data_dir, 1, answers) as (env, scratch):
        context = _RunContext(month=month, parameters={"date": the_day.isoformat()}, lang=lang,
                              data_dir=data_dir, nb_dir=nb_dir, month_dir=month_dir,
                              scratch=scratch, execution_timeout=execution_timeout, env=env)

        # 4-7. execute, check, export and write
        bar = _progress_bar(1, name, progress)
        run = _render_one(name, template, context)
        bar.set_postfix_str(f"{run.name} {run.status}")
        bar.update(1)
        bar.close()

    # 8. index: the brief is listed under its month
    index_html = write_index(out_dir, month, (run,), lang=lang, data_dir=data_dir)
    return RenderSummary(month=month, runs=(run,), out_dir=out_dir, index_html=index_html)


@contextmanager
def _loaded_run(data_dir: Path, workers: int,
                answers: Callable[[Dataset], Path]) -> Iterator[tuple[dict[str, str], Path]]:
    """Step 3 of a run: load and check the data once, and share the load with the notebooks.

    ``answers(ds)`` raises ParameterError when the data cannot answer the run, else returns
    the folder the run writes to (created only then: nothing lands in the reports folder
    for a month or day the data cannot answer). Yields the kernels' environment
    (:func:`_share_load`) and a scratch folder inside that folder (same file system, so
    renames are atomic). The scratch folder, and the run's own store of the load (under the
    system's temporary folder, when the cache does not keep the load), go when the block
    ends, failed or not.
    """
    from ..io import load_dataset
    from ..io.resources import shared_by

    with tempfile.TemporaryDirectory(prefix="csnb-run-",
                                     ignore_cleanup_errors=True) as own_dir:
        own = Path(own_dir)
        # The runner's connection: a notebook's memory limit, every core (no notebook runs
        # yet; the connection is closed before they start).
        with shared_by(workers, alone=True):
            ds = load_dataset(data_dir, store=own / "dataset.duckdb")
        try:
            target = answers(ds)
            target.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".csnb-tmp-", dir=target))
            try:
                env = _share_load(ds, own, workers)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise
        finally:
            ds.con.close()
        try:
            yield env, scratch
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _share_load(ds, own: Path, workers: int) -> dict[str, str]:
    """The environment that lets every notebook of the run open the runner's load.

    The load is stored (``ds.store``): its cache entry, or with the cache off (or a load the
    cache does not keep) ``own/dataset.duckdb``, which the runner removes when the run ends,
    failed or not. A load that could not be written there (a full disk: it is then in
    memory) is written now, else the notebooks load for themselves. ``CSNB_WORKERS`` tells
    each kernel how many notebooks share the machine (:mod:`csnb.io.resources` divides
    DuckDB's memory and threads by it), and the numerical libraries' thread variables give
    each kernel its share of the cores (:func:`csnb.io.resources.kernel_environment`).
    """
    from ..io.cache import RUN_VARIABLE, write_cached
    from ..io.resources import kernel_environment

    env = kernel_environment(workers)
    store = ds.store
    if store is None or not store.is_file():
        store = own / "dataset.duckdb"
        try:
            write_cached(store, ds, prune=False)
            ds.store = store
        except (OSError, duckdb.Error) as exc:  # the notebooks then load for themselves
            logger.warning("could not store the load for the notebooks: %s", exc)
            return env
    logger.info("notebooks open the run's load at %s", store)
    _prepare_stages(ds)
    return {**env, RUN_VARIABLE: str(store)}


def _prepare_stages(ds) -> None:
    """Materialise the metric book's stages beside the run's load, with every core.

    The attribution and the inquiries (:data:`csnb.metrics.sql.STAGES`) feed most panels of
    every notebook; written here, before any notebook starts, they are built once with all
    the machine's threads instead of by the first notebook on its share of them while the
    others wait (:meth:`csnb.io.Dataset.stage`; the runner's connection has every core).
    Building the KPI statement is enough: it reads exactly the stages the dataset's tables
    allow.
    """
    from ..metrics.sql import dataset_sql

    dataset_sql(ds, "kpis")


def default_notebooks_dir() -> Path:
    """Return the report templates shipped inside the package (``csnb/report/notebooks``).

    They are copies of the repository's ``notebooks/`` (``make notebooks`` copies them; a
    test checks the two agree), so a non-editable install renders the same reports.
    """
    return Path(__file__).resolve().parent / "notebooks"


def _resolve_names(only: Sequence[str] | str | None) -> tuple[str, ...]:
    if only is None:
        return NOTEBOOKS
    if isinstance(only, str):
        only = only.split(",")
    wanted = [name.strip() for name in only if name.strip()]
    unknown = [name for name in wanted if name not in NOTEBOOKS]
    if unknown or not wanted:
        allowed = ", ".join(repr(n) for n in NOTEBOOKS)
        shown = ", ".join(repr(n) for n in unknown) if unknown else "nothing"
        raise ParameterError(f"only must name notebooks among {allowed}; got {shown}")
    # Keep the canonical order (and drop duplicates) so outputs list the same way every time.
    return tuple(name for name in NOTEBOOKS if name in wanted)



@dataclass(frozen=True)
class _RunContext:
    month: str
    parameters: dict  # what the notebook is run for: {"month": ...} or {"date": ...}
    lang: str
    data_dir: Path
    nb_dir: Path
    month_dir: Path
    scratch: Path
    execution_timeout: float | None
    env: dict[str, str]  # what the kernels get on top of this process's environment


def _render_one(name: str, template: Path, ctx: _RunContext) -> NotebookRun:
    """Execute, check, export and write one notebook; never raises for notebook failures."""
    started = time.perf_counter()
    final = report_files(ctx.month_dir, name, ctx.lang)
    tmp = {
        "executed": ctx.scratch / f"{name}.executed.ipynb",
        "results": ctx.scratch / f"{name}.results.json",
        "html": ctx.scratch / f"{name}.html",
        "ipynb": ctx.scratch / f"{name}.ipynb",
    }
    parameters = {
        **ctx.parameters,
        "data_dir": str(ctx.data_dir),
        "lang": ctx.lang,
        "results_path": str(tmp["results"]),
    }
    try:
        nb = _execute(name, template, tmp["executed"], parameters, ctx)
        results = _check_results(name, tmp["results"], ctx.month)
        if "date" in ctx.parameters and results.get("date") != ctx.parameters["date"]:
            raise _failed(name, f"{name}.ipynb: its key figures JSON is for date "
                                f"{results.get('date')!r}, not {ctx.parameters['date']!r}")
        html = export_html(nb, name, month=ctx.month, lang=ctx.lang, path=ctx.nb_dir)
        refs = find_external_refs(html)
        if refs:
            raise _failed(name,
                f"{name}.ipynb: its report would load from the network ({', '.join(refs[:5])}); "
                "reports must be self-contained: embed the content instead"
            )
        _write_outputs(nb, html, final, tmp, _attachments(name, results, ctx))
    except Exception as exc:  # one notebook's failure must not stop the others
        message = str(exc) if isinstance(exc, NotebookError) else f"{name}.ipynb: {_describe(exc)}"
        cell_index = getattr(exc, "cell_index", None)
        kept = _keep_failed(tmp["executed"], final, ctx.month_dir)
        _clear_attachments(name, ctx, keep=())
        logger.info(message)
        return NotebookRun(
            name=name,
            lang=ctx.lang,
            status="failed",
            seconds=round(time.perf_counter() - started, 2),
            ipynb=kept,
            error=message,
            cell_index=cell_index,
        )
    return NotebookRun(
        name=name,
        lang=ctx.lang,
        status="ok",
        seconds=round(time.perf_counter() - started, 2),
        html=final["html"],
        json=final["json"],
        ipynb=final["ipynb"],
        provisional=results["provisional"],
    )


def _execute(name: str, template: Path, output: Path, parameters: dict, ctx: _RunContext):
    """Run the notebook with papermill; translate a cell error into _RunFailed."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            str(template),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            execution_timeout=ctx.execution_timeout,
            # The kernel must be the running interpreter (the one that has this csnb and its
            # dependencies), not whatever kernel is registered globally as "python3". A kernel
            # manager class with an in-memory kernel spec does that without writing files or
            # touching JUPYTER_PATH (process-global, shared by the worker threads); nbclient
            # still creates and owns the manager, so it also shuts the kernel down.
            kernel_manager_class=interpreter_kernel_manager_class(ctx.env),
            # The kernel starts in the notebooks folder. papermill's own ``cwd=`` would
            # os.chdir the whole process, which races between worker threads; nbclient instead
            # starts the kernel process there when resources name the path.
            resources={"metadata": {"path": str(ctx.nb_dir)}},
        )
    except PapermillExecutionError as exc:
        raise _cell_failure(name, output, exc) from exc


def _cell_failure(name: str, executed: Path, exc) -> NotebookError:
    """Message naming the notebook and the failing cell (index in the template)."""
    index = exc.cell_index
    # papermill inserted an injected-parameters cell after the parameters cell; report the
    # index of the template the analyst edits.
    try:
        import nbformat

        nb = nbformat.read(str(executed), as_version=4)
        marker = "papermill-error-cell-tag"
        cells = [c for c in nb.cells if marker not in c.metadata.get("tags", [])]
        shift = sum(_INJECTED_TAG in c.metadata.get("tags", []) for c in cells[:index])
        index -= shift
    except Exception:  # the message is still useful without the shift
        pass
    first_line = next((ln.strip() for ln in str(exc.source).splitlines() if ln.strip()), "")
    if len(first_line) > 80:
        first_line = first_line[:77] + "..."
    evalue = " ".join(str(exc.evalue).split())
    message = f"{name}.ipynb: cell {index} failed: {exc.ename}: {evalue}"
    if first_line:
        message += f" (cell starts: {first_line})"
    return _failed(name, message, cell_index=index)


def _check_results(name: str, path: Path, month: str) -> dict:
    """Check the key-figures JSON the notebook wrote to ``results_path``."""
    if not path.is_file():
        raise _failed(name,
            f"{name}.ipynb: ran without writing its key figures to results_path "
            f"(expected a JSON object with keys {', '.join(RESULT_KEYS)})"
        )
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _failed(name, f"{name}.ipynb: its key figures file is not valid JSON: {exc}") from exc
    if not isinstance(results, dict):
        raise _failed(name,
            f"{name}.ipynb: its key figures file holds a {type(results).__name__}, "
            "not a JSON object"
        )
    missing = [key for key in RESULT_KEYS if key not in results]
    if missing:
        raise _failed(name,
            f"{name}.ipynb: its key figures JSON lacks key{'s' * (len(missing) != 1)} "
            f"{', '.join(repr(k) for k in missing)}"
        )
    if results["month"] != month:
        raise _failed(name,
            f"{name}.ipynb: its key figures JSON is for month {results['month']!r}, not {month!r}"
        )
    if not isinstance(results["provisional"], bool):
        raise _failed(name,
            f"{name}.ipynb: 'provisional' in its key figures JSON must be true or false; "
            f"got {results['provisional']!r}"
        )
    return results


def _attachments(name: str, results: dict, ctx: _RunContext) -> list[str]:
    """The files the notebook wrote beside its key figures (``attachments`` in its JSON)."""
    listed = results.get("attachments") or {}
    if not isinstance(listed, dict):
        raise _failed(name, f"{name}.ipynb: 'attachments' in its key figures JSON must map "
                            f"keys to file names; got {listed!r}")
    pattern = attachment_pattern(name, ctx.lang)
    files = [str(f) for group in listed.values() for f in group]
    for file in files:
        if not pattern.match(file) or not (ctx.scratch / file).is_file():
            raise _failed(name, f"{name}.ipynb: its key figures JSON lists attachment {file!r}, "
                                "which it did not write beside them")
    _clear_attachments(name, ctx, keep=files)
    return files


def _clear_attachments(name: str, ctx: _RunContext, keep) -> None:
    """Remove tables a previous render of this report wrote beside it, except ``keep``."""
    pattern = attachment_pattern(name, ctx.lang)
    for path in ctx.month_dir.iterdir():
        if pattern.match(path.name) and path.name not in keep:
            path.unlink(missing_ok=True)


def _write_outputs(nb, html: str, final: dict[str, Path], tmp: dict[str, Path],
                   attachments: list[str]) -> None:
    """Write the executed notebook and HTML under temporary names, then rename into place."""
    import nbformat

    nb.metadata.setdefault("papermill", {})["output_path"] = str(final["ipynb"])
    nbformat.write(nb, str(tmp["ipynb"]))
    tmp["html"].write_text(html, encoding="utf-8")
    for file in attachments:
        os.replace(tmp["results"].parent / file, final["json"].parent / file)
    # The HTML goes last: it is what looks like a finished report.
    os.replace(tmp["results"], final["json"])
    os.replace(tmp["ipynb"], final["ipynb"])
    os.replace(tmp["html"], final["html"])
    final["failed"].unlink(missing_ok=True)


def _keep_failed(executed: Path, final: dict[str, Path], month_dir: Path) -> Path | None:
    """Remove the stale outputs of this notebook and month; keep the failed executed copy."""
    for key in ("html", "json", "ipynb", "failed"):
        try:
            final[key].unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("could not remove stale %s: %s", final[key], exc)
    if executed.is_file():
        os.replace(executed, final["failed"])
        return final["failed"]
    return None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__



def _progress_bar(total: int, month: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=f"csnb {month}",
        unit="notebook",
        file=sys.stderr,
        disable=not enabled,
        leave=True,
    )


def _failed(name: str, message: str, cell_index: int | None = None) -> NotebookError:
    return NotebookError(message, notebook=name, cell_index=cell_index)
