//! Stage 1 keyword search: every occurrence of every keyword (case-sensitive, overlapping).
//!
//! Aho-Corasick's SIMD Teddy prefilter costs about the same per pattern however the patterns
//! are split (measured on 227 keywords: 16, 32 or 64 per automaton all gave 320-450 MB/s in
//! total), and a plain automaton steps every byte at ~400 MB/s. Here each position's first
//! three bytes are hashed into a 64 Ki-bit filter holding the keywords' first three bytes; only
//! the ~0.5% of positions that pass are looked up and compared in full. One pass, no
//! allocation, every overlapping occurrence reported in order of position.

/// Filter size: 32 KiB of bytes fits the L1 cache; ~230 keywords set ~0.7% of entries.
const FILTER_LEN: usize = 1 << 15;

/// A set of keywords searched all at once.
pub(crate) struct Literals {
    /// Non-zero where some keyword's first three bytes hash to.
    filter: Box<[u8]>,
    /// Hash -> index into `buckets` (consulted only where the filter is set).
    bucket_of: Box<[u16]>,
    /// Keyword ids whose first three bytes share a hash.
    buckets: Vec<Vec<u32>>,
    keywords: Vec<Box<[u8]>>,
}

#[inline(always)]
fn hash(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> 17) as usize
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
        for (i, k) in keywords.into_iter().enumerate() {
            let k = k.as_ref();
            debug_assert!(k.len() >= 3);
            let h = hash(key3(k[0], k[1], k[2]));
            if filter[h] == 0 {
                filter[h] = 1;
                bucket_of[h] = buckets.len() as u16;
                buckets.push(Vec::new());
            }
            buckets[usize::from(bucket_of[h])].push(i as u32);
            kws.push(k.to_vec().into_boxed_slice());
        }
        Literals { filter, bucket_of, buckets, keywords: kws }
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
        let filter: &[u8; FILTER_LEN] = match (*self.filter).try_into() {
            Ok(t) => t,
            Err(_) => return,
        };
        const M: u64 = 0xFF_FFFF;
        let mut i = 0;
        // Six positions per unaligned 64-bit load; the table lookups are independent, so they
        // overlap in the pipeline, and one branch covers all six.
        while i + 8 <= hay.len() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&hay[i..i + 8]);
            let x = u64::from_le_bytes(w);
            let hit = u32::from(filter[hash((x & M) as u32)])
                | u32::from(filter[hash((x >> 8 & M) as u32)]) << 1
                | u32::from(filter[hash((x >> 16 & M) as u32)]) << 2
                | u32::from(filter[hash((x >> 24 & M) as u32)]) << 3
                | u32::from(filter[hash((x >> 32 & M) as u32)]) << 4
                | u32::from(filter[hash((x >> 40 & M) as u32)]) << 5;
            if hit != 0 {
                let mut h = hit;
                while h != 0 {
                    let j = h.trailing_zeros() as usize;
                    h &= h - 1;
                    self.verify(hay, i + j, &mut f);
                }
            }
            i += 6;
        }
        while i + 3 <= hay.len() {
            if filter[hash(key3(hay[i], hay[i + 1], hay[i + 2]))] != 0 {
                self.verify(hay, i, &mut f);
            }
            i += 1;
        }
    }

    #[inline(never)]
    fn verify(&self, hay: &[u8], i: usize, f: &mut impl FnMut(usize, usize)) {
        let h = hash(key3(hay[i], hay[i + 1], hay[i + 2]));
        for &id in &self.buckets[usize::from(self.bucket_of[h])] {
            let k = &self.keywords[id as usize];
            if hay[i..].starts_with(k) {
                f(i, id as usize);
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
        // Every alignment of a hit relative to the 8-byte steps.
        for pad in 0..20 {
            let h = format!("{}ghp_{}", "x".repeat(pad), "y".repeat(pad));
            let mut got = Vec::new();
            lit.for_each(h.as_bytes(), |s, id| got.push((s, id)));
            assert_eq!(got, vec![(pad, 2)]);
        }
    }
}
