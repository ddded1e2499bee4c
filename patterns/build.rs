//! Embeds every `packs/*.toml` file, sorted by name, so adding a pack needs no code change.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("packs");
    println!("cargo:rerun-if-changed=packs");
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("patterns/packs exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("/// Every embedded pack as `(file name, TOML source)`, sorted by file name.\npub const PACKS: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=packs/{n}");
        out.push_str(&format!("    ({n:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/packs/{n}\"))),\n"));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("packs.rs");
    fs::write(dest, out).expect("write packs.rs");
}
