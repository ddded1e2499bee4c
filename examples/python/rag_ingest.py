"""Ingest a folder of documents for retrieval, redacting every chunk with `redact_batch`.

Run: python examples/python/rag_ingest.py [FOLDER]
Without FOLDER it writes a few sample documents to a temporary folder first. The "index" is an
in-memory list: nothing leaves the machine. `redact_batch` spreads the chunks over all cores
with the GIL released.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import scrubline

CHUNK_CHARS = 1_000

SAMPLES = {
    "support-ticket-1.txt": (
        "Customer jane.doe@example.org reports card 5500 0000 0000 0004 declined.\n"
        "Callback number +44 20 7946 0958. Order 100234 shipped 2024-03-01.\n"
    ),
    "runbook.md": (
        "# Deploy\nexport AWS_ACCESS_KEY_ID=AKIAQ3EGRDVHXPAE7N2M\n"
        "Connect from 10.20.30.40; version 2.4.1 is live.\n"
    ),
    "hr-note.txt": "Payroll: IBAN DE89 3704 0044 0532 0130 00, SSN 078-05-1120.\n",
    "clean.txt": "Release notes: build 7f3a9c2 fixed the cache; uuid 123e4567-e89b-12d3-a456-426614174000.\n",
}


@dataclass
class Entry:
    """One indexed chunk: where it came from, its redacted text, what was redacted."""

    source: str
    chunk: int
    text: str
    redactions: Counter[str]


def chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]


def ingest(folder: Path, scanner: scrubline.Scanner) -> list[Entry]:
    sources: list[tuple[str, int]] = []
    texts: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        content = path.read_text(encoding="utf-8", errors="replace")
        for i, chunk in enumerate(chunks(content)):
            sources.append((str(path.relative_to(folder)), i))
            texts.append(chunk)
    t0 = time.perf_counter()
    redacted = scanner.redact_batch(texts)
    findings = scanner.scan_batch(texts)
    elapsed = time.perf_counter() - t0
    index = [
        Entry(src, i, out, Counter(f.type for f in found))
        for (src, i), out, found in zip(sources, redacted, findings)
    ]
    total = sum(len(t) for t in texts)
    print(f"ingested {len(texts)} chunks ({total} chars) in {elapsed * 1e3:.1f} ms")
    return index


def main() -> None:
    scanner = scrubline.Scanner()
    if len(sys.argv) > 1:
        index = ingest(Path(sys.argv[1]), scanner)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in SAMPLES.items():
                (Path(tmp) / name).write_text(text, encoding="utf-8")
            index = ingest(Path(tmp), scanner)
    for entry in index:
        print(f"{entry.source}#{entry.chunk}: {dict(entry.redactions) or 'clean'}")
        print("   ", entry.text.strip().replace("\n", "\n    "))


if __name__ == "__main__":
    main()
