"""The reviews weighted back to the population (see :mod:`csnb.analyses.qa`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...i18n import check_lang
from ...io.dataset import Dataset
from ...metrics import reviewed_sessions
from ..base import Result, TableResult, html_table, records
from .common import agent_teams, as_float, check_day
from .sample import sample_chats

#: Two-sided normal quantile of the 95% intervals.
Z95 = 1.959963984540054

_TAG_SPLIT = re.compile(r"[,;，；、|/]+")


# --------------------------------------------------------------------------------------------
# The reviews, weighted back to the population
# --------------------------------------------------------------------------------------------


def ratio_estimate(y: np.ndarray, w: np.ndarray, strata: np.ndarray, fpc: np.ndarray,
                   domain: np.ndarray | None = None) -> tuple[float, float]:
    """Weighted share of ``y`` (a Hajek ratio of Horvitz-Thompson totals) and its SE.

    The variance is the stratified linearisation (Taylor) variance of a ratio: with
    ``z_i = w_i (y_i - R) d_i / sum(w d)``, ``V = sum_h (1 - f_h) n_h / (n_h - 1)
    sum_i (z_i - mean_h z)^2``. With one stratum, equal weights and no domain this is the
    textbook ``(1 - f) p (1 - p) / (n - 1)`` (Cochran, *Sampling Techniques*, 3.4 and 5A).
    A stratum with a single unit cannot estimate its own variance: such units are pooled
    into one collapsed stratum (conservative).

    Parameters
    ----------
    y : array of 0/1
    w : array of float
        Sampling weights (inverse inclusion probabilities).
    strata : array
        Stratum label of each unit.
    fpc : array of float
        Sampling fraction ``f_h`` of each unit's stratum (1 for a stratum taken whole).
    domain : array of bool, optional
        The units of the domain (an agent, a team); default all.

    Returns
    -------
    (float, float)
        The estimate and its standard error; (nan, nan) without units in the domain.
    """
    y = np.asarray(y, float)
    w = np.asarray(w, float)
    d = np.ones(len(y), bool) if domain is None else np.asarray(domain, bool)
    total = float((w * d).sum())
    if total <= 0:
        return float("nan"), float("nan")
    r = float((w * y * d).sum()) / total
    z = w * (y - r) * d / total
    labels = pd.Series(np.asarray(strata).astype(str))
    sizes = labels.map(labels.value_counts())
    labels = labels.where(sizes > 1, "__collapsed__")
    frame = pd.DataFrame({"h": labels, "z": z, "f": np.asarray(fpc, float)})
    var = 0.0
    for _, g in frame.groupby("h"):
        n = len(g)
        if n < 2:
            var += float((g["z"] ** 2).sum())  # a lone unit: its own square, conservatively
            continue
        f = float(g["f"].mean())
        var += (1 - f) * n / (n - 1) * float(((g["z"] - g["z"].mean()) ** 2).sum())
    return r, math.sqrt(max(var, 0.0))


def _interval(r: float, se: float, n_eff: float) -> tuple[float, float]:
    """95% interval on the logit scale (stays within 0-1); Wilson at 0% or 100%."""
    if math.isnan(r):
        return float("nan"), float("nan")
    if 0 < r < 1 and se > 0:
        lo = math.log(r / (1 - r)) - Z95 * se / (r * (1 - r))
        hi = math.log(r / (1 - r)) + Z95 * se / (r * (1 - r))
        return 1 / (1 + math.exp(-lo)), 1 / (1 + math.exp(-hi))
    n = max(n_eff, 1.0)
    centre = (r + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(r * (1 - r) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


@dataclass(frozen=True)
class QAResult(Result):
    """The reviews' pass rate for the team, each team and each agent, weighted and not.

    Attributes
    ----------
    team : pandas.DataFrame
        One row per group (``(total)`` first, then each team): group, reviews, passed,
        unweighted_rate, pass_rate (weighted), ci_low, ci_high.
    by_agent : pandas.DataFrame
        agent_id, name, team, reviews, passed, unweighted_rate, pass_rate, ci_low, ci_high.
    tags : pandas.DataFrame
        tag, reviews (reviews naming it), failed (failed reviews naming it), share_of_failed.
    reviews : pandas.DataFrame
        Every review in the period with its design: session_id, day, agent_id, stratum,
        weight, passed, in_sample.
    outside : int
        Reviews of sessions that no daily sample drew (left out of the weighted figures).
    lang : {"en", "zh"}
    """

    columns: ClassVar[tuple[str, ...]] = (
        "group", "reviews", "passed", "unweighted_rate", "pass_rate", "ci_low", "ci_high")

    team: pd.DataFrame = field(repr=False)
    by_agent: pd.DataFrame = field(repr=False)
    tags: pd.DataFrame = field(repr=False)
    reviews: pd.DataFrame = field(repr=False)
    outside: int = 0
    lang: str = "en"

    def tidy(self) -> pd.DataFrame:
        """The team and teams table (see :attr:`columns`)."""
        return self.team[list(self.columns)].copy()

    @property
    def pass_rate(self) -> dict[str, float]:
        """The whole team's weighted pass rate: estimate, ci_low, ci_high."""
        row = self.team.iloc[0] if len(self.team) else None
        if row is None:
            return {"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
        return {"estimate": float(row["pass_rate"]), "ci_low": float(row["ci_low"]),
                "ci_high": float(row["ci_high"])}

    def to_json(self) -> dict[str, Any]:
        """The key figures: ``pass_rate`` {estimate, ci_low, ci_high} and the tables.

        Also ``unweighted_rate``, ``by_team``, ``by_agent``, ``tags``, ``reviews`` and
        ``outside_sample``.
        """
        pr = {k: as_float(v) for k, v in self.pass_rate.items()}
        unweighted = as_float(self.team["unweighted_rate"].iloc[0]) if len(self.team) else None
        return {"pass_rate": pr, "unweighted_rate": unweighted,
                "by_team": records(self.team), "by_agent": records(self.by_agent),
                "tags": records(self.tags), "reviews": int(len(self.reviews)),
                "outside_sample": int(self.outside)}

    def display_table(self) -> pd.DataFrame:
        """The team table with labels."""
        return TableResult(table=self.tidy(), lang=self.lang).display_table()

    def _repr_html_(self) -> str:
        return html_table(self.display_table(), total=0 if len(self.team) else None)


def qa_pass_rates(ds: Dataset, first: str | date, last: str | date, *,
                  lang: str = "en") -> QAResult:
    """Return the reviews' pass rate of sessions started from ``first`` to ``last``.

    Each reviewed session's day is re-sampled with :func:`sample_chats` (reproducible: the
    same data give the same sample), which gives the session's stratum and the stratum's
    population that day. The reviews in a day's stratum stand for all its sessions: weight
    = population / reviews of the stratum (reviews that were sampled but not done are then
    missing at random within the stratum). The team's rate is the weighted share
    (:func:`ratio_estimate`), so reading the bad chats on purpose does not make the team
    look worse; each team and agent is a domain of the same estimate. Reviews of sessions
    no sample drew are counted in ``outside`` and left out.

    Parameters
    ----------
    ds : Dataset
        Needs sessions and qa_reviews (an empty result without qa_reviews).
    first, last : str or datetime.date
        First and last day (inclusive) of the sessions.
    lang : {"en", "zh"}

    Returns
    -------
    QAResult
    """
    first, last = check_day(first), check_day(last)
    check_lang(lang)
    team_cols = list(QAResult.columns)
    agent_cols = ["agent_id", "name", "team", "reviews", "passed", "unweighted_rate",
                  "pass_rate", "ci_low", "ci_high"]
    tag_cols = ["tag", "reviews", "failed", "share_of_failed"]
    review_cols = ["session_id", "day", "agent_id", "team", "stratum", "weight", "fpc",
                   "passed", "issue_tags", "in_sample"]
    empty = QAResult(team=pd.DataFrame(columns=team_cols),
                     by_agent=pd.DataFrame(columns=agent_cols),
                     tags=pd.DataFrame(columns=tag_cols),
                     reviews=pd.DataFrame(columns=review_cols), lang=lang)
    if not (ds.has("qa_reviews") and ds.has("sessions")):
        return empty
    reviews = reviewed_sessions(ds, first, last)
    if reviews.empty:
        return empty
    reviews["day"] = pd.to_datetime(reviews["day"]).dt.date
    designs = []
    for day in sorted(reviews["day"].unique()):
        sample = sample_chats(ds, day, lang=lang)
        population = dict(zip(sample.strata["stratum"], sample.strata["population"],
                              strict=True))
        rows = sample.table[["session_id", "stratum"]].assign(day=day)
        rows["population"] = rows["stratum"].map(population)
        designs.append(rows)
    design = pd.concat(designs, ignore_index=True)
    reviews = reviews.merge(design, on=["session_id", "day"], how="left")
    reviews["in_sample"] = reviews["stratum"].notna()
    inside = reviews[reviews["in_sample"]].copy()
    counts = inside.groupby(["day", "stratum"])["session_id"].transform("count")
    inside["weight"] = inside["population"] / counts
    inside["fpc"] = counts / inside["population"]
    teams = agent_teams(ds)
    inside = inside.merge(teams, on="agent_id", how="left")
    inside["team"] = inside["team"].fillna("(unknown)")
    inside["passed"] = inside["passed"].astype(bool)
    strata = (inside["day"].astype(str) + "/" + inside["stratum"]).to_numpy()
    y, w, f = (inside["passed"].to_numpy(float), inside["weight"].to_numpy(float),
               inside["fpc"].to_numpy(float))

    def row(mask: np.ndarray) -> dict[str, Any]:
        r, se = ratio_estimate(y, w, strata, f, mask)
        ww = w[mask]
        n_eff = float(ww.sum() ** 2 / (ww**2).sum()) if len(ww) else 0.0
        low, high = _interval(r, se, n_eff)
        n = int(mask.sum())
        passed = int(y[mask].sum())
        return {"reviews": n, "passed": passed,
                "unweighted_rate": passed / n if n else float("nan"),
                "pass_rate": r, "ci_low": low, "ci_high": high}

    every = np.ones(len(inside), bool)
    team_rows = [{"group": "(total)", **row(every)}]
    for name in sorted(inside["team"].unique()):
        team_rows.append({"group": name, **row((inside["team"] == name).to_numpy())})
    agent_rows = []
    for agent, g in inside.groupby("agent_id", sort=True):
        agent_rows.append({"agent_id": agent, "name": g["name"].iloc[0] or "",
                           "team": g["team"].iloc[0],
                           **row((inside["agent_id"] == agent).to_numpy())})
    by_agent = pd.DataFrame(agent_rows, columns=agent_cols).sort_values(
        ["pass_rate", "agent_id"]).reset_index(drop=True)

    tag_rows: dict[str, list[int]] = {}
    for tags, passed in zip(reviews["issue_tags"], reviews["passed"], strict=True):
        if not isinstance(tags, str):
            continue
        for tag in {x.strip() for x in _TAG_SPLIT.split(tags) if x.strip()}:
            entry = tag_rows.setdefault(tag, [0, 0])
            entry[0] += 1
            entry[1] += 0 if bool(passed) else 1
    n_failed = int((~reviews["passed"].astype(bool)).sum())
    tags = pd.DataFrame([{"tag": k, "reviews": v[0], "failed": v[1],
                          "share_of_failed": v[1] / n_failed if n_failed else float("nan")}
                         for k, v in tag_rows.items()], columns=tag_cols)
    tags = tags.sort_values(["reviews", "tag"], ascending=[False, True]).reset_index(drop=True)
    inside = inside.assign(in_sample=True)
    return QAResult(team=pd.DataFrame(team_rows, columns=team_cols), by_agent=by_agent,
                    tags=tags, reviews=inside[review_cols].reset_index(drop=True),
                    outside=int((~reviews["in_sample"]).sum()), lang=lang)

