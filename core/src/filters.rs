//! Stage 2/3 filters that run after a regex matched: entropy, placeholders, context words, and
//! the check that a value is not one of our own replacements (so redacting twice is a no-op).

/// Shannon entropy of the bytes of `s`, in bits per byte.
pub fn shannon_entropy(s: &str) -> f32 {
    let b = s.as_bytes();
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    // Bytes seen, as a 256-bit set: the sum below visits only those (values are short; a
    // walk over all 256 counts was most of the filter's cost) and in byte order, as before.
    let mut seen = [0u64; 4];
    for &x in b {
        counts[x as usize] += 1;
        seen[usize::from(x >> 6)] |= 1 << (x & 63);
    }
    let n = b.len() as f32;
    let term = |c: u32| {
        let p = c as f32 / n;
        -p * p.log2()
    };
    // Most bytes of a value occur once or twice: each small count's term is computed once
    // (the same float operations, so the same bits) instead of one `log2` per distinct byte.
    let mut memo = [0f32; 32];
    let mut known = 0u32;
    let mut h = -0.0f32; // as `Sum` starts, so even a one-byte value agrees to the bit
    for (w, &bits) in seen.iter().enumerate() {
        let mut bits = bits;
        while bits != 0 {
            let c = counts[w * 64 + bits.trailing_zeros() as usize];
            bits &= bits - 1;
            h += if c < 32 {
                if known & (1 << c) == 0 {
                    memo[c as usize] = term(c);
                    known |= 1 << c;
                }
                memo[c as usize]
            } else {
                term(c)
            };
        }
    }
    h
}

/// Whether `value` looks like a documentation placeholder rather than a real secret:
/// `xxxx`, `EXAMPLE`, `changeme`, `<your-key>`, `${VAR}`, all-zero or one repeated character.
pub fn is_placeholder(value: &str) -> bool {
    let b = value.as_bytes();
    if b.is_empty() {
        return true;
    }
    if has_placeholder_word(b) {
        return true;
    }
    const EXACT: [&str; 14] = [
        "password",
        "secret",
        "null",
        "none",
        "undefined",
        "true",
        "false",
        "nil",
        "test",
        "string",
        "token",
        "api_key",
        "apikey",
        "value",
    ];
    if b.len() <= 9 && EXACT.iter().any(|w| value.eq_ignore_ascii_case(w)) {
        return true;
    }
    let first = b[0];
    if (first == b'<' && b[b.len() - 1] == b'>')
        || b.starts_with(b"${")
        || b.starts_with(b"{{")
        || b.starts_with(b"$(")
        || b.starts_with(b"%(")
        || b.starts_with(b"os.environ")
        || b.starts_with(b"process.env")
        || b.starts_with(b"env(")
    {
        return true;
    }
    // One character repeated (000000, aaaaaa), or mostly so.
    let same = b.iter().filter(|&&x| x == first).count();
    if b.len() >= 4 && same * 10 >= b.len() * 8 {
        return true;
    }
    false
}

/// Words that mark a placeholder wherever they occur in a value, any ASCII case.
const PLACEHOLDER_WORDS: [&[u8]; 16] = [
    b"example",
    b"xxxx",
    b"changeme",
    b"change_me",
    b"change-me",
    b"your_",
    b"your-",
    b"yourkey",
    b"placeholder",
    b"dummy",
    b"redacted",
    b"****",
    b"....",
    b"replace",
    b"insert",
    b"<your",
];

/// For each byte, the words of [`PLACEHOLDER_WORDS`] whose byte `k` it is, in either case (bit
/// i for word i; every word is longer than `k`).
const fn placeholder_byte_table(k: usize) -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < PLACEHOLDER_WORDS.len() {
        let c = PLACEHOLDER_WORDS[i][k];
        t[c as usize] |= 1 << i;
        t[c.to_ascii_uppercase() as usize] |= 1 << i;
        i += 1;
    }
    t
}

/// The words by their first byte, and by their second.
const PLACEHOLDER_FIRSTS: [u16; 256] = placeholder_byte_table(0);
const PLACEHOLDER_SECONDS: [u16; 256] = placeholder_byte_table(1);

/// Whether one of [`PLACEHOLDER_WORDS`] occurs in `b` (ASCII case ignored): one walk over the
/// value's byte pairs, comparing only the words that start with the pair at hand (sixteen
/// `memmem` searches per value cost more than the regex). Looking up the second byte too
/// leaves a comparison at few positions of a random token instead of about a quarter of
/// them, each an unpredictable branch (`is_placeholder` was 3% of a pass over code).
fn has_placeholder_word(b: &[u8]) -> bool {
    b.windows(2).enumerate().any(|(i, pair)| {
        let mut m = PLACEHOLDER_FIRSTS[usize::from(pair[0])] & PLACEHOLDER_SECONDS[usize::from(pair[1])];
        while m != 0 {
            let w = PLACEHOLDER_WORDS[m.trailing_zeros() as usize];
            if b.len() - i >= w.len() && b[i..i + w.len()].eq_ignore_ascii_case(w) {
                return true;
            }
            m &= m - 1;
        }
        false
    })
}

/// Whether `value` is one of the replacements scrubline itself writes: a label `[EMAIL]`, a
/// placeholder `<EMAIL_1>` / pseudonym `<EMAIL_9f3a...>`, or a mask made mostly of `*`.
/// Such values are never findings, which makes redaction idempotent.
pub fn is_own_replacement(value: &str) -> bool {
    let b = value.as_bytes();
    let inner =
        |s: &[u8]| !s.is_empty() && s.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_');
    if b.len() >= 3 && b[0] == b'[' && b[b.len() - 1] == b']' && inner(&b[1..b.len() - 1]) {
        return true;
    }
    if b.len() >= 3 && b[0] == b'<' && b[b.len() - 1] == b'>' {
        let s = &b[1..b.len() - 1];
        if let Some(u) = s.iter().rposition(|&c| c == b'_') {
            let (t, id) = (&s[..u], &s[u + 1..]);
            if inner(t) && !id.is_empty() && id.iter().all(u8::is_ascii_alphanumeric) {
                return true;
            }
        }
    }
    let stars = b.iter().filter(|&&c| c == b'*').count();
    b.len() >= 2 && stars * 2 >= b.len()
}

/// Whether `h[i..j]` sits inside one of our labels (`[US_SSN]`): a label must not act as a
/// context word, or redacting could make a neighbour detectable and break idempotence.
pub(crate) fn inside_label(h: &[u8], i: usize, j: usize) -> bool {
    // Types are at most 64 bytes, so a label is never longer: the scan is bounded.
    const MAX: usize = 66;
    let label = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_';
    // Cheapest test first: most keywords and context words hold a lower-case letter.
    if h[i..j].iter().any(u8::is_ascii_lowercase) {
        return false;
    }
    let lo = i.saturating_sub(MAX);
    let hi = (j + MAX).min(h.len());
    let l = h[lo..i].iter().rposition(|b| !label(b)).map(|p| p + lo);
    let r = h[j..hi].iter().position(|b| !label(b)).map(|p| p + j);
    matches!((l, r), (Some(l), Some(r)) if h[l] == b'[' && h[r] == b']')
}

/// A rule's context words, lower-cased, each with its searcher built once (building a
/// `memmem` searcher per check showed in profiles of code, where context checks are many).
pub(crate) struct ContextWords(Vec<memchr::memmem::Finder<'static>>);

impl ContextWords {
    pub(crate) fn new(words: &[String]) -> ContextWords {
        ContextWords(
            words
                .iter()
                .filter(|w| !w.is_empty())
                .map(|w| memchr::memmem::Finder::new(&w.to_ascii_lowercase()).into_owned())
                .collect(),
        )
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether any of the context `words` occurs (ASCII case-insensitively) in `hay` as a word:
/// not glued to letters on either side (`ach` does not occur in `Cache`), where a camelCase or
/// `snake_case` join counts as a boundary (`userSsn`, `customer_ssn`).
pub(crate) fn has_context(hay: &str, words: &ContextWords) -> bool {
    let h = hay.as_bytes();
    if h.is_empty() || words.is_empty() {
        return false;
    }
    // Lower-case the window once (on the stack when it is small) and search each word with
    // memmem: comparing case-insensitively at every offset was most of a prompt's scan cost.
    let mut stack = [0u8; 512];
    let heap: Vec<u8>;
    let lower: &[u8] = if h.len() <= stack.len() {
        for (d, s) in stack.iter_mut().zip(h) {
            *d = s.to_ascii_lowercase();
        }
        &stack[..h.len()]
    } else {
        heap = h.to_ascii_lowercase();
        &heap
    };
    words.0.iter().any(|finder| {
        let w = finder.needle();
        if w.len() > h.len() {
            return false;
        }
        // Overlapping occurrences count too (a word may fail its boundary check at one offset
        // and pass at the next), so search again one byte on rather than after the match.
        let mut from = 0;
        let mut occurrences = std::iter::from_fn(|| {
            let i = from + finder.find(&lower[from..])?;
            from = i + 1;
            Some(i)
        });
        occurrences.any(|i| {
            let first = h[i];
            let last = h[i + w.len() - 1];
            let left_ok = i == 0
                || !first.is_ascii_alphabetic()
                || !h[i - 1].is_ascii_alphabetic()
                || (h[i - 1].is_ascii_lowercase() && first.is_ascii_uppercase());
            let j = i + w.len();
            let right_ok = j == h.len()
                || !last.is_ascii_alphabetic()
                || !h[j].is_ascii_alphabetic()
                || (last.is_ascii_lowercase() && h[j].is_ascii_uppercase());
            left_ok && right_ok && !inside_label(h, i, j)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
        needle.is_empty() || hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
    }

    proptest::proptest! {
        /// The one-walk word search finds a placeholder word exactly where a case-insensitive
        /// search for each word does, in values of any length (past 256 bytes too).
        #[test]
        fn placeholder_words_found_like_a_search_for_each(
            v in "([a-zA-Z*.<_-]|xX|EXAM|ple|chAnge|me|your|key|dummy|REDACT|ed|insert|replace|é){0,300}"
        ) {
            let want = PLACEHOLDER_WORDS.iter().any(|w| contains_ci(v.as_bytes(), w));
            proptest::prop_assert_eq!(has_placeholder_word(v.as_bytes()), want);
        }
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-6);
        assert!(shannon_entropy("q8Zr2LmX0pWv7Ks4") > 3.5);
    }

    #[test]
    fn placeholders() {
        for p in ["xxxxxxxx", "EXAMPLEKEY", "changeme", "<your-api-key>", "${DB_PASSWORD}", "00000000", "password"] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["hunter2!Rq9", "q8Zr2LmX0pWv7Ks4"] {
            assert!(!is_placeholder(p), "{p}");
        }
    }

    proptest::proptest! {
        /// The bit-set walk sums the same terms (memoized per small count) in the same order
        /// as a walk over all 256 counts: the result is identical, not merely close. Few
        /// distinct bytes over long strings give counts above the memo's range too.
        #[test]
        fn entropy_matches_a_full_histogram_walk(s in "\\PC{0,80}|[abc0]{0,300}") {
            let mut counts = [0u32; 256];
            for &x in s.as_bytes() {
                counts[x as usize] += 1;
            }
            let n = s.len() as f32;
            let want: f32 = counts.iter().filter(|&&c| c > 0).map(|&c| { let p = c as f32 / n; -p * p.log2() }).sum();
            let got = shannon_entropy(&s);
            proptest::prop_assert!(got.to_bits() == want.to_bits() || s.is_empty());
        }

        /// The one-walk word search agrees with a search per word, lower case only.
        #[test]
        fn placeholder_words_match_per_word_search(s in "[a-z_<*.\\-]{0,40}") {
            let want = PLACEHOLDER_WORDS.iter().any(|w| memchr::memmem::find(s.as_bytes(), w).is_some());
            proptest::prop_assert_eq!(has_placeholder_word(s.as_bytes()), want);
        }
    }

    #[test]
    fn context_words_are_words() {
        let w = |s: &str| ContextWords::new(&[s.to_string()]);
        assert!(has_context("routing number", &w("routing")));
        assert!(has_context("Routing Number", &w("ROUTING")), "words are lower-cased once");
        assert!(has_context("customer_ssn=", &w("ssn")));
        assert!(has_context("userSsn:", &w("ssn")));
        assert!(has_context("SSN:", &w("ssn")));
        assert!(!has_context("Cache miss for key", &w("ach")));
        assert!(!has_context("lessn", &w("ssn")));
        assert!(has_context("aba#", &w("aba#")));
        assert!(!has_context("[US_SSN] 123456789", &w("ssn")), "a label is not context");
    }

    #[test]
    fn own_replacements() {
        for p in ["[EMAIL]", "[AWS_ACCESS_KEY]", "<EMAIL_1>", "<US_SSN_9f3a2c1b5d7e0a42>", "************1234"] {
            assert!(is_own_replacement(p), "{p}");
        }
        for p in ["[x]", "<b>", "4111111111111111", "a*b"] {
            assert!(!is_own_replacement(p), "{p}");
        }
    }
}
