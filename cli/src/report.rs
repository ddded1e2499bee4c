//! `--report FILE`: one audit report for the whole run (every file, record and line), written
//! as JSON when the run ends. Findings are added where they are made (stream sinks, records,
//! notebooks, JSON), so the report matches the output exactly.

use std::cell::RefCell;
use std::path::Path;

use scrubline::{Finding, Report, Scanner};

thread_local! {
    // The CLI scans on one thread; `None` unless `--report` was given.
    static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// Starts collecting a report for `scanner`.
pub fn enable(scanner: &Scanner) {
    REPORT.with(|r| *r.borrow_mut() = Some(Report::new(scanner)));
}

/// Whether a report is being collected.
pub fn enabled() -> bool {
    REPORT.with(|r| r.borrow().is_some())
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
    REPORT.with(|r| {
        if let Some(rep) = r.borrow_mut().as_mut() {
            rep.add(scanner, text, offset, line, findings);
        }
    });
}

/// Merges a report made elsewhere (JSON documents) into the run's, as part of the current input.
pub fn merge_into_current(part: Report) {
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
