"""The supervisor's daily brief: what :file:`notebooks/daily.ipynb` shows, section by section.

:class:`DailyBrief` is a :class:`~csnb.report.MonthReport` for one day (issue 12): the day's
figures per agent with the flags of what is below beyond chance
(:func:`csnb.analyses.qa.daily_agents`), the chats to read
(:func:`csnb.analyses.qa.sample_chats`, written as CSV and XLSX beside the brief), and the
reviews of the last 30 days (:class:`csnb.report.qa.QASection`). Its file name is
``daily-YYYY-MM-DD`` and it lives in the day's month folder, so the runner and the index
treat it as that month's report. Every text comes from ``daily.*`` of
:data:`csnb.i18n.TEXT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..analyses.base import TableResult, records
from ..analyses.qa import (
    ALLOCATION,
    BASELINE_DAYS,
    FLAG_FDR,
    HIGH_INTENT_MSGS,
    STRATA,
    ChatSampleResult,
    DailyAgentsResult,
    check_day,
    daily_agents,
    sample_chats,
)
from ..i18n import check_lang, format_value, t, use_settings
from ..io import load_dataset
from ..metrics import METRIC_BOOK_VERSION, data_span, kpi_table
from .display import Block, escape
from .month_report import RESULTS_SCHEMA, MonthReport, report_header
from .qa import QASection

__all__ = ["DAILY_FIGURES", "DailyBrief", "daily_name"]

#: The day's shop figures in the brief's JSON (``figures``).
DAILY_FIGURES = ("sessions", "inquiries", "converted_inquiries", "conversion_rate",
                 "counted_sessions", "fast_response_rate", "avg_first_response_s",
                 "complaints")
#: Days of reviews the brief's QA section covers (the days before the brief's day).
REVIEW_DAYS = 30


def daily_name(day: str | date) -> str:
    """The brief's report name and file stem: ``daily-YYYY-MM-DD``."""
    return f"daily-{check_day(day).isoformat()}"


@dataclass
class DailyBrief(MonthReport):
    """The daily brief of one day of one dataset, in one language. Use :meth:`open_day`."""

    day: date = date(1970, 1, 1)

    @classmethod
    def open_day(cls, day: str | date, data_dir: str | Path, lang: str = "en") -> DailyBrief:
        """Check the parameters and load the dataset.

        Raises
        ------
        ParameterError
            ``day`` is not a real ``YYYY-MM-DD`` day.
        SettingsError
            ``lang`` is not one of the allowed values.
        DataContractError
            The data violate the contract.
        """
        the_day = check_day(day)
        check_lang(lang)
        ds = load_dataset(Path(data_dir))
        use_settings(ds.settings.fast_response_s)
        params = {"date": the_day.isoformat(), "data_dir": str(data_dir), "lang": lang}
        return cls(name=daily_name(the_day), month=the_day.strftime("%Y-%m"), lang=lang,
                   ds=ds, params=params, day=the_day)

    # -- facts -------------------------------------------------------------------------------

    @cached_property
    def provisional(self) -> bool:
        """Whether the day is within the data lag (its conversion may still change)."""
        last = data_span(self.ds)[1]
        return last is None or last < self.day + timedelta(days=self.ds.settings.lag_days)

    @cached_property
    def agents(self) -> DailyAgentsResult:
        """Each agent's day with its flags (:func:`csnb.analyses.qa.daily_agents`)."""
        return daily_agents(self.ds, self.day, lang=self.lang)

    @cached_property
    def chats(self) -> ChatSampleResult:
        """The chats to read (:func:`csnb.analyses.qa.sample_chats`)."""
        return sample_chats(self.ds, self.day, flagged=self.agents, lang=self.lang)

    @cached_property
    def figures(self) -> dict[str, Any]:
        """The day's shop figures (:data:`DAILY_FIGURES`); missing when the day has none."""
        shop = self.ds.memo("qa_shop_day_kpis", lambda: kpi_table(self.ds, freq="day"))
        row = shop[shop["period"] == self.day]
        if row.empty:
            return {k: None for k in DAILY_FIGURES}
        return {k: row.iloc[0][k] for k in DAILY_FIGURES}

    @cached_property
    def qa(self) -> QASection:
        """Reviews of the sessions of the :data:`REVIEW_DAYS` days before the brief's day."""
        return QASection(self, first=self.day - timedelta(days=REVIEW_DAYS),
                         last=self.day - timedelta(days=1))

    # -- text --------------------------------------------------------------------------------

    def header(self) -> Block:
        """Title, provisional banner, parameters, data fingerprint and versions."""
        lag = self.ds.settings.lag_days
        if self.provisional:
            status = t("daily.provisional", self.lang, last_date=data_span(self.ds)[1], lag=lag)
        else:
            status = t("daily.final", self.lang, lag=lag)
        return report_header(self.ds, self.lang, kind="daily", period=self.day.isoformat(),
                             params=self.params, status=status, provisional=self.provisional)

    @cached_property
    def sentences(self) -> list[str]:
        """What stands out on the day, generated from the figures."""
        lang, f = self.lang, self.figures
        out = []
        agents = self.agents.table
        if f["sessions"] is None or pd.isna(f["sessions"]):
            return [t("daily.s.no_data", lang, date=self.day.isoformat())]
        conv = format_value("conversion_rate", f["conversion_rate"], lang)
        if self.provisional:
            conv = t("daily.s.provisional_value", lang, value=conv)
        out.append(t("daily.s.day", lang, date=self.day.isoformat(), agents=len(agents),
                     sessions=_count(f["sessions"]), inquiries=_count(f["inquiries"]),
                     conversion=conv,
                     fast=format_value("fast_response_rate", f["fast_response_rate"], lang),
                     complaints=_count(f["complaints"])))
        flagged = agents[agents["flagged"]]
        sep = t("sentence.list_sep", lang)
        if len(flagged):
            who = "; ".join(f"{_who(r)}: {r['reason']}" for r in flagged.to_dict("records"))
            out.append(t("daily.s.flagged", lang, n=len(flagged), agents=who,
                         days=BASELINE_DAYS, fdr=f"{FLAG_FDR:.0%}"))
        else:
            out.append(t("daily.s.none_flagged", lang, days=BASELINE_DAYS,
                         fdr=f"{FLAG_FDR:.0%}"))
            lowest = self._lowest()
            if lowest:
                out.append(lowest)
        design = self.chats.strata.set_index("stratum")
        linked = int(design.loc["complaint", "population"])
        if linked:
            out.append(t("daily.s.complaints", lang, n=linked))
        parts = [t("daily.s.stratum_count", lang, n=int(design.loc[h, "sampled"]),
                   stratum=t(f"daily.stratum.{h}", lang))
                 for h in STRATA if design.loc[h, "sampled"] > 0]
        out.append(t("daily.s.sample", lang, n=len(self.chats.table), quota=self.chats.quota,
                     parts=sep.join(parts)))
        return out

    def _lowest(self) -> str | None:
        """The lowest conversion or fast-response test of the day, said to be within chance."""
        tests = self.agents.tests
        if tests.empty:
            return None
        own = tests[tests["against"] == "own"].sort_values("p_value")
        if own.empty:
            return None
        worst = own.iloc[0]
        row = self.agents.table.set_index("agent_id").loc[worst["agent_id"]]
        who = _who({"agent_id": worst["agent_id"], "name": row["name"]})
        key = {"conversion": "daily.s.lowest_conversion",
               "fast_response": "daily.s.lowest_fast",
               "complaints": "daily.s.lowest_complaints"}[str(worst["metric"])]
        return t(key, self.lang, who=who, rate=f"{worst['observed_rate']:.0%}",
                 k=int(worst["observed"]), n=int(worst["n"]),
                 baseline=f"{worst['baseline_rate']:.0%}",
                 expected=f"{worst['expected']:.2f}", p=f"{worst['q_value']:.2f}")

    def summary(self, more: list[str] | tuple[str, ...] = ()) -> Block:
        """The generated sentences, then how flags are judged."""
        sentences = [*self.sentences, *more]
        items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
        note = t("daily.method", self.lang, days=BASELINE_DAYS, fdr=f"{FLAG_FDR:.0%}")
        return Block(f'<ul class="csnb-sentences">{items}</ul>'
                     f'<p class="csnb-method">{escape(note)}</p>',
                     "\n".join([*(f"- {s}" for s in sentences), note]))

    # -- sections ----------------------------------------------------------------------------

    def agent_table(self) -> TableResult:
        """The day's agents, flagged first, with labelled columns.

        The counts behind the rates (converted inquiries, counted sessions) stay in
        ``agents.tidy()``; the reasons name them.
        """
        shown = [c for c in self.agents.columns if c not in _BEHIND_RATES]
        return _DailyTable(table=self.agents.tidy()[shown], lang=self.lang)

    def chat_list(self) -> Block:
        """Attach the chats to read (CSV and XLSX beside the brief); the line linking them."""
        # reviewers read the stratum in words; daily.json keeps the codes
        table = self.chats.tidy()
        table["stratum"] = [t(f"daily.stratum.{s}", self.lang) for s in table["stratum"]]
        return self.attach("chats", table, formats=("csv", "xlsx"), prefix="daily")

    def chat_table(self) -> TableResult:
        """The chats to read, labelled (start time as HH:MM, strata in words)."""
        table = self.chats.tidy()
        table["stratum"] = [t(f"daily.stratum.{s}", self.lang) for s in table["stratum"]]
        table["start_ts"] = pd.to_datetime(table["start_ts"]).dt.strftime("%H:%M")
        return _DailyTable(table=table, lang=self.lang)

    def design_note(self) -> Block:
        """How the chats were chosen: the allocation and the seed, in words."""
        share = {h: f"{v:.0%}" for h, v in ALLOCATION.items()}
        return self.note("daily.note.design", flagged=share["flagged"], slow=share["slow"],
                         lost=share["lost_intent"], random=share["random"],
                         msgs=HIGH_INTENT_MSGS, seed=self.chats.seed)

    def design_table(self) -> TableResult:
        """The sample's design: population, sampled, inclusion probability, weight."""
        table = self.chats.strata.copy()
        table["stratum"] = [t(f"daily.stratum.{s}", self.lang) for s in table["stratum"]]
        return _DailyTable(table=table, lang=self.lang)

    # -- output ------------------------------------------------------------------------------

    def results(self, **extra: Any) -> dict[str, Any]:
        """The brief's key figures: ``date``, ``agents``, ``qa_sample`` and the foundation keys."""
        first, last = data_span(self.ds)
        out: dict[str, Any] = {
            "report": "daily",
            "date": self.day.isoformat(),
            "month": self.month,
            "lang": self.lang,
            "provisional": bool(self.provisional),
            "metric_book_version": METRIC_BOOK_VERSION,
            "results_schema": RESULTS_SCHEMA,
            "data": {"fingerprint": self.ds.fingerprint, "first_date": str(first),
                     "last_date": str(last), "tables": list(self.ds.tables)},
            "figures": records(pd.DataFrame([self.figures]))[0],
            "sentences": self.sentences,
            **self.agents.to_json(),
            **self.chats.to_json(),
            **self.extra_results,
        }
        out.update(extra)
        return out


def _count(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{int(v):,}"


def _who(row: dict[str, Any]) -> str:
    name = row.get("name")
    return f"{name} ({row['agent_id']})" if isinstance(name, str) and name else str(
        row["agent_id"])


@dataclass(frozen=True)
class _DailyTable(TableResult):
    """A brief's table: metric-book formats, then the brief's own column wording."""

    def display_table(self) -> pd.DataFrame:
        shown = super().display_table()
        from ..i18n import column_label

        shown.columns = [column_label(str(c), self.lang, prefix="daily")
                         for c in self.table.columns]
        for col, label in zip(self.table.columns, shown.columns, strict=True):
            if col in _RATES:
                shown[label] = [format_value("conversion_rate", v, self.lang)
                                for v in self.table[col]]
            elif col == "flagged":
                shown[label] = ["⚑" if v else "" for v in self.table[col]]
            elif col in ("weight", "expected_complaints"):
                shown[label] = ["" if pd.isna(v) else f"{v:.2f}" for v in self.table[col]]
        return shown


_BEHIND_RATES = ("converted_inquiries", "counted_sessions", "sessions")
_RATES = {"conversion_baseline", "fast_baseline", "inclusion_probability"}
