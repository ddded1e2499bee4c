//! Line streaming with bounded memory: read what is available, process complete lines, hold
//! back an open private-key block until its end line or its bound, pass invalid UTF-8 bytes
//! through untouched. With several threads, segments of complete lines are processed in
//! parallel and written in input order.
//!
//! A line longer than [`MAX_PENDING`] is taken in pieces; a sink that can (redaction) carries
//! its scan across the pieces with a [`scrubline::StreamRedactor`], so the line's output is the
//! same as redacting it whole, in bounded memory.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use memchr::memmem;
use scrubline::{Finding, Report, Scanner, StreamRedactor};

/// Longest unterminated line held in memory before it is processed in pieces.
pub const MAX_PENDING: usize = 1 << 20;
const READ_SIZE: usize = 256 << 10;
/// Bytes of complete lines given to one worker at a time.
const SEGMENT: usize = 512 << 10;

static THREADS: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    // Set on a thread that already works beside others (a file of many): it streams alone.
    static ALONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes streams on this thread run on this thread only.
pub fn alone() {
    ALONE.with(|a| a.set(true));
}

/// Sets the number of threads streams are processed with (0: one per available core).
pub fn set_threads(n: usize) {
    let n = if n == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { n };
    THREADS.store(n.max(1), Ordering::Relaxed);
}

/// Threads streams are processed with.
pub fn threads() -> usize {
    if ALONE.with(|a| a.get()) {
        1
    } else {
        THREADS.load(Ordering::Relaxed)
    }
}

/// Something done with each processed segment of the input.
pub trait Sink {
    /// `text` is valid UTF-8 starting at byte `offset` of the input, on line `line` (1-based).
    fn text(&mut self, scanner: &Scanner, text: &str, offset: u64, line: u64) -> io::Result<()>;
    /// Bytes that are not valid UTF-8, passed through.
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Called after each read's worth of complete lines (for `tail -f` latency).
    fn flush(&mut self) -> io::Result<()>;
    /// A piece of a line too long to hold whole; `last` when it ends the line (or the input).
    /// Pieces are cut at ASCII whitespace when there is some. By default each piece is processed
    /// on its own.
    fn long_piece(&mut self, scanner: &Scanner, bytes: &[u8], offset: u64, line: u64, _last: bool) -> io::Result<()> {
        process(scanner, bytes, offset, line, self)
    }
}

/// A sink whose work can be split: each segment is processed into a local sink on a worker
/// thread, and the local's result is joined into this sink in input order.
pub trait ParSink: Sink {
    /// The per-segment sink.
    type Local: Sink + Send;
    /// An empty local sink.
    fn local(&self) -> Self::Local;
    /// Takes a local's result (and leaves the local empty for reuse).
    fn join(&mut self, local: &mut Self::Local) -> io::Result<()>;
}

/// Where a held-back region must start: an opened PEM/PGP block that has not ended yet.
fn open_block(buf: &[u8]) -> Option<usize> {
    // Forward search is SIMD-accelerated; reverse search is not.
    let begin = memmem::find_iter(buf, b"-----BEGIN ").last()?;
    if memmem::find(&buf[begin..], b"-----END ").is_some() {
        return None;
    }
    // Hold from the start of the line holding BEGIN.
    Some(memchr::memrchr(b'\n', &buf[..begin]).map_or(0, |p| p + 1))
}

/// What the segmenter hands out.
enum Seg {
    /// Complete lines (or the input's last bytes).
    Lines,
    /// A piece of an over-long line; `true` when it ends the line.
    Piece(bool),
}

/// Cuts the input into segments of complete lines, in bounded memory.
struct Segmenter<R> {
    input: R,
    /// `buf[start..len]` is unprocessed input.
    buf: Vec<u8>,
    start: usize,
    len: usize,
    offset: u64,
    line: u64,
    eof: bool,
    /// The last read returned less than asked: the source is slow, so hand out what we have.
    short: bool,
    /// Inside a line longer than `MAX_PENDING`.
    long: bool,
    hold_limit: usize,
}

impl<R: Read> Segmenter<R> {
    fn new(input: R, scanner: &Scanner) -> Self {
        Segmenter {
            input,
            // Zeroed once: the vector keeps its length so reads do not re-zero it.
            buf: vec![0; READ_SIZE * 2],
            start: 0,
            len: 0,
            offset: 0,
            line: 1,
            eof: false,
            short: false,
            long: false,
            hold_limit: scanner.max_match_len().max(1) + MAX_PENDING,
        }
    }

    /// The next segment of at least `want` bytes when the input allows; `None` at the end. The
    /// bytes are `self.buf[self.start..end]`, at `self.offset` on `self.line`; call `consume`
    /// before asking again.
    fn next(&mut self, want: usize) -> io::Result<Option<(Seg, usize)>> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.len, 0);
            self.len -= self.start;
            self.start = 0;
        }
        loop {
            let avail = &self.buf[..self.len];
            if self.long {
                if let Some(p) = memchr::memchr(b'\n', avail) {
                    self.long = false;
                    return Ok(Some((Seg::Piece(true), p + 1)));
                }
                if self.eof {
                    self.long = false;
                    return Ok(Some((Seg::Piece(true), self.len)));
                }
                if self.len >= MAX_PENDING {
                    return Ok(Some((Seg::Piece(false), split_point(avail))));
                }
            } else if !avail.is_empty() {
                let cut = if self.eof {
                    Some(self.len)
                } else {
                    match memchr::memrchr(b'\n', avail) {
                        Some(p) if p + 1 >= want || self.short => Some(p + 1),
                        Some(_) => None,
                        None if self.len >= MAX_PENDING => {
                            self.long = true;
                            continue;
                        }
                        None => None,
                    }
                };
                if let Some(mut cut) = cut {
                    if !self.eof {
                        if let Some(h) = open_block(&avail[..cut]) {
                            if self.len - h < self.hold_limit {
                                cut = h;
                            }
                        }
                    }
                    if cut > 0 {
                        return Ok(Some((Seg::Lines, cut)));
                    }
                }
            } else if self.eof {
                return Ok(None);
            }
            if self.eof {
                // Only a held-back block is left and nothing more comes: hand it out.
                return Ok(Some((Seg::Lines, self.len)));
            }
            if self.buf.len() - self.len < READ_SIZE {
                self.buf.resize(self.len + READ_SIZE, 0);
            }
            let n = loop {
                match self.input.read(&mut self.buf[self.len..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            self.short = n < self.buf.len() - self.len;
            self.len += n;
            self.eof = n == 0;
        }
    }

    fn bytes(&self, end: usize) -> &[u8] {
        &self.buf[self.start..end]
    }

    /// Hands out `self.buf[..end]` (the segment `next` just returned) as a buffer of its own,
    /// without copying it: the segmenter goes on in `fresh` (a buffer given back by a worker,
    /// or a new one), into which only the bytes after the segment are copied. The segment's
    /// bytes are the returned buffer's first `end` bytes.
    fn take(&mut self, end: usize, mut fresh: Vec<u8>) -> Vec<u8> {
        debug_assert_eq!(self.start, 0, "next() moves unprocessed input to the front");
        // Buffers keep their length (zeroed once), as `buf` does, so reads do not re-zero.
        let need = self.buf.len().max(self.len - end + READ_SIZE);
        if fresh.len() < need {
            fresh.resize(need, 0);
        }
        fresh[..self.len - end].copy_from_slice(&self.buf[end..self.len]);
        self.consume(end);
        self.len -= end;
        self.start = 0;
        std::mem::replace(&mut self.buf, fresh)
    }

    /// Marks `self.buf[self.start..end]` processed.
    fn consume(&mut self, end: usize) {
        let b = &self.buf[self.start..end];
        self.offset += b.len() as u64;
        self.line += memchr::memchr_iter(b'\n', b).count() as u64;
        self.start = end;
    }
}

/// Reads `input` to the end on this thread, feeding `sink` with complete lines.
pub fn run<R: Read, S: Sink>(scanner: &Scanner, input: R, sink: &mut S) -> io::Result<u64> {
    let mut seg = Segmenter::new(input, scanner);
    while let Some((kind, end)) = seg.next(1)? {
        let (offset, line) = (seg.offset, seg.line);
        match kind {
            Seg::Lines => process(scanner, seg.bytes(end), offset, line, sink)?,
            Seg::Piece(last) => sink.long_piece(scanner, seg.bytes(end), offset, line, last)?,
        }
        seg.consume(end);
        sink.flush()?;
    }
    Ok(seg.offset)
}

/// A segment for a worker, and what it gives back.
struct Job<L> {
    /// The segment is `bytes[..len]` (the buffer keeps its full length for reuse).
    bytes: Vec<u8>,
    len: usize,
    offset: u64,
    line: u64,
    local: L,
    report: bool,
    done: mpsc::Sender<Done<L>>,
}

struct Done<L> {
    bytes: Vec<u8>,
    local: L,
    report: Option<Report>,
    result: io::Result<()>,
}

/// Reads `input` to the end on the configured number of threads (see [`set_threads`]); output
/// is written in input order and is the same as [`run`]'s.
pub fn run_par<R: Read, S: ParSink>(scanner: &Scanner, input: R, sink: &mut S) -> io::Result<u64> {
    let n = threads();
    if n <= 1 {
        return run(scanner, input, sink);
    }
    let mut seg = Segmenter::new(input, scanner);
    let report = crate::report::enabled();
    std::thread::scope(|scope| {
        let (jobs, queue) = mpsc::sync_channel::<Job<S::Local>>(n);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..n {
            let queue = Arc::clone(&queue);
            scope.spawn(move || loop {
                // The lock is held only while waiting for the next job.
                let job = match queue.lock() {
                    Ok(q) => q.recv(),
                    Err(_) => return,
                };
                let Ok(mut job) = job else { return };
                if job.report {
                    crate::report::begin_part(scanner);
                }
                let result = process(scanner, &job.bytes[..job.len], job.offset, job.line, &mut job.local);
                let report = crate::report::end_part();
                let _ = job.done.send(Done { bytes: job.bytes, local: job.local, report, result });
            });
        }
        let result = feed(scanner, &mut seg, sink, &jobs, n, report);
        // Closing the queue lets the workers end.
        drop(jobs);
        result
    })?;
    Ok(seg.offset)
}

fn feed<R: Read, S: ParSink>(
    scanner: &Scanner,
    seg: &mut Segmenter<R>,
    sink: &mut S,
    jobs: &mpsc::SyncSender<Job<S::Local>>,
    n: usize,
    report: bool,
) -> io::Result<()> {
    let mut pending: VecDeque<mpsc::Receiver<Done<S::Local>>> = VecDeque::new();
    let mut spare: Vec<(Vec<u8>, S::Local)> = Vec::new();
    let finish = |done: Done<S::Local>, sink: &mut S, spare: &mut Vec<(Vec<u8>, S::Local)>| -> io::Result<()> {
        done.result?;
        let mut local = done.local;
        sink.join(&mut local)?;
        if let Some(part) = done.report {
            crate::report::merge_into_current(part);
        }
        spare.push((done.bytes, local));
        Ok(())
    };
    let wait = |rx: mpsc::Receiver<Done<S::Local>>| rx.recv().map_err(|_| io::Error::other("a worker thread stopped"));
    let mut more = true;
    while more || !pending.is_empty() {
        // Keep every worker busy and one segment queued behind each: memory stays bounded by
        // about 2 × threads segments.
        while more && pending.len() < 2 * n {
            let Some((kind, end)) = seg.next(SEGMENT)? else {
                more = false;
                break;
            };
            let (offset, line) = (seg.offset, seg.line);
            match kind {
                Seg::Lines => {
                    // The segment's buffer itself goes to the worker (no copy on this thread,
                    // which all workers wait on); the segmenter goes on in a spare one.
                    let (fresh, local) = spare.pop().unwrap_or_else(|| (Vec::new(), sink.local()));
                    let bytes = seg.take(end, fresh);
                    let (done, rx) = mpsc::channel();
                    jobs.send(Job { bytes, len: end, offset, line, local, report, done })
                        .map_err(|_| io::Error::other("worker threads stopped"))?;
                    pending.push_back(rx);
                    continue;
                }
                Seg::Piece(last) => {
                    // Rare: an over-long line is carried across its pieces on this thread,
                    // after everything before it.
                    while let Some(rx) = pending.pop_front() {
                        finish(wait(rx)?, sink, &mut spare)?;
                    }
                    sink.long_piece(scanner, seg.bytes(end), offset, line, last)?;
                }
            }
            seg.consume(end);
        }
        if let Some(rx) = pending.pop_front() {
            finish(wait(rx)?, sink, &mut spare)?;
            if pending.is_empty() {
                sink.flush()?;
            }
        }
    }
    sink.flush()
}

/// For a huge line: split at the last ASCII whitespace in its second half, else at a UTF-8
/// boundary.
fn split_point(buf: &[u8]) -> usize {
    let tail = &buf[buf.len() / 2..];
    if let Some(p) = tail.iter().rposition(|b| b.is_ascii_whitespace()) {
        return buf.len() / 2 + p + 1;
    }
    let mut p = buf.len();
    while p > 0 && (buf[p - 1] & 0xC0) == 0x80 {
        p -= 1;
    }
    p.saturating_sub(1).max(1)
}

/// Splits `bytes` into valid UTF-8 runs and invalid bytes.
pub fn process<S: Sink + ?Sized>(
    scanner: &Scanner,
    mut bytes: &[u8],
    mut offset: u64,
    mut line: u64,
    sink: &mut S,
) -> io::Result<()> {
    // Valid input (the usual case) is checked with SIMD; std's validator finds where an
    // invalid sequence starts (profiled: validation was 5% of redacting prose).
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        return sink.text(scanner, s, offset, line);
    }
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(s) => return sink.text(scanner, s, offset, line),
            Err(e) => {
                let good = e.valid_up_to();
                // The prefix was just validated, so this cannot fail.
                let s = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
                sink.text(scanner, s, offset, line)?;
                line += memchr::memchr_iter(b'\n', &bytes[..good]).count() as u64;
                let bad = e.error_len().unwrap_or(bytes.len() - good);
                sink.raw(&bytes[good..good + bad])?;
                offset += (good + bad) as u64;
                bytes = &bytes[good + bad..];
            }
        }
    }
    Ok(())
}

/// Writes redacted text.
pub struct RedactSink<W: Write> {
    /// Destination.
    pub out: W,
    /// Findings seen.
    pub found: u64,
    /// Reused output buffer: a fresh 256 KiB allocation per read showed up as page faults.
    pub buf: String,
    /// The redactor carried across the pieces of an over-long line.
    long: Option<StreamRedactor>,
    /// Bytes of an over-long line's piece that end inside a UTF-8 sequence.
    carry: Vec<u8>,
}

impl<W: Write> RedactSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        RedactSink { out, found: 0, buf: String::new(), long: None, carry: Vec::new() }
    }

    fn long_text(&mut self, scanner: &Scanner, text: &str) -> io::Result<()> {
        let s = self.long.get_or_insert_with(|| StreamRedactor::new(scanner));
        let out = s.push(text);
        self.out.write_all(out.as_bytes())
    }

    fn long_end(&mut self) -> io::Result<()> {
        if let Some(mut s) = self.long.take() {
            let out = s.finish();
            self.found += s.findings();
            self.out.write_all(out.as_bytes())?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for RedactSink<W> {
    fn text(&mut self, scanner: &Scanner, text: &str, offset: u64, line: u64) -> io::Result<()> {
        if crate::report::enabled() {
            let (red, f) = scanner.redact_with_findings(text);
            crate::report::add(scanner, text, offset, Some(line), &f);
            self.found += f.len() as u64;
            return self.out.write_all(red.as_bytes());
        }
        self.buf.clear();
        self.found += scanner.redact_into(text, &mut self.buf) as u64;
        self.out.write_all(self.buf.as_bytes())
    }
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
    fn long_piece(&mut self, scanner: &Scanner, bytes: &[u8], offset: u64, line: u64, last: bool) -> io::Result<()> {
        if crate::report::enabled() {
            // The report needs each finding's span: pieces are scanned on their own.
            return process(scanner, bytes, offset, line, self);
        }
        if self.carry.is_empty() {
            return self.long_bytes(scanner, bytes, last);
        }
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(bytes);
        self.long_bytes(scanner, &joined, last)
    }
}

impl<W: Write> RedactSink<W> {
    fn long_bytes(&mut self, scanner: &Scanner, mut bytes: &[u8], last: bool) -> io::Result<()> {
        while !bytes.is_empty() {
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    self.long_text(scanner, s)?;
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let s = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
                    self.long_text(scanner, s)?;
                    match e.error_len() {
                        Some(bad) => {
                            // Invalid bytes end the text run around them, as in `process`.
                            self.long_end()?;
                            self.out.write_all(&bytes[good..good + bad])?;
                            bytes = &bytes[good + bad..];
                        }
                        None if !last => {
                            // A sequence cut by the piece boundary: completed by the next piece.
                            self.carry.extend_from_slice(&bytes[good..]);
                            return Ok(());
                        }
                        None => {
                            self.long_end()?;
                            self.out.write_all(&bytes[good..])?;
                            break;
                        }
                    }
                }
            }
        }
        if last {
            self.long_end()?;
        }
        Ok(())
    }
}

impl<W: Write> ParSink for RedactSink<W> {
    type Local = RedactSink<Vec<u8>>;
    fn local(&self) -> Self::Local {
        RedactSink::new(Vec::with_capacity(SEGMENT + SEGMENT / 8))
    }
    fn join(&mut self, local: &mut Self::Local) -> io::Result<()> {
        self.found += std::mem::take(&mut local.found);
        self.out.write_all(&local.out)?;
        local.out.clear();
        Ok(())
    }
}

/// Line number (1-based) of each finding, given the line of the text's start.
pub fn lines_of(text: &str, findings: &[Finding<'_>], first_line: u64) -> Vec<u64> {
    let mut line = first_line;
    let mut pos = 0;
    let b = text.as_bytes();
    findings
        .iter()
        .map(|f| {
            line += memchr::memchr_iter(b'\n', &b[pos..f.span.start]).count() as u64;
            pos = f.span.start;
            line
        })
        .collect()
}
