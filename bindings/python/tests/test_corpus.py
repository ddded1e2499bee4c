"""The shared case corpus (testdata/cases*.toml), run exactly as the Rust and Node suites run
it. Offsets in the corpus are code points, i.e. Python string indices."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import scrubline

TESTDATA = Path(__file__).resolve().parents[3] / "testdata"


def load() -> list[Any]:
    cases = []
    for path in sorted(TESTDATA.glob("cases*.toml")):
        with path.open("rb") as f:
            for case in tomllib.load(f).get("case", []):
                cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


CASES = load()


def test_corpus_is_there() -> None:
    assert len(CASES) >= 40
    names = [c.values[0]["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names are unique"


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    text: str = case["text"]
    found = scrubline.scan(text)
    expect = case.get("expect", [])
    with_type = any("type" in e for e in expect)
    got = [(f.rule, f.type if with_type else None, f.start, f.end) for f in found]
    want = [(e["rule"], e.get("type"), e["start"], e["end"]) for e in expect]
    assert got == want, [text[f.start : f.end] for f in found]
    if "redacted" in case:
        out = scrubline.redact(text)
        assert out == case["redacted"]
        if not expect:
            assert out is text
