"""A chat loop that never shows the model a real value, yet shows the user real answers.

Run: python examples/python/chat_loop.py

Each user message is tokenized into the conversation's vault (`<EMAIL_1>`, `<US_SSN_1>`, ...);
the model answers with those placeholders, streamed in random chunks and mangled the way models
do (`<email_1>`, `EMAIL_1`, `< EMAIL_1 >`); `restore_stream` puts the values back as the deltas
arrive. Between turns the vault is exported (encrypted) and loaded again, as a web service
would between requests. The "model" is a local fake: nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
from collections.abc import AsyncIterator, Iterator

import scrubline

SCANNER = scrubline.Scanner()
# In production: a 32-byte key from your secret store, the same in every process.
VAULT_KEY = os.urandom(32)

USER_MESSAGES = [
    "Hi, I'm jane.roe@example.org. My SSN 536-22-8726 shows up on a form, can you check it?",
    "Also my card 4111 1111 1111 1111 was charged twice, and please mail jane.roe@example.org.",
    "Our CI leaked AKIAQ3EGRDVHXPAE7N2M, from host 203.0.113.7. What now?",
]
PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*_[0-9]+)>")


def mangle(placeholder: str, rng: random.Random) -> str:
    """What models do to placeholders they echo."""
    inner = placeholder[1:-1]
    return rng.choice([placeholder, f"<{inner.lower()}>", inner, f"< {inner} >", f"<{inner.title()}>"])


def fake_model(prompt: str, rng: random.Random) -> Iterator[str]:
    """Echoes every placeholder of the prompt back, mangled, in random chunks."""
    names = [mangle(m.group(0), rng) for m in PLACEHOLDER.finditer(prompt)]
    answer = "Sure. I noted " + ", ".join(names) + ". Anything else?"
    i = 0
    while i < len(answer):
        n = rng.randint(1, 6)
        yield answer[i : i + n]
        i += n


async def fake_model_async(prompt: str, rng: random.Random) -> AsyncIterator[str]:
    for delta in fake_model(prompt, rng):
        await asyncio.sleep(0)
        yield delta


def turn(blob: bytes, message: str, rng: random.Random, use_async: bool) -> tuple[bytes, str, list[str], str]:
    """One request: load the conversation, tokenize, stream the answer back restored."""
    vault = scrubline.Vault.load(blob, VAULT_KEY)
    prompt = SCANNER.tokenize(message, vault)
    said: list[str] = []

    def tee(deltas: Iterator[str]) -> Iterator[str]:
        for d in deltas:
            said.append(d)
            yield d

    async def atee(deltas: AsyncIterator[str]) -> AsyncIterator[str]:
        async for d in deltas:
            said.append(d)
            yield d

    if use_async:

        async def collect() -> str:
            return "".join([t async for t in scrubline.arestore_stream(atee(fake_model_async(prompt, rng)), vault)])

        answer = asyncio.run(collect())
    else:
        answer = "".join(scrubline.restore_stream(tee(fake_model(prompt, rng)), vault))
    return vault.export(VAULT_KEY), prompt, said, answer


def main() -> None:
    rng = random.Random(2026)
    blob = scrubline.Vault().export(VAULT_KEY)
    for i, message in enumerate(USER_MESSAGES):
        blob, prompt, said, answer = turn(blob, message, rng, use_async=i % 2 == 1)
        print(f"user:       {message}")
        print(f"model saw:  {prompt}")
        print(f"model said: {'|'.join(said)}")
        print(f"assistant:  {answer}\n")
        # The model never saw a value; the user gets every value back.
        if scrubline.scan(prompt):
            raise SystemExit("a sensitive value reached the model")
        for f in scrubline.scan(message):
            if message[f.start : f.end] not in answer:
                raise SystemExit(f"a {f.type} placeholder was not restored")

    # The model's own output can leak too: scan it, keep known values, redact new ones.
    vault = scrubline.Vault.load(blob, VAULT_KEY)
    reply = "Rotate AWS_ACCESS_KEY_1 and use AKIAZ7XKQ3MNPB4RT2VW instead."
    checked = SCANNER.redact_output(reply, vault)
    print(f"output check: {checked}")
    if "AKIAZ7XKQ3MNPB4RT2VW" in checked or "AKIAQ3EGRDVHXPAE7N2M" not in checked:
        raise SystemExit("output scanning went wrong")
    print(f"vault: {len(vault)} placeholders, {len(blob)} encrypted bytes between requests")


if __name__ == "__main__":
    main()
