"""Sentences generated from the numbers, in both languages, for every report.

A manager reads the first lines of a report, not its tables. This module turns a
:class:`~csnb.analyses.HeadlineResult` (and, in analysis reports, their own results) into
sentences such as "Inquiries rose 42.5% to 18,204, beyond chance; this month holds 双11."
Every template lives in :data:`csnb.i18n.TEXT` under ``sentence.*``; nothing here writes a
figure that a csnb function did not compute. A change is called beyond chance only when
:mod:`csnb.analyses.compare` says so.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..analyses import HeadlineResult
from ..analyses.compare import Change
from ..i18n import METRICS, format_value, metric_label, t
from ..months import check_month, month_bounds
from ..settings import Settings

__all__ = ["SENTENCE_METRICS", "headline_sentences", "promotions_in"]

#: Figures each report's opening sentences speak about, in order.
SENTENCE_METRICS: dict[str, tuple[str, ...]] = {
    "overview": ("inquiries", "conversion_rate", "credited_sales", "fast_response_rate",
                 "complaints_per_1k_orders", "exits"),
    "turnover": ("exits", "exits_voluntary", "hires", "turnover_rate", "closing_headcount"),
    "conversion": ("inquiries", "conversion_rate", "credited_sales", "order_value",
                   "fast_response_rate", "avg_first_response_s"),
    "complaints": ("complaints", "complaints_per_1k_orders", "paid_orders"),
    "incentives": ("teams_with_policy", "bottom_agents", "exits_bottom_ranked_out",
                   "conversion_rate", "complaints_per_1k_orders"),
    "operations": ("inquiries", "counted_sessions", "fast_response_rate",
                   "avg_first_response_s", "closing_headcount"),
}

#: Figures that change until a month's conversion is final (the data lag).
LAGGING_METRICS = ("converted_inquiries", "conversion_rate", "credited_sales", "order_value",
                   "silent_sales", "paid_orders", "complaints_per_1k_orders")


def promotions_in(month: str, settings: Settings) -> list[tuple[str, date, date]]:
    """The promotion windows of ``settings.promotions`` that overlap ``month``.

    Returns
    -------
    list of (name, first day, last day)
        In the order of their first day.
    """
    first, last = month_bounds(check_month(month))
    out = []
    for name, (start, end) in settings.promotions.items():
        (m0, d0), (m1, d1) = ((int(p) for p in v.split("-")) for v in (start, end))
        window = (date(first.year, m0, d0), date(first.year, m1, d1))
        if window[0] <= last and window[1] >= first:
            out.append((name, window[0], window[1]))
    return sorted(out, key=lambda w: w[1])


def headline_sentences(result: HeadlineResult, settings: Settings, *, provisional: bool,
                       last_date: date | None = None) -> list[str]:
    """The opening sentences of a report, from its headline figures.

    Parameters
    ----------
    result : HeadlineResult
        The report's headline (its ``lang`` is the sentences' language).
    settings : Settings
        The dataset's settings (promotions, targets, data lag).
    provisional : bool
        Whether the month's figures may still change.
    last_date : date, optional
        The data's last day, to say when provisional figures become final.

    Returns
    -------
    list of str
        Promotions of the month; one sentence per figure of :data:`SENTENCE_METRICS` that
        the area shows (its change from last month and, when notable, from last year);
        targets missed or nearly missed; what may still change.
    """
    lang = result.lang
    out: list[str] = []
    promos = promotions_in(result.month, settings)
    if promos:
        names = t("sentence.list_sep", lang).join(
            t("sentence.promotion_window", lang, name=n, start=_day(a, lang), end=_day(b, lang))
            for n, a, b in promos)
        out.append(t("sentence.promotion", lang, names=names))
    shown = set(result.shown)  # figures the data can give
    metrics = [m for m in SENTENCE_METRICS.get(result.area, ()) if m in shown]
    no_previous = [m for m in metrics if not result.change(m).available
                   and result.change(m).value is not None]
    for metric in metrics:
        sentence = _change_sentence(result.change(metric, "last_month"), lang)
        if sentence:
            yoy = result.change(metric, "last_year")
            if yoy.available and yoy.notable:
                sentence += t("sentence.yoy", lang, change=_amount(yoy, lang),
                              previous=format_value(metric, yoy.previous, lang))
            out.append(sentence + t("sentence.end", lang))
    if no_previous:
        out.append(t("sentence.no_previous", lang,
                     metrics=t("sentence.list_sep", lang).join(
                         metric_label(m, lang) for m in no_previous)))
    for row in result.table.itertuples():
        if row.status in ("amber", "red"):
            sign = "≥" if METRICS[row.metric].get("good") == "up" else "≤"
            out.append(t(f"sentence.target_{row.status}", lang,
                         metric=metric_label(row.metric, lang),
                         value=format_value(row.metric, row.value, lang),
                         target=f"{sign} {format_value(row.metric, row.target, lang)}"))
    lagging = [m for m in LAGGING_METRICS if m in shown]
    if provisional and lagging:
        final = (month_bounds(result.month)[1] + timedelta(days=settings.lag_days))
        out.append(t("sentence.provisional", lang,
                     metrics=t("sentence.list_sep", lang).join(
                         metric_label(m, lang) for m in lagging),
                     final=final.isoformat(),
                     last=last_date.isoformat() if last_date else "?"))
    return out


def _change_sentence(c: Change, lang: str) -> str | None:
    """One figure's change from last month, said as plainly as the numbers allow."""
    if not c.available:
        return None
    metric = metric_label(c.metric, lang)
    value = format_value(c.metric, c.value, lang)
    chance = ("" if c.notable is None else
              t("sentence.beyond_chance" if c.notable else "sentence.within_chance", lang))
    if c.small:  # a few agents: the counts themselves say more than a percentage
        return t("sentence.count_change", lang, metric=metric, value=value,
                 previous=format_value(c.metric, c.previous, lang), change=_amount(c, lang),
                 chance=chance)
    if c.direction == "flat":
        return t("sentence.held", lang, metric=metric, value=value, change=_amount(c, lang))
    # A move within chance is still said as the move it is ("rose 5.5 pp ..., within chance"):
    # "held at" read oddly beside a visible rise.
    key = "sentence.rose" if c.direction == "up" else "sentence.fell"
    return t(key, lang, metric=metric, value=value, change=_amount(c, lang, signed=False),
             chance=chance)


def _amount(c: Change, lang: str, *, signed: bool = True) -> str:
    """The size of a change without its arrow: "+42.5%", "1.2 个百分点", "+4"."""
    text = c.text(lang).split(" ", 1)[1]
    return text if signed else text.lstrip("+-")


def _day(d: date, lang: str) -> str:
    return f"{d:%b} {d.day}" if lang == "en" else f"{d.month}月{d.day}日"
