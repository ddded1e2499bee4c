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
        Literals { filter, bucket_of, buckets, entries, keywords: kws }
    }

    /// Length of keyword `id`.
    #[inline]
    pub(crate) fn keyword_len(&self, id: usize) -> usize {
        self.keywords[id].len()
    }

    /// Calls `f(start, keyword id)` for every occurrence, in order of `start`.
    #[inline]
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        if hay.len() < 3 || self.keywords.is_empty() {
            return;
        }
        let mut from = 0;
        #[cfg(target_arch = "x86_64")]
        if avx2::available() {
            from = avx2::scan(self, hay, &mut |i| self.verify(hay, i, &mut f));
        }
        self.for_each_from(hay, from, f);
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
            let e = filter[hash(key3(hay[i], hay[i + 1], hay[i + 2]))];
            let need = hay.get(i + 3).map_or(0xFF, |&b| class_bit(b));
            if e & need != 0 {
                self.verify(hay, i, &mut f);
            }
            i += 1;
        }
    }

    #[inline(never)]
    fn verify(&self, hay: &[u8], i: usize, f: &mut impl FnMut(usize, usize)) {
        let h = hash(key3(hay[i], hay[i + 1], hay[i + 2]));
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

    #[test]
    fn vector_and_portable_searches_agree() {
        let kws = ["sk-", "sk-ant-", "ghp_", "AKIA", "oken", "token", "xox", "lin_", "her", "://", "password"];
        let lit = Literals::new(kws);
        let mut r: u64 = 7;
        let alphabet = b"skantghp_AKIAokenxolin_her:/pword -.\x00\xff\xe6\x97\xa5";
        for len in 0..300 {
            for _ in 0..4 {
                let hay: Vec<u8> = (0..len)
                    .map(|_| {
                        r = r.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        alphabet[(r >> 33) as usize % alphabet.len()]
                    })
                    .collect();
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
