"""The incentives report (末位淘汰考核, issue 10): what a notebook calls beside MonthReport.

:class:`IncentivesReport` wraps a :class:`~csnb.report.MonthReport` and returns the report's
sections: the adoption timeline, this month's ranking in policy teams, the staggered DiD
(Callaway & Sant'Anna) with the naive TWFE beside it and event-study plots, the pre-trend
test, the rank-cutoff comparison (regression to the mean) and the composition vs within-agent
decomposition. Its :attr:`~IncentivesReport.sentences` say what the evidence says, generated
from those numbers; :meth:`~IncentivesReport.results` adds the key figures to the JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..analyses.base import TableResult, json_value, records
from ..analyses.did import POLICY_OUTCOMES, PolicyEffectsResult, fit_policy_effects
from ..analyses.did.cs import Control
from ..analyses.incentives import (
    CutoffResult,
    DecompositionResult,
    PolicyRankingResult,
    adoption_table,
    cutoff_rebound,
    decompose_team_change,
    policy_ranking,
)
from ..errors import ParameterError
from ..i18n import TEXT, column_label, format_value, t, value_label
from ..metrics import data_months
from .display import Block, escape
from .month_report import MonthReport
from .needs import needs_data

__all__ = ["IncentivesReport", "IncentivesTable"]

#: The DiD's allowed comparison teams (``control`` of :class:`IncentivesReport`).
CONTROLS = ("never", "notyet")

#: Outcomes whose effects are shown in percentage points (the others in their own unit).
RATE_OUTCOMES = ("conversion_rate", "fast_response_rate", "turnover_rate_voluntary",
                 "turnover_rate_involuntary")


@dataclass(frozen=True)
class IncentivesTable(TableResult):
    """A table of the incentives report: numbers in ``table``, its display in ``shown``.

    ``tidy()`` is the numeric table; the report shows ``shown`` (already formatted), with
    columns labelled by ``incentives.col.*`` texts (metric-book columns by their labels).
    """

    shown: pd.DataFrame | None = field(default=None, repr=False)

    def display_table(self) -> pd.DataFrame:
        """The formatted table with labelled columns."""
        base = self.shown if self.shown is not None else super().display_table()
        return base.rename(columns=lambda c: _col(str(c), self.lang))


def _col(name: str, lang: str) -> str:
    return column_label(name, lang, prefix="incentives")


def _finite(x: Any) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


@needs_data
class IncentivesReport:
    """The sections of the incentives report for one :class:`MonthReport`.

    Parameters
    ----------
    report : MonthReport
        The opened report (its dataset, month and language).
    control : {"never", "notyet"}, default "never"
        The DiD's comparison teams: teams that never adopt the policy, or also teams that
        have not adopted it yet (:func:`~csnb.analyses.did.fit_cs_did`).

    Raises
    ------
    ParameterError
        ``control`` is not one of the allowed values.
    """

    def __init__(self, report: MonthReport, *, control: str = "never") -> None:
        if control not in CONTROLS:
            raise ParameterError(f"control must be one of {', '.join(map(repr, CONTROLS))}; "
                                 f"got {control!r}")
        self.report = report
        self.ds = report.ds
        self.month = report.month
        self.lang = report.lang
        self.control: Control = "never" if control == "never" else "notyet"

    # -- computed ----------------------------------------------------------------------------

    @cached_property
    def has_policies(self) -> bool:
        """Whether the dataset has any policies row."""
        return bool(self.ds.has("policies") and len(self.ds.frame("policies")))

    @cached_property
    def adoption(self) -> pd.DataFrame:
        """:func:`csnb.analyses.incentives.adoption_table` for the report month."""
        return adoption_table(self.ds, self.month)

    @cached_property
    def ranking_result(self) -> PolicyRankingResult:
        """:func:`csnb.analyses.incentives.policy_ranking` for the report month."""
        return policy_ranking(self.ds, self.month)

    @cached_property
    def _effects(self) -> tuple[PolicyEffectsResult | None, str | None]:
        if not self.has_policies:
            return None, t("incentives.did.no_treated", self.lang)
        try:
            return fit_policy_effects(self.ds, POLICY_OUTCOMES, month=self.month,
                                      control=self.control), None
        except ParameterError as exc:
            msg = str(exc)
            if "no team adopts" in msg:
                return None, t("incentives.did.no_treated", self.lang)
            if "every team adopts" in msg:
                return None, t("incentives.did.no_control", self.lang)
            return None, t("incentives.did.other", self.lang, detail=msg)

    @property
    def effects(self) -> PolicyEffectsResult | None:
        """The DiD of every outcome (None when it cannot be estimated; see :attr:`why_not`)."""
        return self._effects[0]

    @property
    def why_not(self) -> str | None:
        """Why the DiD could not be estimated, in the report language (None when it was)."""
        return self._effects[1]

    @cached_property
    def cutoff_result(self) -> CutoffResult:
        """:func:`csnb.analyses.incentives.cutoff_rebound` up to the report month."""
        return cutoff_rebound(self.ds, self.month)

    @cached_property
    def decomposition_result(self) -> DecompositionResult:
        """:func:`csnb.analyses.incentives.decompose_team_change` for the report month."""
        return decompose_team_change(self.ds, self.month)

    # -- formatting --------------------------------------------------------------------------

    def _effect(self, outcome: str, value: Any, *, signed: bool = True) -> str:
        if not _finite(value):
            return t("missing.value", self.lang)
        v = float(value)
        if outcome in RATE_OUTCOMES:
            pp = 100 * v if round(100 * v, 1) != 0 else 0.0  # no "-0.0"
            return f"{pp:{'+' if signed else ''}.1f}{t('incentives.unit.pp', self.lang)}"
        v = v if round(v, 2) != 0 else 0.0
        return f"{v:{'+' if signed else ''}.2f}"

    def _points(self, value: Any) -> str:
        if not _finite(value):
            return t("missing.value", self.lang)
        v = float(value)
        return f"{v if round(v, 2) != 0 else 0.0:+.2f}"  # no "-0.00"

    def _share(self, value: Any) -> str:
        return f"{100 * float(value):.0f}%" if _finite(value) else t("missing.value", self.lang)

    def _outcome(self, outcome: str) -> str:
        return t(f"incentives.outcome.{outcome}", self.lang)

    def _names(self, rows: pd.DataFrame) -> str:
        sep = t("sentence.list_sep", self.lang)
        return sep.join(f"{r.name if isinstance(r.name, str) and r.name else r.agent_id}"
                        f" ({r.team})" for r in rows.itertuples())

    def _level(self) -> str:
        return f"{100 * self.ranking_result.level:.0f}%"

    def _note(self, key: str, **values: Any) -> Block:
        return self.report.note(key, **values)

    def _warning_text(self, code: str, values: dict[str, Any]) -> str:
        key = f"incentives.{code}"
        return t(key, self.lang, **values) if key in TEXT else code

    # -- sentences ---------------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[str]:
        """What the evidence says, generated from the numbers of the sections."""
        lang = self.lang
        end = t("sentence.end", lang)
        sep = t("sentence.list_sep", lang)
        out: list[str] = []
        if not self.has_policies:
            return [t("incentives.none", lang)]
        # this month's bottom list
        rank = self.ranking_result
        bottom = rank.bottom
        if rank.table.empty:
            out.append(t("incentives.no_policy_team_now", lang))
        elif len(bottom):
            out.append(t("incentives.sentence.bottom", lang, n=len(bottom),
                         teams=rank.table["team"].nunique(), names=self._names(bottom)))
            again = bottom[bottom["bottom_last_month"].astype(bool)]
            if len(again):
                out.append(t("incentives.sentence.bottom_again", lang, k=len(again),
                             names=self._names(again)))
            noise = bottom[bottom["within_noise"].astype(bool)]
            if len(noise):
                out.append(t("incentives.sentence.bottom_noise", lang, k=len(noise),
                             level=self._level(), names=self._names(noise)))
        # the DiD
        eff = self.effects
        if eff is None:
            out.append(t("incentives.did.unavailable", lang, reason=self.why_not))
        else:
            out.append(t("incentives.sentence.teams", lang, n_treated=eff.n_treated_teams,
                         n_control=eff.n_control_teams))
            inf = self._inference()
            if inf["method"] == "cluster_t":
                out.append(t("incentives.sentence.inference_t", lang, teams=inf["clusters"],
                             df=inf["df"]))
            few = "did.few_clusters" in eff.warnings
            if few:
                out.append(t("incentives.sentence.few_clusters", lang))
            for outcome, cs in eff.cs.items():
                out.append(self._effect_sentence(outcome, cs, eff))
            ok: list[str] = []
            bad: list[str] = []
            none: list[str] = []
            for outcome, cs in eff.cs.items():
                p = cs.pretrend.p_value if cs.pretrend is not None else math.nan
                label = self._outcome(outcome)
                (none if not np.isfinite(p) else bad if p < 0.05 else ok).append(label)
            if ok:
                weak = t("incentives.sentence.pretrend_weak", lang) if few else ""
                out.append(t("incentives.sentence.pretrend_ok", lang, outcomes=sep.join(ok),
                             weak=weak))
            if bad:
                out.append(t("incentives.sentence.pretrend_bad", lang, outcomes=sep.join(bad)))
            if none:
                out.append(t("incentives.sentence.pretrend_none", lang,
                             outcomes=sep.join(none)))
        # the cutoff: regression to the mean
        out.extend(self._cutoff_sentences())
        # composition against within-agent change
        for r in self.decomposition_result.tidy().itertuples():
            out.append(t("incentives.sentence.decomposition", lang, team=r.team,
                         total=self._effect("conversion_rate", r.total),
                         before=r.months_before, after=r.months_after,
                         within=self._effect("conversion_rate", r.within_agent),
                         composition=self._effect("conversion_rate", r.composition),
                         leavers=r.leavers, joiners=r.joiners,
                         control=self._effect("conversion_rate", r.control_change)))
        return [s if s.endswith((".", "。")) else s + end for s in out]

    def _effect_sentence(self, outcome: str, cs, eff: PolicyEffectsResult) -> str:
        lang = self.lang
        o = cs.overall("simple")
        boot = eff.cs_bootstrap.get(outcome)
        boot_text = ""
        if boot is not None:
            b = boot.overall("simple")
            boot_text = t("incentives.sentence.boot", lang, low=self._effect(outcome, b["ci_low"]),
                          high=self._effect(outcome, b["ci_high"]))
        low, high = o["ci_low"], o["ci_high"]
        verdict = ""
        if _finite(low) and _finite(high):
            beyond = float(low) > 0 or float(high) < 0
            verdict = t("incentives.sentence.beyond" if beyond else "incentives.sentence.within",
                        lang)
        tw = eff.twfe[outcome].overall("simple") if outcome in eff.twfe else {}
        disagree = ""
        if _finite(tw.get("estimate")) and _finite(low) and _finite(high):
            if not float(low) <= float(tw["estimate"] or 0.0) <= float(high):
                disagree = t("incentives.sentence.disagree", lang)
        return t("incentives.sentence.effect", lang, outcome=self._outcome(outcome),
                 effect=self._effect(outcome, o["estimate"]),
                 low=self._effect(outcome, low), high=self._effect(outcome, high),
                 boot=boot_text, verdict=verdict,
                 twfe=self._effect(outcome, tw.get("estimate")), disagree=disagree)

    def _cutoff_sentences(self) -> list[str]:
        lang = self.lang
        c = self.cutoff_result
        cells = c.tidy().set_index(["arm", "side"])
        if not c.estimable:
            return []
        out = [t("incentives.sentence.rebound", lang, rebound=self._points(c.rebound),
                 above=self._points(cells.loc[("policy", "above"), "mean_change"]),
                 c_below=self._points(cells.loc[("control", "below"), "mean_change"]),
                 c_above=self._points(cells.loc[("control", "above"), "mean_change"]))]
        if _finite(c.persistence) and _finite(c.expected_rebound):
            out.append(t("incentives.sentence.rtm_why", lang,
                         persistence=self._share(c.persistence),
                         score=self._points(cells.loc[("policy", "below"), "mean_score"]),
                         expected=self._points(c.expected_rebound)))
        beyond = c.ci_low > 0 or c.ci_high < 0
        out.append(t("incentives.sentence.cutoff", lang, est=self._points(c.estimate),
                     low=self._points(c.ci_low), high=self._points(c.ci_high),
                     verdict=t("incentives.sentence.beyond" if beyond else
                               "incentives.sentence.within", lang)))
        if _finite(c.rtm_share):
            out.append(t("incentives.sentence.rtm_share", lang, share=self._share(c.rtm_share)))
        left = cells.loc[("policy", "below"), "left_share"]
        if _finite(left) and left > 0:
            out.append(t("incentives.sentence.left", lang, share=self._share(left),
                         share_above=self._share(cells.loc[("policy", "above"), "left_share"])))
        return out

    def summary(self) -> Block:
        """The opening: the headline's sentences, this report's, how changes are judged."""
        return self.report.summary(self.sentences)

    def section(self, name: str) -> Block:
        """A heading of this report (``incentives.section.<name>``)."""
        return self.report.section(f"incentives.section.{name}")

    def note(self, name: str) -> Block:
        """The explanatory note of a section (``incentives.note.<name>``)."""
        values: dict[str, Any] = {}
        if name == "ranking":
            values["level"] = self._level()
        if name == "decomposition":
            values["window"] = self.decomposition_result.window
        return self._note(f"incentives.note.{name}", **values)

    def adoption_table(self) -> IncentivesTable | Block:
        """The adoption timeline per team (a note when no team has the policy)."""
        if not self.has_policies:
            return self._note("incentives.none")
        tab = self.adoption
        lang = self.lang
        shown = pd.DataFrame({
            "team": tab["team"],
            "start_month": tab["start_month"].fillna(""),
            "end_month": tab["end_month"].fillna(""),
            "bottom_share": [format_value("bottom_share", v, lang) if _finite(v) else ""
                             for v in tab["bottom_share"]],
            "action": [value_label(v, lang) for v in tab["action"]],
            "active": [t("yes" if v else "no", lang) for v in tab["active"]],
            "months_under_policy": tab["months_under_policy"].astype(int),
            "role": [t(f"incentives.role.{r}", lang) for r in tab["role"]],
        })
        return IncentivesTable(table=tab, lang=lang, shown=shown)

    def plot_adoption(self, ax=None):
        """Each team's policy period over the data's months (the Figure; None without policies).

        With ``ax``, drawn on it and the Axes returned.
        """
        from ..plots.did import plot_adoption_timeline

        if not self.has_policies:
            return None
        drawn = plot_adoption_timeline(
            self.adoption, data_months(self.ds), ax=ax, month=self.month,
            title=t("incentives.plot.timeline", self.lang),
            never_label=t("incentives.plot.never", self.lang))
        return drawn if ax is not None else drawn.figure

    def ranking(self) -> IncentivesTable | Block:
        """This month's ranking in policy teams: names, components, bottom, noise."""
        if not self.has_policies:
            return self._note("incentives.none")
        res = self.ranking_result
        tab = res.tidy()
        if tab.empty:
            return self._note("incentives.no_policy_team_now")
        lang = self.lang
        yes_no = [t("yes", lang), t("no", lang)]

        def flag(v: Any) -> str:
            return yes_no[0] if bool(v) else yes_no[1]

        def interval(r) -> str:
            if not _finite(r.shrunk_rate):
                return t("missing.value", lang)
            return (f"{100 * r.shrunk_rate:.1f}% "
                    f"[{100 * r.conv_ci_low:.1f}–{100 * r.conv_ci_high:.1f}%]")

        shown = pd.DataFrame({
            "team": tab["team"], "rank": tab["rank"].astype(int),
            "agent_id": tab["agent_id"], "name": tab["name"].fillna(""),
            "score": [f"{v:+.2f}" if _finite(v) else "" for v in tab["score"]],
            **{z: [f"{v:+.2f}" if _finite(v) else "" for v in tab[z]]
               for z in ("z_conversion_rate", "z_fast_response_rate", "z_credited_sales",
                         "z_agent_complaint_rate")},
            "bottom": [flag(v) for v in tab["bottom"]],
            "bottom_last_month": [flag(v) for v in tab["bottom_last_month"]],
            "conversion_rate": [format_value("conversion_rate", v, lang)
                                for v in tab["conversion_rate"]],
            "conv_interval": [interval(r) for r in tab.itertuples()],
            "team_conversion": [format_value("conversion_rate", v, lang)
                                for v in tab["team_conversion"]],
            "within_noise": [flag(v) if _finite(r.shrunk_rate) else ""
                             for v, r in zip(tab["within_noise"], tab.itertuples(), strict=True)],
        })
        shown = shown.rename(columns={"conv_interval": t("incentives.col.conv_interval", lang,
                                                          level=self._level())})
        return IncentivesTable(table=tab, lang=lang, shown=shown)

    def _inference(self) -> dict[str, Any]:
        """The CS estimates' inference (:attr:`DidResult.inference` of the first outcome)."""
        eff = self.effects
        if eff is None or not eff.cs:
            return {"method": None, "df": None, "clusters": 0}
        return next(iter(eff.cs.values())).inference

    def did_notes(self) -> Block:
        """The method note (which inference, and why) and the estimator's warnings."""
        eff = self.effects
        key = "incentives.note.did" if self.control == "never" else "incentives.note.did_notyet"
        inf = self._inference()
        inference = (t("incentives.note.inference_t", self.lang, teams=inf["clusters"],
                       df=inf["df"]) if inf["method"] == "cluster_t" else
                     t("incentives.note.inference_normal", self.lang, teams=inf["clusters"]))
        method = self._note(key, inference=inference)
        paras = [method.html]
        texts = [method.text]
        if eff is None:
            msg = t("incentives.did.unavailable", self.lang, reason=self.why_not)
            paras.append(f"<p><strong>{escape(msg)}</strong></p>")
            texts.append(msg)
        else:
            values: dict[str, Any] = dict(eff.warning_values)
            for cs in eff.cs.values():
                values.update(cs.warning_values)
            codes = list(dict.fromkeys([*eff.warnings, *eff.notes]))
            for code in codes:
                msg = self._warning_text(code, values)
                paras.append(f'<p class="csnb-warning">⚠ {escape(msg)}</p>')
                texts.append(msg)
            if eff.skipped:
                msg = t("incentives.did.skipped", self.lang, outcomes=t(
                    "sentence.list_sep", self.lang).join(self._outcome(o) for o in eff.skipped))
                paras.append(f"<p>{escape(msg)}</p>")
                texts.append(msg)
        return Block("".join(paras), "\n".join(texts))

    def did_table(self) -> IncentivesTable | Block:
        """Per outcome: CS effect with analytic (and bootstrap) CI, naive TWFE, teams."""
        eff = self.effects
        if eff is None:
            return Block("", "")
        rows, shown = [], []
        for outcome, cs in eff.cs.items():
            o = cs.overall("simple")
            b = (eff.cs_bootstrap[outcome].overall("simple") if outcome in eff.cs_bootstrap
                 else dict.fromkeys(o))
            tw = eff.twfe[outcome].overall("simple") if outcome in eff.twfe else dict.fromkeys(o)
            rows.append({"outcome": outcome, **{f"cs_{k}": v for k, v in o.items()},
                         **{f"boot_{k}": v for k, v in b.items()},
                         **{f"twfe_{k}": v for k, v in tw.items()},
                         "n_treated": cs.n_treated_clusters, "n_control": cs.n_control_clusters})

            def ci(d: dict, outcome: str = outcome) -> str:
                if not (_finite(d.get("ci_low")) and _finite(d.get("ci_high"))):
                    return ""
                return (f"{self._effect(outcome, d['ci_low'])} – "
                        f"{self._effect(outcome, d['ci_high'])}")

            line = {"outcome": self._outcome(outcome), "cs": self._effect(outcome, o["estimate"]),
                    "cs_ci": ci(o)}
            if eff.cs_bootstrap:
                line["boot_ci"] = ci(b)
            line.update({"twfe": self._effect(outcome, tw.get("estimate")), "twfe_ci": ci(tw),
                         "teams": f"{cs.n_treated_clusters} / {cs.n_control_clusters}"})
            shown.append(line)
        return IncentivesTable(table=pd.DataFrame(rows), lang=self.lang,
                               shown=pd.DataFrame(shown))

    def by_group_table(self) -> IncentivesTable | Block:
        """Per outcome and adoption group (the teams adopting in one month): CS effect, CI."""
        eff = self.effects
        if eff is None:
            return Block("", "")
        adoption = eff.adoption[eff.adoption["role"] == "treated"]
        teams = adoption.groupby("first_month")["team"].agg(lambda x: t(
            "sentence.list_sep", self.lang).join(sorted(x)))
        rows, shown = [], []
        did = eff.to_json()["did"]
        for outcome in eff.cs:
            for row in did[outcome]["by_group"]:
                group = row["group"]
                rows.append({"outcome": outcome, "group": group,
                             "teams": teams.get(group, ""),
                             **{k: row[k] for k in ("estimate", "se", "ci_low", "ci_high")}})
                ci = (f"{self._effect(outcome, row['ci_low'])} – "
                      f"{self._effect(outcome, row['ci_high'])}"
                      if _finite(row["ci_low"]) and _finite(row["ci_high"]) else "")
                shown.append({"outcome": self._outcome(outcome), "group": group,
                              "group_teams": teams.get(group, ""),
                              "cs": self._effect(outcome, row["estimate"]), "cs_ci": ci})
        return IncentivesTable(table=pd.DataFrame(rows), lang=self.lang,
                               shown=pd.DataFrame(shown))

    def plot_event_studies(self, ncols: int = 2):
        """Event-study plots (CS and TWFE) of every outcome, as small multiples."""
        import matplotlib.pyplot as plt

        from ..plots.did import plot_event_study
        from ..plots.theme import theme

        eff = self.effects
        if eff is None:
            return None
        outcomes = list(eff.cs)
        nrows = math.ceil(len(outcomes) / ncols)
        labels = {"cs": t("incentives.estimator.cs", self.lang),
                  "twfe": t("incentives.estimator.twfe", self.lang)}
        with theme():
            fig, axes = plt.subplots(nrows, ncols, figsize=(5.5 * ncols, 3.4 * nrows),
                                     squeeze=False)
            for ax, outcome in zip(axes.flat, outcomes, strict=False):
                table = eff.event_study_table(outcome).copy()
                scale = 100.0 if outcome in RATE_OUTCOMES else 1.0
                for col in ("estimate", "ci_low", "ci_high"):
                    table[col] = table[col] * scale
                unit = t("incentives.unit.pp", self.lang).strip() if scale == 100 else ""
                plot_event_study(table, ax=ax, labels=labels,
                                 xlabel=t("incentives.plot.event_x", self.lang),
                                 ylabel=f"{t('incentives.plot.effect', self.lang)}"
                                        f"{' (' + unit + ')' if unit else ''}",
                                 title=self._outcome(outcome))
            for ax in list(axes.flat)[len(outcomes):]:
                ax.set_visible(False)
            fig.tight_layout()
        return fig

    def pretrend_table(self) -> IncentivesTable | Block:
        """Per outcome: the joint Wald test of the pre-adoption ATT(g, t) and its verdict."""
        eff = self.effects
        if eff is None:
            return Block("", "")
        rows, shown = [], []
        for outcome, cs in eff.cs.items():
            w = cs.pretrend
            p = w.p_value if w is not None else math.nan
            verdict = ("none" if not np.isfinite(p) else "rejected" if p < 0.05 else "ok")
            rows.append({"outcome": outcome, "statistic": w.statistic if w else math.nan,
                         "df": w.df if w else 0, "df_denom": w.df_denom if w else None,
                         "p_value": p,
                         "n_estimates": w.n_estimates if w else 0, "verdict": verdict})
            shown.append({"outcome": self._outcome(outcome),
                          "statistic": f"{w.statistic:.2f}" if w and np.isfinite(w.statistic)
                          else "",
                          # F test with few clusters: numerator, denominator df
                          "df": (f"{w.df}, {w.df_denom}" if w and w.df_denom else
                                 w.df if w else 0),
                          "p_value": f"{p:.3f}" if np.isfinite(p) else "",
                          "n_estimates": w.n_estimates if w else 0,
                          "verdict": t(f"incentives.pretrend.{verdict}", self.lang)})
        return IncentivesTable(table=pd.DataFrame(rows), lang=self.lang,
                               shown=pd.DataFrame(shown))

    def cutoff(self) -> IncentivesTable | Block:
        """Score change next month just below vs just above the cutoff, by arm."""
        c = self.cutoff_result
        if not c.estimable:
            return self._note("incentives.no_cutoff")
        tab = c.tidy()
        lang = self.lang
        shown = pd.DataFrame({
            "arm": [t(f"incentives.arm.{a}", lang) for a in tab["arm"]],
            "side": [t(f"incentives.side.{s}", lang) for s in tab["side"]],
            "agent_months": tab["agent_months"].astype(int),
            "with_next_month": tab["with_next_month"].astype(int),
            "left_share": [self._share(v) for v in tab["left_share"]],
            "mean_score": [self._points(v) for v in tab["mean_score"]],
            "mean_change": [self._points(v) for v in tab["mean_change"]],
            "change_ci": [f"{self._points(lo)} – {self._points(hi)}"
                          for lo, hi in zip(tab["ci_low"], tab["ci_high"], strict=True)],
        })
        return IncentivesTable(table=tab, lang=lang, shown=shown)

    def plot_cutoff(self, ax=None):
        """Bars of :meth:`cutoff`: the Figure (the Axes with ``ax``; None when not estimable)."""
        from ..plots.did import plot_cutoff

        c = self.cutoff_result
        if not c.estimable:
            return None
        labels = {k: t(f"incentives.{k}", self.lang) for k in
                  ("arm.policy", "arm.control", "side.below", "side.above")}
        labels = {k.split(".", 1)[1]: v for k, v in labels.items()}
        drawn = plot_cutoff(c.tidy(), ax=ax, labels=labels,
                            ylabel=t("incentives.plot.score_change", self.lang))
        return drawn if ax is not None else drawn.figure

    def decomposition(self) -> IncentivesTable | Block:
        """Each treated team's conversion change: same agents vs who left and joined."""
        tab = self.decomposition_result.tidy()
        if tab.empty:
            return self._note("incentives.no_decomposition")
        lang = self.lang

        def rate(v: Any) -> str:
            return format_value("conversion_rate", v, lang)

        shown = pd.DataFrame({
            "team": tab["team"], "start_month": tab["start_month"],
            "before": [rate(v) for v in tab["before"]],
            "after": [rate(v) for v in tab["after"]],
            "total": [self._effect("conversion_rate", v) for v in tab["total"]],
            "within_agent": [self._effect("conversion_rate", v) for v in tab["within_agent"]],
            "composition": [self._effect("conversion_rate", v) for v in tab["composition"]],
            "control_change": [self._effect("conversion_rate", v)
                               for v in tab["control_change"]],
            "stayers": tab["stayers"].astype(int), "leavers": tab["leavers"].astype(int),
            "joiners": tab["joiners"].astype(int),
        })
        return IncentivesTable(table=tab, lang=lang, shown=shown)

    # -- output ------------------------------------------------------------------------------

    def results(self) -> dict[str, Any]:
        """Keys added to the report's JSON (all JSON-able, no NaN).

        Returns
        -------
        dict
            ``sentences`` (the report's and these), ``adoption``, ``bottom`` and ``ranking``
            (:meth:`PolicyRankingResult.to_json`), ``did`` (per outcome: att_simple,
            event_study, by_group, twfe, pretrend_p, att_simple_bootstrap, team counts),
            ``twfe`` (per outcome), ``pretrend`` (per outcome: statistic, df, p_value,
            n_estimates, rejected), ``did_teams`` (n_treated_teams, n_control_teams,
            warnings, skipped, or the reason it was not estimated), ``cutoff``
            (:meth:`CutoffResult.to_json`, the regression-to-the-mean comparison) and
            ``decomposition``.
        """
        out: dict[str, Any] = {"sentences": [*self.report.sentences, *self.sentences],
                               "adoption": records(self.adoption)}
        out.update(self.ranking_result.to_json())
        eff = self.effects
        if eff is None:
            out.update({"did": {}, "twfe": {}, "pretrend": {},
                        "did_teams": {"unavailable": self.why_not}})
        else:
            js = eff.to_json()
            out["did"] = js["did"]
            out["twfe"] = {o: tw.overall("simple") for o, tw in eff.twfe.items()}
            out["pretrend"] = {o: cs.pretrend.to_json() if cs.pretrend else None
                               for o, cs in eff.cs.items()}
            out["did_teams"] = {k: js[k] for k in ("n_treated_teams", "n_control_teams",
                                                   "n_clusters", "warnings", "skipped")}
        out["cutoff"] = self.cutoff_result.to_json()
        out["decomposition"] = self.decomposition_result.to_json()
        return _clean(out)


def _clean(value: Any) -> Any:
    """Recursively make a value JSON-able: NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return json_value(value)
