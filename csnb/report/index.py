"""The reports index and every report's navigation, both drawn from one manifest.

``OUT/index.json`` (the manifest) lists each month's reports in each language with their
status; ``OUT/index.html`` (English) and ``OUT/index.zh.html`` (Chinese) show each month,
newest first, with its headline figures (from the month's overview JSON), status and links to
the reports of both languages. Each report carries a navigation bar between the markers
``<!--csnb-nav-->`` and ``<!--/csnb-nav-->``; :func:`write_index` redraws it in every report
from the manifest, so a report links to the same report of the months before and after, to
its month's other reports and to its other language only when those exist.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..i18n import LANGS, METRICS, format_value, metric_label, t
from ..months import MONTH_PATTERN
from .export import TEMPLATES_DIR, short_title
from .fonts import embed_cjk_font
from .runs import NOTEBOOKS, NotebookRun, lang_suffix, report_files

__all__ = ["INDEX_METRICS", "index_path", "render_index_html", "write_index"]

logger = logging.getLogger(__name__)

_MANIFEST_VERSION = 2
_NAV = re.compile(r"<!--csnb-nav-->.*?<!--/csnb-nav-->", re.S)

#: Headline figures the index shows for each month (from the overview's JSON).
INDEX_METRICS = ("closing_headcount", "turnover_rate", "inquiries", "conversion_rate",
                 "credited_sales", "fast_response_rate", "complaints_per_1k_orders")


def index_path(out_dir: Path, lang: str) -> Path:
    """``OUT/index.html`` for English, ``OUT/index.zh.html`` for Chinese."""
    return out_dir / f"index{lang_suffix(lang)}.html"


def write_index(
    out: str | os.PathLike,
    month: str,
    runs: Sequence[NotebookRun],
    *,
    lang: str = "en",
    data_dir: str | os.PathLike | None = None,
) -> Path:
    """Merge ``runs`` into ``OUT/index.json``, redraw both index pages and every report's nav.

    The reports rendered now replace their entries (same month, name and language); other
    entries stay while their files exist, and other months stay untouched.

    Parameters
    ----------
    out : path-like
        Reports folder.
    month : str
        ``YYYY-MM``.
    runs : sequence of NotebookRun
        This render's runs.
    lang : {"en", "zh"}
        Language of this render: the index page returned is this language's.
    data_dir : path-like, optional
        Data folder of this render, recorded per month.

    Returns
    -------
    pathlib.Path
        The index page of ``lang``.
    """
    out_dir = Path(out)
    manifest = _read_manifest(out_dir)
    months = manifest["months"]
    entries: dict[tuple[str, str], dict] = {}
    for entry in months.get(month, {}).get("reports", []):
        # Keep what still exists on disk from an earlier render (e.g. a later --only run).
        link = entry.get("html") or entry.get("ipynb")
        if link and (out_dir / link).exists():
            entries[(entry["name"], entry.get("lang", "en"))] = entry
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    for run in runs:
        entries[(run.name, run.lang)] = _manifest_entry(out_dir, run, now, data_dir)
    order = {name: i for i, name in enumerate(NOTEBOOKS)}
    months[month] = {
        "month": month,
        # the monthly reports in their order, then the daily briefs, newest first
        "reports": sorted(entries.values(), key=lambda e: (
            order.get(e["name"], len(order)),
            "" if e["name"] in order else _newest_first(e["name"]),
            LANGS.index(e.get("lang", "en")))),
    }
    manifest["months"] = dict(sorted(months.items(), reverse=True))
    manifest["generated_at"] = now

    _atomic_write(out_dir / "index.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    for page_lang in LANGS:
        _atomic_write(index_path(out_dir, page_lang),
                      render_index_html(manifest, page_lang, out_dir=out_dir))
    refresh_navigation(out_dir, manifest)
    return index_path(out_dir, lang)


def _newest_first(name: str) -> str:
    """Sort key putting ``daily-2025-11-12`` before ``daily-2025-11-11``."""
    return "".join(chr(0x10FFFF - ord(c)) for c in name)


def _report_names(reports: list[dict]) -> list[str]:
    """The month's report names: the monthly reports in order, then its briefs, newest first."""
    briefs = sorted({e["name"] for e in reports if _DAILY.match(str(e["name"]))}, reverse=True)
    return [*NOTEBOOKS, *briefs]


_DAILY = re.compile(r"^daily-\d{4}-\d{2}-\d{2}$")


def _manifest_entry(out_dir: Path, run: NotebookRun, now: str,
                    data_dir: str | os.PathLike | None) -> dict:
    def rel(path: Path | None) -> str | None:
        return path.relative_to(out_dir).as_posix() if path is not None else None

    return {
        "name": run.name,
        "lang": run.lang,
        "status": run.status,
        "seconds": run.seconds,
        "html": rel(run.html),
        "json": rel(run.json),
        "ipynb": rel(run.ipynb),
        "provisional": run.provisional,
        "error": run.error,
        "cell_index": run.cell_index,
        "rendered_at": now,
        "data_dir": str(data_dir) if data_dir is not None else None,
    }


def _read_manifest(out_dir: Path) -> dict:
    path = out_dir / "index.json"
    if not path.exists():
        return {"version": _MANIFEST_VERSION, "months": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("months"), dict):
            raise ValueError("no 'months' object")
        if manifest.get("version") != _MANIFEST_VERSION:
            raise ValueError(f"manifest version {manifest.get('version')!r}")
    except (OSError, ValueError) as exc:
        # The manifest is derived data: rebuild it from the reports on disk rather than fail
        # after every notebook has run.
        logger.warning("%s is unreadable (%s); rebuilding it from the reports on disk", path, exc)
        return _manifest_from_disk(out_dir)
    return manifest


def _manifest_from_disk(out_dir: Path) -> dict:
    months: dict[str, dict] = {}
    for month_dir in sorted(out_dir.iterdir()):
        if not (month_dir.is_dir() and MONTH_PATTERN.match(month_dir.name)):
            continue
        entries = []
        briefs = sorted({p.name.split(".")[0] for p in month_dir.glob("daily-*.*")
                         if _DAILY.match(p.name.split(".")[0])}, reverse=True)
        for name in (*NOTEBOOKS, *briefs):
            for lang in LANGS:
                files = report_files(month_dir, name, lang)
                rel = {k: f"{month_dir.name}/{v.name}" for k, v in files.items()}
                base = {"name": name, "lang": lang, "seconds": None, "cell_index": None,
                        "rendered_at": None, "data_dir": None}
                if files["html"].exists():
                    provisional = None
                    try:
                        provisional = json.loads(files["json"].read_text(encoding="utf-8")
                                                 ).get("provisional")
                    except (OSError, ValueError, AttributeError):
                        pass
                    entries.append({**base, "status": "ok", "html": rel["html"],
                                    "json": rel["json"] if files["json"].exists() else None,
                                    "ipynb": rel["ipynb"], "provisional": provisional,
                                    "error": None})
                elif files["failed"].exists():
                    entries.append({**base, "status": "failed", "html": None, "json": None,
                                    "ipynb": rel["failed"], "provisional": None,
                                    "error": "failed (details lost with the previous index)"})
        if entries:
            months[month_dir.name] = {"month": month_dir.name, "reports": entries}
    return {"version": _MANIFEST_VERSION, "months": dict(sorted(months.items(), reverse=True))}


# --------------------------------------------------------------------------------------------
# The index pages
# --------------------------------------------------------------------------------------------


def render_index_html(manifest: dict, lang: str = "en", *, out_dir: Path | None = None) -> str:
    """Render an index page from a manifest (``OUT/index.json`` content).

    Jinja2 with autoescaping: every value from the manifest is HTML-escaped. With
    ``out_dir``, each month shows the headline figures of its overview JSON.
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
        reports = info.get("reports", [])
        rows = []
        for name in _report_names(reports):
            by_lang = {e.get("lang", "en"): e for e in reports if e["name"] == name}
            if not by_lang:
                continue
            rows.append({
                "name": name,
                "title": short_title(name, lang),
                "versions": [
                    {
                        "lang": code,
                        "label": t(f"lang.{code}", lang),
                        **{k: by_lang[code].get(k) for k in ("status", "html", "json",
                                                             "ipynb", "error")},
                        "status_text": t(f"index.status_{by_lang[code].get('status')}", lang),
                        "seconds": _format_seconds(by_lang[code].get("seconds"), lang),
                        "provisional": by_lang[code].get("provisional"),
                    }
                    for code in LANGS if code in by_lang
                ],
            })
        statuses = [e.get("status") for e in reports]
        rendered = max((e.get("rendered_at") or "" for e in reports), default="")
        months.append({
            "month": month,
            "rendered_at": rendered.replace("T", " ")[:16],
            "reports": rows,
            "n_ok": statuses.count("ok"),
            "n_failed": len(statuses) - statuses.count("ok"),
            "provisional": any(e.get("provisional") for e in reports),
            "figures": _month_figures(out_dir, reports, lang) if out_dir else [],
        })
    text = {key.split(".", 1)[1]: t(key, lang) for key in _INDEX_TEXTS}
    template = env.get_template("index.html.j2")
    return embed_cjk_font(template.render(
        lang=lang,
        text=text,
        other_index=[{"label": t(f"lang.{code}", lang),
                      "href": index_path(Path("."), code).name}
                     for code in LANGS if code != lang],
        months=months,
        n_months=t("index.n_months", lang, n=len(months)),
        generated_at=(manifest.get("generated_at") or "").replace("T", " ")[:16],
        version=__version__,
    ))


_INDEX_TEXTS = ("index.title", "index.report", "index.status", "index.run_time",
                "index.files", "index.figures_json", "index.executed", "index.failed_nb",
                "index.empty", "index.footer", "index.provisional", "index.provisional_tip",
                "index.ok", "index.failed", "index.rendered", "index.last_update",
                "index.headline")

_STATUS_COLOURS = {"green": "#1a7f37", "amber": "#bf8700", "red": "#cf222e"}


def _month_figures(out_dir: Path, reports: list[dict], lang: str) -> list[dict[str, Any]]:
    """The month's headline figures from its overview JSON (either language)."""
    overview = [e for e in reports if e["name"] == "overview" and e.get("json")]
    for entry in sorted(overview, key=lambda e: e.get("lang") != lang):
        try:
            data = json.loads((out_dir / entry["json"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        figures = data.get("figures", {})
        targets = data.get("targets", {})
        return [
            {
                "label": metric_label(m, lang),
                "value": format_value(m, figures.get(m), lang),
                "colour": _STATUS_COLOURS.get(str((targets.get(m) or {}).get("status")), ""),
            }
            for m in INDEX_METRICS if m in figures and m in METRICS
        ]
    return []


def _format_seconds(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return ""
    unit_s, unit_min = ("s", "min") if lang == "en" else ("秒", "分")
    if seconds < 60:
        return f"{seconds:.1f} {unit_s}"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} {unit_min} {rest:02d} {unit_s}"


# --------------------------------------------------------------------------------------------
# Navigation in every report
# --------------------------------------------------------------------------------------------


def refresh_navigation(out_dir: Path, manifest: dict) -> int:
    """Redraw the navigation bar of every report in the manifest; return how many changed.

    Only files whose bar changes are rewritten.
    """
    available: dict[tuple[str, str, str], str] = {}
    for month, info in manifest.get("months", {}).items():
        for e in info.get("reports", []):
            if e.get("status") == "ok" and e.get("html"):
                available[(month, e["name"], e.get("lang", "en"))] = e["html"]
    months = sorted({m for m, _, _ in available})
    changed = 0
    for (month, name, lang), rel in available.items():
        path = out_dir / rel
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        nav = _nav_html(month, name, lang, available, months)
        new = _NAV.sub(nav.replace("\\", "\\\\"), text, count=1)
        if new != text:
            _atomic_write(path, new)
            changed += 1
    return changed


def _nav_html(month: str, name: str, lang: str, available: dict, months: list[str]) -> str:
    def link(href: str, label: str, cls: str = "") -> str:
        attr = f' class="{cls}"' if cls else ""
        return f'<a{attr} href="{html.escape(href)}">{html.escape(label)}</a>'

    def href(m: str, n: str, code: str) -> str:
        # Reports sit in OUT/YYYY-MM/: the same month is a sibling, others one level up.
        target = available[(m, n, code)].split("/", 1)[1]
        return target if m == month else f"../{m}/{target}"

    parts = [link(f"../{index_path(Path('.'), lang).name}", f"← {t('nav.index', lang)}")]
    if _DAILY.match(name):
        # a brief links to the briefs of the days before and after, in any month
        briefs = sorted((n, m) for m, n, code in available if code == lang and _DAILY.match(n))
        i = briefs.index((name, month))
        if i > 0:
            n, m = briefs[i - 1]
            parts.append(link(href(m, n, lang), f"‹ {n[len('daily-'):]}", "csnb-prev"))
        parts.append(f"<b>{html.escape(short_title(name, lang))}</b>")
        if i < len(briefs) - 1:
            n, m = briefs[i + 1]
            parts.append(link(href(m, n, lang), f"{n[len('daily-'):]} ›", "csnb-next"))
    else:
        same = [m for m in months if (m, name, lang) in available]
        i = same.index(month)
        if i > 0:
            parts.append(link(href(same[i - 1], name, lang), f"‹ {same[i - 1]}", "csnb-prev"))
        parts.append(f"<b>{html.escape(short_title(name, lang))} · {html.escape(month)}</b>")
        if i < len(same) - 1:
            parts.append(link(href(same[i + 1], name, lang), f"{same[i + 1]} ›", "csnb-next"))
    others = [link(href(month, n, lang), short_title(n, lang)) for n in NOTEBOOKS
              if n != name and (month, n, lang) in available]
    if others:
        parts.append('<span class="csnb-others">' + " · ".join(others) + "</span>")
    for code in LANGS:
        if code != lang and (month, name, code) in available:
            parts.append(link(href(month, name, code), t(f"lang.{code}", code), "csnb-lang"))
    return "<!--csnb-nav-->" + "".join(f"<span>{p}</span>" for p in parts) + "<!--/csnb-nav-->"


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
