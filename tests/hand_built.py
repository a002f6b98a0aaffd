"""A hand-built month (2025-06) of eight agents and eleven customers, and figure comparison.

Shared by the oracle tests and the metric-book tests; every expected figure of this month is
worked out by hand in ``tests/metrics/test_against_pandas.py``.
"""

import csv
import math
from pathlib import Path

from oracle_pandas import COUNT_KEYS, FIGURE_KEYS


def write_csv(folder: Path, name: str, header: list[str], rows: list[tuple]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def same(expected, actual, rel: float) -> bool:
    """Equal within ``rel``, with None, NaN and missing all meaning "no value"."""
    missing_e = expected is None or (isinstance(expected, float) and math.isnan(expected))
    missing_a = actual is None or (isinstance(actual, float) and math.isnan(actual))
    if missing_e or missing_a:
        return missing_e and missing_a
    return math.isclose(float(expected), float(actual), rel_tol=rel, abs_tol=1e-12)


def mismatches(expected: dict, actual: dict) -> list[str]:
    out = []
    for key in FIGURE_KEYS:
        if key not in actual:
            out.append(f"{key}: missing (oracle {expected[key]!r})")
            continue
        rel = 1e-9 if key in COUNT_KEYS else 1e-6
        if not same(expected[key], actual[key], rel):
            out.append(f"{key}: oracle {expected[key]!r} != product {actual[key]!r}")
    return out


AGENTS = ["agent_id", "name", "team", "hire_date", "exit_date", "exit_reason"]
SESSIONS = ["session_id", "agent_id", "customer_id", "start_ts", "kind", "first_response_s"]
ORDERS = ["order_id", "customer_id", "created_ts", "paid_ts", "amount", "agent_id",
          "refund_amount"]
COMPLAINTS = ["complaint_id", "created_ts", "category", "source", "agent_id"]


def write_june(tmp_path: Path) -> Path:
    """A shop of eight agents, eleven customers and one month (2025-06) of activity."""
    folder = tmp_path / "june"
    write_csv(folder, "agents", AGENTS, [
        ("A1", "Ann", "t1", "2025-01-10", None, None),  # there all along
        ("A2", "Bo", "t1", "2025-02-01", "2025-06-30", "voluntary"),  # exits on the last day
        ("A3", "Cy", "t1", "2025-06-05", "2025-06-20", "dismissed"),  # hired and exits in June
        ("A4", "Di", "t1", "2025-06-01", None, None),  # hired on the first day
        ("A5", "Ed", "t1", "2024-12-01", "2025-05-31", "contract_end"),  # gone before June
        ("A6", "Fa", "t1", "2025-03-01", "2025-06-01", "bottom_ranked_out"),  # exits on day 1
        ("A7", "Gu", "t1", "2025-07-01", None, None),  # hired after June
        ("A8", "Ha", "t1", "2025-04-01", "2025-06-15", "contract_end"),  # other exit
    ])
    write_csv(folder, "sessions", SESSIONS, [
        ("S0", "A1", "C8", "2025-05-31 20:00:00", "presale", 10),  # May: not June's
        ("S1", "A1", "C1", "2025-06-10 10:00:00", "presale", 30),
        ("S2", "A1", "C2", "2025-06-11 21:00:00", "presale", 200),
        ("S3", "A1", "C3", "2025-06-13 10:00:00", "presale", None),  # never answered
        ("S4", "A4", "C4", "2025-06-13 10:00:00", "presale", 180),  # exactly the threshold
        ("S5", "A1", "C5", "2025-06-16 08:30:00", "presale", 900),  # capped at 600
        ("S6", "A1", "C5", "2025-06-16 09:00:00", "presale", 60),
        ("S7", "A4", "C5", "2025-06-16 14:00:00", "presale", 100),
        ("S8", "A1", "C6", "2025-06-17 10:00:00", "presale", 181),
        ("S9", "A1", "C7", "2025-06-30 22:00:00", "presale", 20),
        ("S10", "A1", "C9", "2025-06-18 10:00:00", "aftersale", 120),
        ("S11", "A1", "C10", "2025-06-19 23:30:00", "presale", 5),  # after hours
        ("S12", "A1", "C10", "2025-06-20 07:59:00", "aftersale", 10),  # before hours
        ("S13", "A1", "C10", "2025-06-20 08:00:00", "aftersale", 400),  # opening minute
        ("S14", "A1", "C11", "2025-06-21 22:59:59", "aftersale", None),  # in hours, unanswered
    ])
    write_csv(folder, "orders", ORDERS, [
        # tag A4 overrides C1's last presale agent A1
        ("O1", "C1", "2025-06-10 11:00:00", "2025-06-10 12:00:00", 100, "A4", None),
        # paid the day after C2's inquiry with A1: credited to A1 (refund ignored: gross)
        ("O2", "C2", "2025-06-12 08:50:00", "2025-06-12 09:00:00", 200, None, 50),
        # paid two days after C3's inquiry: outside the window, silent
        ("O3", "C3", "2025-06-15 09:00:00", "2025-06-15 10:00:00", 300, None, None),
        # tagged A4 but paid two days after C4's inquiry with A4: credited, no conversion
        ("O4", "C4", "2025-06-15 10:00:00", "2025-06-15 11:00:00", 50, "A4", None),
        # C5 saw A1 then A4 on the same day: the last one, A4, gets it
        ("O5", "C5", "2025-06-16 15:00:00", "2025-06-16 16:00:00", 400, None, None),
        # paid before C6's only session: silent
        ("O6", "C6", "2025-06-17 08:00:00", "2025-06-17 09:00:00", 60, None, None),
        # paid on July 1 after C7's inquiry on June 30: converts June's inquiry, July's sale
        ("O7", "C7", "2025-06-30 23:00:00", "2025-07-01 08:00:00", 700, None, None),
        # paid on June 1 after C8's inquiry on May 31: June's sale credited to A1
        ("O8", "C8", "2025-06-01 09:00:00", "2025-06-01 10:00:00", 80, None, None),
        # C2's second order, tagged: C2 still counts once among paying customers
        ("O9", "C2", "2025-06-12 09:30:00", "2025-06-12 10:00:00", 100, "A1", None),
        # never paid
        ("O10", "C1", "2025-06-20 10:00:00", None, 999, None, None),
        # C9 only had an aftersale session: silent
        ("O11", "C9", "2025-06-18 10:30:00", "2025-06-18 11:00:00", 90, None, None),
    ])
    write_csv(folder, "complaints", COMPLAINTS, [
        ("K1", "2025-06-05 10:00:00", "attitude", "hotline", "A1"),
        ("K2", "2025-06-30 23:59:00", "logistics", "bad_review", None),
        ("K3", "2025-07-01 00:00:00", "attitude", "hotline", "A1"),  # July
        ("K4", "2025-05-31 12:00:00", "attitude", "hotline", "A1"),  # May
    ])
    return folder
