//! Stage 1 keyword search: every occurrence of every keyword (case-sensitive, overlapping).
//!
//! Aho-Corasick's SIMD Teddy prefilter costs about the same per pattern however the patterns
//! are split (measured on 227 keywords: 16, 32 or 64 per automaton all gave 320-450 MB/s in
//! total), and a plain automaton steps every byte at ~400 MB/s. Here each position's first
//! three bytes are hashed into a 32 Ki-entry filter; an entry holds one bit per class of the
//! fourth byte (its low three bits) that some keyword with those first three bytes continues
//! with (all bits for a three-byte keyword). Only positions that pass are looked up and
//! compared in full: in English prose, `line` no longer verifies because of `lin_`, nor `here`
//! because of `heroku` (measured on the prompts corpus: 2.6% of positions verified with three
//! bytes). One pass, no allocation, every overlapping occurrence reported in order of position.
//!
//! Where the CPU has AVX-512 VBMI, a bucketed pre-filter ([`Sieve`]) replaces the gather: it
//! tests 64 positions with a few 128-entry byte-table lookups and hands the ~1% that pass to
//! the filter above. Measured on the 16 MiB bench corpora (warm passes, AMD EPYC Zen 4): the
//! trigger scan went from 702 to 1,665 MB/s on prompts, and whole redaction from 667 to 790 MB/s
//! on prompts, 543 to 789 on Python source, 231 to 321 on logs and 197 to 252 on code.

/// Filter size: 32 KiB of bytes fits the L1 cache; ~230 keywords set ~0.7% of entries.
const FILTER_BITS: u32 = 15;
const FILTER_LEN: usize = 1 << FILTER_BITS;
/// The hash's right shift, leaving `FILTER_BITS` bits.
const HASH_SHIFT: i32 = 32 - FILTER_BITS as i32;

/// A set of keywords searched all at once.
pub(crate) struct Literals {
    /// Where some keyword's first three bytes hash to: the classes of fourth bytes that follow.
    filter: Box<[u8]>,
    /// Hash -> index into `buckets` (consulted only where the filter is set).
    bucket_of: Box<[u16]>,
    /// The range of `entries` holding the keywords whose first three bytes share a hash.
    buckets: Vec<(u32, u32)>,
    /// Every keyword's head, grouped by bucket: a position the filter passed is verified
    /// against one short contiguous run of these.
    entries: Vec<Entry>,
    keywords: Vec<Box<[u8]>>,
    /// The longest keyword's length.
    max_len: usize,
    /// The tables of the AVX-512 VBMI pre-filter (built everywhere; used where the CPU has it).
    sieve: Sieve,
}

/// A keyword's first (up to) eight bytes, little-endian, the mask of those bytes, and its id.
#[derive(Clone, Copy)]
struct Entry {
    head: u64,
    mask: u64,
    id: u32,
}

#[inline(always)]
fn hash(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> HASH_SHIFT) as usize
}

/// The filter bit of a keyword's fourth byte.
#[inline(always)]
fn class_bit(b3: u8) -> u8 {
    1 << (b3 & 7)
}

/// The first eight bytes at `i` (fewer, zero-padded, near the end).
#[inline(always)]
fn load8(hay: &[u8], i: usize) -> u64 {
    if let Some(w) = hay.get(i..i + 8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        return u64::from_le_bytes(b);
    }
    let mut w = [0u8; 8];
    let n = hay.len().saturating_sub(i).min(8);
    w[..n].copy_from_slice(&hay[i..i + n]);
    u64::from_le_bytes(w)
}

#[inline(always)]
fn key3(b0: u8, b1: u8, b2: u8) -> u32 {
    u32::from(b0) | u32::from(b1) << 8 | u32::from(b2) << 16
}

impl Literals {
    /// Builds the filter; every keyword must be at least 3 bytes long.
    pub(crate) fn new<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(keywords: I) -> Literals {
        // Three bytes of padding: the AVX2 kernel gathers four bytes at each entry.
        let mut filter = vec![0u8; FILTER_LEN + 3].into_boxed_slice();
        let mut bucket_of = vec![0u16; FILTER_LEN].into_boxed_slice();
        let mut buckets: Vec<Vec<u32>> = Vec::new();
        let mut kws = Vec::new();
        let mut heads: Vec<(u64, u64)> = Vec::new();
        for (i, k) in keywords.into_iter().enumerate() {
            let k = k.as_ref();
            debug_assert!(k.len() >= 3);
            let h = hash(key3(k[0], k[1], k[2]));
            if filter[h] == 0 {
                bucket_of[h] = buckets.len() as u16;
                buckets.push(Vec::new());
            }
            filter[h] |= k.get(3).map_or(0xFF, |&b| class_bit(b));
            buckets[usize::from(bucket_of[h])].push(i as u32);
            let n = k.len().min(8);
            let mask = if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
            heads.push((load8(k, 0), mask));
            kws.push(k.to_vec().into_boxed_slice());
        }
        let mut entries = Vec::with_capacity(heads.len());
        let buckets = buckets
            .iter()
            .map(|ids| {
                let start = entries.len() as u32;
                entries.extend(ids.iter().map(|&id| {
                    let (head, mask) = heads[id as usize];
                    Entry { head, mask, id }
                }));
                (start, entries.len() as u32)
            })
            .collect();
        let sieve = Sieve::new(&kws);
        let max_len = kws.iter().map(|k| k.len()).max().unwrap_or(0);
        Literals { filter, bucket_of, buckets, entries, keywords: kws, max_len, sieve }
    }

    /// The keywords, in id order.
    #[cfg(feature = "stages")]
    pub(crate) fn keywords(&self) -> impl Iterator<Item = &[u8]> {
        self.keywords.iter().map(|k| &k[..])
    }

    /// Length of keyword `id`.
    #[inline]
    pub(crate) fn keyword_len(&self, id: usize) -> usize {
        self.keywords[id].len()
    }

    /// Length of the longest keyword (0 when there are none).
    #[inline]
    pub(crate) fn max_keyword_len(&self) -> usize {
        self.max_len
    }

    /// Calls `f(start, keyword id)` for every occurrence, in order of `start`.
    #[inline]
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        if hay.len() < 3 || self.keywords.is_empty() {
            return;
        }
        let mut from = 0;
        #[cfg(target_arch = "x86_64")]
        if avx512::available() {
            // The sieve passes a superset of the filter's positions: test those with the filter.
            from = avx512::scan(&self.sieve, hay, &mut |i| self.check(hay, i, &mut f));
        } else if avx2::available() {
            from = avx2::scan(self, hay, &mut |i| self.verify(hay, i, &mut f));
        }
        self.for_each_from(hay, from, f);
    }

    /// The filter test at one position (at least three bytes before the end), then [`verify`].
    ///
    /// [`verify`]: Literals::verify
    #[inline]
    fn check(&self, hay: &[u8], i: usize, f: &mut impl FnMut(usize, usize)) {
        let h = hash(key3(hay[i], hay[i + 1], hay[i + 2]));
        let need = hay.get(i + 3).map_or(0xFF, |&b| class_bit(b));
        if self.filter[h] & need != 0 {
            self.verify_bucket(hay, i, h, f);
        }
    }

    /// The portable search, from position `start` on.
    #[inline]
    fn for_each_from(&self, hay: &[u8], start: usize, mut f: impl FnMut(usize, usize)) {
        let filter: &[u8; FILTER_LEN] = match self.filter[..FILTER_LEN].try_into() {
            Ok(t) => t,
            Err(_) => return,
        };
        const M: u64 = 0xFF_FFFF;
        // Whether position `j` of word `x` (its fourth byte inside `x`) passes the filter.
        let pass = |x: u64, j: u32| -> u32 {
            let e = filter[hash((x >> (8 * j) & M) as u32)];
            u32::from(e >> ((x >> (8 * j + 24)) & 7) & 1) << j
        };
        let mut i = start;
        // Five positions per unaligned 64-bit load (each needs its fourth byte); the table
        // lookups are independent, so they overlap in the pipeline, and one branch covers all.
        while i + 8 <= hay.len() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&hay[i..i + 8]);
            let x = u64::from_le_bytes(w);
            let hit = pass(x, 0) | pass(x, 1) | pass(x, 2) | pass(x, 3) | pass(x, 4);
            if hit != 0 {
                let mut h = hit;
                while h != 0 {
                    let j = h.trailing_zeros() as usize;
                    h &= h - 1;
                    self.verify(hay, i + j, &mut f);
                }
            }
            i += 5;
        }
        while i + 3 <= hay.len() {
            self.check(hay, i, &mut f);
            i += 1;
        }
    }

    #[inline(never)]
    fn verify(&self, hay: &[u8], i: usize, f: &mut impl FnMut(usize, usize)) {
        self.verify_bucket(hay, i, hash(key3(hay[i], hay[i + 1], hay[i + 2])), f);
    }

    /// [`verify`] with the hash of the three bytes at `i` already computed.
    ///
    /// [`verify`]: Literals::verify
    #[inline]
    fn verify_bucket(&self, hay: &[u8], i: usize, h: usize, f: &mut impl FnMut(usize, usize)) {
        let x = load8(hay, i);
        let (start, end) = self.buckets[usize::from(self.bucket_of[h])];
        for e in &self.entries[start as usize..end as usize] {
            if x & e.mask != e.head {
                continue;
            }
            let k = &self.keywords[e.id as usize];
            // Zero padding past the end never equals a keyword's bytes, but be exact anyway.
            if hay.len() - i >= k.len() && (k.len() <= 8 || hay[i..].starts_with(k)) {
                f(i, e.id as usize);
            }
        }
    }
}

/// Features of a position that the sieve looks up: the bytes at offsets 0 to 3 (their low six
/// bits), then the pairs (0, 1), (1, 2) and (2, 3) hashed to six bits.
const FEATURES: usize = 7;
/// How many bytes from the position each feature reads (a keyword shorter than that passes
/// the feature with any value).
const FEATURE_SPAN: [usize; FEATURES] = [1, 2, 3, 4, 2, 3, 4];
/// Folds a byte for the sieve's six-bit single-byte features: bit 5 takes bit 6 in (`a` and
/// `!` no longer share a value, `A` and `!` do: upper-case letters meet punctuation, which
/// prose and code hold less of than digits and lower-case letters). One GFNI affine step in
/// the kernel ([`avx512`]'s `FOLD`).
#[inline]
fn fold(b: u8) -> u8 {
    b ^ ((b >> 1) & 0x20)
}

/// Keyword groups of the sieve: one bit of the two bytes each table entry holds.
const GROUPS: usize = 16;

/// The pre-filter of the AVX-512 VBMI kernel, a Teddy-style bucketed filter on exact bytes.
///
/// Keywords fall into 16 groups, sorted so that a group shares length and lead bytes. Each
/// feature of a position (a byte, or a pair of neighbouring bytes hashed) is six bits, looked
/// up in a 64-entry table that says which groups have a keyword with that value there; a
/// position passes where some group passes every feature. A 64-entry byte table is one
/// `vpermb`, which looks up 64 positions at once, so the sieve costs a few instructions per
/// 64 bytes instead of a gather per 8. Six-bit features fold bytes together (after [`fold`]:
/// `A` and `!`, `P` and `0`), so the sieve passes a superset of the keyword positions, and
/// [`Literals::check`] decides. Sorted this way, 428 keywords pass 0.9-1.6% of the positions
/// of prose, code and logs (1.1-1.8% without the fold, which let lower-case letters meet
/// digits; their three-byte prefixes alone occur at 1.3-1.6%).
///
/// Seven-bit features (128-entry tables, one `vpermi2b` each) pass 0.55-1.04%, but their 28
/// table registers do not fit beside the kernel's other vectors: reloaded from the stack
/// every step, they made the whole keyword search slower (595 against 485 ns on 2 KB of prose
/// with three times fewer candidates; 1,270-1,500 against 1,620-1,710 MB/s for stage 1 on
/// `prompts.txt`).
#[derive(Clone)]
struct Sieve {
    /// The pair hash's byte permutation of 0..128, as its two halves (the kernel's two
    /// `vpermi2b` table operands).
    perm: Box<[[u8; 64]; 2]>,
    /// For each feature, the table of groups 0-7 and that of groups 8-15.
    tables: Box<[[u8; 64]; 2 * FEATURES]>,
}

impl Sieve {
    fn new(keywords: &[Box<[u8]>]) -> Sieve {
        let mut tables = Box::new([[0u8; 64]; 2 * FEATURES]);
        let full = Sieve::permutation();
        let mut perm = Box::new([[0u8; 64]; 2]);
        perm[0].copy_from_slice(&full[..64]);
        perm[1].copy_from_slice(&full[64..]);
        let mut order: Vec<usize> = (0..keywords.len()).collect();
        // Group keywords of one length (up to four) and the same second to fourth bytes: the
        // features of a group then take few values each.
        let key = |k: &[u8]| {
            let n = k.len().min(4);
            let mut lead = k[1.min(n)..n].to_vec();
            lead.extend_from_slice(&k[..1.min(n)]);
            (n, lead)
        };
        order.sort_by_key(|&i| key(&keywords[i]));
        for (rank, &i) in order.iter().enumerate() {
            let k = &keywords[i];
            let group = rank * GROUPS / order.len();
            let (half, bit) = (group / 8, 1u8 << (group % 8));
            for (f, &span) in FEATURE_SPAN.iter().enumerate() {
                let table = &mut tables[2 * f + half];
                if k.len() < span {
                    table.iter_mut().for_each(|e| *e |= bit);
                } else {
                    table[usize::from(Sieve::feature(&perm, k, f))] |= bit;
                }
            }
        }
        Sieve { perm, tables }
    }

    /// A fixed permutation of 0..128 (a seeded shuffle), which spreads pairs of ASCII bytes
    /// over the seven-bit hash.
    fn permutation() -> [u8; 128] {
        let mut p: [u8; 128] = std::array::from_fn(|i| i as u8);
        let mut r: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in (1..128).rev() {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            p.swap(i, (r % (i as u64 + 1)) as usize);
        }
        p
    }

    /// Feature `f` of the bytes `w` (at least `FEATURE_SPAN[f]` of them), as the kernel
    /// computes it: six bits.
    fn feature(perm: &[[u8; 64]; 2], w: &[u8], f: usize) -> u8 {
        let pair = |a: u8, b: u8| (a ^ perm[usize::from(b >> 6 & 1)][usize::from(b & 63)]) & 63;
        match f {
            0..=3 => fold(w[f]) & 63,
            _ => pair(w[f - 4], w[f - 3]),
        }
    }

    /// Whether the position at the start of `w` (at least four bytes) passes: the portable
    /// form of the kernel's test, for tests.
    #[cfg(test)]
    fn passes(&self, w: &[u8]) -> bool {
        let groups = |half: usize| {
            (0..FEATURES)
                .fold(0xFFu8, |acc, f| acc & self.tables[2 * f + half][usize::from(Sieve::feature(&self.perm, w, f))])
        };
        groups(0) | groups(1) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(kws: &[&str], hay: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..hay.len() {
            for (id, k) in kws.iter().enumerate() {
                if hay.as_bytes()[i..].starts_with(k.as_bytes()) {
                    out.push((i, id));
                }
            }
        }
        out
    }

    /// The portable search alone, for comparison with the dispatching one.
    fn portable(lit: &Literals, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut got = Vec::new();
        lit.for_each_from(hay, 0, |s, id| got.push((s, id)));
        got
    }

    /// Keywords of the random-text tests, and text made of their bytes (plus separators, NUL,
    /// 0xFF and UTF-8) so that they occur, overlap and nearly occur.
    const RANDOM_KWS: [&str; 11] =
        ["sk-", "sk-ant-", "ghp_", "AKIA", "oken", "token", "xox", "lin_", "her", "://", "password"];

    fn random_hay(r: &mut u64, len: usize) -> Vec<u8> {
        let alphabet = b"skantghp_AKIAokenxolin_her:/pword -.\x00\xff\xe6\x97\xa5";
        (0..len)
            .map(|_| {
                *r = r.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                alphabet[(*r >> 33) as usize % alphabet.len()]
            })
            .collect()
    }

    #[test]
    fn vector_and_portable_searches_agree() {
        let kws = RANDOM_KWS;
        let lit = Literals::new(kws);
        let mut r: u64 = 7;
        for len in 0..300 {
            for _ in 0..4 {
                let hay = random_hay(&mut r, len);
                let mut got = Vec::new();
                lit.for_each(&hay, |s, id| got.push((s, id)));
                let mut want = naive(&kws, &String::from_utf8_lossy(&hay));
                want.sort();
                // `naive` works on a lossy string: compare on valid input only.
                if std::str::from_utf8(&hay).is_ok() {
                    assert_eq!(got, want, "{hay:?}");
                }
                assert_eq!(got, portable(&lit, &hay), "{hay:?}");
            }
        }
    }

    #[test]
    fn finds_every_overlapping_occurrence() {
        let kws = ["sk-", "sk-ant-", "ghp_", "AKIA", "oken", "token", "xox"];
        let hays = [
            "",
            "sk",
            "sk-ant-api03 and sk-proj ghp_x AKIAAKIA token Token xoxb-",
            "éé sk-ant-日本 tokentoken",
            "0123456789sk-",
            "sk-0123456789",
        ];
        let lit = Literals::new(kws);
        for h in hays {
            let mut got = Vec::new();
            lit.for_each(h.as_bytes(), |s, id| got.push((s, id)));
            let mut want = naive(&kws, h);
            want.sort();
            got.sort();
            assert_eq!(got, want, "{h:?}");
        }
        // Keywords of every length around the eight-byte head, sharing first three bytes and
        // fourth-byte classes (`e` and `m` differ by 8), at every alignment and at the end.
        let kws = ["lin", "line", "linm", "lin_api_", "lin_api_x", "lin_api_xyz0123456789", "her", "heroku"];
        let shared = Literals::new(kws);
        for pad in 0..12 {
            for tail in ["", " ", "lin", "line", "lin_api_", "lin_api_xyz0123456789", "heroku!", "hero"] {
                let h = format!(
                    "{}lin lineup linm lin_api_x lin_api_xyz01234567 heroku{}{tail}",
                    "é".repeat(pad),
                    " ".repeat(pad)
                );
                let mut got = Vec::new();
                shared.for_each(h.as_bytes(), |s, id| got.push((s, id)));
                let mut want = naive(&kws, &h);
                want.sort();
                assert_eq!(got, want, "{h:?}");
            }
        }
        // Every alignment of a hit relative to the 8-byte steps.
        for pad in 0..20 {
            let h = format!("{}ghp_{}", "x".repeat(pad), "y".repeat(pad));
            let mut got = Vec::new();
            lit.for_each(h.as_bytes(), |s, id| got.push((s, id)));
            assert_eq!(got, vec![(pad, 2)]);
        }
    }

    #[test]
    fn sieve_passes_every_keyword_position() {
        // Keywords of three to nine bytes, sharing leads, with upper case and punctuation.
        let kws = [
            "eyJ",
            "://",
            "AKIA",
            "AKID",
            "oken",
            "OKEN",
            "token",
            "ghp_",
            "gho_",
            "sk-",
            "xox",
            "hf_",
            "assword",
            "ASSWORD",
            "api_key",
            "Api-Key",
            "secret_",
            "lin_",
            "her",
            "heroku_api_",
            "mysql",
            "postgres",
            "redis",
            "BEGIN RSA PRIVATE KEY",
            "sv=20",
            "ya29.",
            "_live_",
            "7Q~",
        ];
        let owned: Vec<Box<[u8]>> = kws.iter().map(|k| k.as_bytes().into()).collect();
        let sieve = Sieve::new(&owned);
        for k in &kws {
            // Any continuation: the keyword alone (zero-padded), then followed by other bytes.
            for tail in ["\0\0\0\0", "xyz!", "\u{e9}\u{e9}", "0000"] {
                let w = format!("{k}{tail}");
                assert!(sieve.passes(w.as_bytes()), "{k:?}");
            }
        }
        // And it is a filter: most positions of text without keywords fail.
        let text = "The quick brown fox jumps over the lazy dog, 2026-11-23 12:00:01 INFO ok. ".repeat(4);
        let passed = (0..text.len() - 4).filter(|&i| sieve.passes(&text.as_bytes()[i..])).count();
        assert!(passed * 10 < text.len(), "{passed} of {}", text.len());
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sieve_kernel_matches_its_portable_form() {
        if !avx512::available() {
            return;
        }
        let owned: Vec<Box<[u8]>> = RANDOM_KWS.iter().map(|k| k.as_bytes().into()).collect();
        let sieve = Sieve::new(&owned);
        let mut r: u64 = 11;
        for len in [0, 66, 67, 68, 130, 131, 200, 1000] {
            let hay = random_hay(&mut r, len);
            let mut got = Vec::new();
            let end = avx512::scan(&sieve, &hay, &mut |i| got.push(i));
            assert!(end + 67 > len && end <= len);
            let want: Vec<usize> = (0..end).filter(|&i| sieve.passes(&hay[i..])).collect();
            assert_eq!(got, want);
        }
    }
}

/// The filter test eight positions at a time with AVX2: one 16-byte load gives the eight
/// four-byte windows (a byte shuffle), their hashes are computed in one multiply, and the
/// eight filter entries are fetched with one gather. Measured on the prompts corpus: the
/// keyword search went from ~3 to ~1.5 cycles per byte (bound by the gather). The portable
/// loop finishes the tail.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Literals, FILTER_LEN, HASH_SHIFT};

    pub(super) use crate::has_avx2 as available;

    /// Calls `hit(i)` for every position `i` whose filter entry passes, in order, and returns
    /// where the portable search must go on.
    #[inline]
    pub(super) fn scan(lit: &Literals, hay: &[u8], hit: &mut dyn FnMut(usize)) -> usize {
        if !available() {
            return 0;
        }
        // SAFETY: AVX2 is present (checked just above), which is all `scan_avx2` requires.
        unsafe { scan_avx2(lit, hay, hit) }
    }

    #[target_feature(enable = "avx2")]
    fn scan_avx2(lit: &Literals, hay: &[u8], hit: &mut dyn FnMut(usize)) -> usize {
        assert!(lit.filter.len() >= FILTER_LEN + 3);
        let table = lit.filter.as_ptr();
        // Lane j (of eight 32-bit lanes) takes bytes j..j+4 of the 16 loaded; the shuffle works
        // within each 128-bit half, which both hold the same 16 bytes.
        let windows = _mm256_setr_epi8(
            0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, //
            4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10,
        );
        let low3 = _mm256_set1_epi32(0x00FF_FFFF);
        let mul = _mm256_set1_epi32(0x9E37_79B1_u32 as i32);
        let byte = _mm256_set1_epi32(0xFF);
        let seven = _mm256_set1_epi32(7);
        let mut i = 0;
        while i + 16 <= hay.len() {
            let chunk = &hay[i..i + 16];
            // SAFETY: `chunk` is 16 readable bytes; `loadu` has no alignment requirement.
            let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) };
            let w = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(v), windows);
            // The scalar hash: (key3 * 0x9E3779B1) >> HASH_SHIFT, a FILTER_BITS-bit index.
            let h = _mm256_srli_epi32::<HASH_SHIFT>(_mm256_mullo_epi32(_mm256_and_si256(w, low3), mul));
            // SAFETY: every index is below FILTER_LEN (FILTER_BITS bits) and the table holds
            // FILTER_LEN + 3 bytes (asserted above), so each 4-byte read stays inside it.
            let e = unsafe { _mm256_i32gather_epi32::<1>(table.cast(), h) };
            let class = _mm256_and_si256(_mm256_srli_epi32::<24>(w), seven);
            let bit = _mm256_srlv_epi32(_mm256_and_si256(e, byte), class);
            let mut m = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32::<31>(bit))) as u32;
            while m != 0 {
                hit(i + m.trailing_zeros() as usize);
                m &= m - 1;
            }
            i += 8;
        }
        i
    }
}

/// The sieve 64 positions at a time with AVX-512 VBMI and GFNI: four unaligned loads give the
/// bytes at offsets 0 to 3 of every position, four `vgf2p8affineqb` fold them, three
/// `vpermi2b` and three XORs give the pair hashes, and fourteen `vpermb` the groups passing
/// each feature (eight groups per table, all fourteen held in registers). Positions that pass
/// go through the exact filter and the verification; the portable loop finishes the tail.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Sieve, FEATURES};

    /// [`super::fold`] as a GF(2) bit matrix: the row of output bit `i` is byte `7 - i`; bit 5's
    /// row takes bits 5 and 6, every other row its own bit.
    const FOLD: i64 = 0x0102_0408_1060_4080;

    /// Whether the CPU has the AVX-512 subsets the kernel uses (`std` caches the answer).
    #[inline]
    pub(super) fn available() -> bool {
        is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512vbmi")
            && is_x86_feature_detected!("gfni")
    }

    /// Calls `hit(i)` for every position `i` that passes the sieve, in order, and returns where
    /// the portable search must go on.
    #[inline]
    pub(super) fn scan(sieve: &Sieve, hay: &[u8], hit: &mut dyn FnMut(usize)) -> usize {
        if !available() {
            return 0;
        }
        // SAFETY: the AVX-512 subsets `scan_avx512` enables are present (checked just above).
        unsafe { scan_avx512(sieve, hay, hit) }
    }

    /// Loads a 64-byte table.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,gfni")]
    fn load(t: &[u8; 64]) -> __m512i {
        // SAFETY: `t` is 64 readable bytes, one unaligned 64-byte load.
        unsafe { _mm512_loadu_si512(t.as_ptr().cast()) }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,gfni")]
    fn scan_avx512(sieve: &Sieve, hay: &[u8], hit: &mut dyn FnMut(usize)) -> usize {
        let (perm_lo, perm_hi) = (load(&sieve.perm[0]), load(&sieve.perm[1]));
        let fold = _mm512_set1_epi64(FOLD);
        let t: [__m512i; 2 * FEATURES] = std::array::from_fn(|j| load(&sieve.tables[j]));
        let mut i = 0;
        while i + 67 <= hay.len() {
            let w = &hay[i..i + 67];
            // SAFETY: `w` is 67 readable bytes, so each 64-byte unaligned load at offsets 0 to 3
            // stays inside it.
            let (b0, b1, b2, b3) = unsafe {
                (
                    _mm512_loadu_si512(w.as_ptr().cast()),
                    _mm512_loadu_si512(w[1..].as_ptr().cast()),
                    _mm512_loadu_si512(w[2..].as_ptr().cast()),
                    _mm512_loadu_si512(w[3..].as_ptr().cast()),
                )
            };
            // The pair hashes: a ^ PERM[b & 127] (the table lookups read six bits of them).
            let perm = |b| _mm512_permutex2var_epi8(perm_lo, b, perm_hi);
            let h01 = _mm512_xor_si512(b0, perm(b1));
            let h12 = _mm512_xor_si512(b1, perm(b2));
            let h23 = _mm512_xor_si512(b2, perm(b3));
            // The single-byte features, folded (see `super::fold`).
            let f = |b| _mm512_gf2p8affine_epi64_epi8::<0>(b, fold);
            let feats = [f(b0), f(b1), f(b2), f(b3), h01, h12, h23];
            // Entry `x & 63` of a feature's table for each byte `x`.
            let half = |h: usize| {
                let and = |a, b| _mm512_and_si512(a, b);
                let g = |f: usize| _mm512_permutexvar_epi8(feats[f], t[2 * f + h]);
                and(and(and(g(0), g(1)), and(g(2), g(3))), and(and(g(4), g(5)), g(6)))
            };
            let any = _mm512_or_si512(half(0), half(1));
            let mut m = _mm512_test_epi8_mask(any, any);
            while m != 0 {
                hit(i + m.trailing_zeros() as usize);
                m &= m - 1;
            }
            i += 64;
        }
        i
    }
}
