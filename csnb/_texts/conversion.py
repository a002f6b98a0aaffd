"""Texts of the conversion report (keys start with ``conversion.``), in English and Chinese."""

TEXT: dict[str, dict[str, str]] = {}
