"""What a report notebook calls: :class:`MonthReport` ties a dataset, a month and a language.

A notebook opens one ``MonthReport`` after its parameters cell and then only displays what the
report returns: the header (parameters, data fingerprint, versions, provisional banner), section
headings in the report language, the area's headline figures and trend, team breakdowns, the
data-quality section, and finally ``save(results_path)`` writes the report's JSON.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML

from .dataset import Dataset
from .errors import check_one_of
from .headline import (
    AREAS,
    HeadlineResult,
    check_month,
    escape,
    headline,
    month_range,
    shift_month,
    team_panel,
)
from .i18n import check_lang, format_value, metric_label, t, value_label

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


def html_table(df: pd.DataFrame) -> HTML:
    """Render a DataFrame as an escaped HTML table (every cell from the data is escaped)."""
    return HTML(df.to_html(index=False, escape=True, border=0, classes="csnb-table",
                            na_rep="", float_format=lambda x: f"{x:,.4g}"))


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

    @classmethod
    def open(cls, name: str, month: str, data_dir: str | Path, lang: str = "en",
             **params: Any) -> MonthReport:
        """Check the parameters, load the dataset and set the figure theme.

        Raises
        ------
        ParameterError
            ``month`` is not ``YYYY-MM``.
        SettingsError
            ``name`` or ``lang`` is not one of the allowed values.
        DataContractError
            The data violate the contract.
        """
        from .load import load_dataset
        from .plots import set_theme

        check_one_of("name", name, tuple(AREAS))
        check_month(month)
        check_lang(lang)
        ds = load_dataset(Path(data_dir))
        set_theme()
        all_params = {"month": month, "data_dir": str(data_dir), "lang": lang, **params}
        return cls(name=name, month=month, lang=lang, ds=ds, params=all_params)

    # -- facts -------------------------------------------------------------------------------

    @cached_property
    def provisional(self) -> bool:
        """Whether the month's figures may still change (data lag, not-final cells)."""
        from .prep import is_provisional

        return bool(is_provisional(self.ds, self.month))

    @cached_property
    def headline(self) -> HeadlineResult:
        """The area's headline figures against last month and last year, with the trend."""
        return headline(self.ds, self.month, self.name, lang=self.lang)

    # -- display pieces ----------------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """Return a report text in the report language."""
        return t(key, self.lang, **values)

    def header(self) -> HTML:
        """Title, provisional banner, parameters, data fingerprint and versions."""
        lang = self.lang
        lag = self.ds.settings.lag_days
        last = self.ds.last_date
        if self.provisional:
            banner = (f'<p class="csnb-provisional" style="background:#fff3cd;padding:8px;'
                      f'border-left:4px solid #e0a800">'
                      f'{escape(t("header.provisional", lang, last_date=last, lag=lag))}</p>')
        else:
            banner = f'<p class="csnb-final">{escape(t("header.final", lang, lag=lag))}</p>'
        params = "".join(
            f"<tr><td>{escape(k)}</td><td><code>{escape(v)}</code></td></tr>"
            for k, v in self.params.items()
        )
        versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in package_versions().items())
        from .prep import METRIC_BOOK_VERSION

        first = self.ds.first_date
        facts = [
            (t("header.fingerprint", lang), f"<code>{escape(self.ds.fingerprint)}</code>"),
            (t("header.data_range", lang), f"{escape(first)} – {escape(last)}"),
            (t("header.metric_book", lang), escape(METRIC_BOOK_VERSION)),
            (t("header.versions", lang), versions),
        ]
        facts_html = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in facts)
        return HTML(
            f'<h1>{escape(t(f"title.{self.name}", lang))} · {escape(self.month)}</h1>'
            f"{banner}"
            f'<details><summary>{escape(t("header.parameters", lang))} · '
            f'{escape(t("header.data", lang))}</summary>'
            f'<table class="csnb-table">{params}{facts_html}</table></details>'
        )

    def section(self, key: str) -> HTML:
        """A section heading in the report language."""
        return HTML(f"<h2>{escape(t(key, self.lang))}</h2>")

    def note(self, key: str, **values: Any) -> HTML:
        """A paragraph in the report language (values are escaped)."""
        safe = {k: escape(v) for k, v in values.items()}
        return HTML(f"<p>{t(key, self.lang, **safe)}</p>")

    def quality(self) -> HTML:
        """The data-quality section: rows read, accepted, rejected by reason, and findings."""
        from .load import quality_table

        lang = self.lang
        q = quality_table(self.ds).rename(columns={
            "table": t("col.table", lang), "read": t("col.read", lang),
            "accepted": t("col.accepted", lang), "rejected": t("col.rejected", lang),
            "reasons": t("col.reasons", lang),
        })
        parts = [f"<p>{escape(t('quality.intro', lang))}</p>", html_table(q).data]
        if self.ds.problems:
            findings = pd.DataFrame(
                [
                    {
                        t("col.table", lang): p.table,
                        t("col.severity", lang): p.severity,
                        t("col.check", lang): p.check,
                        t("col.count", lang): p.count,
                        t("col.message", lang): str(p),
                    }
                    for p in self.ds.problems
                ]
            )
            parts.append(html_table(findings).data)
        else:
            parts.append(f"<p>{escape(t('quality.no_problems', lang))}</p>")
        return HTML("".join(parts))

    def missing(self, table: str) -> HTML | None:
        """A note that ``table`` is absent, or None when it is present."""
        if self.ds.has(table):
            return None
        return self.note("missing.table", table=table)

    # -- breakdowns --------------------------------------------------------------------------

    @cached_property
    def team_panel(self) -> pd.DataFrame:
        """:func:`csnb.headline.team_panel` of the dataset (every month, every team)."""
        return team_panel(self.ds)

    def team_trend(self, metric: str) -> pd.DataFrame:
        """Tidy 24-month table of a team-level figure: month, team, ``metric``."""
        months = set(month_range(self.month, 24))
        panel = self.team_panel[self.team_panel["month"].isin(months)]
        return panel[["month", "team", metric]].reset_index(drop=True)

    def plot_team_trend(self, metric: str, ax=None):
        """Draw :meth:`team_trend` with one line per team."""
        from .plots import plot_by_group

        title = metric_label(metric, self.lang)
        return plot_by_group(self.team_trend(metric), metric, "team", lang=self.lang,
                             title=title, ax=ax)

    def team_figures(self) -> pd.DataFrame:
        """This month's rows of :attr:`team_panel`, one per team."""
        rows = self.team_panel[self.team_panel["month"] == self.month]
        return rows.reset_index(drop=True)

    def team_table(self, metrics: list[str]) -> HTML:
        """This month's figures by team, formatted in the report language."""
        rows = self.team_figures()
        lang = self.lang
        shown = pd.DataFrame({t("col.team", lang): rows["team"].astype(str)})
        for m in metrics:
            shown[metric_label(m, lang)] = [format_value(m, v, lang) for v in rows[m]]
        return html_table(shown)

    def complaint_breakdown(self, by: str) -> HTML:
        """This month's complaints by ``by`` ("category" or "source"): count, share, per 1,000."""
        from .prep import complaint_rate_table

        check_one_of("by", by, ("category", "source"))
        if not self.ds.has("complaints"):
            return self.missing("complaints")
        rates = complaint_rate_table(self.ds, by=(by,))
        rows = rates[rates["month"] == self.month].sort_values("complaints", ascending=False)
        total = rows["complaints"].sum()
        lang = self.lang
        shown = pd.DataFrame({
            t(f"col.{by}", lang): [value_label(v, lang) for v in rows[by]],
            metric_label("complaints", lang): [format_value("complaints", v, lang)
                                               for v in rows["complaints"]],
            t("col.share", lang): [f"{100 * v / total:.1f}%" if total else "" for v in
                                   rows["complaints"]],
            metric_label("complaints_per_1k_orders", lang): [
                format_value("complaints_per_1k_orders", v, lang)
                for v in rows["complaints_per_1k_orders"]
            ],
        })
        return html_table(shown)

    def policy_table(self) -> HTML:
        """The policies table (adoption timeline) in the report language."""
        if not self.ds.has("policies"):
            return self.note("policies.none")
        pol = self.ds.frame("policies").sort_values(["start_month", "team"])
        lang = self.lang
        cols = {"team": "col.team", "policy": "col.policy", "start_month": "col.start_month",
                "end_month": "col.end_month", "bottom_share": "col.bottom_share",
                "action": "col.action"}
        shown = pd.DataFrame({
            t(label, lang): [
                "" if v is None or v != v else
                value_label(v, lang) if col in ("policy", "action") else
                f"{100 * v:.0f}%" if col == "bottom_share" else str(v)
                for v in pol[col]
            ]
            for col, label in cols.items()
        })
        return html_table(shown)

    def links(self) -> HTML:
        """Links to this month's other reports (relative: they sit beside this one)."""
        items = "".join(
            f'<li><a href="{escape(name)}.html">{escape(t(f"title.{name}", self.lang))}</a></li>'
            for name in AREAS
            if name != "overview"
        )
        return HTML(f"<h2>{escape(t('section.reports', self.lang))}</h2><ul>{items}</ul>")

    # -- output ------------------------------------------------------------------------------

    def results(self, **extra: Any) -> dict[str, Any]:
        """The report's key figures as a JSON-able dict (keys in docs/results-json.md)."""
        from .prep import METRIC_BOOK_VERSION

        out: dict[str, Any] = {
            "report": self.name,
            "month": self.month,
            "lang": self.lang,
            "provisional": self.provisional,
            "metric_book_version": METRIC_BOOK_VERSION,
            "results_schema": RESULTS_SCHEMA,
            "data": {
                "fingerprint": self.ds.fingerprint,
                "first_date": str(self.ds.first_date),
                "last_date": str(self.ds.last_date),
                "tables": list(self.ds.tables),
            },
            **self.headline.to_json(),
            "comparison_months": {
                "last_month": shift_month(self.month, -1),
                "last_year": shift_month(self.month, -12),
            },
        }
        out.update(extra)
        return out

    def save(self, results_path: str | Path, **extra: Any) -> None:
        """Write :meth:`results` as JSON to ``results_path`` (nothing when it is empty)."""
        if not results_path:
            return
        Path(results_path).write_text(
            json.dumps(self.results(**extra), ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )
