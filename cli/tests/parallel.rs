//! Multi-threaded streaming and over-long lines: output equals the one-thread run (and the
//! library's one-shot redaction), in input order.

mod common;

use common::{bin, run_stdin, tmpdir};

/// ~3 MB of log lines with values at shifting positions.
fn log_text() -> String {
    let mut s = String::new();
    for i in 0..40_000u32 {
        match i % 5 {
            0 => s.push_str(&format!("{i} user{i}@example.com logged in from 10.0.{}.{}\n", i % 200, i % 250)),
            1 => s.push_str(&format!("{i} ssn on file 078-05-{:04} for order {}\n", 1120 + i % 7, 900_000 + i)),
            2 => s.push_str(&format!("{i} card 4111 1111 1111 1111 charged at 1700000000{:03}\n", i % 1000)),
            3 => s.push_str(&format!("{i} key AKIAIOSFODNN7EXAMPL{} used\n", (b'A' + (i % 26) as u8) as char)),
            _ => s.push_str(&format!("{i} nothing to see here, just a plain line of text number {i}\n")),
        }
    }
    s
}

#[test]
fn threads_give_the_one_thread_output_in_input_order() {
    let text = log_text();
    let one = run_stdin(&["redact", "--threads", "1"], text.as_bytes());
    assert_eq!(one.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&one.stdout).contains("@example.com"));
    for threads in ["2", "3", "8"] {
        let many = run_stdin(&["redact", "--threads", threads], text.as_bytes());
        assert_eq!(many.status.code(), Some(1));
        assert!(many.stdout == one.stdout, "--threads {threads} differs from --threads 1");
    }
    // The same from a file, and for findings (offsets and lines in input order).
    let dir = tmpdir("parallel");
    let path = dir.join("app.log");
    std::fs::write(&path, &text).unwrap();
    let file = bin().args(["redact", "--threads", "3"]).arg(&path).output().unwrap();
    assert!(file.stdout == one.stdout);
    let scan = |t: &str| bin().args(["scan", "--format", "jsonl", "--threads", t]).arg(&path).output().unwrap().stdout;
    let (s1, s3) = (scan("1"), scan("3"));
    assert!(s1 == s3, "scan output differs between 1 and 3 threads");
    let starts: Vec<u64> = String::from_utf8(s3)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["start"].as_u64().unwrap())
        .collect();
    assert!(starts.len() > 30_000 && starts.windows(2).all(|w| w[0] < w[1]));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn values_across_the_pieces_of_an_over_long_line_are_redacted() {
    // One 3 MB line whose only whitespace is inside spaced card numbers and phone numbers:
    // every cut between pieces falls inside a value. The output must equal one-shot redaction.
    let mut line = String::new();
    let mut i = 0u32;
    while line.len() < 3 << 20 {
        line.push_str(&"x".repeat(1000 + (i as usize * 37) % 900));
        line.push_str(if i.is_multiple_of(2) { ";card=4111 1111 1111 1111;" } else { ";mail=ann.lee@example.org;" });
        i += 1;
    }
    line.push('\n');
    let want = scrubline::Scanner::new().redact(&line).into_owned();
    assert!(!want.contains("4111") && !want.contains("ann.lee"));
    for threads in ["1", "2"] {
        let out = run_stdin(&["redact", "--threads", threads], line.as_bytes());
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout == want.as_bytes(), "--threads {threads}: long line differs from one-shot redaction");
    }
}

#[test]
fn many_files_on_threads_keep_their_order_findings_and_report() {
    let dir = tmpdir("many-files");
    let text = log_text();
    // 40 small files and one large one in the middle (streamed in segments on its own).
    for i in 0..40 {
        let part = &text[i * 1000..i * 1000 + 3000];
        let start = part.find('\n').unwrap() + 1;
        std::fs::write(dir.join(format!("f{i:02}.log")), &part[start..]).unwrap();
    }
    std::fs::write(dir.join("f20-big.log"), text.repeat(2)).unwrap();
    let run = |args: &[&str], threads: &str| {
        let report = dir.with_extension(format!("report-{threads}.json"));
        let out = bin().args(args).args(["--threads", threads, "--report"]).arg(&report).arg(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let mut rep: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        std::fs::remove_file(report).unwrap();
        // Fingerprints are keyed by a per-run key when the policy gives none.
        for f in rep["findings"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("fingerprint");
        }
        (out.stdout, rep)
    };
    for args in [&["redact"][..], &["scan", "--format", "jsonl"][..]] {
        let (one, rep1) = run(args, "1");
        let (three, rep3) = run(args, "3");
        assert!(one == three, "{args:?}: output differs between 1 and 3 threads");
        assert_eq!(rep1["total"], rep3["total"]);
        assert_eq!(rep1["inputs"], rep3["inputs"], "{args:?}: report inputs differ");
        assert!(rep1["findings"] == rep3["findings"], "{args:?}: report findings differ");
        assert_eq!(rep1["inputs"].as_array().unwrap().len(), 41);
    }
    std::fs::remove_dir_all(dir).unwrap();
}
