"""Scrub a Parquet dataset of documents with Spark before it is embedded.

Run (from the repository root, in a Python environment with scrubline, pyspark and pyarrow):

    python examples/spark/scrub_before_embedding.py [WORK_DIR]

It writes a small generated dataset (`WORK_DIR/docs.parquet`, 20,000 support tickets and
notes, some carrying emails, phone numbers, SSNs, cards, API keys), redacts the `title` and
`body` columns on the executors with `scrubline.spark.redact_columns` (adding a `findings`
column: rule, type, category and offsets, never values), writes `WORK_DIR/scrubbed.parquet`,
and then "embeds" the scrubbed text (a stand-in hashing embedder: put your model there). On
a cluster, the same job runs with `spark-submit` (docs/scale-out.md).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark import SparkConf
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scrubline.spark import redact_columns

ROWS = 20_000


def make_dataset(path: Path) -> None:
    titles, bodies = [], []
    for i in range(ROWS):
        k = i % 6
        titles.append(f"Ticket {i}" if k else f"Ticket {i} from user{i}@example.com")
        if k == 1:
            body = f"Customer asks about invoice {i}. Call back on +1 415-555-{i % 10000:04d}."
        elif k == 2:
            body = f"Tax form shows SSN {100 + i % 500:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}; please correct."
        elif k == 3:
            body = "Card 4111 1111 1111 1111 was charged twice — refund requested."
        elif k == 4:
            body = "CI log leaked AKIAQ3EGRDVHXPAE7N2M; key rotated, café closed at 18:00."
        else:
            body = f"Release notes for v2.{i % 40}.1: faster search, fewer timeouts (build {i})."
        bodies.append(body if i % 97 else None)
    table = pa.table({"id": pa.array(range(ROWS), pa.int64()), "title": titles, "body": bodies})
    pq.write_table(table, path, row_group_size=5_000)


def embed(text: str | None) -> list[float]:
    """Stand-in embedder (a real one would call a model): 8 floats from a hash."""
    digest = hashlib.sha256((text or "").encode()).digest()
    return [b / 255 for b in digest[:8]]


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="scrub-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    make_dataset(work / "docs.parquet")
    # Executors run this interpreter, where scrubline is installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("scrub-before-embedding").config("spark.ui.showConsoleProgress", "false")
    if not SparkConf().contains("spark.master"):
        # Run as a plain script: local mode. Under spark-submit the master comes from there.
        builder = builder.master("local[2]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    docs = spark.read.parquet(str(work / "docs.parquet"))
    scrubbed = redact_columns(docs, ["title", "body"], findings_column="findings")
    scrubbed.write.mode("overwrite").parquet(str(work / "scrubbed.parquet"))

    out = spark.read.parquet(str(work / "scrubbed.parquet"))
    print(f"scrubbed {out.count():,} documents into {work / 'scrubbed.parquet'}")
    print("findings by type:")
    (
        out.select(F.explode("findings").alias("f"))
        .groupBy("f.type")
        .count()
        .orderBy(F.desc("count"))
        .show(truncate=False)
    )
    for row in out.where(F.size("findings") > 0).orderBy("id").limit(4).collect():
        print(f"  {row['id']}: {row['title']!r} / {row['body']!r}")

    # Only scrubbed text reaches the embedder.
    vectors = out.rdd.map(lambda r: (r["id"], embed(r["body"]))).count()
    print(f"embedded {vectors:,} scrubbed documents")
    spark.stop()


if __name__ == "__main__":
    main()
