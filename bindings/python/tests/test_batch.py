"""Batches: same results as a loop, order kept, GIL released while the cores work."""

from __future__ import annotations

import threading
import time

from conftest import NUMBER, PASSWORD, TOKEN

import scrubline


def corpus(n: int) -> list[str]:
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(f"doc {i}: nothing to see, version 1.{i}.0")
        elif i % 3 == 1:
            out.append(f"doc {i} ✓ é ssn {NUMBER} and {TOKEN}")
        else:
            out.append(f"日本 {i} secret={PASSWORD} 😀")
    return out


def test_redact_batch_equals_a_loop(scanner: scrubline.Scanner) -> None:
    texts = corpus(300)
    assert scanner.redact_batch(texts) == [scanner.redact(t) for t in texts]


def test_scan_batch_equals_a_loop(scanner: scrubline.Scanner) -> None:
    texts = corpus(300)
    assert scanner.scan_batch(texts) == [scanner.scan(t) for t in texts]


def test_batch_keeps_clean_texts_as_the_same_objects(scanner: scrubline.Scanner) -> None:
    # A small batch and a large one (more texts than a rayon split of a few).
    for n in (30, 1001):
        texts = corpus(n)
        outs = scanner.redact_batch(texts)
        assert len(outs) == n
        for t, o in zip(texts, outs):
            assert (o is t) == (scanner.scan(t) == [])
            assert o == scanner.redact(t)


def test_empty_batches(scanner: scrubline.Scanner) -> None:
    assert scanner.redact_batch([]) == []
    assert scanner.scan_batch([]) == []
    assert scanner.scan_batch([""]) == [[]]


def test_batches_accept_any_sequence(scanner: scrubline.Scanner) -> None:
    texts = tuple(corpus(5))
    assert scanner.redact_batch(texts) == [scanner.redact(t) for t in texts]


def test_batch_releases_the_gil(scanner: scrubline.Scanner) -> None:
    # One large document repeated: the batch scans megabytes while holding few Python objects.
    doc = ("log line é with nothing secret, id 42, at 12:00:01 — " * 2000) + NUMBER
    texts = [doc] * 8
    t0 = time.perf_counter()
    scanner.scan_batch(texts)
    per_round = time.perf_counter() - t0
    # Aim for a batch of about 0.4 s, whatever the machine's speed.
    texts = [doc] * max(8, int(8 * 0.4 / max(per_round, 1e-6)))

    window: list[float] = []
    results: list[list[list[scrubline.Finding]]] = []

    def work() -> None:
        window.append(time.perf_counter())
        results.append(scanner.scan_batch(texts))
        window.append(time.perf_counter())

    worker = threading.Thread(target=work)
    ticks: list[float] = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
    worker.join()
    start, end = window
    inside = [t for t in ticks if start <= t <= end]
    # Were the GIL held for the whole batch, this thread could not run at all in between.
    assert len(inside) > 1000, (len(inside), end - start)
    gaps = [b - a for a, b in zip([start, *inside], [*inside, end])]
    assert max(gaps) < (end - start) / 2, (max(gaps), end - start)
    assert len(results[0]) == len(texts) and all(len(f) == 1 for f in results[0])
