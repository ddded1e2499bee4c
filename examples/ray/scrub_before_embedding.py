"""Scrub a Parquet dataset of documents with Ray Data before it is embedded.

Run (from the repository root, in a Python environment with scrubline and ray[data]):

    python examples/ray/scrub_before_embedding.py [WORK_DIR]

It writes a small generated dataset (`WORK_DIR/docs.parquet`, 20,000 support tickets and
notes, some carrying emails, phone numbers, SSNs, cards, API keys), redacts the `title` and
`body` columns with `scrubline.ray.Redactor` in `map_batches` (adding a `findings` column:
rule, type, category and offsets, never values), writes `WORK_DIR/scrubbed/`, then embeds the
scrubbed text (a stand-in hashing embedder: put your model there). On a cluster, the same
script runs against `ray.init(address="auto")` (docs/scale-out.md).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import ray  # noqa: E402
from ray.data import ActorPoolStrategy  # noqa: E402

from scrubline.ray import Redactor  # noqa: E402

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


def embed(batch: pa.Table) -> pa.Table:
    """Stand-in embedder (a real one would call a model): 8 floats per row from a hash."""
    vectors = [
        [b / 255 for b in hashlib.sha256((t or "").encode()).digest()[:8]] for t in batch.column("body").to_pylist()
    ]
    return pa.table({"id": batch.column("id"), "embedding": vectors})


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="scrub-ray-"))
    work.mkdir(parents=True, exist_ok=True)
    make_dataset(work / "docs.parquet")
    # Local: 2 CPUs. On a cluster: ray.init(address="auto").
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    docs = ray.data.read_parquet(str(work / "docs.parquet"))
    scrubbed = docs.map_batches(
        Redactor,
        fn_constructor_args=(["title", "body"],),
        fn_constructor_kwargs={"findings_column": "findings"},
        batch_format="pyarrow",
        batch_size=4096,
        # One actor holding one CPU: the Parquet reads need the other.
        compute=ActorPoolStrategy(size=1),
        num_cpus=1,
    )
    scrubbed = scrubbed.materialize()
    scrubbed.write_parquet(str(work / "scrubbed"))
    print(f"scrubbed {scrubbed.count():,} documents into {work / 'scrubbed'}")
    types: Counter[str] = Counter()
    for batch in scrubbed.iter_batches(batch_format="pyarrow"):
        for fs in batch.column("findings").to_pylist():
            types.update(f["type"] for f in fs)
    print("findings by type:", dict(types.most_common()))
    for row in [r for r in scrubbed.take(50) if r["findings"]][:4]:
        print(f"  {row['id']}: {row['title']!r} / {row['body']!r}")

    # Only scrubbed text reaches the embedder.
    vectors = scrubbed.map_batches(embed, batch_format="pyarrow").count()
    print(f"embedded {vectors:,} scrubbed documents")
    ray.shutdown()


if __name__ == "__main__":
    main()
