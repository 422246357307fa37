"""How prompts list things ("by X, Y and Z", "X和Y的风格"): shared by detection and rewriting."""

import re

LIST_GAP = re.compile(r"^\s*(?:,|，|、|;)?\s*(?:and|&|和|与|及|、)?\s*$", re.IGNORECASE)
"""Matches the text between two items of one list."""
