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
//! On x86-64 a pre-filter runs first and hands the positions it passes (a superset of the
//! keyword positions) to the filter above. Where the CPU has AVX-512 VBMI it is a bucketed
//! sieve ([`Sieve`]) that tests 64 positions with a few 128-entry byte-table lookups.
//! Measured on the 16 MiB bench corpora (warm passes, AMD EPYC Zen 4), against the AVX2
//! gather of the filter that ran before: the trigger scan went from 702 to 1,665 MB/s on
//! prompts, and whole redaction from 667 to 790 MB/s on prompts, 543 to 789 on Python source,
//! 231 to 321 on logs and 197 to 252 on code. Elsewhere it is a bucketed shift-or over byte
//! pairs ([`Fdr`], SSE2), which replaced that gather: on AMD EPYC Zen 3, where a gather of
//! eight entries costs about 11 cycles, the keyword search went from 1,150-1,200 to
//! 1,900-1,970 MB/s on prompts and Python source and from 920-1,035 to 1,380-1,430 on code.

use crate::scanner::ByteSet;

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
    /// The bytes some keyword holds.
    bytes: ByteSet,
    /// The tables of the AVX-512 VBMI pre-filter (built everywhere; used where the CPU has it).
    sieve: Sieve,
    /// The bucketed shift-or pre-filter of other x86-64 CPUs (built everywhere).
    fdr: Fdr,
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
        let mut filter = vec![0u8; FILTER_LEN].into_boxed_slice();
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
        let fdr = Fdr::new(&kws);
        let max_len = kws.iter().map(|k| k.len()).max().unwrap_or(0);
        let mut bytes = ByteSet::default();
        for &b in kws.iter().flat_map(|k| k.iter()) {
            bytes.add_range(b, b);
        }
        Literals { filter, bucket_of, buckets, entries, keywords: kws, max_len, bytes, sieve, fdr }
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

    /// Whether some keyword holds the byte `b`.
    #[inline]
    pub(crate) fn holds(&self, b: u8) -> bool {
        self.bytes.contains(b)
    }

    /// Calls `f(start, keyword id)` for every occurrence, in order of `start`.
    #[inline]
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        if hay.len() < 3 || self.keywords.is_empty() {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        let from = if hay.len() < 17 {
            // No pre-filter decides a position in so few bytes (a label's inner bytes in the
            // re-scan): skip its set-up.
            0
        } else if avx512::available() {
            // The sieve passes a superset of the filter's positions: test those with the filter.
            avx512::scan(&self.sieve, hay, &mut |i| self.check(hay, i, &mut f))
        } else {
            // So does the shift-or filter.
            fdr_x86::scan(&self.fdr, hay, &mut |i| self.check(hay, i, &mut f))
        };
        #[cfg(not(target_arch = "x86_64"))]
        let from = 0;
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

/// Bits of the shift-or filter's index: a position's byte and the low four bits of the next.
const FDR_BITS: u32 = 12;
const FDR_LEN: usize = 1 << FDR_BITS;
const FDR_MASK: usize = FDR_LEN - 1;
/// Positions of a keyword the shift-or filter tests (its first eight bytes).
const FDR_SPAN: usize = 8;
/// Keyword buckets of the shift-or filter: one bit of each byte of a table entry.
const FDR_BUCKETS: usize = 8;

/// The pre-filter of x86-64 CPUs without AVX-512 VBMI: a bucketed shift-or over byte pairs,
/// after Hyperscan's FDR, written for this crate.
///
/// Keywords fall into eight buckets by length (so a bucket's short keywords, which allow any
/// byte past their end, do not loosen its long ones). A text position `p` is indexed by the
/// byte at `p` and the low four bits of the byte after it. The table entry of an index is
/// 64 bits: byte `7 - j` holds one bit per bucket, set where no keyword of the bucket has
/// that pair at offset `j` (a keyword's last byte pairs with any next byte; past its end it
/// allows anything). A position passes where some bucket is allowed at all eight offsets:
/// shifting the entries of `p .. p + 8` by their distance and OR-ing them leaves that bucket's
/// bit clear in the byte of `p`. Eight entry loads and ORs of 128-bit registers test eight
/// positions ([`fdr_x86`]: byte shifts with SSE2, present on every x86-64 CPU; unaligned
/// loads and ANDs with AVX2), where the gather it replaced cost about 11 cycles.
///
/// Measured with the 428 default keywords (16 MiB corpora, AMD EPYC Zen 3): it passes 0.19%
/// of the positions of prompts, 0.73% of code and 0.16% of logs, against 0.63%, 1.16% and
/// 0.53% for the three-byte filter alone. In a microbenchmark of the kernel alone (best of
/// 9) the search runs 2.97 GB/s on prompts and 2.47 on code with AVX2 (the gather's: 1.26
/// and 1.19).
#[derive(Clone)]
struct Fdr {
    /// The entries at `1 ..= FDR_LEN`, between two zero words: the AVX2 kernel reads sixteen
    /// bytes around an entry ([`fdr_x86`]).
    table: Box<[u64; FDR_TABLE]>,
}

/// Words of [`Fdr::table`]: the entries and one word of padding on each side.
const FDR_TABLE: usize = FDR_LEN + 2;

impl Fdr {
    fn new(keywords: &[Box<[u8]>]) -> Fdr {
        let mut order: Vec<usize> = (0..keywords.len()).collect();
        order.sort_by_key(|&i| (keywords[i].len(), &keywords[i]));
        // First the bits of `(offset, bucket)` where some keyword allows each index, then
        // inverted into the entries. Built on the heap: debug builds would put a 32 KiB array
        // on the stack, and scanners are built on threads with small stacks.
        let mut table: Box<[u64; FDR_TABLE]> =
            vec![0u64; FDR_TABLE].into_boxed_slice().try_into().expect("FDR_TABLE words");
        let entries = &mut table[1..=FDR_LEN];
        // Bits where some keyword allows every index (offsets past its end).
        let mut anything = 0u64;
        let bit = |j: usize, b: usize| 1u64 << ((FDR_SPAN - 1 - j) * 8 + b);
        for (rank, &i) in order.iter().enumerate() {
            let k = &keywords[i];
            let b = rank * FDR_BUCKETS / order.len().max(1);
            for j in 0..FDR_SPAN {
                if j + 1 < k.len() {
                    entries[(usize::from(k[j]) | usize::from(k[j + 1]) << 8) & FDR_MASK] |= bit(j, b);
                } else if j < k.len() {
                    for next in 0..1usize << (FDR_BITS - 8) {
                        entries[usize::from(k[j]) | next << 8] |= bit(j, b);
                    }
                } else {
                    anything |= bit(j, b);
                }
            }
        }
        for e in entries.iter_mut() {
            *e = !(*e | anything);
        }
        Fdr { table }
    }

    /// Whether position `p` of `hay` passes (`p + FDR_SPAN` bytes must be readable): the
    /// portable form of the kernel's test, for tests.
    #[cfg(test)]
    fn passes(&self, hay: &[u8], p: usize) -> bool {
        let mut blocked = 0u8;
        for j in 0..FDR_SPAN {
            let x = (usize::from(hay[p + j]) | usize::from(hay[p + j + 1]) << 8) & FDR_MASK;
            blocked |= (self.table[1 + x] >> ((FDR_SPAN - 1 - j) * 8)) as u8;
        }
        blocked != 0xFF
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

    /// Keywords of three to 21 bytes, sharing leads and pairs, for the pre-filters.
    const FILTER_KWS: [&str; 28] = [
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

    #[test]
    fn sieve_passes_every_keyword_position() {
        let kws = FILTER_KWS;
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

    #[test]
    fn shift_or_filter_passes_every_keyword_position() {
        let owned: Vec<Box<[u8]>> = FILTER_KWS.iter().map(|k| k.as_bytes().into()).collect();
        let fdr = Fdr::new(&owned);
        for k in &FILTER_KWS {
            // The keyword followed by anything (its last byte pairs with any next byte, and
            // the offsets past its end allow every byte).
            for tail in ["\0\0\0\0\0\0\0\0\0", "xyz!xyz!x", "\u{e9}\u{e9}\u{e9}\u{e9}x", "000000000", "\u{ff}        "]
            {
                let w = format!("{k}{tail}");
                assert!(fdr.passes(w.as_bytes(), 0), "{k:?}");
            }
        }
        // And it is a filter: most positions of text without keywords fail.
        let text = "The quick brown fox jumps over the lazy dog, 2026-11-23 12:00:01 INFO ok. ".repeat(4);
        let passed = (0..text.len() - 9).filter(|&i| fdr.passes(text.as_bytes(), i)).count();
        assert!(passed * 20 < text.len(), "{passed} of {}", text.len());
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn shift_or_kernel_matches_its_portable_form() {
        for kws in [&RANDOM_KWS[..], &FILTER_KWS[..]] {
            let owned: Vec<Box<[u8]>> = kws.iter().map(|k| k.as_bytes().into()).collect();
            let fdr = Fdr::new(&owned);
            let mut r: u64 = 13;
            for len in (0..40).chain([100, 1000, 4099]) {
                let hay = random_hay(&mut r, len);
                for avx2 in fdr_x86::kernels() {
                    let mut got = Vec::new();
                    let end = fdr_x86::scan_on(&fdr, &hay, &mut |i| got.push(i), avx2);
                    // The kernel decides every position whose pairs it could read, and no other.
                    assert_eq!(end, if len < 17 { 0 } else { (len - 17) / 8 * 8 + 1 }, "{len}");
                    let want: Vec<usize> = (0..end).filter(|&i| fdr.passes(&hay, i)).collect();
                    assert_eq!(got, want, "{len} {avx2}");
                }
            }
        }
        // More blocks with a passing position than the kernel notes between callbacks (32):
        // it must go on from where it stopped.
        let owned: Vec<Box<[u8]>> = FILTER_KWS.iter().map(|k| k.as_bytes().into()).collect();
        let fdr = Fdr::new(&owned);
        let hay = "token AKIA ghp_ sk-x ".repeat(40);
        for avx2 in fdr_x86::kernels() {
            let mut got = Vec::new();
            let end = fdr_x86::scan_on(&fdr, hay.as_bytes(), &mut |i| got.push(i), avx2);
            assert_eq!(end, (hay.len() - 17) / 8 * 8 + 1);
            let want: Vec<usize> = (0..end).filter(|&i| fdr.passes(hay.as_bytes(), i)).collect();
            assert!(want.len() > 100);
            assert_eq!(got, want, "{avx2}");
        }
        // Entries at both ends of the table (the AVX2 kernel reads the padding beside them).
        let fdr = Fdr::new(&[b"\x00\x00\x00".as_slice().into(), b"\xff\x0f\xff".as_slice().into()]);
        let hay = [&[0u8; 20][..], &[0xff, 0x0f, 0xff, 0xff, 0x0f][..], &[0u8; 30][..]].concat();
        for avx2 in fdr_x86::kernels() {
            let mut got = Vec::new();
            let end = fdr_x86::scan_on(&fdr, &hay, &mut |i| got.push(i), avx2);
            let want: Vec<usize> = (0..end).filter(|&i| fdr.passes(&hay, i)).collect();
            assert!(want.contains(&20), "{want:?}");
            assert_eq!(got, want, "{avx2}");
        }
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

/// The shift-or filter ([`Fdr`]) eight positions at a time: SSE2 (the x86-64 baseline), or
/// AVX2 where the CPU has it.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod fdr_x86 {
    use std::arch::x86_64::*;

    use super::{Fdr, FDR_MASK, FDR_TABLE};

    /// A kernel: runs blocks from `base` until the noted blocks fill `open` or the text ends
    /// ([`blocks_sse2`]).
    type Blocks = unsafe fn(&[u64; FDR_TABLE], &[u8], &mut usize, &mut __m128i, &mut [(usize, u64); 32]) -> usize;

    /// Calls `hit(i)` for every position `i` that passes the filter, in order, and returns
    /// where the portable search must go on.
    ///
    /// A block at `base` adds the entries of positions `base .. base + 8`, each shifted left
    /// by its distance from `base`, to the state carried from the block before (shifted right
    /// by eight bytes). Byte `k` of the low half is then complete: it holds the entries of
    /// `base + k - 7` at offsets 0 to 7, so a clear bit there is a bucket that position passes.
    #[inline]
    pub(super) fn scan(fdr: &Fdr, hay: &[u8], hit: &mut dyn FnMut(usize)) -> usize {
        scan_on(fdr, hay, hit, true)
    }

    /// The kernels this CPU can run, by whether they use AVX2 (for tests).
    #[cfg(test)]
    pub(super) fn kernels() -> Vec<bool> {
        if crate::has_avx2() {
            vec![false, true]
        } else {
            vec![false]
        }
    }

    /// [`scan`] with the AVX2 kernel where `avx2` and the CPU has AVX2, else the SSE2 one.
    pub(super) fn scan_on(fdr: &Fdr, hay: &[u8], hit: &mut dyn FnMut(usize), avx2: bool) -> usize {
        let blocks: Blocks = if avx2 && crate::has_avx2() { blocks_avx2 } else { blocks_sse2 };
        // SAFETY: SSE2 is part of the x86-64 baseline, so every CPU this runs on has it; the
        // kernel's own features were just checked.
        unsafe { scan_sse2(fdr, hay, hit, blocks) }
    }

    /// # Safety
    /// The CPU has the features `blocks` needs.
    #[target_feature(enable = "sse2")]
    unsafe fn scan_sse2(fdr: &Fdr, hay: &[u8], hit: &mut dyn FnMut(usize), blocks: Blocks) -> usize {
        // The bytes that become those of positions -7 to -1 in the first block are all set:
        // no position before the text passes.
        let mut state = _mm_set_epi64x(0x00FF_FFFF_FFFF_FFFF, 0);
        let mut base = 0;
        let mut open = [(0usize, 0u64); 32];
        loop {
            // SAFETY: the caller checked the kernel's features.
            let n = unsafe { blocks(&fdr.table, hay, &mut base, &mut state, &mut open) };
            for &(at, mut passing) in &open[..n] {
                while passing != 0 {
                    let k = passing.trailing_zeros() / 8;
                    passing &= !(0xFF << (8 * k));
                    // Byte `k` is position `at + k - 7`; before the first block, none passes.
                    hit(at + k as usize - 7);
                }
            }
            if n < open.len() {
                break;
            }
        }
        // The last block decided the positions up to its own start, `base - 8`.
        base.saturating_sub(7)
    }

    /// The eight bytes of `w` from `at`, little-endian.
    #[inline(always)]
    fn word<const N: usize>(w: &[u8; N], at: usize) -> u64 {
        u64::from_le_bytes(*w[at..].first_chunk().expect("eight bytes from `at`"))
    }

    /// The table index of the pair at offset `k` (0 to 7) of a block whose bytes 0-7 are `lo`
    /// and 4-11 `hi`: the indexes come from two 8-byte words by shifts (a load per pair, with
    /// the eight entry loads, was what bound the loop).
    #[inline(always)]
    fn pair(lo: u64, hi: u64, k: usize) -> usize {
        let pair = if k < 4 { lo >> (8 * k) } else { hi >> (8 * (k - 4)) };
        1 + (pair as usize & FDR_MASK)
    }

    /// One block with SSE2: the state after the block, from the state before it and the
    /// block's bytes 0-7 (`lo`) and 4-11 (`hi`). Each entry is loaded into the low half of
    /// a register and shifted left by its offset.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn step_sse2(table: &[u64; FDR_TABLE], st: __m128i, lo: u64, hi: u64) -> __m128i {
        let entry = |k: usize| {
            let e: *const u64 = &table[pair(lo, hi, k)];
            // SAFETY: `e` points to one word of the table, eight readable bytes, which is all
            // `movq` reads (no alignment requirement).
            unsafe { _mm_loadl_epi64(e.cast()) }
        };
        let a = _mm_or_si128(
            _mm_or_si128(entry(0), _mm_slli_si128::<1>(entry(1))),
            _mm_or_si128(_mm_slli_si128::<2>(entry(2)), _mm_slli_si128::<3>(entry(3))),
        );
        let b = _mm_or_si128(
            _mm_or_si128(_mm_slli_si128::<4>(entry(4)), _mm_slli_si128::<5>(entry(5))),
            _mm_or_si128(_mm_slli_si128::<6>(entry(6)), _mm_slli_si128::<7>(entry(7))),
        );
        _mm_or_si128(_mm_srli_si128::<8>(st), _mm_or_si128(a, b))
    }

    /// One block with AVX2, as [`step_sse2`], without its seven byte shifts (which share one
    /// or two ports): the sixteen bytes that start `k` bytes before the entry of offset `k`
    /// hold it already shifted, and an AND keeps its eight bytes (VEX encoding folds the
    /// unaligned load into the AND).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn step_avx2(table: &[u64; FDR_TABLE], st: __m128i, lo: u64, hi: u64) -> __m128i {
        let bytes = table.as_ptr().cast::<u8>();
        let entry = |k: usize| {
            let at = 8 * pair(lo, hi, k) - k;
            assert!(at + 16 <= 8 * FDR_TABLE);
            // SAFETY: `at .. at + 16` lies inside the table (asserted; the entries sit between
            // two words of padding, so the assertion folds away), and `loadu` has no alignment
            // requirement.
            let v = unsafe { _mm_loadu_si128(bytes.add(at).cast()) };
            let keep = (u128::from(u64::MAX) << (8 * k)).to_le_bytes();
            // SAFETY: `keep` is sixteen readable bytes.
            _mm_and_si128(v, unsafe { _mm_loadu_si128(keep.as_ptr().cast()) })
        };
        let e0: *const u64 = &table[pair(lo, hi, 0)];
        // SAFETY: `e0` points to one word of the table, eight readable bytes.
        let e0 = unsafe { _mm_loadl_epi64(e0.cast()) };
        let a = _mm_or_si128(_mm_or_si128(e0, entry(1)), _mm_or_si128(entry(2), entry(3)));
        let b = _mm_or_si128(_mm_or_si128(entry(4), entry(5)), _mm_or_si128(entry(6), entry(7)));
        _mm_or_si128(_mm_srli_si128::<8>(st), _mm_or_si128(a, b))
    }

    /// A kernel's loop, around its block step.
    macro_rules! blocks {
        ($(#[$doc:meta])* $name:ident, $feature:literal, $step:ident) => {
            $(#[$doc])*
            #[inline(never)]
            #[target_feature(enable = $feature)]
            fn $name(
                table: &[u64; FDR_TABLE],
                hay: &[u8],
                base: &mut usize,
                state: &mut __m128i,
                open: &mut [(usize, u64); 32],
            ) -> usize {
                let (mut at, mut st, mut n) = (*base, *state, 0);
                // Two blocks a step (25 bytes read), with one branch for both: most blocks
                // pass no position.
                while n + 2 <= open.len() {
                    let Some(w) = hay.get(at..).and_then(|h| h.first_chunk::<25>()) else { break };
                    let first = $step(table, st, word(w, 0), word(w, 4));
                    st = $step(table, first, word(w, 8), word(w, 12));
                    let (p0, p1) = (!(_mm_cvtsi128_si64(first) as u64), !(_mm_cvtsi128_si64(st) as u64));
                    if p0 | p1 != 0 {
                        if p0 != 0 {
                            open[n] = (at, p0);
                            n += 1;
                        }
                        if p1 != 0 {
                            open[n] = (at + 8, p1);
                            n += 1;
                        }
                    }
                    at += 16;
                }
                // Then one block at a time: the last one before the end, or until `open` is
                // full.
                while n < open.len() {
                    // Each block reads the pairs at `at .. at + 8`: seventeen bytes.
                    let Some(w) = hay.get(at..).and_then(|h| h.first_chunk::<17>()) else { break };
                    st = $step(table, st, word(w, 0), word(w, 4));
                    let passing = !(_mm_cvtsi128_si64(st) as u64);
                    if passing != 0 {
                        open[n] = (at, passing);
                        n += 1;
                    }
                    at += 8;
                }
                (*base, *state) = (at, st);
                n
            }
        };
    }

    blocks!(
        /// Runs blocks from `base` until `open` is full or the text ends, and returns how many
        /// blocks with a passing position it holds, as `(block start, bytes of the passing
        /// positions)`. No call inside the loop, so that the state stays in a register (with
        /// the callback in the loop, it was stored and reloaded every block).
        blocks_sse2,
        "sse2",
        step_sse2
    );
    blocks!(
        /// [`blocks_sse2`] with [`step_avx2`].
        blocks_avx2,
        "avx2",
        step_avx2
    );
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
