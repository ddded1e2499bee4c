"""Shared fixtures: a small self-contained pack, so API tests do not depend on the default
packs (those are covered by the shared corpus, test_corpus.py)."""

from __future__ import annotations

import pytest

import scrubline

# Line numbers matter: test_errors.py checks the reported line of rule "demo-token" (6).
PACK = r"""
[pack]
id = "test-pack"
version = "1.0.0"

[[rules]]
id = "demo-token"
name = "Demo token"
type = "DEMO_TOKEN"
category = "secret"
sensitivity = "high"
confidence = 0.9
keywords = ["dmo_"]
regex = '''(?-u:\b)dmo_[A-Za-z0-9]{20}(?-u:\b)'''
provenance = "made up for tests"
examples = ["dmo_abcdefghij0123456789"]
negative_examples = ["dmo_short"]

[[rules]]
id = "demo-assign"
name = "Demo assignment"
type = "PASSWORD"
category = "credential"
sensitivity = "high"
confidence = 0.7
keywords = ["secret"]
regex = '''secret\s*=\s*(?P<value>[^\s]{6,64})'''
placeholder_filter = true
provenance = "made up for tests"
examples = ["secret=hunter2hunter"]
negative_examples = ["secret=changeme"]

[[rules]]
id = "demo-number"
name = "Demo number"
type = "DEMO_NUMBER"
category = "pii"
sensitivity = "medium"
confidence = 0.6
trigger = "digits"
min_digits = 9
regex = '''(?-u:\b)[0-9]{3}-[0-9]{2}-[0-9]{4}(?-u:\b)'''
context = ["ssn"]
provenance = "made up for tests"
examples = ["123-45-6789"]
negative_examples = ["123-456-789"]
"""

TOKEN = "dmo_abcdefghij0123456789"
NUMBER = "123-45-6789"
PASSWORD = "hunter2hunter"


@pytest.fixture(scope="session")
def scanner() -> scrubline.Scanner:
    return scrubline.Scanner(packs=[PACK], default_packs=False)
