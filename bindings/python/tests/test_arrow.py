"""Arrow batches: `redact_arrow`, `scan_arrow`, `redact_arrow_with_findings` and the
record-batch helper shared by the Spark and Ray integrations."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import NUMBER, PASSWORD, TOKEN

import scrubline

pa: Any = pytest.importorskip("pyarrow")

FIELDS = [
    ("row", "int64"),
    ("rule", "string"),
    ("type", "string"),
    ("category", "string"),
    ("start", "int64"),
    ("end", "int64"),
]


def texts() -> list[str | None]:
    return [
        f"token {TOKEN} here",
        None,
        "nothing to see",
        f"é日👩‍👧 ssn {NUMBER} and secret={PASSWORD} ✓",
        "",
        None,
        f"{TOKEN}",
    ]


def expected(scanner: scrubline.Scanner, rows: list[str | None]) -> list[str | None]:
    return [None if t is None else scanner.redact(t) for t in rows]


def flat_findings(scanner: scrubline.Scanner, rows: list[str | None]) -> list[dict[str, Any]]:
    out = []
    for i, t in enumerate(rows):
        for f in scanner.scan(t) if t is not None else []:
            out.append(
                {"row": i, "rule": f.rule, "type": f.type, "category": f.category, "start": f.start, "end": f.end}
            )
    return out


def test_redact_arrow_equals_redact_and_keeps_nulls(scanner: scrubline.Scanner) -> None:
    rows = texts()
    arr = pa.array(rows, pa.string())
    out = scanner.redact_arrow(arr)
    assert out.type == pa.string()
    assert out.to_pylist() == expected(scanner, rows)
    assert out.null_count == arr.null_count == 2
    assert [v is None for v in out.to_pylist()] == [t is None for t in rows]


def test_large_string_stays_large_string(scanner: scrubline.Scanner) -> None:
    rows = texts()
    arr = pa.array(rows, pa.large_string())
    out = scanner.redact_arrow(arr)
    assert out.type == pa.large_string()
    assert out.to_pylist() == expected(scanner, rows)
    found = scanner.scan_arrow(arr)
    assert found.to_pylist() == flat_findings(scanner, rows)


def test_unchanged_array_is_returned_as_is(scanner: scrubline.Scanner) -> None:
    arr = pa.array(["nothing", None, "still nothing"])
    assert scanner.redact_arrow(arr) is arr


def test_chunked_arrays(scanner: scrubline.Scanner) -> None:
    rows = texts()
    clean = pa.array(["clean", None])
    chunked = pa.chunked_array([pa.array(rows[:3]), pa.array([], pa.string()), clean, pa.array(rows[3:])])
    out = scanner.redact_arrow(chunked)
    assert isinstance(out, pa.ChunkedArray)
    assert out.type == pa.string()
    assert [len(c) for c in out.chunks] == [3, 0, 2, len(rows) - 3]
    # A chunk with nothing to change is the input chunk itself (same buffers, no copy).
    assert out.chunk(2).buffers()[2].address == clean.buffers()[2].address
    all_rows = rows[:3] + ["clean", None] + rows[3:]
    assert out.to_pylist() == expected(scanner, all_rows)
    # Finding rows index the whole chunked array.
    assert scanner.scan_arrow(chunked).to_pylist() == flat_findings(scanner, all_rows)
    large = chunked.cast(pa.large_string())
    out_large = scanner.redact_arrow(large)
    assert out_large.type == pa.large_string()
    assert out_large.to_pylist() == out.to_pylist()


def test_empty_inputs(scanner: scrubline.Scanner) -> None:
    empty = pa.array([], pa.string())
    assert len(scanner.redact_arrow(empty)) == 0
    found = scanner.scan_arrow(empty)
    assert len(found) == 0
    assert [(f.name, str(f.type)) for f in found.type] == FIELDS
    no_chunks = pa.chunked_array([], pa.large_string())
    out = scanner.redact_arrow(no_chunks)
    assert isinstance(out, pa.ChunkedArray) and out.num_chunks == 0 and out.type == pa.large_string()
    assert len(scanner.scan_arrow(no_chunks)) == 0
    all_null = pa.array([None, None], pa.string())
    assert scanner.redact_arrow(all_null).to_pylist() == [None, None]


def test_offsets_are_code_points(scanner: scrubline.Scanner) -> None:
    text = f"é日👩‍👧 ssn {NUMBER} and secret={PASSWORD} ✓"
    found = scanner.scan_arrow(pa.array([text])).to_pylist()
    assert [(f["start"], f["end"]) for f in found] == [(f.start, f.end) for f in scanner.scan(text)]
    assert [text[f["start"] : f["end"]] for f in found] == [NUMBER, PASSWORD]


def test_findings_struct(scanner: scrubline.Scanner) -> None:
    rows = texts()
    found = scanner.scan_arrow(pa.array(rows))
    assert isinstance(found, pa.StructArray)
    assert [(f.name, str(f.type)) for f in found.type] == FIELDS
    assert found.null_count == 0
    assert found.to_pylist() == flat_findings(scanner, rows)
    assert {f["rule"] for f in found.to_pylist()} == {"demo-token", "demo-number", "demo-assign"}


def test_redact_with_findings_is_one_pass_of_both(scanner: scrubline.Scanner) -> None:
    rows = texts()
    arr = pa.array(rows, pa.large_string())
    out, found = scanner.redact_arrow_with_findings(arr)
    assert out.type == pa.large_string()
    assert out.to_pylist() == expected(scanner, rows)
    assert found.to_pylist() == flat_findings(scanner, rows)


def test_sliced_arrays_read_from_their_offset(scanner: scrubline.Scanner) -> None:
    rows = texts()
    arr = pa.array(rows).slice(3, 3)
    assert scanner.redact_arrow(arr).to_pylist() == expected(scanner, rows[3:6])
    assert scanner.scan_arrow(arr).to_pylist() == flat_findings(scanner, rows[3:6])


def test_default_packs_on_a_generated_batch() -> None:
    from scale_data import documents

    s = scrubline.Scanner()
    _, rows, planted = documents(5000)
    out = s.redact_arrow(pa.array(rows)).to_pylist()
    assert out == [None if t is None else r for t, r in zip(rows, s.redact_batch([t or "" for t in rows]))]
    for o, v in zip(out, planted):
        assert v is None or (o is not None and v not in o)
    found = s.scan_arrow(pa.array(rows))
    batch = s.scan_batch([t or "" for t in rows])
    assert found.to_pylist() == [
        {"row": i, "rule": f.rule, "type": f.type, "category": f.category, "start": f.start, "end": f.end}
        for i, fs in enumerate(batch)
        for f in fs
    ]


@pytest.mark.parametrize(
    "bad",
    [
        lambda: pa.array([1, 2, 3]),
        lambda: pa.array([b"x"], pa.binary()),
        lambda: pa.array(["x"], pa.string()).dictionary_encode(),
        lambda: pa.array(["x"], pa.string_view()),
        lambda: ["a python list"],
        lambda: "a str",
    ],
)
def test_non_string_input_is_a_type_error(scanner: scrubline.Scanner, bad: Any) -> None:
    with pytest.raises(TypeError, match="string"):
        scanner.redact_arrow(bad())
    with pytest.raises(TypeError, match="string"):
        scanner.scan_arrow(bad())


def test_invalid_utf8_is_refused_without_the_data(scanner: scrubline.Scanner) -> None:
    secret = b"AKIAQ3EGRDVHXPAE7N2M"
    arr = pa.array([secret + b"\xff\xfe"], pa.binary()).view(pa.string())
    with pytest.raises(ValueError) as e:
        scanner.redact_arrow(arr)
    assert "AKIA" not in str(e.value)


def test_record_batches_and_tables_with_findings(scanner: scrubline.Scanner) -> None:
    from scrubline._batches import redact_table

    rows = texts()
    other = [f"t {TOKEN}" if i % 2 else None for i in range(len(rows))]
    batch = pa.record_batch({"id": list(range(len(rows))), "text": rows, "title": other})
    out = redact_table(scanner, batch, ["text", "title"], "findings")
    assert isinstance(out, pa.RecordBatch)
    assert out.schema.names == ["id", "text", "title", "findings"]
    assert out.column(0).to_pylist() == list(range(len(rows)))
    assert out.column(1).to_pylist() == expected(scanner, rows)
    assert out.column(2).to_pylist() == expected(scanner, other)
    per_row = out.column(3).to_pylist()
    for i, fs in enumerate(per_row):
        want = []
        for col, values in (("text", rows), ("title", other)):
            t = values[i]
            for f in scanner.scan(t) if t is not None else []:
                want.append(
                    {
                        "column": col,
                        "rule": f.rule,
                        "type": f.type,
                        "category": f.category,
                        "start": f.start,
                        "end": f.end,
                    }
                )
        assert fs == want
    table = pa.Table.from_batches([batch, batch]).cast(
        pa.schema([("id", pa.int64()), ("text", pa.large_string()), ("title", pa.large_string())])
    )
    out_t = redact_table(scanner, table, ["text"], "findings")
    assert isinstance(out_t, pa.Table)
    assert out_t.schema.field("text").type == pa.large_string()
    assert out_t.column("text").to_pylist() == expected(scanner, rows) * 2
    assert out_t.column("findings").to_pylist() == [[{**f, "column": "text"} for f in _row(scanner, t)] for t in rows * 2]
    plain = redact_table(scanner, batch, ["text"])
    assert plain.schema.names == ["id", "text", "title"]


def _row(scanner: scrubline.Scanner, t: str | None) -> list[dict[str, Any]]:
    return [
        {"rule": f.rule, "type": f.type, "category": f.category, "start": f.start, "end": f.end}
        for f in (scanner.scan(t) if t is not None else [])
    ]


def test_arrow_batches_release_the_gil(scanner: scrubline.Scanner) -> None:
    import threading
    import time

    doc = ("log line é with nothing secret, id 42, at 12:00:01 — " * 2000) + NUMBER
    arr = pa.array([doc] * 8)
    t0 = time.perf_counter()
    scanner.redact_arrow(arr)
    per_round = time.perf_counter() - t0
    # Aim for a call of about 0.4 s, whatever the machine's speed.
    arr = pa.array([doc] * max(8, int(8 * 0.4 / max(per_round, 1e-6))))

    window: list[float] = []
    results: list[Any] = []

    def work() -> None:
        window.append(time.perf_counter())
        results.append(scanner.redact_arrow(arr))
        window.append(time.perf_counter())

    worker = threading.Thread(target=work)
    ticks: list[float] = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
    worker.join()
    start, end = window
    inside = [t for t in ticks if start <= t <= end]
    # Were the GIL held for the whole call, this thread could not run at all in between.
    assert len(inside) > 1000, (len(inside), end - start)
    assert results[0].to_pylist() == [scanner.redact(doc)] * len(arr)
