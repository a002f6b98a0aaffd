"""What a report notebook calls: :class:`MonthReport` ties a dataset, a month and a language.

A notebook opens one ``MonthReport`` after its parameters cell and then only displays what the
report returns: text blocks (header, section headings, notes), results (the area's headline
figures with their trend, tables by team or category) and figures, and finally
``save(results_path)`` writes the report's JSON. Every table is a result whose ``tidy()`` is a
DataFrame an analyst can sort, filter and plot; it displays formatted in the report language.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from ..analyses import AREAS, TREND_MONTHS, HeadlineResult, TableResult, headline
from ..analyses.base import TOTAL, UNATTRIBUTED
from ..analyses.compare import method_note
from ..analyses.headline import figures_table, needs_text
from ..errors import check_one_of
from ..i18n import (
    ADDITIVE,
    check_lang,
    column_label,
    metric_label,
    t,
    use_settings,
    value_label,
)
from ..io import Dataset, load_dataset, quality_table
from ..io.engines import engine_from_env, spark_engine
from ..metrics import (
    FIGURE_NEEDS,
    METRIC_BOOK_VERSION,
    data_span,
    is_provisional,
    kpi_table,
    lacking,
    team_panel,
)
from ..months import check_month, months_ending, shift_month
from .display import Block, escape
from .needs import ALWAYS_SHOWN, NEEDS
from .runs import attachment_file
from .sentences import LAGGING_METRICS, headline_sentences

__all__ = ["RESULTS_SCHEMA", "MonthReport", "package_versions", "report_header"]

VERSIONED_PACKAGES = ("csnb", "pandas", "duckdb", "statsmodels", "seaborn", "matplotlib",
                      "papermill")
#: Schema version of the results JSON (bumped only when a key changes meaning; keys are never
#: renamed, see docs/results-json.md).
RESULTS_SCHEMA = 1


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a report depends on."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass
class MonthReport:
    """One report (``name``) for one month of one dataset, in one language.

    Use :meth:`open` in notebooks.
    """

    name: str
    month: str
    lang: str
    ds: Dataset
    params: dict[str, Any] = field(default_factory=dict)
    #: Tables to write beside the report when it is saved: key -> (frame, column prefix,
    #: formats). See :meth:`attach`.
    attachments: dict[str, tuple[pd.DataFrame, str | None, tuple[str, ...]]] = field(
        default_factory=dict, repr=False)
    #: Key figures a section adds to the report's JSON (:meth:`add_results`).
    extra_results: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, name: str, month: str, data_dir: str | Path, lang: str = "en",
             **params: Any) -> MonthReport:
        """Check the parameters and load the dataset.

        The metric book's statements run on DuckDB, or on Spark when the environment says
        ``CSNB_ENGINE=spark`` (``csnb report --engine spark`` sets it for every notebook).

        Raises
        ------
        ParameterError
            ``month`` is not ``YYYY-MM``.
        SettingsError
            ``name`` or ``lang`` is not one of the allowed values.
        DataContractError
            The data violate the contract.
        """
        check_one_of("name", name, tuple(AREAS))
        check_month(month)
        check_lang(lang)
        ds = load_dataset(Path(data_dir))
        if engine_from_env() == "spark":
            spark_engine(ds)
        use_settings(ds.settings.fast_response_s)
        all_params = {"month": month, "data_dir": str(data_dir), "lang": lang, **params}
        return cls(name=name, month=month, lang=lang, ds=ds, params=all_params)

    # -- facts -------------------------------------------------------------------------------

    @cached_property
    def provisional(self) -> bool:
        """Whether the month's figures may still change (data lag, not-final cells)."""
        return bool(is_provisional(self.ds, self.month))

    @cached_property
    def headline(self) -> HeadlineResult:
        """The area's headline figures against last month and last year, with the trend.

        Figures the data cannot give are left out of the display and named under it; a
        report that lacks its tables displays no headline (its summary says why).
        """
        result = headline(self.ds, self.month, self.name, lang=self.lang)
        return replace(result, quiet=True) if self.lacking else result

    # -- what the data allow -------------------------------------------------------------------

    def lacks(self, key: str | None = None) -> list[tuple[str, ...]]:
        """The groups of tables a report or section lacks (:data:`~csnb.report.needs.NEEDS`).

        Parameters
        ----------
        key : str, optional
            A report name or a section key; default this report.

        Returns
        -------
        list of tuple of str
            Each group of which no table is in the dataset; empty when nothing lacks.
        """
        return lacking(NEEDS.get(key or self.name, ()), self.ds.tables)

    @cached_property
    def lacking(self) -> list[tuple[str, ...]]:
        """The groups of tables this report lacks (empty: it renders every section)."""
        return self.lacks()

    def _present(self) -> str:
        tables = [value_label(table, self.lang) for table in self.ds.tables]
        return (t("sentence.list_sep", self.lang).join(tables) if tables
                else t("needs.nothing", self.lang))

    def needs_note(self, key: str | None = None) -> Block | None:
        """A paragraph saying what a report or section needs, or None when nothing lacks."""
        groups = self.lacks(key)
        if not groups:
            return None
        report = key is None or key == self.name
        text = t("needs.report" if report else "needs.section", self.lang,
                 needs=needs_text(groups, self.lang), present=self._present())
        return Block(f'<p class="csnb-needs">{escape(text)}</p>', text)

    def _other_reports_lacking(self) -> list[str]:
        """For the overview: one sentence per report these data cannot fill."""
        out = []
        for area in AREAS:
            if area == self.name or not self.lacks(area):
                continue
            out.append(t("needs.other_report", self.lang, report=t(f"title.{area}", self.lang),
                         needs=needs_text(self.lacks(area), self.lang)))
        return out

    # -- text --------------------------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """Return a report text in the report language."""
        return t(key, self.lang, **values)

    def header(self) -> Block:
        """Title, provisional banner, parameters, data fingerprint and versions."""
        lang = self.lang
        lag = self.ds.settings.lag_days
        last = data_span(self.ds)[1]
        if self.lacking:
            # Nothing is computed, so nothing is provisional or final: the summary says why.
            status = ""
        elif self.provisional:
            lagging = t("sentence.list_sep", lang).join(
                metric_label(m, lang) for m in LAGGING_METRICS
                if not lacking(FIGURE_NEEDS.get(m, ()), self.ds.tables))
            status = t("header.provisional", lang, last_date=last, lag=lag, metrics=lagging)
        else:
            status = t("header.final", lang, lag=lag)
        return report_header(self.ds, lang, kind=self.name, period=self.month,
                             params=self.params, status=status,
                             provisional=self.provisional and not self.lacking)

    @cached_property
    def sentences(self) -> list[str]:
        """What happened this month, in sentences generated from the headline figures.

        A report that lacks its tables has one sentence: what it needs. The overview adds
        one sentence per report the data cannot fill.
        """
        note = self.needs_note()
        if note is not None:
            return [note.text]
        out = headline_sentences(self.headline, self.ds.settings,
                                 provisional=self.provisional, last_date=data_span(self.ds)[1])
        if self.name == "overview":
            out += self._other_reports_lacking()
        return out

    def summary(self, more: list[str] | tuple[str, ...] = ()) -> Block:
        """The opening of the report: the generated sentences, then how changes are judged.

        Parameters
        ----------
        more : list of str
            An analysis report's own sentences, shown after the headline's.
        """
        lacks = self.needs_note()
        if lacks is not None:
            # Nothing to judge: the plain statement of what is lacking, alone.
            return lacks
        sentences = [*self.sentences, *more]
        items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
        note = method_note(self.lang)
        return Block(
            f'<ul class="csnb-sentences">{items}</ul>'
            f'<p class="csnb-method">{escape(note)}</p>',
            "\n".join([*(f"- {s}" for s in sentences), note]),
        )

    def section(self, key: str) -> Block:
        """A section heading in the report language.

        Nothing when the report lacks its tables (except the summary and data quality);
        the heading and what the section needs when the section lacks its tables.
        """
        if self.lacking and key not in ALWAYS_SHOWN:
            return Block("", "")
        text = t(key, self.lang)
        heading = Block(f"<h2>{escape(text)}</h2>", text)
        note = self.needs_note(key) if key in NEEDS else None
        if note is None:
            return heading
        return Block(heading.html + note.html, f"{heading.text}\n{note.text}")

    def note(self, key: str, **values: Any) -> Block:
        """A paragraph in the report language (values are escaped).

        Nothing when the report lacks its tables, except the data-quality notes.
        """
        if self.lacking and not key.startswith("quality."):
            return Block("", "")
        text = t(key, self.lang, **values)
        safe = {k: escape(v) for k, v in values.items()}
        return Block(f"<p>{t(key, self.lang, **safe)}</p>", text)

    def missing(self, table: str) -> Block | None:
        """A note that ``table`` is absent, or None when it is present."""
        if self.ds.has(table):
            return None
        return self.note("missing.table", table=table)

    # -- data quality ------------------------------------------------------------------------

    def quality(self) -> TableResult:
        """Rows read, accepted and rejected per table, with the rejection reasons."""
        return TableResult(table=quality_table(self.ds, self.lang), lang=self.lang)

    def findings(self) -> TableResult | Block:
        """Every finding of the load (a note when there is none)."""
        if not self.ds.problems:
            return self.note("quality.no_problems")
        table = pd.DataFrame(
            [
                {"table": p.table, "severity": p.severity, "check": p.check, "count": p.count,
                 "message": str(p)}
                for p in self.ds.problems
            ]
        )
        return TableResult(table=table, lang=self.lang)

    # -- breakdowns --------------------------------------------------------------------------

    @cached_property
    def team_panel(self) -> pd.DataFrame:
        """:func:`csnb.metrics.team_panel` of the dataset (every month, every team)."""
        return team_panel(self.ds)

    def team_trend(self, metric: str) -> pd.DataFrame:
        """Tidy trend table of a team-level figure: month, team, ``metric``."""
        months = set(months_ending(self.month, TREND_MONTHS))
        panel = self.team_panel[self.team_panel["month"].isin(months)]
        return panel[["month", "team", metric]].reset_index(drop=True)

    def plot_team_trend(self, metric: str, ax=None):
        """Draw :meth:`team_trend` with one line per team."""
        from ..plots import plot_by_group

        title = metric_label(metric, self.lang)
        return plot_by_group(self.team_trend(metric), metric, "team", lang=self.lang,
                             title=title, ax=ax)

    def team_figures(self) -> pd.DataFrame:
        """This month's rows of :attr:`team_panel`, one per team."""
        rows = self.team_panel[self.team_panel["month"] == self.month]
        return rows.reset_index(drop=True)

    @cached_property
    def shop_figures(self) -> dict[str, Any]:
        """This month's shop-level figures: the headline figures and the shop KPIs."""
        kpis = kpi_table(self.ds).set_index("period")
        shop: dict[str, Any] = {}
        if self.month in kpis.index:
            shop.update(kpis.loc[self.month].to_dict())
        figures = figures_table(self.ds, [self.month], self.name).iloc[0].to_dict()
        shop.update({k: v for k, v in figures.items() if k != "month"})
        return shop

    def team_table(self, metrics: list[str]) -> TableResult | Block:
        """This month's figures by team, with the rows that make them add up to the headline.

        Columns team and ``metrics``. After the teams: an "(unattributed)" row holding what
        belongs to no agent (complaints without an agent, paid orders credited to nobody)
        when a count or amount of the teams falls short of the shop's, and a "(total)" row
        with the shop's figures (the headline), so the table can be checked against it.
        Nothing when the report lacks its tables.
        """
        if self.lacking:
            return Block("", "")
        rows = self.team_figures()
        table = pd.DataFrame({"team": rows["team"].astype(str)})
        for m in metrics:
            table[m] = rows[m].to_numpy()
        total: dict[str, Any] = {"team": TOTAL}
        rest: dict[str, Any] = {"team": UNATTRIBUTED}
        for m in metrics:
            shop = self.shop_figures.get(m)
            additive = m in ADDITIVE
            teams = pd.to_numeric(table[m], errors="coerce")
            if shop is None or pd.isna(shop):
                # Not a shop figure: a sum still adds up; a rate has no total to show.
                total[m] = teams.sum(min_count=1) if additive else None
                continue
            total[m] = shop
            gap = float(shop) - float(teams.sum()) if additive else 0.0
            if abs(gap) > 1e-6 * max(1.0, abs(float(shop))):
                rest[m] = gap
        extra = [rest] if len(rest) > 1 else []
        table = pd.concat([table, pd.DataFrame([*extra, total])], ignore_index=True)
        return TableResult(table=table, lang=self.lang)

    # -- output ------------------------------------------------------------------------------

    def results(self, **extra: Any) -> dict[str, Any]:
        """The report's key figures as a JSON-able dict (keys in docs/results-json.md)."""
        first, last = data_span(self.ds)
        out: dict[str, Any] = {
            "report": self.name,
            "month": self.month,
            "lang": self.lang,
            "provisional": self.provisional,
            "metric_book_version": METRIC_BOOK_VERSION,
            "results_schema": RESULTS_SCHEMA,
            "data": {
                "fingerprint": self.ds.fingerprint,
                "first_date": str(first),
                "last_date": str(last),
                "tables": list(self.ds.tables),
            },
            "lacking_tables": [list(group) for group in self.lacking],
            "unavailable_figures": sorted(self.headline.unavailable),
            **self.headline.to_json(),
            "sentences": self.sentences,
            "comparison_months": {
                "last_month": shift_month(self.month, -1),
                "last_year": shift_month(self.month, -12),
            },
        }
        out.update(self.extra_results)
        out.update(extra)
        return out

    def add_results(self, key: str, value: Any) -> None:
        """Add ``value`` to the report's JSON under ``key`` (a section's own figures).

        A section object (such as :class:`csnb.report.qa.QASection`) registers its figures
        here, so a notebook shows it with one call and :meth:`save` still writes everything.
        """
        self.extra_results[key] = value

    def attach(self, key: str, table: pd.DataFrame | TableResult, *,
               formats: tuple[str, ...] = ("csv",), prefix: str | None = None) -> Block:
        """Write ``table`` beside the report (``NAME.KEY.csv``) when the report is saved.

        For tables someone takes elsewhere: the fines ledger to payroll, the chats to read to
        the reviewers. Headers are the column labels of the report language; values are the
        table's own (numbers stay numbers). CSV is written as UTF-8 with a byte-order mark so
        that Excel opens Chinese text correctly.

        Parameters
        ----------
        key : str
            Lower-case name of the table (``"ledger"``); part of the file name.
        table : DataFrame or TableResult
            The rows to write (a ``TableResult`` writes its ``tidy()`` table).
        formats : tuple of {"csv", "xlsx"}
            File formats to write.
        prefix : str, optional
            The report's own column wording (``column_label``'s prefix).

        Returns
        -------
        Block
            A line linking the files (relative links: they sit beside the HTML).

        Raises
        ------
        ParameterError
            A key that is not lower-case letters, digits and underscores, or an unknown format.
        """
        frame = table.tidy() if isinstance(table, TableResult) else table
        files = [attachment_file(self.name, self.lang, key, fmt) for fmt in formats]
        self.attachments[key] = (frame, prefix, tuple(formats))
        links = ", ".join(f'<a href="{escape(f)}">{escape(f)}</a>' for f in files)
        rows = len(frame)
        return Block(
            f"<p>{escape(t('attachment.written', self.lang, rows=rows, files=''))}{links}</p>",
            t("attachment.written", self.lang, rows=rows, files=", ".join(files)),
        )

    def save(self, results_path: str | Path, **extra: Any) -> None:
        """Write :meth:`results` as JSON to ``results_path`` (nothing when it is empty).

        Tables given to :meth:`attach` are written beside it, named as they will be beside
        the report, and listed in the JSON under ``attachments`` (key -> file names); the
        runner moves them next to the HTML.
        """
        if not results_path:
            return
        path = Path(results_path)
        written: dict[str, list[str]] = {}
        for key, (frame, prefix, formats) in self.attachments.items():
            labels = {c: column_label(str(c), self.lang, prefix) for c in frame.columns}
            labelled = frame.rename(columns=labels)
            for fmt in formats:
                file = attachment_file(self.name, self.lang, key, fmt)
                if fmt == "csv":
                    labelled.to_csv(path.parent / file, index=False, encoding="utf-8-sig")
                else:
                    labelled.to_excel(path.parent / file, index=False, sheet_name=key[:31])
                written.setdefault(key, []).append(file)
        if written:
            extra = {**extra, "attachments": written}
        path.write_text(
            json.dumps(self.results(**extra), ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )


def report_header(ds: Dataset, lang: str, *, kind: str, period: str, params: dict[str, Any],
                  status: str, provisional: bool) -> Block:
    """The header of a report of any period: title, status banner, parameters and data.

    Parameters
    ----------
    ds : Dataset
        Its fingerprint and data range are shown.
    lang : str
    kind : str
        The report (``title.KIND`` is its title).
    period : str
        What the report covers, as shown after the title: a month ``YYYY-MM`` or a day.
    params : dict
        The notebook's parameters, shown as given.
    status : str
        The provisional or final sentence ("" shows no banner).
    provisional : bool
        Whether ``status`` is the provisional warning (highlighted) or the final note.
    """
    first, last = data_span(ds)
    title = f'{t(f"title.{kind}", lang)} · {period}'
    if not status:
        banner = ""
    elif provisional:
        banner = (f'<p class="csnb-provisional" style="background:#fff3cd;padding:8px;'
                  f'border-left:4px solid #e0a800">{escape(status)}</p>')
    else:
        banner = f'<p class="csnb-final">{escape(status)}</p>'
    rows = "".join(f"<tr><td>{escape(k)}</td><td><code>{escape(v)}</code></td></tr>"
                   for k, v in params.items())
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in package_versions().items())
    facts = [
        (t("header.fingerprint", lang), f"<code>{escape(ds.fingerprint)}</code>"),
        (t("header.data_range", lang), f"{escape(first)} – {escape(last)}"),
        (t("header.metric_book", lang), escape(METRIC_BOOK_VERSION)),
        (t("header.versions", lang), versions),
    ]
    facts_html = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in facts)
    return Block(
        f"<h1>{escape(title)}</h1>"
        f"{banner}"
        f'<details><summary>{escape(t("header.parameters", lang))} · '
        f'{escape(t("header.data", lang))}</summary>'
        f'<table class="csnb-table">{rows}{facts_html}</table></details>',
        f"{title}\n{status}",
    )
