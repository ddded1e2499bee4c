//! `scrubline classify`: the categories present in each input and its highest sensitivity, as
//! one JSON line per file (or for standard input), for tagging documents at ingestion.

use std::io::{self, BufReader, Write};
use std::path::PathBuf;

use scrubline::{Category, Finding, Scanner, Sensitivity};
use serde_json::json;

use crate::stream::Sink;
use crate::Fail;

#[derive(Default)]
struct Classes {
    categories: Vec<Category>,
    types: Vec<String>,
    sensitivity: Option<Sensitivity>,
    findings: u64,
}

impl Classes {
    fn add(&mut self, f: &[Finding<'_>]) {
        for x in f {
            if !self.categories.contains(&x.category) {
                self.categories.push(x.category);
            }
            if !self.types.iter().any(|t| t == x.entity) {
                self.types.push(x.entity.to_string());
            }
            self.sensitivity = self.sensitivity.max(Some(x.sensitivity));
        }
        self.findings += f.len() as u64;
    }
}

impl Sink for Classes {
    fn text(&mut self, scanner: &Scanner, text: &str, _offset: u64, _line: u64) -> io::Result<()> {
        self.add(&scanner.findings(text));
        Ok(())
    }
    fn raw(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Classifies each path (standard input when none); returns whether anything was found.
pub fn run(scanner: &Scanner, paths: &[PathBuf]) -> Result<bool, Fail> {
    let mut out = io::stdout().lock();
    let mut any = false;
    let mut one = |name: Option<String>, c: Classes| -> Result<(), Fail> {
        let mut cats = c.categories;
        cats.sort_unstable();
        let mut types = c.types;
        types.sort_unstable();
        any |= c.findings > 0;
        let mut o = json!({
            "categories": cats.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "types": types,
            "sensitivity": c.sensitivity.map(Sensitivity::as_str),
            "findings": c.findings,
        });
        if let Some(n) = name {
            o["path"] = json!(n);
        }
        writeln!(out, "{o}")?;
        Ok(())
    };
    if paths.is_empty() {
        let mut c = Classes::default();
        crate::stream::run(scanner, io::stdin().lock(), &mut c)?;
        one(None, c)?;
    } else {
        for file in crate::walk::files(paths)? {
            let f = std::fs::File::open(&file).map_err(|e| Fail(format!("{}: {e}", file.display())))?;
            let mut c = Classes::default();
            crate::stream::run(scanner, BufReader::with_capacity(256 << 10, f), &mut c)?;
            one(Some(file.display().to_string()), c)?;
        }
    }
    Ok(any)
}
