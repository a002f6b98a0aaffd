from datetime import date

import pytest

from csnb.errors import ParameterError
from csnb.months import check_month, month_bounds, month_of, month_span, months_ending, shift_month


@pytest.mark.parametrize("bad", ["2025-6", "2025-13", "2025-00", "June", "2025/06", "", None,
                                 202506, "2025-06-01", " 2025-06"])
def test_malformed_months_raise_parameter_error(bad):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        check_month(bad)
    with pytest.raises(ParameterError):
        shift_month(bad, 1)
    with pytest.raises(ParameterError):
        month_bounds(bad)


def test_shift_and_ranges_cross_years():
    assert shift_month("2025-01", -1) == "2024-12"
    assert shift_month("2024-12", 13) == "2026-01"
    assert shift_month("2025-06", 0) == "2025-06"
    assert month_span("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_span("2025-02", "2025-01") == []
    assert months_ending("2025-02", 3) == ["2024-12", "2025-01", "2025-02"]
    assert len(months_ending("2025-11", 24)) == 24
    assert months_ending("2025-11", 0) == []


def test_bounds_know_leap_years():
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds("2025-02") == (date(2025, 2, 1), date(2025, 2, 28))
    assert month_of(date(2025, 12, 31)) == "2025-12"


def test_every_public_month_entry_refuses_a_malformed_month(tmp_path):
    """The same strictness wherever a month enters: the metric book, headline, MonthReport."""
    import pandas as pd

    from csnb.analyses import headline
    from csnb.io import dataset_from_frames
    from csnb.metrics import headcount_table, is_provisional, month_figures, monthly_figures

    agents = pd.DataFrame({"agent_id": ["A1"], "team": ["T"], "hire_date": ["2025-01-01"]})
    ds = dataset_from_frames({"agents": agents})
    for call in (lambda: month_figures(ds, "2025-6"),
                 lambda: monthly_figures(ds, ["2025-6"]),
                 lambda: is_provisional(ds, "2025-6"),
                 lambda: headline(ds, "2025-6", "overview"),
                 lambda: headcount_table(agents, ["2025-6"])):
        with pytest.raises(ParameterError, match="'2025-6'"):
            call()
