//! The shared case corpus (`testdata/cases*.toml`), run here exactly as the Python and Node
//! suites run it. Offsets in the corpus are Unicode code points; the core reports bytes.

use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    #[serde(rename = "case", default)]
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    redacted: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Expect {
    rule: String,
    #[serde(rename = "type", default)]
    entity: Option<String>,
    start: usize,
    end: usize,
}

fn byte_to_cp(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[test]
fn shared_cases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("cases") && n.ends_with(".toml"))
    });
    files.sort();
    assert!(!files.is_empty(), "testdata/cases*.toml exists");
    let scanner = scrubline::Scanner::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for path in files {
        let src = std::fs::read_to_string(&path).expect("readable");
        let file: File = toml::from_str(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for c in file.cases {
            n += 1;
            let got: Vec<Expect> = scanner
                .find_iter(&c.text)
                .map(|f| Expect {
                    rule: f.rule.to_string(),
                    entity: c.expect.iter().any(|e| e.entity.is_some()).then(|| f.entity.to_string()),
                    start: byte_to_cp(&c.text, f.span.start),
                    end: byte_to_cp(&c.text, f.span.end),
                })
                .collect();
            let want: Vec<Expect> = c
                .expect
                .iter()
                .map(|e| Expect { rule: e.rule.clone(), entity: e.entity.clone(), start: e.start, end: e.end })
                .collect();
            let norm = |v: Vec<Expect>| -> Vec<(String, Option<String>, usize, usize)> {
                v.into_iter().map(|e| (e.rule, e.entity, e.start, e.end)).collect()
            };
            let (got, want) = (norm(got), norm(want));
            let got_cmp: Vec<_> = got
                .iter()
                .map(|(r, t, s, e)| {
                    (r.clone(), if want.iter().any(|w| w.1.is_some()) { t.clone() } else { None }, *s, *e)
                })
                .collect();
            if got_cmp != want {
                failures.push(format!("{}: findings {:?}, expected {:?}", c.name, got_cmp, want));
            }
            if let Some(red) = &c.redacted {
                let out = scanner.redact(&c.text);
                if &*out != red {
                    failures.push(format!("{}: redacted {:?}, expected {:?}", c.name, out, red));
                }
            }
        }
    }
    assert!(n >= 40, "at least 40 shared cases, have {n}");
    assert!(failures.is_empty(), "{} case failures:\n{}", failures.len(), failures.join("\n"));
}
