"""Hostile and broken input through the Python binding: lone surrogates and NUL characters,
JSON nested 10,000 deep, unsupported regex syntax in a user pack, errors that never echo input,
and offsets (code points) that map back to the same characters on random mixed text.
See SECURITY.md, "Hostile input"."""

from __future__ import annotations

import json
import random

import pytest

import scrubline

EMAIL = "maria.gonzalez@globex.io"
SSN = "536-22-8417"


@pytest.fixture(scope="module")
def default() -> scrubline.Scanner:
    return scrubline.Scanner()


def test_nul_characters_are_ordinary_separators(default: scrubline.Scanner) -> None:
    text = f"\0{EMAIL}\0\0{SSN}\0"
    assert default.redact(text) == "\0[EMAIL]\0\0[US_SSN]\0"
    for f in default.scan(text):
        assert "\0" not in text[f.start : f.end]


def test_lone_surrogates_are_replaced_and_the_rest_redacted(default: scrubline.Scanner) -> None:
    # A str that is not valid UTF-8 (lone surrogates, e.g. from surrogateescape decoding) is
    # encoded lossily (U+FFFD): the values around it are still found.
    text = f"\ud800{EMAIL}\udcff {SSN}\udfff"
    assert default.redact(text) == "\ufffd[EMAIL]\ufffd [US_SSN]\ufffd"


def nested(depth: int, open_: str, close: str, leaf: str) -> str:
    return open_ * depth + leaf + close * depth


@pytest.mark.parametrize("open_,close", [("[", "]"), ('{"a":', "}")])
def test_json_nested_10000_deep_as_text(default: scrubline.Scanner, open_: str, close: str) -> None:
    doc = nested(10_000, open_, close, json.dumps(EMAIL))
    out = default.redact_json(doc)
    assert out == nested(10_000, open_, close, '"[EMAIL]"')
    lines = default.redact_json_lines(doc + "\n" + doc + "\n")
    assert lines == out + "\n" + out + "\n"


def test_json_nested_10000_deep_as_objects_is_a_python_error(default: scrubline.Scanner) -> None:
    # A dict or list is serialized with Python's json module first, which refuses this depth
    # with RecursionError (an ordinary exception; nothing crashes).
    doc: object = EMAIL
    for _ in range(10_000):
        doc = [doc]
    with pytest.raises(RecursionError):
        default.redact_json(doc)
    # A depth Python's json handles comes back redacted, as the same kind.
    doc = EMAIL
    for _ in range(200):
        doc = {"a": doc}
    out = default.redact_json(doc)
    for _ in range(200):
        out = out["a"]
    assert out == "[EMAIL]"


def user_pack(regex: str) -> str:
    return f"""[pack]
id = "hostile"
version = "1.0.0"

[[rules]]
id = "hostile-rule"
name = "Hostile"
type = "HOSTILE"
category = "custom"
sensitivity = "low"
confidence = 0.9
keywords = ["aaa"]
regex = '''{regex}'''
provenance = "test"
examples = ["aaab"]
negative_examples = ["zzz"]
"""


@pytest.mark.parametrize(
    "regex,words",
    [("a(?=b)", "look-around"), ("(?<!a)b", "look-around"), (r"(a)\1", "backreference")],
)
def test_unsupported_regex_syntax_is_a_pattern_error(regex: str, words: str) -> None:
    with pytest.raises(scrubline.PatternError) as e:
        scrubline.Scanner(default_packs=False, packs=[user_pack(regex)])
    assert words in str(e.value)
    assert e.value.rule == "hostile-rule"
    assert e.value.line is not None


def test_pathological_regex_stays_linear() -> None:
    import time

    s = scrubline.Scanner(default_packs=False, packs=[user_pack("(a|aa)+b")])
    times = []
    for n, reps in ((1_000_000, 3), (10_000_000, 2)):
        text = "a" * n
        best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            s.redact(text)
            best = min(best, time.perf_counter() - t)
        times.append(best)
    # Linear is 10; cache effects allowed up to 3x that; quadratic would be 100.
    assert times[1] / max(times[0], 1e-9) < 30, times


def test_errors_never_echo_input() -> None:
    # Values in packs, policies and vault blobs are never quoted (names of enum-like settings,
    # such as an unknown action, are: they are identifiers).
    cases = [
        lambda: scrubline.Scanner(default_packs=False, packs=[f'[pack]\nid = "p"\nversion = "{EMAIL}"\n']),
        lambda: scrubline.Scanner(policy=f'id = "p"\nversion = "1"\nthreshold = "{SSN}"\n'),
        lambda: scrubline.Vault.load(f"{EMAIL} {SSN}".encode(), b"k" * 32),
        lambda: scrubline.Vault.load(b"SLVT\x01" + b"\0" * 60, EMAIL.encode()),
    ]
    for make in cases:
        with pytest.raises(scrubline.ScrublineError) as e:
            make()
        shown = f"{e.value} {e.value!r} {e.value.args}"
        assert EMAIL not in shown and SSN not in shown, shown


PIECES = ["a", " ", "é", "e\u0301", "中文", "😀", "👩‍👩‍👧", "🇫🇷", "\U0010ffff", "\0", "\n", "١٢٣", "ß"]
VALUES = [EMAIL, SSN, "4526 0181 5908 3012", "AKIAQ3EGRDVHXPAE7N2M"]


def test_offsets_are_code_points_on_random_mixes(default: scrubline.Scanner) -> None:
    rng = random.Random(8)
    for _ in range(300):
        parts: list[str] = []
        planted: list[str] = []
        for _ in range(rng.randrange(1, 12)):
            if rng.random() < 0.3:
                v = rng.choice(VALUES)
                planted.append(v)
                parts.extend([" ", v, " "])
            else:
                parts.append(rng.choice(PIECES))
        text = "".join(parts)
        found = default.scan(text)
        assert [text[f.start : f.end] for f in found] == planted, text
        red, with_f = default.redact_with_findings(text)
        assert with_f == found
        assert all(v not in red for v in planted)
