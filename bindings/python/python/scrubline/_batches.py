"""Arrow record batches and tables redacted column by column; shared by `scrubline.spark` and
`scrubline.ray`. Needs `pyarrow` (and `numpy`, which the engines that hand out Arrow batches
bring along)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from ._scrubline import Scanner


def optional_module(name: str) -> Any:
    """An optional dependency (pyarrow, pandas: installed with Spark or Ray, untyped here)."""
    return importlib.import_module(name)


class ScannerOptions(TypedDict, total=False):
    """The keyword arguments of `Scanner`, as the helpers take and ship them to workers."""

    packs: Sequence[str | os.PathLike[str]] | None
    rules: Sequence[str] | None
    disable: Sequence[str] | None
    actions: Mapping[str, str] | None
    key: bytes | str | None
    scope: str | None
    threshold: float | None
    default_packs: bool
    default_action: str | None
    policy: str | os.PathLike[str] | None
    tenant: str | None


def scanner_options(
    packs: Sequence[str | os.PathLike[str]] | None,
    rules: Sequence[str] | None,
    disable: Sequence[str] | None,
    actions: Mapping[str, str] | None,
    key: bytes | str | None,
    scope: str | None,
    threshold: float | None,
    default_packs: bool,
    default_action: str | None,
    policy: str | os.PathLike[str] | None,
    tenant: str | None,
) -> ScannerOptions:
    """`Scanner`'s keyword arguments, copied into plain lists and dicts to ship to workers."""
    return ScannerOptions(
        packs=list(packs) if packs is not None else None,
        rules=list(rules) if rules is not None else None,
        disable=list(disable) if disable is not None else None,
        actions=dict(actions) if actions is not None else None,
        key=key,
        scope=scope,
        threshold=threshold,
        default_packs=default_packs,
        default_action=default_action,
        policy=policy,
        tenant=tenant,
    )


# One scanner per distinct options per process (a Spark Python worker, a Ray actor): building
# one compiles every rule, far too slow to repeat per batch. Workers are reused across tasks,
# so the cache lives as long as the process.
_CACHE_SIZE = 8
_scanners: dict[object, Scanner] = {}


def _freeze(value: object) -> object:
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(_freeze(v) for v in value))
    if isinstance(value, os.PathLike):
        return ("path", os.fspath(value))
    return value


def cached_scanner(options: ScannerOptions) -> Scanner:
    """The scanner for `options`, built once per process."""
    key = _freeze(dict(options))
    scanner = _scanners.get(key)
    if scanner is None:
        scanner = Scanner(**options)
        if len(_scanners) >= _CACHE_SIZE:
            _scanners.pop(next(iter(_scanners)))
        _scanners[key] = scanner
    return scanner


def columns_list(columns: str | Sequence[str]) -> list[str]:
    """`columns` as a non-empty list of names."""
    names = [columns] if isinstance(columns, str) else list(columns)
    if not names:
        raise ValueError("no column to redact")
    return names


FINDING_FIELDS = ("column", "rule", "type", "category", "start", "end")


def findings_type(pa: Any, large: bool = False) -> Any:
    """The Arrow type of a findings column: a list per row of
    `struct<column, rule, type, category: string, start, end: int64>`; `large` makes the
    strings `large_string` (the list stays a plain list: Spark reads no `large_list`)."""
    s = pa.large_string() if large else pa.string()
    item = pa.struct(
        [
            pa.field("column", s, nullable=False),
            pa.field("rule", s, nullable=False),
            pa.field("type", s, nullable=False),
            pa.field("category", s, nullable=False),
            pa.field("start", pa.int64(), nullable=False),
            pa.field("end", pa.int64(), nullable=False),
        ]
    )
    return pa.list_(item)


def _per_row(pa: Any, flat: list[tuple[str, Any]], rows: int, large: bool) -> Any:
    """Flat `scan_arrow` findings of each column (row, rule, type, category, start, end)
    grouped into one list per row, in column order then offset order."""
    import numpy as np
    pc = optional_module("pyarrow.compute")

    parts = []
    for name, f in flat:
        n = len(f)
        parts.append(
            pa.table(
                {
                    "row": f.field("row"),
                    "column": pa.repeat(pa.scalar(name, pa.string()), n),
                    "rule": f.field("rule"),
                    "type": f.field("type"),
                    "category": f.field("category"),
                    "start": f.field("start"),
                    "end": f.field("end"),
                }
            )
        )
    table = pa.concat_tables(parts) if parts else None
    if table is not None and len(flat) > 1:
        # Stable: rows of one column keep their offset order, columns their given order.
        table = table.take(pc.sort_indices(table, sort_keys=[("row", "ascending")]))
    ty = findings_type(pa, large)
    if table is None or table.num_rows == 0:
        offsets = np.zeros(rows + 1, dtype=np.int32)
        values = pa.array([], ty.value_type)
    else:
        row_ids = table.column("row").to_numpy()
        offsets = np.zeros(rows + 1, dtype=np.int32)
        np.cumsum(np.bincount(row_ids, minlength=rows), out=offsets[1:])
        columns = [table.column(name).combine_chunks() for name in FINDING_FIELDS]
        values = pa.StructArray.from_arrays(columns, names=list(FINDING_FIELDS)).cast(ty.value_type)
    return pa.ListArray.from_arrays(pa.array(offsets), values, type=ty)


def redact_table(
    scanner: Scanner,
    batch: Any,
    columns: Sequence[str],
    findings_column: str | None = None,
) -> Any:
    """A `pyarrow.RecordBatch` or `pyarrow.Table` with `columns` redacted (types, nulls and
    the other columns kept) and, if `findings_column` is given, a findings column appended
    (see `findings_type`; offsets in code points of that row's value in that column)."""
    pa = optional_module("pyarrow")

    names = list(batch.schema.names)
    arrays = [batch.column(i) for i in range(batch.num_columns)]
    flat: list[tuple[str, Any]] = []
    large = False
    for name in columns:
        i = names.index(name) if name in names else -1
        if i < 0:
            raise KeyError(f"no column {name!r} in the batch")
        col = arrays[i]
        if findings_column is None:
            arrays[i] = scanner.redact_arrow(col)
        else:
            arrays[i], found = scanner.redact_arrow_with_findings(col)
            flat.append((name, found))
            large = large or col.type == pa.large_string()
    schema = batch.schema
    if findings_column is not None:
        findings = _per_row(pa, flat, batch.num_rows, large)
        arrays.append(findings)
        names.append(findings_column)
        schema = schema.append(pa.field(findings_column, findings.type, nullable=False))
    if isinstance(batch, pa.RecordBatch):
        return pa.RecordBatch.from_arrays(arrays, schema=schema)
    return pa.Table.from_arrays(arrays, schema=schema)
