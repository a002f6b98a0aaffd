"""Daily forecast with prediction intervals and promotion days scaled by last year's lift.

Private helper of :mod:`csnb.analyses.operations`. A promotion day is not an ordinary day
with noise: fitting a smooth model through 双11 would bend the trend and widen every
interval. So the baseline model (statsmodels ETS: additive error, damped additive trend,
additive weekly season, on log(1 + y)) is fitted with promotion days replaced by the line
between their neighbours, and each forecast day inside a promotion window is scaled by the
same calendar day's lift last year: (1 + actual) / exp(baseline fitted), on the log scale
an added constant, so its interval is scaled too (the lift's own uncertainty is not added;
the report says so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .complaint_trends import promotion_of

#: Days of history the model needs at least (eight weeks: the weekly season twice over).
MIN_DAYS = 56


@dataclass(frozen=True)
class SeriesForecast:
    """A forecast: ``table`` (date, mean, lo, hi, promotion, lift, lift_from) and the fit."""

    table: pd.DataFrame
    model: object
    history_days: int


def forecast_series(y: pd.Series, horizon: int, promotions: dict[str, tuple[str, str]],
                    alpha: float = 0.05) -> SeriesForecast:
    """Forecast a daily count ``horizon`` days past the last day of ``y``.

    Parameters
    ----------
    y : Series
        Daily counts indexed by day (gaps are filled with the line between neighbours).
    horizon : int
    promotions : dict
        Name -> (first, last) ``"MM-DD"`` (the settings' promotion windows).
    alpha : float
        1 - the prediction interval's level.

    Returns
    -------
    SeriesForecast
        ``table`` columns: date; mean (the median forecast: the back-transformed log mean);
        lo, hi (the prediction interval); promotion (window name or None); lift (1 on
        ordinary days and when last year is missing); lift_from (the day last year the lift
        comes from, or None).

    Raises
    ------
    ParameterError
        Fewer than :data:`MIN_DAYS` days of history.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = y.astype(float).copy()
    y.index = pd.DatetimeIndex(pd.to_datetime(y.index))
    full = pd.date_range(y.index.min(), y.index.max(), freq="D")
    y = y.reindex(full)
    if len(y) < MIN_DAYS:
        raise ParameterError(f"the forecast needs at least {MIN_DAYS} days of history; "
                             f"got {len(y)}")
    promo = promotion_of(full, promotions).to_numpy()
    log_y = np.log1p(y)
    base = log_y.where(pd.isna(promo) | (promo == None), np.nan)  # noqa: E711
    base = base.interpolate(limit_direction="both")
    with warnings.catch_warnings():
        # ETS optimisers warn about convergence on short or flat series; the interval
        # still comes from the fitted state-space model.
        warnings.simplefilter("ignore")
        model = ETSModel(base, error="add", trend="add", damped_trend=True, seasonal="add",
                         seasonal_periods=7)
        fit = model.fit(disp=False, maxiter=500)
        pred = fit.get_prediction(start=len(base), end=len(base) + horizon - 1)
        frame = pred.summary_frame(alpha=alpha)
    days = pd.date_range(full[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
    fitted = pd.Series(np.asarray(fit.fittedvalues), index=full)
    names = promotion_of(days, promotions).to_numpy()
    lifts, sources = [], []
    for d, name in zip(days, names, strict=True):
        last = d - pd.DateOffset(years=1)
        if name is not None and last in y.index and not pd.isna(y[last]):
            lifts.append(float(log_y[last] - fitted[last]))
            sources.append(last.date())
        else:
            lifts.append(0.0)
            sources.append(None)
    shift = np.array(lifts)
    table = pd.DataFrame({
        "date": days.date,
        "mean": np.maximum(0.0, np.expm1(frame["mean"].to_numpy() + shift)),
        "lo": np.maximum(0.0, np.expm1(frame["pi_lower"].to_numpy() + shift)),
        "hi": np.maximum(0.0, np.expm1(frame["pi_upper"].to_numpy() + shift)),
        "promotion": list(names),
        "lift": np.exp(shift),
        "lift_from": sources,
    })
    return SeriesForecast(table=table, model=fit, history_days=len(y))
