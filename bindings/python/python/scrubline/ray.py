"""Ray Data helpers: redact dataset columns batch by batch in Arrow.

>>> import ray
>>> from scrubline.ray import Redactor
>>> clean = ds.map_batches(
...     Redactor,
...     fn_constructor_kwargs={"columns": ["text"], "findings_column": "findings"},
...     batch_format="pyarrow",
...     concurrency=4,
... )

`Redactor` is a callable class for `Dataset.map_batches(..., batch_format="pyarrow")`: each
actor builds its scanner once (cached by options in the process) and redacts every
`pyarrow.Table` batch it is given with `Scanner.redact_arrow` (zero-copy, all the actor's
cores, GIL released). Other columns, types and nulls are kept. `redact_dataset` wraps the
call above. Scanner options are those of `scrubline.Scanner`.

Needs `ray[data]`; `scrubline` must be installed on the workers (see docs/scale-out.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._batches import cached_scanner, columns_list, redact_table, scanner_options

if TYPE_CHECKING:
    from ray.data import Dataset

__all__ = ["Redactor", "redact_dataset"]


class Redactor:
    """Redacts `columns` of each `pyarrow.Table` batch; see the module's documentation.

    With `findings_column`, each batch gets that column appended: per row, a list of
    `struct<column, rule, type, category: string, start, end: int64>` (code-point offsets into
    the original value; never the value). Invalid options raise `ScrublineError` when the
    class is constructed.
    """

    def __init__(
        self,
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
    ) -> None:
        self.columns = columns_list(columns)
        self.findings_column = findings_column
        self.options = scanner_options(
            packs, rules, disable, actions, key, scope, threshold, default_packs, default_action, policy, tenant
        )
        self.scanner = cached_scanner(self.options)

    def __call__(self, batch: Any) -> Any:
        """The batch (a `pyarrow.Table` or `RecordBatch`) with the columns redacted."""
        return redact_table(self.scanner, batch, self.columns, self.findings_column)


def redact_dataset(
    ds: Dataset,
    columns: str | Sequence[str],
    *,
    findings_column: str | None = None,
    actors: int = 1,
    num_cpus: float | None = None,
    batch_size: int | None = 4096,
    **options: Any,
) -> Dataset:
    """`ds.map_batches(Redactor, batch_format="pyarrow", ...)`: `columns` redacted by a pool
    of `actors` actors, each reserving `num_cpus` CPUs (Ray's default: 1; the scanner uses
    every core of its machine, so one actor per node with `num_cpus` its cores is a good
    start). Leave CPUs for the tasks that read the data: actors holding every CPU of a
    cluster starve the reads and the job never ends. `options` are `Scanner` options, checked
    here before any actor starts."""
    from ray.data import ActorPoolStrategy

    Redactor(columns, findings_column=findings_column, **options)
    extra: dict[str, Any] = {} if num_cpus is None else {"num_cpus": num_cpus}
    return ds.map_batches(
        Redactor,
        fn_constructor_args=(columns,),
        fn_constructor_kwargs={"findings_column": findings_column, **options},
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=ActorPoolStrategy(size=actors),
        **extra,
    )
