"""Quality assurance (质检): the daily flags, the chats to read, and the reviews weighted back.

A supervisor's morning (issue 12): whose figures were poor yesterday beyond chance, and which
chats to read (抽查聊天记录). Then, monthly, what the reviewers found, estimated for the whole
team without the bias of having read the bad chats on purpose.

- :func:`complaint_links`: each complaint's session, from the complaint's own ``session_id``
  or else the agent's last session with the complained order's customer before it.
- :func:`daily_agents`: each agent's day against the agent's own 30-day baseline and the
  team's, flagged only when the day is below beyond chance: exact one-sided binomial tests
  for conversion and the 3-minute response rate, a one-sided Poisson test for complaints,
  Benjamini-Hochberg over all of the day's tests (false discovery rate 5%). Conversion is
  not tested on days within the data lag (it is provisional there).
- :func:`sample_chats`: a stratified sample of the day's sessions within the quota,
  reproducible (seeded by the date; the same data give the same sample): every
  complaint-linked session (certainty), the flagged agents' sessions (over-sampled), slow
  first responses, lost high-intent inquiries, and a random stratum. Each row carries its
  sampling weight, the inverse of its inclusion probability.
- :func:`qa_pass_rates`: the pass rate of ``qa_reviews`` for the team, each team and each
  agent, weighted by the sampling weights (a Hajek ratio of Horvitz-Thompson totals, with
  a stratified linearisation variance), beside the unweighted rate; the most frequent
  issue tags.

Customer ids never leave this package in full: :func:`mask_customer` keeps the last four
characters.
"""

from __future__ import annotations

from ...metrics import complaint_links
from .common import check_day, mask_customer
from .flags import BASELINE_DAYS, FLAG_FDR, DailyAgentsResult, daily_agents
from .pass_rate import QAResult, qa_pass_rates, ratio_estimate
from .sample import ALLOCATION, HIGH_INTENT_MSGS, STRATA, ChatSampleResult, sample_chats

__all__ = [
    "ALLOCATION",
    "BASELINE_DAYS",
    "FLAG_FDR",
    "HIGH_INTENT_MSGS",
    "STRATA",
    "ChatSampleResult",
    "DailyAgentsResult",
    "QAResult",
    "check_day",
    "complaint_links",
    "daily_agents",
    "mask_customer",
    "qa_pass_rates",
    "ratio_estimate",
    "sample_chats",
]
