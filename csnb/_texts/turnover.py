"""Texts of the turnover report (keys start with ``turnover.``), in English and Chinese."""

TEXT: dict[str, dict[str, str]] = {}
