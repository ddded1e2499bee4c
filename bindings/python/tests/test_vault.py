"""LLM round trip: Vault, Scanner.tokenize / redact_output, Restorer and the stream helpers."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import pytest

import scrubline

PROMPT = "I am jane.doe@example.org, ssn 536-22-8417, card 4526 0181 5908 3012, key AKIAQ3EGRDVHXPAE7N2M."
KEY = bytes(range(32))


@pytest.fixture(scope="module")
def default_scanner() -> scrubline.Scanner:
    return scrubline.Scanner()


def test_tokenize_numbers_per_type_and_is_stable(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    out = default_scanner.tokenize(PROMPT, vault)
    assert out == "I am <EMAIL_1>, ssn <US_SSN_1>, card <CREDIT_CARD_1>, key <AWS_ACCESS_KEY_1>."
    assert len(vault) == 4
    again = default_scanner.tokenize("cc Jane.Doe@Example.org and bob@example.com", vault)
    assert again == "cc <EMAIL_1> and <EMAIL_2>"
    assert vault.restore(out) == PROMPT
    clean = "nothing to see"
    assert default_scanner.tokenize(clean, vault) is clean
    assert vault.restore(clean) is clean
    assert default_scanner.redact(out) is out, "placeholders are never detected again"
    assert default_scanner.tokenize(out, vault) is out


def test_restore_tolerates_mangling_and_leaves_look_alikes(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    default_scanner.tokenize("jane.doe@example.org", vault)
    for form in ["<EMAIL_1>", "<email_1>", "EMAIL_1", "< EMAIL_1 >", "<EMAIL_1", "Email_1>"]:
        assert vault.restore(f"to {form}.") == "to jane.doe@example.org.", form
    for look_alike in ["<EMAIL_12>", "EMAIL_10", "XEMAIL_1Y", "my_EMAIL_1", "<EMAIL_2>"]:
        assert vault.restore(look_alike) == look_alike


def test_non_ascii_text_round_trips(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    text = "日本語 jane.doe@example.org 👩‍👩‍👧 é 536-22-8417"
    out = default_scanner.tokenize(text, vault)
    assert out == "日本語 <EMAIL_1> 👩‍👩‍👧 é <US_SSN_1>"
    assert vault.restore(out) == text


def test_restorer_equals_one_shot_for_every_split(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    default_scanner.tokenize(PROMPT, vault)
    answer = "Hi <email_1>! Your SSN US_SSN_1 and < CREDIT_CARD_1 > are safe; <EMAIL_12> is not yours. 日本"
    want = vault.restore(answer)
    assert "jane.doe@example.org" in want and "536-22-8417" in want and "<EMAIL_12>" in want
    for i in range(len(answer) + 1):
        r = scrubline.Restorer(vault)
        assert r.push(answer[:i]) + r.push(answer[i:]) + r.finish() == want, i
    rng = random.Random(7)
    for _ in range(200):
        cuts = sorted(rng.sample(range(len(answer) + 1), rng.randint(0, 12)))
        pieces = [answer[a:b] for a, b in zip([0, *cuts], [*cuts, len(answer)])]
        r = scrubline.Restorer(vault)
        assert "".join(r.push(p) for p in pieces) + r.finish() == want


def test_restorer_holds_back_only_a_possible_placeholder(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    default_scanner.tokenize("jane.doe@example.org", vault)
    r = scrubline.Restorer(vault)
    assert r.push("Hello there ") == "Hello there "
    assert r.push("<EMA") == ""
    assert r.held_back == 4
    assert r.push("IL_1> bye") == "jane.doe@example.org bye"
    assert r.finish() == ""
    assert r.push("EMAIL_1") == "", "usable again after finish"
    assert r.finish() == "jane.doe@example.org"
    assert "EMAIL" not in repr(r) and "jane" not in repr(r)


def test_restore_stream_over_sync_and_async_iterators(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    default_scanner.tokenize(PROMPT, vault)
    deltas = ["Dear <EM", "AIL_1>, key AWS_ACC", "ESS_KEY_1", " rotated."]
    want = "Dear jane.doe@example.org, key AKIAQ3EGRDVHXPAE7N2M rotated."
    out = list(scrubline.restore_stream(iter(deltas), vault))
    assert "".join(out) == want
    assert all(out), "no empty strings"
    assert out[0] == "Dear ", "emitted before the stream ends"

    async def model() -> AsyncIterator[str]:
        for d in deltas:
            await asyncio.sleep(0)
            yield d

    async def collect() -> list[str]:
        return [t async for t in scrubline.arestore_stream(model(), vault)]

    assert "".join(asyncio.run(collect())) == want


def test_export_and_load_move_a_conversation(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    out = default_scanner.tokenize(PROMPT, vault)
    blob = vault.export(KEY)
    assert isinstance(blob, bytes) and blob[:5] == b"SLVT\x01"
    assert b"jane" not in blob and b"EMAIL" not in blob
    moved = scrubline.Vault.load(blob, KEY)
    assert len(moved) == 4
    assert moved.restore(out) == PROMPT
    assert default_scanner.tokenize("new@example.net", moved) == "<EMAIL_2>"
    assert len(vault) == 4


def test_vault_errors_are_typed_and_quote_nothing(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    default_scanner.tokenize(PROMPT, vault)
    blob = vault.export(KEY)
    with pytest.raises(scrubline.VaultError) as info:
        scrubline.Vault.load(blob, os.urandom(32))
    e = info.value
    assert e.code == "SCRUBLINE_VAULT"
    assert "wrong key" in e.message
    assert "jane" not in str(e) and "EMAIL" not in str(e)
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with pytest.raises(scrubline.VaultError):
        scrubline.Vault.load(bytes(tampered), KEY)
    with pytest.raises(scrubline.VaultError):
        scrubline.Vault.load(b"not a vault", KEY)
    with pytest.raises(scrubline.VaultError, match="32 bytes"):
        vault.export(b"short")
    with pytest.raises(TypeError):
        vault.export("a str key")  # type: ignore[arg-type]
    assert repr(vault) == "<scrubline.Vault entries=4>"


def test_pseudonyms_are_pinned_across_languages_and_restore_with_a_vault() -> None:
    s = scrubline.Scanner(actions={"EMAIL": "pseudonym"}, key=b"tenant-a-key", scope="conversation-42")
    # The same string as the Rust and Node suites: stable across processes and bindings.
    assert s.redact("to Bob@Example.com") == "to <EMAIL_ca42dcc2f5189d6e>"
    other = scrubline.Scanner(actions={"EMAIL": "pseudonym"}, key=b"tenant-b-key", scope="conversation-42")
    assert other.redact("to Bob@Example.com") != "to <EMAIL_ca42dcc2f5189d6e>"
    vault = scrubline.Vault()
    out = s.tokenize("to Bob@Example.com, ssn 536-22-8417", vault)
    assert out == "to <EMAIL_ca42dcc2f5189d6e>, ssn <US_SSN_1>"
    assert vault.restore("mail email_ca42dcc2f5189d6e") == "mail Bob@Example.com"


def test_tokenize_action_in_redact_labels_without_a_vault() -> None:
    s = scrubline.Scanner(actions={"EMAIL": "tokenize"})
    assert s.redact("bob@example.com") == "[EMAIL]"
    assert s.tokenize("bob@example.com", scrubline.Vault()) == "<EMAIL_1>"


def test_redact_output_redacts_new_values_and_restores_known(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    default_scanner.tokenize(PROMPT, vault)
    answer = "Hello <email_1>, I also found eve@example.net."
    assert default_scanner.redact_output(answer, vault) == "Hello jane.doe@example.org, I also found <EMAIL_2>."
    assert vault.restore("<EMAIL_2>") == "eve@example.net"


def test_threads_share_a_vault(default_scanner: scrubline.Scanner) -> None:
    vault = scrubline.Vault()
    emails = [f"user{i}@example.com" for i in range(50)]

    def work(offset: int) -> list[str]:
        order = emails[offset:] + emails[:offset]
        got = {e: default_scanner.tokenize(e, vault) for e in order}
        return [got[e] for e in emails]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, [0, 13, 26, 39]))
    assert all(r == results[0] for r in results)
    assert sorted(results[0]) == sorted(f"<EMAIL_{n}>" for n in range(1, 51))
