"""PySpark helpers: redact DataFrame columns on the executors, batch by batch in Arrow.

>>> from scrubline.spark import redact_columns
>>> clean = redact_columns(df, ["text"], findings_column="findings", disable=["network"])

`redact_columns` runs on `DataFrame.mapInArrow`: each Arrow batch of string columns goes to
`Scanner.redact_arrow` (zero-copy, all the worker's cores, GIL released), and the result keeps
every other column, the column types and nulls. `redact_udf` is a `pandas_udf` for use as a
column expression (`df.withColumn("text", redact_udf()("text"))`), e.g. inside a `select`.

Scanner options (`packs`, `rules`, `disable`, `actions`, `key`, `scope`, `threshold`,
`default_packs`, `default_action`, `policy`, `tenant`) are those of `scrubline.Scanner`; they
are shipped to the executors with the function, and each Python worker process builds the
scanner once (cached by options) and reuses it for every batch and task. Paths (packs,
policy) must exist on the executors: ship files with `--files` and pass
`pyspark.SparkFiles.get(name)`, or pass the TOML source itself (a str with a newline).

Needs `pyspark` (with `pyarrow`); `scrubline` must be installed on the executors (see
docs/scale-out.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._batches import ScannerOptions, cached_scanner, columns_list, optional_module, redact_table, scanner_options

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from ._scrubline import Scanner

__all__ = ["findings_schema", "redact_columns", "redact_udf", "scanner"]


def scanner(options: ScannerOptions) -> Scanner:
    """The `Scanner` for `options` in this process (built on first use, then reused)."""
    return cached_scanner(options)


def findings_schema() -> Any:
    """The Spark type of a findings column: `array<struct<column, rule, type, category:
    string, start, end: bigint>>`, offsets in code points."""
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    return ArrayType(
        StructType(
            [
                StructField("column", StringType(), False),
                StructField("rule", StringType(), False),
                StructField("type", StringType(), False),
                StructField("category", StringType(), False),
                StructField("start", LongType(), False),
                StructField("end", LongType(), False),
            ]
        ),
        False,
    )


def redact_columns(
    df: DataFrame,
    columns: str | Sequence[str],
    *,
    findings_column: str | None = None,
    packs: Sequence[str | os.PathLike[str]] | None = None,
    rules: Sequence[str] | None = None,
    disable: Sequence[str] | None = None,
    actions: Mapping[str, str] | None = None,
    key: bytes | str | None = None,
    scope: str | None = None,
    threshold: float | None = None,
    default_packs: bool = True,
    default_action: str | None = None,
    policy: str | os.PathLike[str] | None = None,
    tenant: str | None = None,
) -> DataFrame:
    """`df` with the string `columns` redacted on the executors (`DataFrame.mapInArrow`).

    Other columns, the column order, types and nulls are kept. With `findings_column`, a
    column of that name is appended holding each row's findings (`findings_schema()`): which
    column, rule, type, category and code-point offsets into the original value; never the
    value. The scanner is built once per Python worker process. Raises `ValueError` for a
    missing or non-string column and `ScrublineError` (on the driver, eagerly) for invalid
    options.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    names = columns_list(columns)
    schema = df.schema
    for name in names:
        if name not in schema.names:
            raise ValueError(f"no column {name!r} in the DataFrame")
        if not isinstance(schema[name].dataType, StringType):
            raise ValueError(f"column {name!r} is {schema[name].dataType.simpleString()}, not a string")
    if findings_column is not None and findings_column in schema.names:
        raise ValueError(f"column {findings_column!r} already exists")
    options = scanner_options(
        packs, rules, disable, actions, key, scope, threshold, default_packs, default_action, policy, tenant
    )
    # Fail on the driver, before a job starts, when the options are wrong.
    cached_scanner(options)
    out_schema = schema
    if findings_column is not None:
        out_schema = StructType([*schema.fields, StructField(findings_column, findings_schema(), False)])

    def redact_batches(batches: Iterator[Any]) -> Iterator[Any]:
        s = cached_scanner(options)
        for batch in batches:
            yield redact_table(s, batch, names, findings_column)

    return df.mapInArrow(redact_batches, out_schema)


def redact_udf(
    *,
    packs: Sequence[str | os.PathLike[str]] | None = None,
    rules: Sequence[str] | None = None,
    disable: Sequence[str] | None = None,
    actions: Mapping[str, str] | None = None,
    key: bytes | str | None = None,
    scope: str | None = None,
    threshold: float | None = None,
    default_packs: bool = True,
    default_action: str | None = None,
    policy: str | os.PathLike[str] | None = None,
    tenant: str | None = None,
) -> Any:
    """A `pandas_udf` (string -> string) redacting one column, for column expressions:
    `df.select(redact_udf()("text").alias("text"))`. Same scanner cache and options as
    `redact_columns`; nulls stay null."""
    from pyspark.sql.pandas.functions import pandas_udf

    pd = optional_module("pandas")

    options = scanner_options(
        packs, rules, disable, actions, key, scope, threshold, default_packs, default_action, policy, tenant
    )
    cached_scanner(options)

    def redact_series(texts: Any) -> Any:
        pa = optional_module("pyarrow")
        s = cached_scanner(options)
        out = s.redact_arrow(pa.Array.from_pandas(texts, type=pa.string()))
        result = out.to_pandas()
        result.index = texts.index
        return result

    # Spark infers the UDF kind from the annotations, which must be real types (pandas.Series).
    redact_series.__annotations__ = {"texts": pd.Series, "return": pd.Series}
    udf: Any = pandas_udf(redact_series, "string")  # type: ignore[call-overload]
    return udf
