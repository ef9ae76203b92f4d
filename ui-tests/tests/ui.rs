//! Compile-fail cases (`tests/ui/{derive,attr,soundness}/*.rs`, one misuse
//! each, with the exact expected diagnostics in the `.stderr` next to it) and
//! compile-pass programs (`tests/pass/*.rs`, which must also run).
//!
//! The `.stderr` files follow the stable toolchain's wording; regenerate them
//! with `TRYBUILD=overwrite cargo test -p autodiff-safe-ui-tests --test ui`
//! and read every diff before keeping it.

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
    cases.pass("tests/pass/*.rs");
}

/// Every file with `extension` under `dir`, recursively, sorted.
fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

/// A `.stderr` whose case was renamed or deleted would never be compared
/// again; refuse it.
#[test]
fn no_stale_stderr() {
    let stale: Vec<PathBuf> = files_with_extension(&ui_dir(), "stderr")
        .into_iter()
        .filter(|stderr| !stderr.with_extension("rs").is_file())
        .collect();
    assert!(
        stale.is_empty(),
        "`.stderr` files without their `.rs`: {stale:?}"
    );
}

/// `tests/pass/lints.rs` (built by rustc through trybuild) and
/// `tests/lints.rs` (linted by `cargo clippy --all-targets`) are one file.
#[test]
fn lints_copies_are_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let pass = fs::read_to_string(root.join("pass/lints.rs")).expect("tests/pass/lints.rs");
    let test = fs::read_to_string(root.join("lints.rs")).expect("tests/lints.rs");
    assert!(
        pass == test,
        "tests/pass/lints.rs and tests/lints.rs differ"
    );
}

/// The layout the issue asks for: cases only in the three groups, named in
/// kebab-case, one `fn main() {}` at the end of each, and at least 40 of them.
#[test]
fn cases_are_well_formed() {
    let groups = ["attr", "derive", "soundness"];
    let cases = files_with_extension(&ui_dir(), "rs");
    assert!(cases.len() >= 40, "only {} compile-fail cases", cases.len());
    for case in &cases {
        let group = case
            .parent()
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        assert!(
            groups.contains(&group),
            "{} is outside {groups:?}",
            case.display()
        );
        let stem = case
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        assert!(
            !stem.is_empty()
                && !stem.starts_with('-')
                && !stem.ends_with('-')
                && !stem.contains("--")
                && stem
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            case.display()
        );
        let text = fs::read_to_string(case).expect("readable case");
        assert!(
            text.trim_end().ends_with("fn main() {}"),
            "{} must end with `fn main() {{}}`",
            case.display()
        );
        assert!(
            case.with_extension("stderr").is_file(),
            "{} has no `.stderr`",
            case.display()
        );
    }
}
