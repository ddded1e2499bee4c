"""`scrubline.ray` on a local Ray instance (2 CPUs) over 100,000 generated rows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scale_data import documents

import scrubline

# No usage-stats prompt or upload; a small object store (the runner has 2 cores, 24 GiB).
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray: Any = pytest.importorskip("ray", reason="ray[data] is not installed")
pytest.importorskip("ray.data", reason="ray[data] is not installed")
pa: Any = pytest.importorskip("pyarrow")
pq: Any = pytest.importorskip("pyarrow.parquet")

from scrubline.ray import Redactor, redact_dataset  # noqa: E402

ROWS = 100_000


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=256 * 1024 * 1024,
    )
    yield
    ray.shutdown()


def test_every_planted_value_is_redacted_and_output_equals_redact_batch(
    local_ray: None, tmp_path: Path
) -> None:
    ids, texts, planted = documents(ROWS)
    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"id": pa.array(ids, pa.int64()), "text": texts}), path, row_group_size=20_000)
    ds = ray.data.read_parquet(str(path))
    # One actor holding one of the two CPUs: the Parquet read tasks need the other (two actors
    # holding both starve the reads, and the job never ends).
    out_ds = redact_dataset(ds, "text", findings_column="findings", actors=1, num_cpus=1)
    result = pa.concat_tables(ray.get(out_ds.to_arrow_refs())).sort_by("id")
    assert result.num_rows == ROWS
    assert result.column("id").to_pylist() == ids
    s = scrubline.Scanner()
    redacted = iter(s.redact_batch([t for t in texts if t is not None]))
    out = result.column("text").to_pylist()
    assert out == [None if t is None else next(redacted) for t in texts]
    per_row = result.column("findings").to_pylist()
    for i, (o, v) in enumerate(zip(out, planted)):
        if v is not None:
            t = texts[i]
            assert o is not None and v not in o
            assert t is not None and v in [t[f["start"] : f["end"]] for f in per_row[i]]


def test_redactor_is_a_plain_callable_with_options(local_ray: None) -> None:
    table = pa.table({"text": ["mail jane.doe@example.org", None, "ssn 078-05-1120"]})
    r = Redactor("text", actions={"EMAIL": "remove"}, disable=["national_id"])
    assert r(table).column("text").to_pylist() == ["mail ", None, "ssn 078-05-1120"]
    ds = ray.data.from_arrow(table)
    got = redact_dataset(ds, ["text"], actions={"EMAIL": "remove"}).take_all()
    assert [row["text"] for row in got] == ["mail ", None, "ssn [US_SSN]"]
    with pytest.raises(scrubline.PolicyError):
        redact_dataset(ds, "text", actions={"EMAIL": "shred"})
