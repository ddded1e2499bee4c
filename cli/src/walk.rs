//! Paths: files, directories (recursed honoring .gitignore via the `ignore` crate), binaries
//! skipped, Jupyter notebooks read cell by cell.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use scrubline::Scanner;
use serde_json::Value;

use crate::output::FindingSink;
use crate::{redact_stream, scan_stream, Fail, InputKind};

/// Every file under `paths`, in a stable order.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Fail> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            for entry in ignore::WalkBuilder::new(p).hidden(false).git_ignore(true).require_git(false).build() {
                let entry = entry.map_err(|e| Fail(format!("walking {}: {e}", p.display())))?;
                if entry.file_type().is_some_and(|t| t.is_file())
                    && !entry.path().components().any(|c| c.as_os_str() == ".git")
                {
                    found.push(entry.into_path());
                }
            }
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Fail(format!("{}: no such file or directory", p.display())));
        }
    }
    Ok(out)
}

/// Files up to this size are processed whole on a worker thread when there are several files;
/// larger ones are streamed in parallel segments, one file at a time.
const SMALL_FILE: u64 = 1 << 20;

/// Runs `work` over `files` on the configured threads and hands each result to `done` in the
/// files' order. Large files go to `big` on this thread instead (in order, after everything
/// before them); at most 2 × threads results wait in memory.
pub fn for_each_file<T: Send>(
    files: &[PathBuf],
    work: impl Fn(&Path) -> T + Sync,
    mut big: impl FnMut(&Path) -> Result<(), Fail>,
    mut done: impl FnMut(&Path, T) -> Result<(), Fail>,
) -> Result<(), Fail> {
    let n = crate::stream::threads();
    let is_small = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.len() <= SMALL_FILE);
    if n <= 1 || files.len() < 2 {
        for f in files {
            big(f)?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let (jobs, queue) = mpsc::sync_channel::<(usize, mpsc::Sender<T>)>(n);
        let queue = Arc::new(Mutex::new(queue));
        let work = &work;
        for _ in 0..n {
            let queue = Arc::clone(&queue);
            scope.spawn(move || {
                crate::stream::alone();
                loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok((i, reply)) = job else { return };
                    let _ = reply.send(work(&files[i]));
                }
            });
        }
        let mut pending: VecDeque<(usize, mpsc::Receiver<T>)> = VecDeque::new();
        let mut run = || -> Result<(), Fail> {
            let stopped = || Fail("a worker thread stopped".into());
            for (i, f) in files.iter().enumerate() {
                if is_small(f) {
                    let (reply, rx) = mpsc::channel();
                    jobs.send((i, reply)).map_err(|_| stopped())?;
                    pending.push_back((i, rx));
                } else {
                    while let Some((j, rx)) = pending.pop_front() {
                        done(&files[j], rx.recv().map_err(|_| stopped())?)?;
                    }
                    big(f)?;
                }
                while pending.len() >= 2 * n {
                    if let Some((j, rx)) = pending.pop_front() {
                        done(&files[j], rx.recv().map_err(|_| stopped())?)?;
                    }
                }
            }
            while let Some((j, rx)) = pending.pop_front() {
                done(&files[j], rx.recv().map_err(|_| stopped())?)?;
            }
            Ok(())
        };
        let result = run();
        drop(jobs);
        result
    })
}

fn is_binary(path: &Path) -> io::Result<bool> {
    let mut head = [0u8; 8192];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        let k = f.read(&mut head[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(memchr::memchr(0, &head[..n]).is_some())
}

fn is_notebook(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ipynb")
}

fn open(path: &Path) -> Result<File, Fail> {
    File::open(path).map_err(|e| Fail(format!("{}: {e}", path.display())))
}

/// A reader that draws a progress bar on stderr for large files when stderr is a terminal.
struct Progress<R> {
    inner: R,
    total: u64,
    done: u64,
    shown: u64,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        let pct = (self.done * 100).checked_div(self.total).unwrap_or(100);
        if pct != self.shown || n == 0 {
            self.shown = pct;
            let bar = "#".repeat((pct / 4) as usize);
            eprint!("\r[{bar:<25}] {pct:>3}%");
            if n == 0 {
                eprintln!();
            }
        }
        Ok(n)
    }
}

fn reader(path: &Path) -> Result<Box<dyn io::BufRead>, Fail> {
    let f = open(path)?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > (64 << 20) && io::stderr().is_terminal() {
        return Ok(Box::new(BufReader::with_capacity(
            256 << 10,
            Progress { inner: f, total: len, done: 0, shown: 101 },
        )));
    }
    Ok(Box::new(BufReader::with_capacity(256 << 10, f)))
}

/// Scans one file.
pub fn scan_file<W: Write>(
    scanner: &Scanner,
    path: &Path,
    kind: InputKind,
    sink: &mut FindingSink<W>,
) -> Result<(), Fail> {
    if is_binary(path)? {
        return Ok(());
    }
    if is_notebook(path) {
        if let Some(cells) = notebook_cells(path)? {
            for (i, text) in cells.iter().enumerate() {
                sink.cell = Some(i);
                let f = scanner.findings(text);
                sink.write_with(Some(scanner), text, &f, 0, 1)?;
            }
            sink.cell = None;
            return Ok(());
        }
    }
    scan_stream(scanner, kind, reader(path)?, sink)
}

/// Redacts one file to `out`, or in place.
pub fn redact_file<W: Write>(
    scanner: &Scanner,
    path: &Path,
    kind: InputKind,
    in_place: bool,
    out: &mut W,
) -> Result<u64, Fail> {
    if is_binary(path)? {
        return Ok(0);
    }
    if is_notebook(path) {
        if let Some(found) = redact_notebook(scanner, path, in_place, out)? {
            return Ok(found);
        }
    }
    if in_place {
        let mut buf = Vec::new();
        let found = redact_stream(scanner, kind, reader(path)?, &mut buf)?;
        if found > 0 {
            std::fs::write(path, buf)?;
        }
        Ok(found)
    } else {
        redact_stream(scanner, kind, reader(path)?, out)
    }
}

fn cell_source(cell: &Value) -> Option<String> {
    match cell.get("source")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => Some(parts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

fn load_notebook(path: &Path) -> Result<Option<Value>, Fail> {
    let text = std::fs::read_to_string(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(v) if v.get("cells").is_some_and(Value::is_array) => Ok(Some(v)),
        // Not a notebook after all: treat as text.
        _ => Ok(None),
    }
}

fn notebook_cells(path: &Path) -> Result<Option<Vec<String>>, Fail> {
    let Some(nb) = load_notebook(path)? else { return Ok(None) };
    let cells = nb["cells"].as_array().map(|c| c.iter().map(|c| cell_source(c).unwrap_or_default()).collect());
    Ok(cells)
}

fn redact_notebook<W: Write>(scanner: &Scanner, path: &Path, in_place: bool, out: &mut W) -> Result<Option<u64>, Fail> {
    let Some(mut nb) = load_notebook(path)? else { return Ok(None) };
    let mut found = 0u64;
    if let Some(cells) = nb.get_mut("cells").and_then(Value::as_array_mut) {
        for cell in cells {
            let Some(src) = cell_source(cell) else { continue };
            let (red, f) = scanner.redact_with_findings(&src);
            crate::report::add(scanner, &src, 0, Some(1), &f);
            if f.is_empty() {
                continue;
            }
            found += f.len() as u64;
            // Keep the list-of-lines shape notebooks use.
            let lines: Vec<Value> = red.split_inclusive('\n').map(|l| Value::String(l.to_string())).collect();
            cell["source"] = Value::Array(lines);
            // Outputs may echo the secret: clear them.
            if cell.get("outputs").is_some() {
                cell["outputs"] = Value::Array(Vec::new());
            }
        }
    }
    let text = serde_json::to_string_pretty(&nb).map_err(|e| Fail(e.to_string()))? + "\n";
    if in_place {
        if found > 0 {
            std::fs::write(path, text)?;
        }
    } else {
        out.write_all(text.as_bytes())?;
    }
    Ok(Some(found))
}
