"""Reading a Spark run's output folder with pyarrow (no Spark needed): one table at a time, with its schema.

Spark writes a table as a folder of ``part-*.parquet`` files, in ``pub_date=...`` sub-folders when partitioned.
``read_table`` gives it back with exactly the export schema (the partition column dropped, Spark's list layout
cast to pyarrow's), so it compares equal to, and loads like, a ``newstrace export -f parquet`` file.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from newstrace.spark.schema import PARTITION, schema_of


def table_path(out: str | Path, table: str) -> Path:
    return Path(out) / table


def read_table(out: str | Path, table: str, *, keep_partition: bool = False) -> pa.Table:
    """One table of a Spark output folder (empty, with its columns, when the run wrote no rows)."""
    schema = schema_of(table)
    path = table_path(out, table)
    files = sorted(p for p in path.rglob("*.parquet") if not any(part.startswith(("_", ".")) for part in
                                                                   p.relative_to(path).parts))
    if not files:
        return schema.empty_table()
    data = ds.dataset([str(f) for f in files], format="parquet", partitioning="hive",
                      partition_base_dir=str(path)).to_table()
    cols = schema.names + ([PARTITION] if keep_partition and PARTITION in data.column_names else [])
    data = data.select(cols)
    target = schema if not keep_partition or PARTITION not in cols else schema.append(data.schema.field(PARTITION))
    return data.cast(target)
