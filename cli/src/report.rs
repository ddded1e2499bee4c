//! `--report FILE`: one audit report for the whole run (every file, record and line), written
//! as JSON when the run ends. Findings are added where they are made (stream sinks, records,
//! notebooks, JSON), so the report matches the output exactly.

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use scrubline::{Finding, Report, Scanner};

static ENABLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    // The run's report lives on the main thread; `None` unless `--report` was given.
    static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
    // A worker thread's report of the segment it is processing, merged in input order.
    static PART: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// Starts collecting a report for `scanner`.
pub fn enable(scanner: &Scanner) {
    REPORT.with(|r| *r.borrow_mut() = Some(Report::new(scanner)));
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether a report is being collected (on any thread).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// On a worker thread: collects what `add` is given into a part of the report.
pub fn begin_part(scanner: &Scanner) {
    PART.with(|p| *p.borrow_mut() = Some(Report::new(scanner)));
}

/// Ends the part started by `begin_part`, to be merged with `merge_into_current`.
pub fn end_part() -> Option<Report> {
    PART.with(|p| p.borrow_mut().take())
}

/// Starts a new input (a file, or standard input).
pub fn begin_input(name: Option<&str>) {
    REPORT.with(|r| {
        if let Some(rep) = r.borrow_mut().as_mut() {
            rep.begin_input(name);
        }
    });
}

/// Adds the findings of `text`, which starts at byte `offset` of the current input on `line`.
pub fn add(scanner: &Scanner, text: &str, offset: u64, line: Option<u64>, findings: &[Finding<'_>]) {
    let added = PART.with(|p| match p.borrow_mut().as_mut() {
        Some(part) => {
            part.add(scanner, text, offset, line, findings);
            true
        }
        None => false,
    });
    if added {
        return;
    }
    REPORT.with(|r| {
        if let Some(rep) = r.borrow_mut().as_mut() {
            rep.add(scanner, text, offset, line, findings);
        }
    });
}

/// Merges a report made elsewhere (JSON documents) into the run's, as part of the current input.
pub fn merge_into_current(part: Report) {
    // On a worker thread, into its own part (merged in order later).
    let part = PART.with(|p| match p.borrow_mut().as_mut() {
        Some(mine) => {
            mine.absorb(part);
            None
        }
        None => Some(part),
    });
    let Some(part) = part else { return };
    REPORT.with(|r| {
        if let Some(rep) = r.borrow_mut().as_mut() {
            rep.absorb(part);
        }
    });
}

/// Writes the report, if one was collected.
pub fn write(path: Option<&Path>) -> Result<(), crate::Fail> {
    let Some(path) = path else { return Ok(()) };
    let json = REPORT.with(|r| r.borrow().as_ref().map(Report::to_json)).unwrap_or_default();
    std::fs::write(path, json + "\n").map_err(|e| crate::Fail(format!("cannot write report {}: {e}", path.display())))
}
