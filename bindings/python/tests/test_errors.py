"""Exceptions: real classes defined in Rust, with structured attributes, never echoing input."""

from __future__ import annotations

import pytest
from conftest import PACK

import scrubline

SUBCLASSES = [
    (scrubline.PatternError, "SCRUBLINE_PATTERN"),
    (scrubline.PackError, "SCRUBLINE_PACK"),
    (scrubline.PolicyError, "SCRUBLINE_POLICY"),
    (scrubline.InputError, "SCRUBLINE_INPUT"),
    (scrubline.VaultError, "SCRUBLINE_VAULT"),
]


def test_hierarchy() -> None:
    assert issubclass(scrubline.ScrublineError, Exception)
    assert scrubline.ScrublineError is not Exception
    for cls, _ in SUBCLASSES:
        assert issubclass(cls, scrubline.ScrublineError)
        assert cls.__module__ == "scrubline"


def build(pack: str, **options: object) -> scrubline.Scanner:
    return scrubline.Scanner(packs=[pack], default_packs=False, **options)  # type: ignore[arg-type]


def test_bad_toml_names_source_line_and_column() -> None:
    with pytest.raises(scrubline.PackError) as info:
        build('[pack]\nid = "x"\nversion = 1\n')
    e = info.value
    assert e.code == "SCRUBLINE_PACK"
    assert (e.source_name, e.line, e.column, e.rule) == ("<pack 0>", 3, 11, None)
    assert "<pack 0>:3:11" in str(e)
    assert e.message and e.message in str(e)


def test_unparsable_toml_has_a_position() -> None:
    with pytest.raises(scrubline.PackError) as info:
        build('[pack]\nid = "x"\nversion = "1.0.0"\n[[rules]\n')
    assert info.value.line == 4 and info.value.column is not None


def test_bad_rule_field_names_rule_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.toml"
    path.write_text(PACK.replace('category = "secret"', 'category = "secrets"'), encoding="utf-8")
    with pytest.raises(scrubline.PackError) as info:
        scrubline.Scanner(packs=[path], default_packs=False)
    e = info.value
    assert (e.source_name, e.rule, e.line) == (str(path), "demo-token", 6)
    assert "secrets" in e.message


def test_bad_regex_is_a_pattern_error_with_rule_and_line() -> None:
    bad = PACK.replace(r"'''(?-u:\b)dmo_[A-Za-z0-9]{20}(?-u:\b)'''", "'''dmo_[A-Z'''")
    with pytest.raises(scrubline.PatternError) as info:
        build(bad)
    e = info.value
    assert (e.code, e.rule, e.source_name, e.line) == ("SCRUBLINE_PATTERN", "demo-token", "<pack 0>", 6)


def test_duplicate_rule_id_is_a_pack_error() -> None:
    dup = PACK + PACK[PACK.index("[[rules]]") : PACK.index("[[rules]]", PACK.index("[[rules]]") + 1)]
    with pytest.raises(scrubline.PackError) as info:
        build(dup)
    assert info.value.rule == "demo-token"


def test_unreadable_pack_file_is_a_pack_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = str(tmp_path / "missing.toml")
    with pytest.raises(scrubline.PackError) as info:
        scrubline.Scanner(packs=[missing])
    assert info.value.source_name == missing
    assert info.value.code == "SCRUBLINE_PACK"


@pytest.mark.parametrize("action", ["blur", "mask:", "mask:x", "Label", ""])
def test_unknown_action_is_a_policy_error(action: str) -> None:
    with pytest.raises(scrubline.PolicyError) as info:
        build(PACK, actions={"DEMO_TOKEN": action})
    e = info.value
    assert e.code == "SCRUBLINE_POLICY"
    assert "DEMO_TOKEN" in str(e)
    with pytest.raises(scrubline.PolicyError):
        build(PACK, default_action=action)


@pytest.mark.parametrize(
    "options",
    [
        {"actions": {"NO_SUCH_TYPE": "label"}},
        {"rules": ["no-such-rule"]},
        {"disable": ["nothing"]},
        {"actions": {"pii": "pseudonym"}},  # no key
        {"threshold": 1.5},
        {"threshold": float("nan")},
    ],
)
def test_invalid_options_are_policy_errors(options: dict[str, object]) -> None:
    with pytest.raises(scrubline.PolicyError) as info:
        build(PACK, **options)
    assert info.value.code == "SCRUBLINE_POLICY"
    assert isinstance(info.value.message, str)


def test_attributes_are_always_present() -> None:
    with pytest.raises(scrubline.ScrublineError) as info:
        build(PACK, threshold=2.0)
    e = info.value
    for name in ("code", "message", "source_name", "rule", "line", "column"):
        assert hasattr(e, name)
    assert (e.source_name, e.rule, e.line, e.column) == (None, None, None, None)


def test_catching_the_base_class() -> None:
    with pytest.raises(scrubline.ScrublineError):
        build("[pack]\n")
    try:
        build(PACK, actions={"x": "y"})
    except scrubline.ScrublineError as e:
        assert type(e) is scrubline.PolicyError
    else:
        pytest.fail("no error")


def test_errors_never_contain_scanned_text() -> None:
    # Scanning does not raise; what could be echoed is configuration only. A secret-looking
    # value in a bad pack's *example* must not appear either (it is not configuration the
    # user asked to see).
    secret = "dmo_SECRETSECRETSECRET1234"
    bad = PACK.replace('examples = ["dmo_abcdefghij0123456789"]', f'examples = ["{secret}"]').replace(
        'category = "secret"', 'category = "nope"'
    )
    with pytest.raises(scrubline.PackError) as info:
        build(bad)
    assert secret not in str(info.value) and secret not in repr(info.value.args)
