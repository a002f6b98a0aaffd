"""Report runner: render the monthly notebooks into self-contained HTML reports.

:func:`render_month` reads as the named steps of papermill's ``execute.py::execute_notebook``:

1. **resolve**: which notebooks, where they live, where the outputs go;
2. **check parameters**: every parameter given must be declared by the notebook's tagged
   ``parameters`` cell (papermill only logs unknown names), the month must be a real
   ``YYYY-MM`` month, the language one of ``"en"``/``"zh"``, the data folder must exist;
   nothing runs before all of this passed for all notebooks;
3. **load**: the data are read and checked once (a contract violation stops the run before any
   notebook starts) and the load cache is filled for the notebooks;
4. **execute**: papermill, in the kernel of the running interpreter, notebooks in parallel;
5. **check**: the notebook wrote its key figures JSON with the documented keys, and the
   exported HTML references no external URL;
6. **export**: HTML without code (nbconvert lab template, see ``templates/report.html.j2``);
7. **write**: everything is written under temporary names and renamed on success, so a failed
   notebook never leaves a report that looks complete;
8. **index**: ``OUT/index.json`` (manifest) and ``OUT/index.html`` are refreshed.

Output layout::

    OUT/index.html, OUT/index.json
    OUT/YYYY-MM/NAME.html          report (code hidden, images embedded, no external URL)
    OUT/YYYY-MM/NAME.json          key figures written by the notebook
    OUT/YYYY-MM/NAME.ipynb         executed notebook, for audit
    OUT/YYYY-MM/NAME.failed.ipynb  executed notebook of a failed run (no html/json then)
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .errors import CsnbError, ParameterError
from .headline import MONTH_PATTERN as _MONTH_RE
from .headline import check_month
from .i18n import LANGS, TEXT, t

__all__ = [
    "LANGS",
    "NOTEBOOKS",
    "RESULT_KEYS",
    "NotebookRun",
    "RenderSummary",
    "find_external_refs",
    "render_month",
    "write_index",
]

logger = logging.getLogger(__name__)

#: The monthly report notebooks, in the order they are listed.
NOTEBOOKS = ("overview", "turnover", "conversion", "complaints", "incentives")

#: Keys every key-figures JSON must have.
RESULT_KEYS = ("month", "provisional", "metric_book_version", "figures")

#: Parameters the runner passes to every notebook.
PARAMETER_NAMES = ("month", "data_dir", "lang", "results_path")

_TEMPLATES_DIR = Path(__file__).parent / "templates"
_KERNEL_NAME = "csnb-python"
_INJECTED_TAG = "injected-parameters"
_MANIFEST_VERSION = 1



# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotebookRun:
    """Outcome of rendering one notebook for one month.

    Attributes
    ----------
    name : str
        Notebook name (``"turnover"``).
    status : {"ok", "failed"}
        ``"ok"`` when the html, json and ipynb were written.
    seconds : float
        Wall time of execution and export.
    html, json : pathlib.Path or None
        The report and its key figures; ``None`` for a failed run.
    ipynb : pathlib.Path or None
        The executed notebook (``NAME.ipynb``, or ``NAME.failed.ipynb`` for a failed run;
        ``None`` when the kernel never produced one).
    error : str or None
        For a failed run, a one-line message naming the notebook and, when known, the cell.
    cell_index : int or None
        Index (0-based) of the failing cell in the notebook template, when known.
    provisional : bool or None
        The ``provisional`` flag of the key figures JSON (``None`` for a failed run).
    """

    name: str
    status: str
    seconds: float
    html: Path | None = None
    json: Path | None = None
    ipynb: Path | None = None
    error: str | None = None
    cell_index: int | None = None
    provisional: bool | None = None

    @property
    def ok(self) -> bool:
        """Whether this notebook rendered."""
        return self.status == "ok"


@dataclass(frozen=True)
class RenderSummary:
    """Outcome of :func:`render_month`.

    Attributes
    ----------
    month : str
        The report month, ``YYYY-MM``.
    runs : tuple of NotebookRun
        One per notebook rendered, in :data:`NOTEBOOKS` order.
    out_dir : pathlib.Path
        The reports folder (``OUT``).
    index_html : pathlib.Path
        ``OUT/index.html``.
    """

    month: str
    runs: tuple[NotebookRun, ...]
    out_dir: Path
    index_html: Path

    @property
    def ok(self) -> bool:
        """Whether every notebook rendered."""
        return all(run.ok for run in self.runs)

    @property
    def failed(self) -> tuple[NotebookRun, ...]:
        """The failed runs."""
        return tuple(run for run in self.runs if not run.ok)


class _RunFailed(CsnbError):
    """Internal: a step of one notebook's run failed; carries the message for NotebookRun."""

    def __init__(self, message: str, cell_index: int | None = None):
        self.cell_index = cell_index
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


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
    # stops here with one clear error instead of five failed notebooks, and the load cache this
    # fills lets every notebook open the dataset without parsing the files again.
    from .load import load_dataset

    load_dataset(data_dir).con.close()

    month_dir.mkdir(parents=True, exist_ok=True)
    # Temporary files live next to their destination (same file system), so renames are atomic.
    scratch = Path(tempfile.mkdtemp(prefix=".csnb-tmp-", dir=month_dir))
    context = _RunContext(
        month=month,
        lang=lang,
        data_dir=data_dir,
        nb_dir=nb_dir,
        month_dir=month_dir,
        scratch=scratch,
        execution_timeout=execution_timeout,
    )

    # 4-7. execute, check, export and write each notebook, in parallel
    runs: dict[str, NotebookRun] = {}
    try:
        bar = _progress_bar(len(names), month, progress)
        with ThreadPoolExecutor(max_workers=min(workers, len(names))) as pool:
            futures = {
                pool.submit(_render_one, name, templates[name], context): name for name in names
            }
            for future in as_completed(futures):
                run = future.result()
                runs[run.name] = run
                bar.set_postfix_str(f"{run.name} {run.status}")
                bar.update(1)
        bar.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    # 8. index: merge this month's runs into the manifest and re-draw the index page
    ordered = tuple(runs[name] for name in names)
    index_html = write_index(out_dir, month, ordered, lang=lang, data_dir=data_dir)
    return RenderSummary(month=month, runs=ordered, out_dir=out_dir, index_html=index_html)


def default_notebooks_dir() -> Path:
    """Return the repository's ``notebooks/`` folder (next to the ``csnb`` package)."""
    import csnb

    return Path(csnb.__file__).resolve().parent.parent / "notebooks"


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def check_parameters(path: str | os.PathLike, given: Iterable[str]) -> dict[str, Any]:
    """Check that the notebook at ``path`` declares every parameter in ``given``.

    papermill injects unknown parameters anyway and only logs a warning; a typo would then
    silently render a report with the default value. Here it is an error.

    Parameters
    ----------
    path : path-like
        Notebook template.
    given : iterable of str
        Parameter names the runner will pass.

    Returns
    -------
    dict
        ``papermill.inspect_notebook`` output: name -> {name, inferred_type_name, default, help}.

    Raises
    ------
    ParameterError
        The notebook has no cell tagged ``parameters`` or does not declare a given name.
    """
    import papermill

    path = Path(path)
    try:
        declared = papermill.inspect_notebook(str(path))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise ParameterError(f"{path.name}: cannot read its parameters: {exc}") from exc
    if not declared:
        raise ParameterError(
            f"{path.name}: no cell tagged 'parameters' declares any parameter; the runner "
            f"passes {', '.join(repr(p) for p in given)}"
        )
    unknown = [p for p in given if p not in declared]
    unparsed = _unparsed_parameter_lines(path, unknown)
    if unparsed:
        name, number, line = unparsed[0]
        hint = (
            "a parameter line may contain only one '=' (take it out of the comment)"
            if line.count("=") > 1
            else "write it as `name: type = value  # help` on one line"
        )
        raise ParameterError(
            f"{path.name}: papermill cannot parse the declaration of parameter {name!r} "
            f"(line {number} of the 'parameters' cell: {line.strip()!r}); {hint}"
        )
    if unknown:
        raise ParameterError(
            f"{path.name} does not declare parameter{'s' * (len(unknown) != 1)} "
            f"{', '.join(repr(p) for p in unknown)} in its 'parameters' cell "
            f"(it declares {', '.join(repr(p) for p in declared)})"
        )
    return declared


def _unparsed_parameter_lines(path: Path, names: Sequence[str]) -> list[tuple[str, int, str]]:
    """Lines of the parameters cell that assign one of ``names`` but papermill skipped."""
    if not names:
        return []
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return []
    found = []
    for cell in nb.cells:
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        for number, line in enumerate(str(cell.source).splitlines(), start=1):
            for name in names:
                if re.match(rf"^\s*{re.escape(name)}\s*(:[^=]*)?=", line):
                    found.append((name, number, line))
        break
    return found


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


# --------------------------------------------------------------------------------------------
# One notebook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RunContext:
    month: str
    lang: str
    data_dir: Path
    nb_dir: Path
    month_dir: Path
    scratch: Path
    execution_timeout: float | None


def _render_one(name: str, template: Path, ctx: _RunContext) -> NotebookRun:
    """Execute, check, export and write one notebook; never raises for notebook failures."""
    started = time.perf_counter()
    final = {
        "html": ctx.month_dir / f"{name}.html",
        "json": ctx.month_dir / f"{name}.json",
        "ipynb": ctx.month_dir / f"{name}.ipynb",
        "failed": ctx.month_dir / f"{name}.failed.ipynb",
    }
    tmp = {
        "executed": ctx.scratch / f"{name}.executed.ipynb",
        "results": ctx.scratch / f"{name}.results.json",
        "html": ctx.scratch / f"{name}.html",
        "ipynb": ctx.scratch / f"{name}.ipynb",
    }
    parameters = {
        "month": ctx.month,
        "data_dir": str(ctx.data_dir),
        "lang": ctx.lang,
        "results_path": str(tmp["results"]),
    }
    try:
        nb = _execute(name, template, tmp["executed"], parameters, ctx)
        results = _check_results(name, tmp["results"], ctx.month)
        html = _export_html(nb, name, ctx)
        refs = find_external_refs(html)
        if refs:
            raise _RunFailed(
                f"{name}.ipynb: its report would load from the network ({', '.join(refs[:5])}); "
                "reports must be self-contained: embed the content instead"
            )
        _write_outputs(nb, html, final, tmp)
    except Exception as exc:  # one notebook's failure must not stop the others
        message = str(exc) if isinstance(exc, _RunFailed) else f"{name}.ipynb: {_describe(exc)}"
        cell_index = getattr(exc, "cell_index", None)
        kept = _keep_failed(tmp["executed"], final, ctx.month_dir)
        logger.info(message)
        return NotebookRun(
            name=name,
            status="failed",
            seconds=round(time.perf_counter() - started, 2),
            ipynb=kept,
            error=message,
            cell_index=cell_index,
        )
    return NotebookRun(
        name=name,
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
            kernel_name=_KERNEL_NAME,
            language="python",
            progress_bar=False,
            execution_timeout=ctx.execution_timeout,
            # The kernel must be the running interpreter (the one that has this csnb and its
            # dependencies), not whatever kernel is registered globally as "python3". A kernel
            # manager class with an in-memory kernel spec does that without writing files or
            # touching JUPYTER_PATH (process-global, shared by the worker threads); nbclient
            # still creates and owns the manager, so it also shuts the kernel down.
            kernel_manager_class=_interpreter_kernel_manager_class(),
            # The kernel starts in the notebooks folder. papermill's own ``cwd=`` would
            # os.chdir the whole process, which races between worker threads; nbclient instead
            # starts the kernel process there when resources name the path.
            resources={"metadata": {"path": str(ctx.nb_dir)}},
        )
    except PapermillExecutionError as exc:
        raise _cell_failure(name, output, exc) from exc


def _cell_failure(name: str, executed: Path, exc) -> _RunFailed:
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
    return _RunFailed(message, cell_index=index)


def _check_results(name: str, path: Path, month: str) -> dict:
    """Check the key-figures JSON the notebook wrote to ``results_path``."""
    if not path.is_file():
        raise _RunFailed(
            f"{name}.ipynb: ran without writing its key figures to results_path "
            f"(expected a JSON object with keys {', '.join(RESULT_KEYS)})"
        )
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _RunFailed(f"{name}.ipynb: its key figures file is not valid JSON: {exc}") from exc
    if not isinstance(results, dict):
        raise _RunFailed(
            f"{name}.ipynb: its key figures file holds a {type(results).__name__}, "
            "not a JSON object"
        )
    missing = [key for key in RESULT_KEYS if key not in results]
    if missing:
        raise _RunFailed(
            f"{name}.ipynb: its key figures JSON lacks key{'s' * (len(missing) != 1)} "
            f"{', '.join(repr(k) for k in missing)}"
        )
    if results["month"] != month:
        raise _RunFailed(
            f"{name}.ipynb: its key figures JSON is for month {results['month']!r}, not {month!r}"
        )
    if not isinstance(results["provisional"], bool):
        raise _RunFailed(
            f"{name}.ipynb: 'provisional' in its key figures JSON must be true or false; "
            f"got {results['provisional']!r}"
        )
    return results


def _short_title(name, lang: str) -> str:
    """Short report name for the index and the report banner (the name itself if unknown)."""
    entry = TEXT.get(f"nav.{name}")
    return entry[lang] if entry else str(name)


def _export_html(nb, name: str, ctx: _RunContext) -> str:
    """Export the executed notebook to HTML: no code, no prompts, images embedded."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    import csnb

    exporter = HTMLExporter(
        template_name="lab",
        # An absolute template file: nbconvert adds its folder to the template search path.
        template_file=str(_TEMPLATES_DIR / "report.html.j2"),
        exclude_input=True,
        # Markdown cells are analyst notes in the template's language; every sentence the
        # report shows is a cell output, so that ``lang`` switches all of it.
        exclude_markdown=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        theme="light",
        language_code=ctx.lang,  # ISO 639-1, as nbconvert requires
    )
    # Cells an analyst tags "remove-cell" (or outputs tagged "remove-output") stay out of the
    # report; the executed notebook keeps them.
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={"remove-cell"},
            remove_all_outputs_tags={"remove-output"},
            enabled=True,
        ),
        enabled=True,
    )
    title = _short_title(name, ctx.lang)
    resources = {
        "metadata": {"name": f"{title} {ctx.month}", "path": str(ctx.nb_dir)},
        "csnb": {
            "notebook": title,
            "month": ctx.month,
            "version": getattr(csnb, "__version__", "?"),
            "rendered_at": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
            "rendered_label": t("nav.rendered", ctx.lang),
            "index_label": t("nav.index", ctx.lang),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _write_outputs(nb, html: str, final: dict[str, Path], tmp: dict[str, Path]) -> None:
    """Write the executed notebook and HTML under temporary names, then rename into place."""
    import nbformat

    nb.metadata.setdefault("papermill", {})["output_path"] = str(final["ipynb"])
    nbformat.write(nb, str(tmp["ipynb"]))
    tmp["html"].write_text(html, encoding="utf-8")
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


# --------------------------------------------------------------------------------------------
# Kernel of the running interpreter
# --------------------------------------------------------------------------------------------

_KERNEL_MANAGER_CLASS = None


def _interpreter_kernel_manager_class():
    """Return a KernelManager class whose only kernel spec runs ``sys.executable``."""
    global _KERNEL_MANAGER_CLASS
    if _KERNEL_MANAGER_CLASS is not None:
        return _KERNEL_MANAGER_CLASS

    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    # The kernel imports csnb from the same place as this process, whether csnb is installed
    # or only importable from a source checkout.
    package_parent = str(Path(__file__).resolve().parent.parent)
    pythonpath = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH")) if p)

    class InterpreterKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name != _KERNEL_NAME:
                raise NoSuchKernel(kernel_name)
            return KernelSpec(
                # log_level=ERROR: the kernel listens on localhost only, and ipykernel's
                # start-up warning about unencrypted TCP would otherwise be printed once per
                # notebook on the user's terminal. Cell output and errors are unaffected.
                argv=[
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.log_level=ERROR",
                ],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (csnb)",
                language="python",
                # Figures must land in the report as embedded images even when the calling
                # shell (or a test run) sets MPLBACKEND=Agg, which ipykernel would respect.
                env={
                    "PYTHONPATH": pythonpath,
                    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                },
                resource_dir="",
            )

    class InterpreterKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return InterpreterKernelSpecManager(data_dir=self.data_dir)

    _KERNEL_MANAGER_CLASS = InterpreterKernelManager
    return _KERNEL_MANAGER_CLASS


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


# --------------------------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------------------------


def write_index(
    out: str | os.PathLike,
    month: str,
    runs: Sequence[NotebookRun],
    *,
    lang: str = "en",
    data_dir: str | os.PathLike | None = None,
) -> Path:
    """Merge ``runs`` of ``month`` into ``OUT/index.json`` and re-draw ``OUT/index.html``.

    The notebooks rendered now replace their entries of that month; entries of other
    notebooks of the month stay while their files exist, and other months stay untouched.

    Parameters
    ----------
    out : path-like
        Reports folder.
    month : str
        ``YYYY-MM``.
    runs : sequence of NotebookRun
        This render's runs.
    lang : {"en", "zh"}
        Language of this render, recorded per month.
    data_dir : path-like, optional
        Data folder of this render, recorded per month.

    Returns
    -------
    pathlib.Path
        ``OUT/index.html``.
    """
    out_dir = Path(out)
    manifest = _read_manifest(out_dir)
    months = manifest["months"]
    previous = {e["name"]: e for e in months.get(month, {}).get("notebooks", [])}
    entries: dict[str, dict] = {}
    for name, entry in previous.items():
        # Keep what still exists on disk from an earlier render (e.g. a later --only run).
        link = entry.get("html") or entry.get("ipynb")
        if link and (out_dir / link).exists():
            entries[name] = entry
    for run in runs:
        entries[run.name] = _manifest_entry(out_dir, run)
    order = {name: i for i, name in enumerate(NOTEBOOKS)}
    months[month] = {
        "month": month,
        "rendered_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "lang": lang,
        "data_dir": str(data_dir) if data_dir is not None else None,
        "notebooks": sorted(entries.values(), key=lambda e: order.get(e["name"], len(order))),
    }
    manifest["months"] = dict(sorted(months.items(), reverse=True))
    manifest["generated_at"] = months[month]["rendered_at"]

    _atomic_write(out_dir / "index.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    index_html = out_dir / "index.html"
    _atomic_write(index_html, render_index_html(manifest))
    return index_html


def _manifest_entry(out_dir: Path, run: NotebookRun) -> dict:
    def rel(path: Path | None) -> str | None:
        return path.relative_to(out_dir).as_posix() if path is not None else None

    return {
        "name": run.name,
        "status": run.status,
        "seconds": run.seconds,
        "html": rel(run.html),
        "json": rel(run.json),
        "ipynb": rel(run.ipynb),
        "provisional": run.provisional,
        "error": run.error,
        "cell_index": run.cell_index,
    }


def _read_manifest(out_dir: Path) -> dict:
    path = out_dir / "index.json"
    empty = {"version": _MANIFEST_VERSION, "months": {}}
    if not path.exists():
        return empty
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("months"), dict):
            raise ValueError("no 'months' object")
    except (OSError, ValueError) as exc:
        # The manifest is derived data: rebuild it from the reports on disk rather than fail
        # after every notebook has run.
        logger.warning("%s is unreadable (%s); rebuilding it from the reports on disk", path, exc)
        return _manifest_from_disk(out_dir)
    manifest.setdefault("version", _MANIFEST_VERSION)
    return manifest


def _manifest_from_disk(out_dir: Path) -> dict:
    months: dict[str, dict] = {}
    for month_dir in sorted(out_dir.iterdir()):
        if not (month_dir.is_dir() and _MONTH_RE.match(month_dir.name)):
            continue
        entries = []
        for name in NOTEBOOKS:
            html, figures = month_dir / f"{name}.html", month_dir / f"{name}.json"
            failed = month_dir / f"{name}.failed.ipynb"
            if html.exists():
                provisional = None
                try:
                    provisional = json.loads(figures.read_text(encoding="utf-8")).get("provisional")
                except (OSError, ValueError, AttributeError):
                    pass
                entries.append(
                    {
                        "name": name,
                        "status": "ok",
                        "seconds": None,
                        "html": f"{month_dir.name}/{name}.html",
                        "json": f"{month_dir.name}/{name}.json" if figures.exists() else None,
                        "ipynb": f"{month_dir.name}/{name}.ipynb",
                        "provisional": provisional,
                        "error": None,
                        "cell_index": None,
                    }
                )
            elif failed.exists():
                entries.append(
                    {
                        "name": name,
                        "status": "failed",
                        "seconds": None,
                        "html": None,
                        "json": None,
                        "ipynb": f"{month_dir.name}/{name}.failed.ipynb",
                        "provisional": None,
                        "error": "failed (details lost with the previous index.json)",
                        "cell_index": None,
                    }
                )
        if entries:
            months[month_dir.name] = {
                "month": month_dir.name,
                "rendered_at": None,
                "lang": "en",
                "data_dir": None,
                "notebooks": entries,
            }
    return {"version": _MANIFEST_VERSION, "months": months}


def render_index_html(manifest: dict) -> str:
    """Render the index page from a manifest (``OUT/index.json`` content).

    Jinja2 with autoescaping: every value from the manifest is HTML-escaped.
    """
    import jinja2

    import csnb

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    months = []
    for month, info in sorted(manifest.get("months", {}).items(), reverse=True):
        lang = info.get("lang") if info.get("lang") in LANGS else "en"
        notebooks = []
        for entry in info.get("notebooks", []):
            notebooks.append(
                {
                    **{k: entry.get(k) for k in ("name", "status", "html", "json", "ipynb")},
                    "title": _short_title(entry.get("name"), lang),
                    "seconds": _format_seconds(entry.get("seconds")),
                    "provisional": entry.get("provisional"),
                    "error": entry.get("error"),
                }
            )
        statuses = [n["status"] for n in notebooks]
        months.append(
            {
                "month": month,
                "rendered_at": (info.get("rendered_at") or "").replace("T", " "),
                "notebooks": notebooks,
                "n_ok": statuses.count("ok"),
                "n_failed": len(statuses) - statuses.count("ok"),
                "provisional": any(n["provisional"] for n in notebooks),
            }
        )
    template = env.get_template("index.html.j2")
    return template.render(
        months=months,
        generated_at=(manifest.get("generated_at") or "").replace("T", " "),
        version=getattr(csnb, "__version__", "?"),
    )


def _format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def _atomic_write(path: Path, text: str) -> None:
    # A plain open() (not mkstemp, which makes 0600 files) so the page gets the usual
    # permissions of the user's umask: the index is meant to be shared.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# External references
# --------------------------------------------------------------------------------------------

_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])\s*((?:https?:)?//[^'"]+)""", re.IGNORECASE)
_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bimport\s+|\bfrom\s+)(['"`])\s*((?:https?:)?//[^'"`]+)""",
    re.IGNORECASE,
)
_URL_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "track": ("src",),
    "input": ("src",),
}


class _RefFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._raw: str | None = None  # "style" or "script" while inside one

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRS.get(tag, ()):
                candidates = (
                    [part.strip().split(" ")[0] for part in value.split(",")]
                    if name == "srcset"
                    else [value]
                )
                self.refs += [c.strip() for c in candidates if _EXTERNAL.match(c)]
            elif name == "style":
                self._css(value)
        if tag in ("style", "script"):
            self._raw = tag

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw == "style":
            self._css(data)
        elif self._raw == "script":
            self.refs += [m.group(2).strip() for m in _JS_IMPORT.finditer(data)]
            # A script may also inject CSS or assets by url(); count those too.
            self._css(data)

    def _css(self, text: str) -> None:
        self.refs += [m.group(2).strip() for m in _CSS_URL.finditer(text)]
        self.refs += [m.group(2).strip() for m in _CSS_IMPORT.finditer(text)]


def find_external_refs(html: str) -> list[str]:
    """List the network resources an HTML page would load.

    Every ``src``/``href`` (and ``srcset``, ``data``, ``poster``) of ``script``, ``link``,
    ``img``, ``source``, ``iframe`` and other embedding elements, every CSS ``url()`` and
    ``@import`` (in ``<style>`` and ``style=""``) and every JavaScript module import whose
    target is ``http(s)://`` or protocol-relative ``//``. Plain ``<a href>`` links are not
    loads and are not listed; text that merely looks like a tag (escaped ``&lt;script&gt;``)
    is text, not a tag.

    Parameters
    ----------
    html : str
        The page.

    Returns
    -------
    list of str
        The external URLs, in document order (duplicates kept).

    Examples
    --------
    >>> find_external_refs('<script src="https://cdn.example/x.js"></script><a href="https://x">x</a>')
    ['https://cdn.example/x.js']
    >>> find_external_refs('<style>@import "//fonts.example/f.css";</style>')
    ['//fonts.example/f.css']
    """
    finder = _RefFinder()
    finder.feed(html)
    finder.close()
    return list(finder.refs)
