"""Comparing tables row by row, whatever their order (Spark writes rows in no particular order)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


def rows_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)


def sorted_rows(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(rows_key(r) for r in rows)


def export_table(folder: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(str(folder / f"{table}.parquet")).to_pylist()


def differences(a: list[dict[str, Any]], b: list[dict[str, Any]], limit: int = 2) -> str:
    sa, sb = set(sorted_rows(a)), set(sorted_rows(b))
    return f"only left: {sorted(sa - sb)[:limit]}\nonly right: {sorted(sb - sa)[:limit]}"
