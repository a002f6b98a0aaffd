"""The simulator's parameters: every tunable quantity, with its unit, and fixed vocabularies."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..settings import Settings

SAMPLE_SEED = 20251111
#: The sample's report month: a 双11 month with the same month of last year in the data.
SAMPLE_MONTH = "2025-11"
#: The sample's initial headcount (split over the teams by their shares).
SAMPLE_AGENTS = 56

#: Version of the simulator's model; written to truth.json.
SIM_VERSION = 2  # 2: eight teams; hires face the exit hazard in their hire month

ROW_GROUP = 65_536
ZSTD_LEVEL = 9
SECONDS_PER_DAY = 86_400

#: Every tunable quantity of the simulator, with its unit in the key name or comment.
#: ``simulate(..., params={...})`` overrides entries (nested dicts are merged).
DEFAULT_PARAMS: dict[str, Any] = {
    # Eight teams, as a mid-sized shop's customer service is organised: presale (售前) teams,
    # aftersale (售后) teams, a night team (夜班) and a live-stream team (直播, Douyin).
    "teams": [
        # share: of the initial headcount; *_per_day: mean sessions per working agent-day.
        {"team": "售前一组", "role": "presale", "shifts": {"day": 1.0}, "share": 8,
         "presale_per_day": 12.0, "aftersale_per_day": 1.0, "outsourced_p": 0.1,
         "base_salary": 4200},
        {"team": "售前二组", "role": "presale",
         "shifts": {"day": 0.4, "rotating": 0.3, "night": 0.3}, "share": 8,
         "presale_per_day": 11.0, "aftersale_per_day": 1.5, "outsourced_p": 0.3,
         "base_salary": 4000},
        {"team": "售前三组", "role": "presale", "shifts": {"day": 0.8, "rotating": 0.2},
         "share": 7, "presale_per_day": 12.0, "aftersale_per_day": 1.0, "outsourced_p": 0.2,
         "base_salary": 4100},
        {"team": "售前四组", "role": "presale", "shifts": {"day": 1.0}, "share": 7,
         "presale_per_day": 11.0, "aftersale_per_day": 1.0, "outsourced_p": 0.5,
         "base_salary": 3900},
        {"team": "售后一组", "role": "aftersale", "shifts": {"day": 0.8, "rotating": 0.2},
         "share": 6, "presale_per_day": 2.0, "aftersale_per_day": 11.0, "outsourced_p": 0.1,
         "base_salary": 3800},
        {"team": "售后二组", "role": "aftersale", "shifts": {"day": 1.0}, "share": 6,
         "presale_per_day": 2.0, "aftersale_per_day": 10.0, "outsourced_p": 0.3,
         "base_salary": 3700},
        {"team": "夜班组", "role": "mixed", "shifts": {"night": 1.0}, "share": 7,
         "presale_per_day": 7.0, "aftersale_per_day": 4.0, "outsourced_p": 0.7,
         "base_salary": 4300},
        {"team": "直播组", "role": "mixed", "shifts": {"day": 0.7, "rotating": 0.3},
         "share": 7, "presale_per_day": 10.0, "aftersale_per_day": 3.0, "outsourced_p": 0.3,
         "base_salary": 4000},
    ],
    # Bottom-ranked-out policy: adopting teams and the adoption month as a fraction of the
    # simulated span; over 24 months 0.375, 0.5 and 0.625 are months 10, 13 and 16 (2024-10,
    # 2025-01 and 2025-04): five teams on three dates, three teams never.
    "policy": {
        "adopters": {"售前一组": 0.375, "售前三组": 0.5, "直播组": 0.5, "售前四组": 0.625,
                     "夜班组": 0.625},
        "bottom_share": 0.1,
        "action": "dismissal",
        "consecutive_bottom_to_dismiss": 2,
        "min_inquiries": 30,
        "conversion_logit_shift": 0.10,   # added to the conversion logit of a visit
        "first_response_mult": 0.85,      # multiplies first response time
        "complaint_mult": 1.30,           # multiplies the service-complaint rate per session
        "voluntary_exit_mult": 1.50,      # multiplies the monthly voluntary exit hazard
    },
    "work_day_p": 0.83,                   # chance an active agent works a given day
    "trend_per_year": 0.10,               # session volume growth, relative, per year
    "weekend_mult": 1.10,
    "promotions": {
        # multipliers of presale volume on days of the promotions
        "618_period": 1.5, "618_day": 3.0,            # June 1-17, June 18
        "double11_period": 1.8, "double11_day": 4.0,  # Nov 1-10, Nov 11
        "double12_day": 2.5,                          # Dec 12
        "aftersale_after_mult": 1.5,  # aftersale volume June 19-30 and Nov 12-30
        "conversion_logit": 0.25,     # conversion logit shift on promotion days
        "complaint_mult": 1.4,        # complaint rates on promotion days
        "first_response_slowdown": 0.25,  # fr x (1 + this x (volume mult - 1))
    },
    "exit": {
        "voluntary_monthly": 0.022,    # hazard per month, day shift, tenure >= 90 days
        "night_mult": 2.0,
        "rotating_mult": 1.4,
        "new_hire_mult": 2.0,          # tenure < 90 days at the month's start
        "outsourced_mult": 1.3,
        "dismissed_monthly": 0.003,
        "contract_end_monthly": 0.004,
        "other_monthly": 0.003,
        "replacement_lag_days": [3, 35],  # uniform, days after the exit date
        "initial_tenure_mean_days": 420,
        "at_fault_dismissal": 3,       # at-fault complaints in a month that mean dismissal
        "at_fault_dismissal_p": 0.5,   # managers dismiss on the rule only this often
    },
    "response": {
        "first_response_median_s": 30.0,
        "first_response_log_sd": 1.1,       # session-level sd of log first response
        "agent_log_sd": 0.30,               # agent random effect on log first response
        "out_of_hours_mult": 1.8,
        "new_agent_mult": 1.4,              # tenure < 30 days
        "never_answered_p": 0.015,
        "never_answered_promo_mult": 2.0,
        "never_answered_out_of_hours_mult": 3.0,
    },
    # Load-response knee (人效): above knee_sessions_per_agent_hour (sessions that started in
    # a clock hour / agents with a session in it, as csnb.metrics.hourly_load_table measures
    # it) every session of the hour answers slower: log first response rises by
    # slope_log_per_load per session per agent-hour beyond the knee. 0 turns it off.
    "load": {
        "knee_sessions_per_agent_hour": 2.2,
        "slope_log_per_load": 1.5,
        # also write load_truth.csv: each clock hour's load, counted sessions and expected
        # fast sessions (what the sessions' first responses would give on average)
        "write_hourly_truth": False,
    },
    "conversion": {
        "baseline_p": 0.40,              # at 0 s first response, tenure 90-364 d, no promo
        "first_response_per_min": -0.15,  # logit per minute of (capped) first response
        "response_cap_s": 600.0,
        "never_answered_logit": -1.0,    # on top of the 600 s cap
        "tenure_logit": {"0-29": -0.5, "30-89": -0.25, "90-364": 0.0, "365+": 0.1},
        "agent_sd": 0.35,                # agent random effect, logit scale
        "second_agent_p": 0.07,          # visit also talks to a second agent
        "same_day_p": 0.72,              # converted: pays the same day...
        "next_day_p": 0.21,              # ...the next day; the rest 2-6 days later
        "extra_order_p": 0.08,
        "agent_tag_p": 0.35,             # order tagged with the agent id (备注工号)
        "unpaid_order_p": 0.07,          # non-converted visit leaves an unpaid order
        "silent_ratio": 0.9,             # silent orders per converted visit, same day
        "silent_unpaid_p": 0.05,
        "amount_median": 120.0,          # yuan
        "amount_log_sd": 0.8,
        "promo_amount_mult": 1.15,
        "refund_p": 0.07,
        "refund_promo_mult": 1.5,
        "refund_full_p": 0.6,
    },
    "complaints": {
        "service_per_1000_sessions": 2.0,
        "aftersale_mult": 1.5,
        "slow_mult": 2.0,                 # first response > 180 s or never answered
        "agent_log_sd": 0.4,              # agent random effect on log service rate
        "at_fault_p": 0.35,
        "service_agent_link_p": 0.9,      # not-at-fault service complaints naming the agent
        "non_service_per_1000_paid_orders": 3.5,
        "unresolved_p": 0.03,
        "resolve_median_h": 20.0,
    },
    "customer_pool_per_agent": 12_000,
    # Customer ratings (服务评价) of sessions, drawn from their own random stream after the
    # world is simulated, so adding them changed no other value of a seed's dataset.
    "ratings": {
        "rated_p": 0.30,                  # chance a customer rates the session
        "levels": ["very_satisfied", "satisfied", "neutral", "dissatisfied",
                   "very_dissatisfied"],
        "fast_p": [0.55, 0.30, 0.10, 0.03, 0.02],   # answered within 180 s
        "slow_p": [0.25, 0.30, 0.20, 0.15, 0.10],   # slower, or never answered
    },
    # Chat reviews (质检) of the chats csnb's daily brief samples (csnb.simulate.qa), drawn
    # from a stream of their own after the world is written. Every session of the reviewed
    # days gets a pass or fail; reviewers read the sampled ones. Logit of passing:
    "qa": {
        "review_days": 30,            # last days of the last month but one; 0 = no reviews
        "base_logit": 2.2,            # about 90% pass for an ordinary chat
        "complaint_logit": -2.0,      # a complaint links to the chat
        "slow_logit": -1.2,           # first response > 180 s or never answered
        "lost_logit": -0.8,           # presale, 8+ customer messages, not converted
        "agent_logit_per_sd": -0.5,   # per sd of the agent's slow-answering effect
    },
    # Targets written to the sample's csnb.toml, as a shop would set them.
    "targets": {"conversion_rate": 0.40, "fast_response_rate": 0.85,
                "complaints_per_1k_orders": 8.0},
}

SERVICE_CATEGORIES = ("attitude", "slow_response", "wrong_info", "unfulfilled_promise",
                       "order_error", "refund_dispute", "other")
SERVICE_P = (0.27, 0.18, 0.16, 0.15, 0.10, 0.09, 0.05)
NON_SERVICE_CATEGORIES = ("logistics", "product_quality", "refund_dispute", "other")
NON_SERVICE_P = (0.45, 0.35, 0.12, 0.08)
SOURCES = ("platform_dispute", "bad_review", "hotline", "internal_qa")
SERVICE_SOURCE_P = (0.25, 0.40, 0.10, 0.25)
NON_SERVICE_SOURCE_P = (0.35, 0.50, 0.15, 0.0)
PRESALE_TOPICS = ("商品咨询", "尺码推荐", "优惠活动", "发货时间", "库存查询")
PRESALE_TOPIC_P = (0.38, 0.2, 0.2, 0.14, 0.08)
AFTERSALE_TOPICS = ("退换货", "物流查询", "质量问题", "退款", "发票")
AFTERSALE_TOPIC_P = (0.3, 0.3, 0.15, 0.2, 0.05)

SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
                  "邓曹彭曾肖田董袁潘蒋蔡余杜叶")
GIVEN = tuple("婷静丽敏燕艳娟霞芳娜莉雪琳晶颖慧佳欣怡萱涵悦琪瑶宁洁倩蕾薇"
               "玲晓梦雅楠伟磊强军杰涛浩宇鹏飞斌超凯勇俊")

# Hour-of-day weights (index = hour) for day-shift and night-shift sessions. Day shift works
# 08:00-23:00 with a little spill before and after; night shift 15:00-02:00, so about a fifth
# of its sessions fall outside the default business hours.
DAY_HOURS = np.array([0, 0, 0, 0, 0, 0, 0, 0.6, 3, 6, 9, 8, 5, 6, 8, 8, 7, 5, 4, 6, 8, 8, 6,
                       0.8], dtype=float)
NIGHT_HOURS = np.array([4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 4, 4, 6, 8, 9, 8,
                         6], dtype=float)
DAY_HOURS /= DAY_HOURS.sum()
NIGHT_HOURS /= NIGHT_HOURS.sum()
# The simulator ranks agents as the metric book does, with its default settings.
_DEFAULTS = Settings()
BUSINESS = (_DEFAULTS.business_start.hour, _DEFAULTS.business_end.hour)
FAST_RESPONSE_S = _DEFAULTS.fast_response_s
RANKING_WEIGHTS = dict(_DEFAULTS.ranking_weights)
