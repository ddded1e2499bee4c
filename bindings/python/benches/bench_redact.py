"""Timings of the Python binding. Not a test: prints numbers (and checks its own answers).

Run (after scripts/test-python.sh, or any install of the package):
    bindings/python/.venv/bin/python bindings/python/benches/bench_redact.py

- median per-call `scrubline.redact` and `Scanner.redact` on a 2 KB prompt with a few planted
  values, and on a clean 2 KB prompt (timeit, many repeats);
- `redact_batch` over 10,000 documents against a Python loop of `redact` (the ratio).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import timeit
from collections.abc import Callable

import scrubline

FILLER = (
    "Please summarise the meeting notes below and list the action items for the team. "
    "We discussed the roadmap for version 2.4.1, the migration planned for 2024-06-30T09:00:00Z, "
    "order 100234-77, build 7f3a9c2e, and the latency budget of 250 ms per request. "
)
PLANTED = (
    " Contact jane.doe@example.org or +1 415-555-0132; card 4111 1111 1111 1111; "
    "ssn 078-05-1120; deploy key AKIAQ3EGRDVHXPAE7N2M. "
)


def prompt(size: int, planted: bool) -> str:
    text = ""
    while len(text) < size:
        text += FILLER
    text = text[:size]
    if planted:
        half = size // 2
        text = text[: half - len(PLANTED) // 2] + PLANTED + text[half + len(PLANTED) // 2 :]
        text = text[:size]
    return text


def median_us(
    fn: Callable[[str], object], arg: str, number: int, repeat: int, timer: Callable[[], float] = time.perf_counter
) -> float:
    runs = timeit.repeat(lambda: fn(arg), number=number, repeat=repeat, timer=timer)
    return statistics.median(runs) / number * 1e6


def main() -> None:
    planted = prompt(2048, planted=True)
    clean = prompt(2048, planted=False)
    scanner = scrubline.Scanner()
    # Check the answers before timing them.
    out = scrubline.redact(planted)
    assert "078-05-1120" not in out and "jane.doe@example.org" not in out and "AKIA" not in out, out
    assert scrubline.redact(clean) is clean, scrubline.scan(clean)
    assert scanner.redact(planted) == out
    n_found = len(scrubline.scan(planted))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, scrubline {scrubline.__version__}, {os.cpu_count()} cpus, load {load:.2f}")
    print(f"prompt: {len(planted.encode())} bytes, {n_found} planted values found")
    for name, fn in (("scrubline.redact", scrubline.redact), ("Scanner.redact", scanner.redact)):
        for label, text in (("2 KB with values", planted), ("2 KB clean", clean)):
            us = median_us(fn, text, number=2000, repeat=15)
            # CPU time too: on a loaded machine wall time also counts time spent descheduled.
            cpu = median_us(fn, text, number=2000, repeat=15, timer=time.process_time)
            print(f"{name:18} {label:18} median {us:7.2f} us/call (cpu time {cpu:7.2f} us)")
    us = median_us(scanner.scan, planted, number=2000, repeat=15)
    print(f"{'Scanner.scan':18} {'2 KB with values':18} median {us:7.2f} us/call")

    docs = [prompt(1024 + (i % 7) * 256, planted=(i % 4 == 0)) for i in range(10_000)]
    mb = sum(len(d.encode()) for d in docs) / 1e6
    loop_s = min(timeit.repeat(lambda: [scanner.redact(d) for d in docs], number=1, repeat=3))
    batch_s = min(timeit.repeat(lambda: scanner.redact_batch(docs), number=1, repeat=3))
    assert scanner.redact_batch(docs) == [scanner.redact(d) for d in docs]
    print(f"10,000 documents ({mb:.1f} MB):")
    print(f"  loop of redact  {loop_s * 1e3:8.1f} ms  ({mb / loop_s:6.1f} MB/s)")
    print(f"  redact_batch    {batch_s * 1e3:8.1f} ms  ({mb / batch_s:6.1f} MB/s)")
    print(f"  batch / loop speed-up: {loop_s / batch_s:.2f}x")
    t0 = time.perf_counter()
    scanner.scan_batch(docs)
    print(f"  scan_batch      {(time.perf_counter() - t0) * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
