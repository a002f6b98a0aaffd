"""Texts of the complaints report (keys start with ``complaints.``), in English and Chinese."""

TEXT: dict[str, dict[str, str]] = {}
