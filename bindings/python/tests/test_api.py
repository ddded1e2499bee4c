"""Scanner and module-level API: results, identity of clean output, options, offsets."""

from __future__ import annotations

import pytest
from conftest import NUMBER, PACK, PASSWORD, TOKEN

import scrubline


def test_version_is_the_crate_version() -> None:
    assert scrubline.__version__ == "0.1.0"


def test_redact_replaces_each_value_with_its_label(scanner: scrubline.Scanner) -> None:
    text = f"a {TOKEN} b secret={PASSWORD} c ssn {NUMBER}"
    assert scanner.redact(text) == "a [DEMO_TOKEN] b secret=[PASSWORD] c ssn [DEMO_NUMBER]"


def test_scan_reports_rule_type_category_sensitivity_span(scanner: scrubline.Scanner) -> None:
    text = f"a {TOKEN} b secret={PASSWORD} c ssn {NUMBER}"
    found = scanner.scan(text)
    assert [(f.rule, f.type, f.category, f.sensitivity) for f in found] == [
        ("demo-token", "DEMO_TOKEN", "secret", "high"),
        ("demo-assign", "PASSWORD", "credential", "high"),
        ("demo-number", "DEMO_NUMBER", "pii", "medium"),
    ]
    assert [text[f.start : f.end] for f in found] == [TOKEN, PASSWORD, NUMBER]
    assert found[0].confidence == 0.9
    assert found[2].confidence == pytest.approx(0.7), "a context word raises confidence"
    assert all(isinstance(f.start, int) and isinstance(f.confidence, float) for f in found)


def test_clean_text_returns_the_same_object(scanner: scrubline.Scanner) -> None:
    text = "nothing here, 12:34:56, version 1.2.3 " * 50
    out = scanner.redact(text)
    assert out is text
    assert scanner.scan(text) == []
    empty = ""
    assert scanner.redact(empty) is empty


def test_report_action_leaves_text_as_is_and_still_finds(scanner: scrubline.Scanner) -> None:
    s = scrubline.Scanner(packs=[PACK], default_packs=False, actions={"DEMO_TOKEN": "report"})
    text = f"key {TOKEN}"
    assert s.redact(text) is text
    assert [f.rule for f in s.scan(text)] == ["demo-token"]


def test_actions_target_rule_type_or_category() -> None:
    s = scrubline.Scanner(
        packs=[PACK], default_packs=False, actions={"pii": "mask:4", "demo-token": "remove", "PASSWORD": "mask"}
    )
    assert s.redact(f"x {TOKEN} y {NUMBER} secret={PASSWORD}") == "x  y *******6789 secret=*********nter"
    s = scrubline.Scanner(packs=[PACK], default_packs=False, default_action="remove")
    assert s.redact(f"<{TOKEN}>") == "<>"


def test_pseudonyms_are_keyed_scoped_and_stable() -> None:
    def make(key: bytes | str, scope: str = "") -> scrubline.Scanner:
        return scrubline.Scanner(
            packs=[PACK], default_packs=False, actions={"pii": "pseudonym"}, key=key, scope=scope
        )

    a = make(b"k").redact(NUMBER)
    assert a.startswith("<DEMO_NUMBER_") and len(a) == len("<DEMO_NUMBER_>") + 16
    assert make(b"k").redact(f"x {NUMBER} y") == f"x {a} y"
    assert make("k").redact(NUMBER) == a, "a str key is its UTF-8 bytes"
    assert make(b"other").redact(NUMBER) != a
    assert make(b"k", scope="tenant-2").redact(NUMBER) != a
    assert make(b"k").redact(a) is a, "a pseudonym is not detected again"


def test_rules_and_disable_select_rules() -> None:
    only = scrubline.Scanner(packs=[PACK], default_packs=False, rules=["DEMO_TOKEN", "pii"])
    assert sorted(only.rule_ids) == ["demo-number", "demo-token"]
    text = f"{TOKEN} secret={PASSWORD} ssn {NUMBER}"
    assert only.redact(text) == f"[DEMO_TOKEN] secret={PASSWORD} ssn [DEMO_NUMBER]"
    off = scrubline.Scanner(packs=[PACK], default_packs=False, disable=["demo-token", "credential"])
    assert off.rule_ids == ["demo-number"]


def test_threshold_drops_low_confidence_findings() -> None:
    s = scrubline.Scanner(packs=[PACK], default_packs=False, threshold=0.8)
    assert [f.rule for f in s.scan(f"{TOKEN} secret={PASSWORD} {NUMBER}")] == ["demo-token"]


def test_packs_accept_paths_and_toml_strings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "mine.toml"
    p.write_text(PACK, encoding="utf-8")
    for spec in (p, str(p)):
        s = scrubline.Scanner(packs=[spec], default_packs=False)
        assert s.packs == [("test-pack", "1.0.0", str(p))]
        assert s.redact(TOKEN) == "[DEMO_TOKEN]"
    s = scrubline.Scanner(packs=[PACK], default_packs=False)
    assert s.packs == [("test-pack", "1.0.0", "<pack 0>")]


def test_user_pack_overrides_and_extends_default_packs() -> None:
    s = scrubline.Scanner(packs=[PACK])
    assert {"demo-token", "demo-number"} <= set(s.rule_ids)
    assert len(s.rule_ids) > 3
    assert s.redact(TOKEN) == "[DEMO_TOKEN]"


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        "é",  # 2-byte UTF-8
        "日本語",  # 3-byte
        "😀",  # astral plane: 4 bytes, 1 code point (2 UTF-16 units)
        "e\u0301",  # combining mark: 2 code points
        "👩\u200d👩\u200d👧",  # ZWJ sequence: 5 code points, 1 grapheme
        "\U0001f1eb\U0001f1f7 ",  # flag (regional indicators)
        "\ud800",  # lone surrogate: cannot be UTF-8; scanned as U+FFFD
    ],
)
def test_offsets_are_code_points(scanner: scrubline.Scanner, prefix: str) -> None:
    text = f"{prefix} {TOKEN} {prefix}ü secret={PASSWORD} 中 ssn {NUMBER} {prefix}"
    found = scanner.scan(text)
    assert [text[f.start : f.end] for f in found] == [TOKEN, PASSWORD, NUMBER]
    assert scanner.scan_batch([text]) == [found]


def test_redact_keeps_non_ascii_text_around_values(scanner: scrubline.Scanner) -> None:
    text = f"😀 ключ {TOKEN} — 👩\u200d👩\u200d👧 ssn {NUMBER}."
    assert scanner.redact(text) == "😀 ключ [DEMO_TOKEN] — 👩\u200d👩\u200d👧 ssn [DEMO_NUMBER]."


def test_mask_never_splits_a_grapheme() -> None:
    s = scrubline.Scanner(packs=[PACK], default_packs=False, actions={"PASSWORD": "mask:2"})
    # 8 graphemes, the second one a 5-code-point ZWJ sequence: 6 stars, then "rd".
    assert s.redact("secret=p👩\u200d👩\u200d👧sswörd") == "secret=******rd"


def test_lone_surrogates_do_not_raise(scanner: scrubline.Scanner) -> None:
    text = f"\udcff ssn {NUMBER}"
    assert scanner.redact(text) == "\ufffd ssn [DEMO_NUMBER]"
    clean = "\udcff clean"
    assert scanner.redact(clean) is clean


def test_large_input_releases_the_gil_and_gives_the_same_result(scanner: scrubline.Scanner) -> None:
    text = ("filler é text " * 10_000) + f" ssn {NUMBER} " + ("x" * 70_000)
    assert len(text.encode()) > 64 * 1024
    found = scanner.scan(text)
    assert [text[f.start : f.end] for f in found] == [NUMBER]
    assert scanner.redact(text) == text.replace(NUMBER, "[DEMO_NUMBER]")
    clean = "clean " * 20_000
    assert scanner.redact(clean) is clean


def test_finding_holds_no_value_and_is_immutable(scanner: scrubline.Scanner) -> None:
    text = f"key {TOKEN}"
    (f,) = scanner.scan(text)
    assert not hasattr(f, "value")
    assert not hasattr(f, "text")
    assert TOKEN not in repr(f) and TOKEN not in str(f)
    assert repr(f) == (
        "Finding(rule='demo-token', type='DEMO_TOKEN', category='secret', sensitivity='high', "
        "start=4, end=28, confidence=0.9)"
    )
    assert TOKEN not in repr(vars(type(f)))
    with pytest.raises(AttributeError):
        f.start = 0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        f.value = TOKEN  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        scrubline.Finding()  # type: ignore[call-arg]


def test_findings_compare_by_value(scanner: scrubline.Scanner) -> None:
    text = f"key {TOKEN}"
    assert scanner.scan(text) == scanner.scan(text)
    assert scanner.scan(text) != scanner.scan(" " + text)


def test_non_str_input_is_a_type_error(scanner: scrubline.Scanner) -> None:
    with pytest.raises(TypeError):
        scanner.redact(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scanner.scan(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scanner.redact_batch("not a list of str")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scanner.redact_batch(["ok", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        scrubline.Scanner(packs=[PACK], default_packs=False, key=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scrubline.Scanner(rules="EMAIL")  # type: ignore[arg-type]


def test_scanner_is_shareable_across_threads(scanner: scrubline.Scanner) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"{i} ssn {NUMBER} é {TOKEN}" for i in range(200)]
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(scanner.redact, texts))
    assert outs == [scanner.redact(t) for t in texts]


# Module-level functions run the embedded default packs.
EMAIL_TEXT = "mail jane.doe@example.org please"


def test_module_redact_and_scan_use_the_default_packs() -> None:
    assert scrubline.redact(EMAIL_TEXT) == "mail [EMAIL] please"
    (f,) = scrubline.scan(EMAIL_TEXT)
    assert (f.type, EMAIL_TEXT[f.start : f.end]) == ("EMAIL", "jane.doe@example.org")
    clean = "build 1.2.3 finished at 2024-05-01T12:00:00Z"
    assert scrubline.redact(clean) is clean
    assert scrubline.scan(clean) == []


def test_module_redact_accepts_scanner_options() -> None:
    assert scrubline.redact(EMAIL_TEXT, actions={"EMAIL": "mask:4"}) == "mail " + "*" * 16 + ".org please"
    assert scrubline.redact(EMAIL_TEXT, disable=["EMAIL"]) is EMAIL_TEXT
    assert scrubline.scan(EMAIL_TEXT, rules=["secret"]) == []
    assert scrubline.redact(TOKEN, packs=[PACK], default_packs=False) == "[DEMO_TOKEN]"
    with pytest.raises(scrubline.PolicyError):
        scrubline.redact(EMAIL_TEXT, actions={"EMAIL": "blur"})


def test_redact_with_findings_scans_once_and_agrees(scanner: scrubline.Scanner) -> None:
    text = f"é {TOKEN} ssn {NUMBER}"
    out, found = scanner.redact_with_findings(text)
    assert out == scanner.redact(text)
    assert found == scanner.scan(text)
    clean = "nothing"
    out, found = scanner.redact_with_findings(clean)
    assert out is clean and found == []


def test_package_ships_stubs_and_py_typed() -> None:
    from pathlib import Path

    pkg = Path(scrubline.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_scrubline.pyi").is_file()
    assert scrubline._scrubline.__file__.endswith((".abi3.so", ".pyd"))  # type: ignore[attr-defined]
