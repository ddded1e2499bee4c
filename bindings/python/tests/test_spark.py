"""`scrubline.spark` on a real local Spark session (local[2]) over 100,000 generated rows."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scale_data import documents

import scrubline

pytest.importorskip("pyspark")
pa: Any = pytest.importorskip("pyarrow")
pq: Any = pytest.importorskip("pyarrow.parquet")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs a Java runtime (java on PATH or JAVA_HOME)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from scrubline.spark import findings_schema, redact_columns, redact_udf  # noqa: E402

ROWS = 100_000


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    # Workers must run this interpreter (the venv with scrubline installed).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("scrubline-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        # Small input splits, so the 100,000-row Parquet file is read as several partitions.
        .config("spark.sql.files.maxPartitionBytes", "1m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str | None], list[str | None]]:
    ids, texts, planted = documents(ROWS)
    path = tmp_path_factory.mktemp("spark") / "docs.parquet"
    # Several row groups: Spark reads them as several partitions, run by both cores.
    pq.write_table(pa.table({"id": pa.array(ids, pa.int64()), "text": texts}), path, row_group_size=20_000)
    return path, texts, planted


def expected(texts: list[str | None]) -> list[str | None]:
    s = scrubline.Scanner()
    present = [t for t in texts if t is not None]
    out = iter(s.redact_batch(present))
    return [None if t is None else next(out) for t in texts]


def test_every_planted_value_is_redacted_and_output_equals_redact_batch(
    spark: SparkSession, dataset: tuple[Path, list[str | None], list[str | None]]
) -> None:
    path, texts, planted = dataset
    df = spark.read.parquet(str(path))
    assert df.rdd.getNumPartitions() >= 2
    result = redact_columns(df, "text", findings_column="findings").toArrow().sort_by("id")
    assert result.num_rows == ROWS
    assert result.column("id").to_pylist() == list(range(ROWS))
    out = result.column("text").to_pylist()
    assert out == expected(texts)
    for o, v in zip(out, planted):
        if v is not None:
            assert o is not None and v not in o
    # Findings: those of scan_batch, per row, with code-point offsets into the original.
    s = scrubline.Scanner()
    found = s.scan_batch([t or "" for t in texts])
    per_row = result.column("findings").to_pylist()
    for i in range(0, ROWS, 7):
        want = [
            {"column": "text", "rule": f.rule, "type": f.type, "category": f.category, "start": f.start, "end": f.end}
            for f in found[i]
        ]
        assert per_row[i] == want
    for i, v in enumerate(planted):
        if v is not None:
            t = texts[i]
            assert t is not None and v in [t[f["start"] : f["end"]] for f in per_row[i]]


def test_pandas_udf_fallback(spark: SparkSession, dataset: tuple[Path, list[str | None], list[str | None]]) -> None:
    path, texts, _ = dataset
    df = spark.read.parquet(str(path)).where("id < 5000")
    result = df.select("id", redact_udf()("text").alias("text")).toArrow().sort_by("id")
    assert result.column("text").to_pylist() == expected(texts[:5000])


def test_options_several_columns_and_large_var_types(spark: SparkSession) -> None:
    rows = [
        (1, "mail jane.doe@example.org", "ssn 078-05-1120"),
        (2, None, "key AKIAQ3EGRDVHXPAE7N2M"),
        (3, "é ✓ nothing", None),
    ]
    df = spark.createDataFrame(rows, "id long, a string, b string")
    key = "spark.sql.execution.arrow.useLargeVarTypes"
    before = spark.conf.get(key, "false")
    try:
        for large in ("false", "true"):
            spark.conf.set(key, large)
            out = redact_columns(df, ["a", "b"], findings_column="f", actions={"EMAIL": "mask:4"}, disable=["secret"])
            assert out.schema["f"].dataType == findings_schema()
            got = sorted(out.collect(), key=lambda r: r["id"])
            assert [r["a"] for r in got] == ["mail ****************.org", None, "é ✓ nothing"]
            assert [r["b"] for r in got] == ["ssn [US_SSN]", "key AKIAQ3EGRDVHXPAE7N2M", None]
            assert [[(f["column"], f["type"], f["start"], f["end"]) for f in r["f"]] for r in got] == [
                [("a", "EMAIL", 5, 25), ("b", "US_SSN", 4, 15)],
                [],
                [],
            ]
    finally:
        spark.conf.set(key, before)


def test_errors_are_raised_on_the_driver(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "x")], "id long, text string")
    with pytest.raises(ValueError, match="no column"):
        redact_columns(df, "missing")
    with pytest.raises(ValueError, match="not a string"):
        redact_columns(df, "id")
    with pytest.raises(ValueError, match="already exists"):
        redact_columns(df, "text", findings_column="id")
    with pytest.raises(scrubline.PolicyError):
        redact_columns(df, "text", actions={"EMAIL": "shred"})
