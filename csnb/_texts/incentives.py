"""Texts of the incentives report (keys start with ``incentives.``), in English and Chinese."""

TEXT: dict[str, dict[str, str]] = {}
