"""Policies, reports, classify, JSON and streams through the Python binding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scrubline

POLICY = """
id = "py"
version = "1.0.0"
[actions]
EMAIL = "mask:4"
[allow]
values = ["help@example.com"]
[[deny]]
id = "customers"
type = "CUSTOMER_NAME"
terms = ["Globex", "Initech"]
[json.keys]
"**.password" = "remove"
[tenant.acme.actions]
EMAIL = "remove"
"""


def test_policy_from_source_and_path(tmp_path: Path) -> None:
    s = scrubline.Scanner(policy=POLICY)
    assert s.redact("Globex mailed bob@example.com and help@example.com") == (
        "[CUSTOMER_NAME] mailed ***********.com and help@example.com"
    )
    p = tmp_path / "policy.toml"
    p.write_text(POLICY)
    for given in (p, str(p)):
        assert scrubline.Scanner(policy=given, tenant="acme").redact("bob@example.com!") == "!"
    # Options given alongside override the policy.
    assert scrubline.Scanner(policy=POLICY, actions={"EMAIL": "label"}).redact("bob@example.com") == "[EMAIL]"


def test_policy_errors_have_locations() -> None:
    with pytest.raises(scrubline.PolicyError) as e:
        scrubline.Scanner(policy=POLICY.replace('"mask:4"', '"blur"'))
    assert (e.value.line, e.value.column) == (5, 9)
    assert e.value.code == "SCRUBLINE_POLICY"
    with pytest.raises(scrubline.PolicyError):
        scrubline.Scanner(policy='id = "x"\nversion = "1"\npseudonym_key = "inline"\n')
    with pytest.raises(scrubline.PolicyError):
        scrubline.Scanner(policy=POLICY, tenant="nobody")
    with pytest.raises(scrubline.PolicyError):
        scrubline.Scanner(tenant="acme")
    with pytest.raises(scrubline.PolicyError):
        scrubline.Scanner(policy="/no/such/policy.toml")


def test_report_never_holds_values() -> None:
    s = scrubline.Scanner(policy=POLICY)
    text = "Initech: ssn 078-05-1120, mail bob@example.com"
    red, report = s.redact_with_report(text)
    assert red == "[CUSTOMER_NAME]: ssn [US_SSN], mail ***********.com"
    assert report["schema"] == "scrubline.report/1"
    assert report["policy"]["id"] == "py"
    assert report["total"] == 3
    assert report["by_category"] == {"custom": 1, "national_id": 1, "pii": 1}
    dumped = json.dumps(report)
    for v in ("Initech", "078-05-1120", "bob@example.com"):
        assert v not in dumped
    f = report["findings"][1]
    assert text.encode()[f["start"] : f["end"]] == b"078-05-1120"
    assert s.report(text)["total"] == 3


def test_classify() -> None:
    c = scrubline.classify("key AKIAQ3EGRDVHXPAE7N2M, ssn 078-05-1120")
    assert c == {
        "categories": ["national_id", "secret"],
        "types": ["AWS_ACCESS_KEY", "US_SSN"],
        "sensitivity": "critical",
        "findings": 2,
    }
    assert scrubline.Scanner().classify("nothing")["sensitivity"] is None


def test_redact_json_str_dict_and_list() -> None:
    s = scrubline.Scanner(policy=POLICY)
    doc = '{"user":{"email":"bob@example.com","password":"x"},"n":1}'
    assert s.redact_json(doc) == '{"user":{"email":"***********.com","password":""},"n":1}'
    d = {"b": 1, "a": {"card": 4111111111111111, "note": "ssn 078-05-1120"}, "z": [None, True]}
    out = s.redact_json(d)
    assert out == {"b": 1, "a": {"card": "[CREDIT_CARD]", "note": "ssn [US_SSN]"}, "z": [None, True]}
    assert list(out) == ["b", "a", "z"]
    assert s.redact_json(["bob@example.com"]) == ["***********.com"]
    clean = '{"a": 1}'
    assert s.redact_json(clean) is clean
    assert s.redact_json("not json bob@example.com") == "not json ***********.com"
    assert s.redact_json_lines('{"a":"bob@example.com"}\nbob@example.com\n') == (
        '{"a":"***********.com"}\n***********.com\n'
    )


@pytest.mark.parametrize("size", [1, 3, 17, 4096])
def test_stream_equals_one_shot(size: int) -> None:
    s = scrubline.Scanner()
    text = "mail bob@example.com, ssn 078-05-1120, 日本 key AKIAQ3EGRDVHXPAE7N2M 👩‍👩‍👧\n" * 50
    r = scrubline.StreamRedactor(s)
    out = "".join(r.push(text[i : i + size]) for i in range(0, len(text), size)) + r.finish()
    assert out == s.redact(text)
    assert r.pending == 0
