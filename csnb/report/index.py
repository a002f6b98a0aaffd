"""The reports index: ``OUT/index.json`` (manifest) and ``OUT/index.html``."""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ..i18n import LANGS
from ..months import MONTH_PATTERN
from .export import TEMPLATES_DIR, short_title
from .runs import NOTEBOOKS, NotebookRun

__all__ = ["render_index_html", "write_index"]

logger = logging.getLogger(__name__)

_MANIFEST_VERSION = 1


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
        if not (month_dir.is_dir() and MONTH_PATTERN.match(month_dir.name)):
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

    from .. import __version__

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
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
                    "title": short_title(entry.get("name"), lang),
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
        version=__version__,
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


