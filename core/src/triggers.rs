//! Stage 1 shape triggers for rules without a literal keyword: digit clusters, `@`, hex around
//! `:`. They run at memchr-like speed on clean text: 8 bytes at a time, no allocation.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of the result is set where the byte of `x` is an ASCII digit.
#[inline(always)]
fn digit_mask(x: u64) -> u64 {
    range_mask(x, b'0', b'9')
}

/// Bit 7 of each byte of the result is set where the byte of `x` lies in `lo..=hi` (both
/// ASCII, `lo` at least 1).
#[inline(always)]
fn range_mask(x: u64, lo: u8, hi: u8) -> u64 {
    // Classic "has a byte between m and n" (m = lo - 1, n = hi + 1) on 7-bit lanes; `!x`
    // removes bytes >= 0x80 (UTF-8 continuation and lead bytes), which are never ASCII.
    let low = x & (LO * 0x7f);
    let (m, n) = (u64::from(lo) - 1, u64::from(hi) + 1);
    ((LO * (127 + n)).wrapping_sub(low) & !x & low.wrapping_add(LO * (127 - m))) & HI
}

/// What the CPU offers the digit search, detected once per search rather than per call.
#[derive(Clone, Copy)]
pub(crate) struct Cpu {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<avx2::Avx2>,
}

impl Cpu {
    fn detect() -> Cpu {
        Cpu {
            #[cfg(target_arch = "x86_64")]
            avx2: avx2::Avx2::detect(),
        }
    }
}

/// Digits found 32 bytes at a time with AVX2 (code and logs hold a number every few dozen
/// bytes, so this search runs once per digit cluster).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::*;

    use super::Classes;
    pub(super) use crate::has_avx2 as available;

    /// Proof that the CPU has AVX2: only [`Avx2::detect`] makes one, after checking.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx2(());

    impl Avx2 {
        /// `Some` where the CPU has AVX2.
        pub(super) fn detect() -> Option<Avx2> {
            available().then_some(Avx2(()))
        }

        /// The classes of the 64 bytes at `base`, or `None` where fewer than 64 bytes are left.
        #[inline]
        pub(super) fn classes(self, hay: &[u8], base: usize) -> Option<Classes> {
            let chunk = hay.get(base..base.checked_add(64)?)?;
            // SAFETY: an `Avx2` exists only where `detect` found AVX2 on this CPU, which is
            // all `classes_avx2` needs.
            Some(unsafe { classes_avx2(chunk) })
        }

        /// `Ok` of the next digit at or after `from` and the classes of the 64 bytes from it
        /// (`None` if there is none), or `Err(from)` where fewer than 32 bytes are left to
        /// search.
        #[inline]
        pub(super) fn next_digit_bits(self, hay: &[u8], from: usize) -> Result<Option<(usize, Classes)>, usize> {
            // SAFETY: an `Avx2` exists only where `detect` found AVX2 on this CPU, which is
            // all `next_digit_bits_avx2` needs.
            unsafe { next_digit_bits_avx2(hay, from) }
        }

        /// `Ok(position of the next colon followed by a hex digit or a colon)`, or `Err(from)`
        /// where fewer than 65 bytes are left to search.
        #[inline]
        pub(super) fn next_hexcolon(self, hay: &[u8], from: usize) -> Result<Option<usize>, usize> {
            // SAFETY: an `Avx2` exists only where `detect` found AVX2 on this CPU, which is
            // all `next_hexcolon_avx2` needs.
            unsafe { next_hexcolon_avx2(hay, from) }
        }
    }

    /// The digits of the first 32 bytes of `p` as a bit mask.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn digits32(p: &[u8]) -> u32 {
        assert!(p.len() >= 32);
        // SAFETY: `p` is at least 32 readable bytes (asserted); `loadu` has no alignment
        // requirement.
        let v = unsafe { _mm256_loadu_si256(p.as_ptr().cast()) };
        // A digit is a byte b with b - '0' (wrapping) at most 9, unsigned.
        let d = _mm256_sub_epi8(v, _mm256_set1_epi8(b'0' as i8));
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d)) as u32
    }

    /// The digits, separators, dots, spaces and ASCII upper-case letters of the first 32
    /// bytes of `p` (at least 32), as bit masks.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn classes32(p: &[u8]) -> [u32; 5] {
        assert!(p.len() >= 32);
        // SAFETY: `p` is at least 32 readable bytes (asserted); `loadu` has no alignment
        // requirement.
        let v = unsafe { _mm256_loadu_si256(p.as_ptr().cast()) };
        let within = |lo: u8, span: u8| {
            let d = _mm256_sub_epi8(v, _mm256_set1_epi8(lo as i8));
            _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(span as i8)), d)
        };
        let digits = within(b'0', 9);
        // The separators: ' ', '(' and ')', and '-' '.' '/'.
        let space = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b' ' as i8));
        let dot = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'.' as i8));
        let seps = _mm256_or_si256(_mm256_or_si256(space, within(b'(', 1)), within(b'-', 2));
        [digits, seps, dot, space, within(b'A', 25)].map(|m| _mm256_movemask_epi8(m) as u32)
    }

    /// The classes of the first 64 bytes of `chunk` (at least 64).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn classes_avx2(chunk: &[u8]) -> Classes {
        let [d0, s0, o0, p0, u0] = classes32(chunk);
        let [d1, s1, o1, p1, u1] = classes32(&chunk[32..]);
        let join = |lo: u32, hi: u32| u64::from(lo) | u64::from(hi) << 32;
        Classes::new(join(d0, d1), join(s0, s1), join(o0, o1), join(p0, p1), join(u0, u1))
    }

    #[target_feature(enable = "avx2")]
    fn next_digit_bits_avx2(hay: &[u8], mut from: usize) -> Result<Option<(usize, Classes)>, usize> {
        while from + 32 <= hay.len() {
            let m = digits32(&hay[from..]);
            if m != 0 {
                let p = from + m.trailing_zeros() as usize;
                let mask = match hay.get(p..p + 64) {
                    Some(w) => classes_avx2(w),
                    // Near the end: the portable masks, eight bytes at a time.
                    None => super::classes(super::Cpu { avx2: None }, hay, p),
                };
                return Ok(Some((p, mask)));
            }
            from += 32;
        }
        Err(from)
    }

    #[target_feature(enable = "avx2")]
    fn next_hexcolon_avx2(hay: &[u8], mut from: usize) -> Result<Option<usize>, usize> {
        let colon = _mm256_set1_epi8(b':' as i8);
        let zero = _mm256_set1_epi8(b'0' as i8);
        let nine = _mm256_set1_epi8(9);
        let lower_a = _mm256_set1_epi8(b'a' as i8);
        let five = _mm256_set1_epi8(5);
        let case = _mm256_set1_epi8(0x20);
        // Whether each byte is in `lo..=lo + span` (unsigned, wrapping).
        let within = |v: __m256i, lo: __m256i, span: __m256i| {
            let d = _mm256_sub_epi8(v, lo);
            _mm256_cmpeq_epi8(_mm256_min_epu8(d, span), d)
        };
        // The hex digits and colons among 32 bytes.
        let hexcolon_of = |v: __m256i| {
            let hex = _mm256_or_si256(within(v, zero, nine), within(_mm256_or_si256(v, case), lower_a, five));
            _mm256_or_si256(hex, _mm256_cmpeq_epi8(v, colon))
        };
        // The colons of the 32 bytes at `p` (33 readable) that a hex digit or a colon follows.
        let candidates = |p: &[u8], colons: __m256i| {
            // SAFETY: callers pass 33 readable bytes, so the load at offset 1 stays inside.
            let next = unsafe { _mm256_loadu_si256(p[1..].as_ptr().cast()) };
            _mm256_movemask_epi8(_mm256_and_si256(colons, hexcolon_of(next))) as u32
        };
        while from + 65 <= hay.len() {
            let chunk = &hay[from..from + 65];
            // SAFETY: `chunk` is 65 readable bytes, so both 32-byte unaligned loads (at offsets
            // 0 and 32) stay inside it.
            let (v0, v1) =
                unsafe { (_mm256_loadu_si256(chunk.as_ptr().cast()), _mm256_loadu_si256(chunk[32..].as_ptr().cast())) };
            let (c0, c1) = (_mm256_cmpeq_epi8(v0, colon), _mm256_cmpeq_epi8(v1, colon));
            // Prose holds a colon in few 64-byte blocks: one test skips them.
            if _mm256_movemask_epi8(_mm256_or_si256(c0, c1)) != 0 {
                let mut m = u64::from(candidates(chunk, c0)) | u64::from(candidates(&chunk[32..], c1)) << 32;
                if m != 0 {
                    let bits = |lo: __m256i, hi: __m256i| {
                        u64::from(_mm256_movemask_epi8(lo) as u32) | u64::from(_mm256_movemask_epi8(hi) as u32) << 32
                    };
                    let all = bits(c0, c1);
                    // Colons the iterator rejects on its own are dropped here in bulk, without
                    // a call and a new block each. First, one with no second colon in the five
                    // bytes after it (JSON's `"status":404`, `key:1`), but for the block's last
                    // five, whose next bytes the block does not hold.
                    m &= all >> 1 | all >> 2 | all >> 3 | all >> 4 | all >> 5 | 0x1F << 59;
                    if m != 0 {
                        // Then both colons of each clock time (`09:14:05` in no longer run of
                        // hex digits and colons) whose bytes all lie in the block (its first
                        // colon at 3..=57).
                        let digits = bits(within(v0, zero, nine), within(v1, zero, nine));
                        let hexcolon = bits(hexcolon_of(v0), hexcolon_of(v1));
                        let clock = all
                            & digits << 2
                            & digits << 1
                            & digits >> 1
                            & digits >> 2
                            & all >> 3
                            & digits >> 4
                            & digits >> 5
                            & !(hexcolon >> 6)
                            & !(hexcolon << 3)
                            & 0x03FF_FFFF_FFFF_FFF8;
                        m &= !(clock | clock << 3);
                        if m != 0 {
                            return Ok(Some(from + m.trailing_zeros() as usize));
                        }
                    }
                }
            }
            from += 64;
        }
        Err(from)
    }
}

/// A run of digits joined by single separators, e.g. `4111 1111-1111 1111` or `(555) 123`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DigitCluster {
    pub start: usize,
    pub end: usize,
    pub digits: u32,
    /// At least three `.` separators inside the cluster (between its digit groups).
    pub many_dots: bool,
    /// A space inside the cluster (between two of its digit groups).
    pub spaced: bool,
}

#[inline(always)]
fn is_sep(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'/' | b')' | b'(')
}

/// The digit cluster starting at the digit at `start`, walked byte by byte (the reference for
/// [`DigitClusters`], which reads digit runs from its mask).
#[cfg(test)]
pub(crate) fn digit_cluster(hay: &[u8], start: usize) -> DigitCluster {
    cluster_from(hay, start, |i| i + hay[i..].iter().take_while(|b| b.is_ascii_digit()).count())
}

/// The digit cluster starting at the digit at `start`, where `run_end(i)` is the end of the
/// digit run at the digit `i`.
#[inline(always)]
fn cluster_from(hay: &[u8], start: usize, run_end: impl Fn(usize) -> usize) -> DigitCluster {
    let (mut i, mut digits, mut dots, mut spaces) = (start, 0u32, 0u32, 0u32);
    loop {
        let e = run_end(i);
        digits += (e - i) as u32;
        i = e;
        // Up to two separator bytes ("(555) 123") before the next digit.
        let mut j = i;
        while j < hay.len() && j - i < 2 && is_sep(hay[j]) {
            j += 1;
        }
        if j > i && j < hay.len() && hay[j].is_ascii_digit() {
            for &b in &hay[i..j] {
                dots += u32::from(b == b'.');
                spaces += u32::from(b == b' ');
            }
            i = j;
        } else {
            break;
        }
    }
    DigitCluster { start, end: i, digits, many_dots: dots >= 3, spaced: spaces > 0 }
}

/// Which of 64 bytes (bit `k` for the byte at `base + k`; none past the end of the text) are
/// digits, dots, spaces and ASCII upper-case letters, and which belong to a cluster's body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Classes {
    digits: u64,
    dots: u64,
    spaces: u64,
    upper: u64,
    /// The digits, and the separators that join two of them (one between two digits, or two
    /// in a row between two digits): a cluster is a run of these bits that starts with a
    /// digit. Bits 62 and 63 may be missing (they depend on the bytes after the 64).
    body: u64,
}

/// Bits up to here of [`Classes::body`] are exact.
const BODY_EXACT: usize = 61;

impl Classes {
    /// The classes from the digit, separator, dot, space and upper-case masks.
    #[inline(always)]
    fn new(digits: u64, seps: u64, dots: u64, spaces: u64, upper: u64) -> Classes {
        // Bit k of `after` is set where byte k - 1 is a digit; of `before`, where byte k + 1
        // is one (and `before2` byte k + 2).
        let (after, before, before2) = (digits << 1, digits >> 1, digits >> 2);
        let single = seps & after & before;
        let double = seps & seps >> 1 & after & before2;
        Classes { digits, dots, spaces, upper, body: digits | single | double | double << 1 }
    }
}

/// Iterates over digit clusters.
///
/// Logs hold a digit cluster every 15 bytes (dates, times, ports, ids), so the next cluster is
/// found in bit masks of the 64 bytes at `base` ([`Classes`]), kept between clusters, rather
/// than by a vector search per cluster (measured on 16 MiB of logs: 1.1 million searches at
/// about 40 instructions each), and the cluster's extent and counts are read from the masks
/// rather than walked byte by byte.
pub(crate) struct DigitClusters<'h> {
    hay: &'h [u8],
    pos: usize,
    cpu: Cpu,
    /// The classes of the 64 bytes at `base`.
    mask: Classes,
    base: usize,
    /// The clusters wanted: see [`DigitClusters::wanted`].
    want: Want,
    /// The cluster starts among the 64 bytes at `base` that [`Want`] does not rule out.
    starts: u64,
}

/// Which clusters a scan needs: those of at least `min_len` bytes (1 to 8), and, where
/// `after_upper`, those whose first digit follows an ASCII upper-case letter.
#[derive(Clone, Copy, Debug)]
struct Want {
    min_len: usize,
    after_upper: bool,
    /// Shifts that turn the body into its runs of `min_len` bytes: each AND of the mask
    /// with itself shifted at most doubles the length covered (1, 2, 4, then 8).
    shifts: [usize; 3],
}

impl Want {
    fn new(min_len: usize, after_upper: bool) -> Want {
        // Eight is what the masks decide cheaply; a longer bound is still met by those.
        let min_len = min_len.clamp(1, 8);
        let mut shifts = [0; 3];
        let mut covered = 1;
        for s in &mut shifts {
            *s = covered.min(min_len - covered);
            covered += *s;
        }
        Want { min_len, after_upper, shifts }
    }
}

impl<'h> DigitClusters<'h> {
    /// Every digit cluster of `hay`, in order.
    #[cfg(test)]
    pub(crate) fn new(hay: &'h [u8]) -> Self {
        Self::on(Cpu::detect(), hay, Want::new(1, true))
    }

    /// The digit clusters of `hay` (in order) that have at least `min_len` bytes (from the
    /// first digit to the last), or whose first digit follows an ASCII upper-case letter
    /// where `after_upper`; some others too, each whole and as the iteration over every
    /// cluster gives it. The rest are skipped in bulk, from the masks: logs hold a cluster every ten bytes,
    /// most of them too short for any rule (`12:04:31,155`, `pid 4242`).
    pub(crate) fn wanted(hay: &'h [u8], min_len: usize, after_upper: bool) -> Self {
        Self::on(Cpu::detect(), hay, Want::new(min_len, after_upper))
    }

    fn on(cpu: Cpu, hay: &'h [u8], want: Want) -> Self {
        let mut it = DigitClusters { hay, pos: 0, cpu, mask: Classes::default(), base: 0, want, starts: 0 };
        it.load(0, classes(cpu, hay, 0));
        it
    }

    /// Takes the classes of the 64 bytes at `base`, and the starts of the clusters among them
    /// that [`Want`] may keep.
    ///
    /// A cluster starts at a digit after no body byte ([`Classes::body`] is exact wherever a
    /// digit's previous byte is concerned; bit 0 is either the text's first byte or, as
    /// [`next_digit_bits`] places `base`, the first digit after the last cluster). Its length
    /// is read from the body where that is exact (up to [`BODY_EXACT`]): a start past
    /// `BODY_EXACT + 1 - min_len` is kept whatever its length, so that every cluster skipped
    /// ends inside these 64 bytes.
    #[inline(always)]
    fn load(&mut self, base: usize, mask: Classes) {
        let Want { min_len, after_upper, shifts } = self.want;
        // Bit `k` of `long`: the bytes `k .. k + min_len` all belong to the body.
        let long = shifts.iter().fold(mask.body, |long, &s| long & long >> s);
        let undecided = u64::MAX << (BODY_EXACT + 2 - min_len);
        let upper = if after_upper {
            mask.upper << 1 | u64::from(base > 0 && self.hay[base - 1].is_ascii_uppercase())
        } else {
            0
        };
        self.starts = mask.digits & !(mask.body << 1) & (long | undecided | upper);
        (self.base, self.mask) = (base, mask);
    }

    /// The first digit at or after `from`.
    #[inline(always)]
    fn next_digit(&mut self, from: usize) -> Option<usize> {
        // `from` never moves back (clusters come in order): it is at or after `base`.
        if from < self.base + 64 {
            let m = self.mask.digits & (u64::MAX << (from - self.base));
            if m != 0 {
                return Some(self.base + m.trailing_zeros() as usize);
            }
        }
        let (base, mask) = next_digit_bits(self.cpu, self.hay, from.max(self.base + 64))?;
        self.load(base, mask);
        Some(base)
    }
}

/// The first digit at or after `from`, and the classes of the 64 bytes from it (see
/// [`classes`]). Prose holds a digit cluster every few hundred bytes: the vector search skips
/// to it in one call, and the masks then serve the clusters that follow.
#[inline]
fn next_digit_bits(cpu: Cpu, hay: &[u8], mut from: usize) -> Option<(usize, Classes)> {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = cpu.avx2 {
        match avx2.next_digit_bits(hay, from) {
            Ok(found) => return found,
            Err(rest) => from = rest,
        }
    }
    let p = from + hay.get(from..)?.iter().position(u8::is_ascii_digit)?;
    Some((p, classes(cpu, hay, p)))
}

/// Bit 7 of each byte of the result is set where the byte of `x` equals `b`.
#[inline(always)]
fn eq_mask(x: u64, b: u8) -> u64 {
    let t = x ^ (LO * u64::from(b));
    // A byte of `t` is zero exactly where neither its low seven bits nor its top bit are set.
    !((t & (LO * 0x7f)).wrapping_add(LO * 0x7f) | t) & HI
}

/// The [`Classes`] of the 64 bytes at `base` (fewer near the end).
#[inline]
fn classes(cpu: Cpu, hay: &[u8], base: usize) -> Classes {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = cpu.avx2 {
        if let Some(m) = avx2.classes(hay, base) {
            return m;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = cpu;
    let end = hay.len().min(base + 64);
    let bytes = hay.get(base..end).unwrap_or_default();
    let (mut digits, mut seps, mut dots, mut spaces, mut upper) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut words = bytes.chunks_exact(8);
    for (k, w) in words.by_ref().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let x = u64::from_le_bytes(b);
        // Bit 7 of each byte to one bit per byte: the multiply gathers them in the top byte.
        let bits = |m: u64| ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
        let (dot, space) = (eq_mask(x, b'.'), eq_mask(x, b' '));
        let sep = [b'-', b'/', b'(', b')'].iter().fold(dot | space, |m, &b| m | eq_mask(x, b));
        digits |= bits(digit_mask(x));
        seps |= bits(sep);
        dots |= bits(dot);
        spaces |= bits(space);
        upper |= bits(range_mask(x, b'A', b'Z'));
    }
    let done = bytes.len() - words.remainder().len();
    for (k, &b) in words.remainder().iter().enumerate() {
        let bit = 1u64 << (done + k);
        digits |= if b.is_ascii_digit() { bit } else { 0 };
        seps |= if is_sep(b) { bit } else { 0 };
        dots |= if b == b'.' { bit } else { 0 };
        spaces |= if b == b' ' { bit } else { 0 };
        upper |= if b.is_ascii_uppercase() { bit } else { 0 };
    }
    Classes::new(digits, seps, dots, spaces, upper)
}

impl DigitClusters<'_> {
    /// The end of the digit run at the digit `i`: read from the mask where the run ends inside
    /// it, else walked.
    #[inline(always)]
    fn run_end(&self, i: usize) -> usize {
        let mut e = i;
        if let Some(k) = i.checked_sub(self.base).filter(|&k| k < 64) {
            // Ones from bit `k` on; zeros shifted in at the top end the count by bit 64.
            let ones = (!(self.mask.digits >> k)).trailing_zeros() as usize;
            e = i + ones;
            if k + ones < 64 {
                return e;
            }
        }
        while e < self.hay.len() && self.hay[e].is_ascii_digit() {
            e += 1;
        }
        e
    }

    /// The cluster at the digit `start` (at or after `base`): read from the masks where it ends
    /// in their exact part (logs: almost always), else walked with its digit runs measured by
    /// [`DigitClusters::run_end`].
    #[inline(always)]
    fn cluster(&self, start: usize) -> DigitCluster {
        let k = start - self.base;
        if k <= BODY_EXACT {
            // Ones of the body from bit `k` on; the cluster ends at the first zero.
            let end = k + (!(self.mask.body >> k)).trailing_zeros() as usize;
            if end <= BODY_EXACT {
                let span = (u64::MAX << k) & !(u64::MAX << end);
                let m = &self.mask;
                // No branch on what the cluster holds (logs: a cluster every 15 bytes, of
                // every shape): a count, and the third dot is what is left after clearing
                // the lowest two.
                let dots = m.dots & span;
                let third_dot = dots & dots.wrapping_sub(1);
                return DigitCluster {
                    start,
                    end: self.base + end,
                    digits: (m.digits & span).count_ones(),
                    many_dots: third_dot & third_dot.wrapping_sub(1) != 0,
                    spaced: m.spaces & span != 0,
                };
            }
        }
        cluster_from(self.hay, start, |i| self.run_end(i))
    }
}

impl Iterator for DigitClusters<'_> {
    type Item = DigitCluster;

    #[inline(always)]
    fn next(&mut self) -> Option<DigitCluster> {
        loop {
            // The next cluster's start: the clusters up to it were skipped whole.
            let first = self.next_digit(self.pos)?;
            let m = self.starts & (u64::MAX << (first - self.base));
            if m == 0 {
                // No cluster from `first` on in these 64 bytes is wanted, and all end in them.
                self.pos = self.base + 64;
                continue;
            }
            let start = self.base + m.trailing_zeros() as usize;
            let c = self.cluster(start);
            self.pos = c.end.max(start + 1);
            return Some(c);
        }
    }
}

/// A span of hex digits, `:` and `.` around a colon, when it has the shape of an IPv6 or MAC
/// address (two or more colons, and a `::`, five or more colons, or a hex letter). Clock times
/// like `12:34:56` do not qualify.
pub(crate) struct HexColonClusters<'h> {
    hay: &'h [u8],
    pos: usize,
    cpu: Cpu,
}

impl<'h> HexColonClusters<'h> {
    pub(crate) fn new(hay: &'h [u8]) -> Self {
        HexColonClusters { hay, pos: 0, cpu: Cpu::detect() }
    }
}

/// Whether a colon followed by `b` can be part of an address: `b` is a colon or a hex digit.
#[inline(always)]
fn continues_hexcolon(b: u8) -> bool {
    b == b':' || b.is_ascii_hexdigit()
}

/// Position of the next colon at or after `from` that is followed by a hex digit or another
/// colon. Most colons in text and code (`key: value`, `":"`, `else:`) are not: code holds one
/// such colon in 35 (measured on the code corpus), so each colon memchr finds is followed by a
/// vector test of the 32 bytes from it, which skips the colons among them in bulk. The vector
/// path also skips colons with no second colon in the five bytes after them (JSON numbers,
/// `"status":404`), which [`HexColonClusters`] rejects anyway: the result lies between the
/// first colon of the shape above and the first that also has a second colon that near.
#[inline]
fn next_hexcolon_on(cpu: Cpu, hay: &[u8], mut from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = cpu.avx2 {
        match avx2.next_hexcolon(hay, from) {
            Ok(found) => return found,
            Err(rest) => from = rest,
        }
    }
    while let Some(c) = memchr::memchr(b':', hay.get(from..)?) {
        let c = c + from;
        if hay.get(c + 1).is_some_and(|&b| continues_hexcolon(b)) {
            return Some(c);
        }
        from = c + 1;
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = cpu;
    None
}

/// Whether the colon at `c` is the first of a clock time, `09:14:05`, that is no part of a
/// longer run of hex digits and colons.
#[inline]
fn is_clock_colon(hay: &[u8], c: usize) -> bool {
    let d = |i: usize| hay.get(i).is_some_and(u8::is_ascii_digit);
    c >= 2
        && d(c - 2)
        && d(c - 1)
        && d(c + 1)
        && d(c + 2)
        && hay.get(c + 3) == Some(&b':')
        && d(c + 4)
        && d(c + 5)
        && !hay.get(c + 6).is_some_and(|&b| b == b':' || b.is_ascii_hexdigit())
        && !(c >= 3 && (hay[c - 3] == b':' || hay[c - 3].is_ascii_hexdigit()))
}

#[inline(always)]
fn is_hexcolon(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

impl Iterator for HexColonClusters<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let hay = self.hay;
        while self.pos < hay.len() {
            // A qualifying colon is followed by a hex digit or another colon.
            let c = next_hexcolon_on(self.cpu, hay, self.pos)?;
            // Clock times (`09:14:05`, the most common colons in logs) are skipped outright.
            if is_clock_colon(hay, c) {
                self.pos = c + 6;
                continue;
            }
            // A qualifying span has a second colon within a group's length (4 hex digits) of
            // its first one; most colons in text (`key: value`, `12:34` then space) do not.
            let near = &hay[c + 1..(c + 6).min(hay.len())];
            match near.iter().position(|&b| b == b':') {
                Some(p) if near[..p].iter().all(u8::is_ascii_hexdigit) => {}
                _ => {
                    self.pos = c + 1;
                    continue;
                }
            }
            // The first colon of an address follows at most one group (4 hex digits).
            let mut s = c;
            while s > 0 && is_hexcolon(hay[s - 1]) && c - s < 4 {
                s -= 1;
            }
            let mut e = c;
            while e < hay.len() && is_hexcolon(hay[e]) && e - s < 64 {
                e += 1;
            }
            self.pos = e.max(c + 1);
            let span = &hay[s..e];
            let colons = span.iter().filter(|&&b| b == b':').count();
            if colons < 2 {
                continue;
            }
            let double = memchr::memmem::find(span, b"::").is_some();
            let letter = span.iter().any(|b| b.is_ascii_alphabetic());
            let hexes = span.iter().filter(|b| b.is_ascii_hexdigit()).count();
            if hexes >= 2 && (double || colons >= 5 || letter) {
                return Some((s, e));
            }
        }
        None
    }
}

/// A byte that can start a value just before its digits: `+44…`, `(555)…`, `DE89…`.
#[inline]
fn is_value_prefix(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'+' || b == b'('
}

/// Calls `f` with each place before the digit cluster at `s` where a value may start
/// (`+44 …`, `(555) …`, `DE89 …`, `JK 48 …`, `Y-0395728-G`), nearest first: the places
/// [`walk_value_prefixes`] visits, found with vectors by [`value_prefix_starts`] where it can.
#[inline(always)]
pub(crate) fn for_each_value_prefix(hay: &[u8], s: usize, reach: usize, mut f: impl FnMut(usize)) {
    match value_prefix_starts(hay, s, reach) {
        Some(mut starts) => {
            while starts != 0 {
                let i = 31 - starts.leading_zeros();
                f(s - 16 + i as usize);
                starts &= !(1 << i);
            }
        }
        None => walk_value_prefixes(hay, s, reach, f),
    }
}

/// The byte walk behind [`for_each_value_prefix`]: back at most `reach` bytes from `s`, it
/// steps over separators, calls `f` at each `+`, `(` and letter that begins a word, and stops
/// at any other byte.
#[inline]
fn walk_value_prefixes(hay: &[u8], s: usize, reach: usize, mut f: impl FnMut(usize)) {
    let mut k = s;
    while k > 0 && s - k < reach {
        let b = hay[k - 1];
        // Only where a word starts: letters glued to more letters (`sha256`, `x86_64`) begin
        // no value that the word boundary of a rule would accept.
        let word_start = k < 2 || !hay[k - 2].is_ascii_alphanumeric();
        if is_value_prefix(b) {
            if word_start || !b.is_ascii_alphanumeric() {
                f(k - 1);
            }
        } else if !matches!(b, b' ' | b'-' | b'.' | b'/') {
            break;
        }
        k -= 1;
    }
}

/// The places [`walk_value_prefixes`] visits, as a bit mask: bit `i` stands for
/// `hay[s - 16 + i]`. `None` where the 17 bytes before `s` are not all there or `reach` is
/// over 16 (the caller walks byte by byte), or on CPUs other than x86-64.
///
/// Logs hold a cluster with enough digits to screen every ~90 bytes, and the walk's branches
/// on each byte's class were a quarter of the mispredicted branches of a pass over logs.
#[inline(always)]
#[allow(unsafe_code)]
fn value_prefix_starts(hay: &[u8], s: usize, reach: usize) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        if reach > 16 || s < 17 || s > hay.len() {
            return None;
        }
        // SAFETY: every x86-64 CPU has SSE2, all that `sse2::value_prefix_starts` needs.
        Some(unsafe { sse2::value_prefix_starts(&hay[s - 17..s], reach) })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (hay, s, reach);
        None
    }
}

/// SSE2, which every x86-64 CPU has.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod sse2 {
    use std::arch::x86_64::*;

    /// [`super::value_prefix_starts`] over the 17 bytes before the cluster (`w`).
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn value_prefix_starts(w: &[u8], reach: usize) -> u32 {
        assert!(w.len() == 17 && reach <= 16);
        // SAFETY: `w` is 17 readable bytes (asserted), so both 16-byte unaligned loads, at
        // offsets 0 and 1, stay inside it.
        let (before, v) = unsafe { (_mm_loadu_si128(w.as_ptr().cast()), _mm_loadu_si128(w[1..].as_ptr().cast())) };
        let within = |x: __m128i, lo: u8, span: u8| {
            let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
            _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span as i8)), d)
        };
        let eq = |x: __m128i, b: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8));
        let alpha = |x: __m128i| within(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', 25);
        let alnum = |x: __m128i| _mm_or_si128(alpha(x), within(x, b'0', 9));
        let bits = |m: __m128i| _mm_movemask_epi8(m) as u32;
        let letters = bits(alpha(v));
        let signs = bits(_mm_or_si128(eq(v, b'+'), eq(v, b'(')));
        // The separators stepped over: ' ', and '-' '.' '/'.
        let steps = bits(_mm_or_si128(eq(v, b' '), within(v, b'-', 2)));
        let glued = bits(alnum(before));
        // The walk covers the bytes from the last one back to the first that is neither a
        // place to start nor one to step over, within `reach`.
        let reachable = 0xFFFF & !(0xFFFF >> reach);
        let stops = !(letters | signs | steps) & reachable;
        let walked = if stops == 0 { reachable } else { reachable & !(u32::MAX >> (stops.leading_zeros())) };
        // A letter begins a word where the byte before it is no letter or digit.
        walked & (signs | letters & !glued)
    }
}

/// Whether the digit at `p` follows an ASCII upper-case letter that starts a word or follows
/// another upper-case letter (`S1234567D`, `DE89…`, `ABCDE1234F`), so the `T` of an ISO
/// timestamp (`2026-11-02T09:14`) does not count.
#[inline]
pub(crate) fn is_upper_start(hay: &[u8], p: usize) -> bool {
    p > 0
        && hay[p - 1].is_ascii_uppercase()
        && (p < 2 || !hay[p - 2].is_ascii_alphanumeric() || hay[p - 2].is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The portable CPU (what CPUs without AVX2 get).
    fn portable_cpu() -> Cpu {
        #[cfg(target_arch = "x86_64")]
        let cpu = Cpu { avx2: None };
        #[cfg(not(target_arch = "x86_64"))]
        let cpu = Cpu {};
        cpu
    }

    /// The classes of the 64 bytes at `base`, byte by byte, with the body's bits 62 and 63
    /// left as `classes` may leave them.
    fn reference_classes(hay: &[u8], base: usize, got_body: u64) -> Classes {
        let bits = |f: &dyn Fn(u8) -> bool| {
            (base..hay.len().min(base + 64)).filter(|&i| f(hay[i])).fold(0u64, |m, i| m | 1 << (i - base))
        };
        let digits = bits(&|b| b.is_ascii_digit());
        // The bytes before `base` are not looked at: clusters read from the masks start at or
        // after it.
        let d = |i: usize| i >= base && hay.get(i).is_some_and(u8::is_ascii_digit);
        let s = |i: usize| i >= base && hay.get(i).is_some_and(|&b| is_sep(b));
        // A separator joins where the scalar walk steps over it: one between two digits, or
        // two in a row between two digits.
        let body = (base..hay.len().min(base + 64))
            .filter(|&i| {
                d(i) || s(i)
                    && i > 0
                    && (d(i - 1) && (d(i + 1) || s(i + 1) && d(i + 2)) || i > 1 && s(i - 1) && d(i - 2) && d(i + 1))
            })
            .fold(0u64, |m, i| m | 1 << (i - base));
        let top = !0u64 << (BODY_EXACT + 1);
        Classes {
            digits,
            dots: bits(&|b| b == b'.'),
            spaces: bits(&|b| b == b' '),
            upper: bits(&|b| b.is_ascii_uppercase()),
            body: body & !top | got_body & top,
        }
    }

    #[test]
    fn classes_mark_every_byte_and_nothing_else() {
        // Every byte value at every position of the 64, beside digits and separators, and
        // masks that run past the end.
        for b in 0..=255u8 {
            for pos in 0..64 {
                for fill in [b'x', b'7', b' '] {
                    let mut v = vec![fill; 70];
                    v[pos] = b;
                    for cpu in [Cpu::detect(), portable_cpu()] {
                        let got = classes(cpu, &v, 0);
                        assert_eq!(got, reference_classes(&v, 0, got.body), "byte {b} at {pos} in {fill}");
                    }
                }
            }
        }
        let t = "héllo 7 wörld 0123456789 ünïcode 42 (555) 123-45.67 1 - 2 3..4 5 /6".as_bytes();
        for base in 0..=t.len() + 1 {
            for cpu in [Cpu::detect(), portable_cpu()] {
                let got = classes(cpu, t, base);
                assert_eq!(got, reference_classes(t, base, got.body), "base {base}");
            }
        }
    }

    /// `per` random texts of each length and alphabet, each alphabet with how many more `x`
    /// it draws from (runs of `x` make long digit-free stretches).
    fn random_texts(seed: u64, lens: &[usize], alphabets: &[(&[u8], usize)], per: usize) -> Vec<Vec<u8>> {
        let mut r = seed;
        let mut texts = Vec::new();
        for &len in lens {
            for &(alphabet, xs) in alphabets {
                for _ in 0..per {
                    texts.push(
                        (0..len)
                            .map(|_| {
                                r = r.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                                let k = (r >> 33) as usize % (alphabet.len() + xs);
                                alphabet.get(k).copied().unwrap_or(b'x')
                            })
                            .collect(),
                    );
                }
            }
        }
        texts
    }

    #[test]
    fn cluster_iteration_matches_the_scalar_walk() {
        // Clusters across the 64-byte masks, at the end, and after long digit-free stretches;
        // with the second alphabet, digit runs longer than a mask. The third alphabet makes
        // clusters of single digits and separator pairs and triples, which end anywhere in a
        // mask, and run across it.
        let alphabets: [(&[u8], usize); 3] = [
            (b"0123456789 -./()x:a\xc3\xa9", 30),
            (b"0123456789012345678901234567890123456789 -", 1),
            (b"01 -./()+x", 0),
        ];
        for hay in random_texts(5, &[0, 1, 63, 64, 65, 127, 128, 129, 300, 1000], &alphabets, 32) {
            let mut want = Vec::new();
            let mut pos = 0;
            while let Some(start) = hay.get(pos..).and_then(|t| t.iter().position(u8::is_ascii_digit)) {
                let start = pos + start;
                let c = digit_cluster(&hay, start);
                pos = c.end.max(start + 1);
                want.push(c);
            }
            for cpu in [Cpu::detect(), portable_cpu()] {
                assert_eq!(DigitClusters::on(cpu, &hay, Want::new(1, true)).collect::<Vec<_>>(), want, "{hay:?}");
            }
        }
    }

    #[test]
    fn wanted_clusters_are_kept_and_short_ones_skipped() {
        // Every cluster of at least `min_len` bytes or after a capital comes back, each as
        // the full iteration gives it and in its order; texts across the 64-byte masks, with
        // runs of every length and letters of both cases before them.
        let alphabets: [(&[u8], usize); 3] =
            [(b"0123456789 -./()xA:Z\xc3", 20), (b"0123456789012345678901234 -Q", 1), (b"01 -./()+xK", 0)];
        for hay in random_texts(17, &[0, 1, 40, 63, 64, 65, 127, 128, 129, 300, 1000], &alphabets, 24) {
            for cpu in [Cpu::detect(), portable_cpu()] {
                let all: Vec<_> = DigitClusters::on(cpu, &hay, Want::new(1, true)).collect();
                for min_len in 1..=10 {
                    for after_upper in [false, true] {
                        let got: Vec<_> = DigitClusters::on(cpu, &hay, Want::new(min_len, after_upper)).collect();
                        let mut rest = all.iter();
                        for c in &got {
                            assert!(rest.any(|a| a == c), "{c:?} not in order, {min_len} {after_upper} {hay:?}");
                        }
                        let capital = |c: &DigitCluster| c.start > 0 && hay[c.start - 1].is_ascii_uppercase();
                        for c in all.iter().filter(|c| c.end - c.start >= min_len || after_upper && capital(c)) {
                            assert!(got.contains(c), "{c:?} missing, {min_len} {after_upper} {hay:?}");
                        }
                    }
                }
            }
        }
        // Within the masks' exact part, the short clusters are skipped.
        let t = b"12:04:31,155 pid 4242 ORD-83836228 A12 port 8080 call 555-0100 ";
        let got: Vec<_> = DigitClusters::wanted(t, 6, true).map(|c| &t[c.start..c.end]).collect();
        assert_eq!(got, [&b"83836228"[..], b"12", b"555-0100"]);
        let got: Vec<_> = DigitClusters::wanted(t, 6, false).map(|c| &t[c.start..c.end]).collect();
        assert_eq!(got, [&b"83836228"[..], b"555-0100"]);
    }

    /// Checks `next_hexcolon_on(cpu, hay, from)` against its contract: a colon followed by a
    /// hex digit or a colon, at or after the first such one, and every such colon it skips one
    /// that the iterator rejects on its own: no second colon in the five bytes after it, or
    /// either colon of a clock time.
    fn check_next_hexcolon(cpu: Cpu, hay: &[u8], from: usize) {
        let at = |i: usize| hay.get(i).copied();
        let d = |i: usize| at(i).is_some_and(|b| b.is_ascii_digit());
        let hc = |i: usize| at(i).is_some_and(|b| b == b':' || b.is_ascii_hexdigit());
        let clock = |c: usize| {
            c >= 2
                && at(c) == Some(b':')
                && d(c - 2)
                && d(c - 1)
                && d(c + 1)
                && d(c + 2)
                && at(c + 3) == Some(b':')
                && d(c + 4)
                && d(c + 5)
                && !hc(c + 6)
                && !(c >= 3 && hc(c - 3))
        };
        let weak = |c: usize| hay[c] == b':' && hay.get(c + 1).is_some_and(|&b| continues_hexcolon(b));
        let rejected =
            |c: usize| !hay[c + 1..(c + 6).min(hay.len())].contains(&b':') || clock(c) || (c >= 3 && clock(c - 3));
        let first_weak = (from..hay.len()).find(|&c| weak(c));
        let end = match next_hexcolon_on(cpu, hay, from) {
            None => hay.len(),
            Some(r) => {
                assert!(weak(r), "from {from}: {r}");
                assert!(first_weak.is_some_and(|w| w <= r), "from {from}: {r}");
                r
            }
        };
        for c in from..end {
            assert!(!weak(c) || rejected(c), "from {from}: skipped {c}");
        }
    }

    #[test]
    fn next_hexcolon_keeps_its_contract() {
        // Every byte value after a colon, at every lane position and near the end, with and
        // without a second colon at each distance after it.
        for b in 0..=255u8 {
            for pos in [0, 1, 30, 31, 32, 33, 40, 58, 59, 60, 63, 64, 65, 70, 95, 96, 127, 128, 132, 138] {
                for second in [0, 2, 3, 5, 6, 7] {
                    let mut v = vec![b'x'; 140];
                    v[pos] = b':';
                    v[pos + 1] = b;
                    if second > 0 && pos + second < v.len() {
                        v[pos + second] = b':';
                    }
                    for from in [0, pos, pos + 1] {
                        check_next_hexcolon(Cpu::detect(), &v, from);
                    }
                }
            }
        }
        let t = "key: value, a:b, \"x\":1, fe80::1 00:1A:2b é: :: {\"status\":404,\"ms\":1.5}".as_bytes();
        for from in 0..=t.len() + 1 {
            check_next_hexcolon(Cpu::detect(), t, from);
        }
    }

    proptest::proptest! {
        /// The vector colon search and the portable one give the same address spans: the
        /// colons only the vector search skips are ones the iterator rejects.
        #[test]
        fn hexcolon_spans_do_not_depend_on_the_cpu(
            s in "([0-9a-fx:. \"]|12:34:56|07:00:1a|::|fe80:|x:1|\\.5){0,120}"
        ) {
            let t = s.as_bytes();
            let spans = |cpu: Cpu| {
                let mut it = HexColonClusters::new(t);
                it.cpu = cpu;
                it.collect::<Vec<_>>()
            };
            #[cfg(target_arch = "x86_64")]
            let portable = Cpu { avx2: None };
            #[cfg(not(target_arch = "x86_64"))]
            let portable = Cpu {};
            proptest::prop_assert_eq!(spans(Cpu::detect()), spans(portable));
            for from in 0..=t.len() {
                check_next_hexcolon(Cpu::detect(), t, from);
            }
        }
    }

    /// The vector search for value starts before a cluster finds what the byte walk finds, in
    /// every reach, after every prefix of random text of letters, digits, signs, separators,
    /// other ASCII and UTF-8.
    #[test]
    fn value_prefix_starts_are_the_walks() {
        let alphabet = b"aZk09+(( -./:_#\n\xc3\xa9";
        let mut r: u64 = 11;
        let mut compared = 0;
        for _ in 0..300 {
            let hay: Vec<u8> = (0..40)
                .map(|_| {
                    r = r.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    alphabet[(r >> 33) as usize % alphabet.len()]
                })
                .collect();
            for s in 0..=hay.len() {
                for reach in 0..=17 {
                    let mut walked = Vec::new();
                    walk_value_prefixes(&hay, s, reach, |p| walked.push(p));
                    let mut found = Vec::new();
                    for_each_value_prefix(&hay, s, reach, |p| found.push(p));
                    assert_eq!(found, walked, "{:?} at {s}, reach {reach}", String::from_utf8_lossy(&hay));
                    let vector = value_prefix_starts(&hay, s, reach).is_some();
                    compared += usize::from(vector && !walked.is_empty());
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn clusters() {
        let t = b"call (555) 123-4567 or 4111 1111 1111 1111 at 12:34";
        let c: Vec<_> = DigitClusters::new(t).map(|c| (&t[c.start..c.end], c.digits)).collect();
        assert_eq!(c[0], (&b"555) 123-4567"[..], 10));
        assert_eq!(c[1], (&b"4111 1111 1111 1111"[..], 16));
        assert_eq!(c[2], (&b"12"[..], 2));
    }

    proptest::proptest! {
        /// The separator counts are those of the cluster's bytes (separators at its edges are
        /// not part of it), and the digit count is that of its digits.
        #[test]
        fn cluster_counts_match_its_bytes(s in "[0-9 .\\-/()x]{0,40}") {
            let t = s.as_bytes();
            for c in DigitClusters::new(t) {
                let span = &t[c.start..c.end];
                let count = |b: u8| span.iter().filter(|&&x| x == b).count() as u32;
                proptest::prop_assert_eq!(c.many_dots, count(b'.') >= 3);
                proptest::prop_assert_eq!(c.spaced, count(b' ') > 0);
                proptest::prop_assert_eq!(c.digits, span.iter().filter(|b| b.is_ascii_digit()).count() as u32);
            }
        }
    }

    #[test]
    fn hexcolon() {
        let t = b"at 12:34:56 from 2001:db8::1 mac 00:1a:2b:3c:4d:5e";
        let c: Vec<_> = HexColonClusters::new(t).map(|(s, e)| &t[s..e]).collect();
        assert_eq!(c, vec![&b"2001:db8::1"[..], &b"00:1a:2b:3c:4d:5e"[..]]);
    }
}
