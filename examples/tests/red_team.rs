//! The red team (issue 17, Enzyme tier): every run-time probe in
//! `examples/red_team/` is run under valgrind, and must give the outcome its
//! row of `EXPECTED` names, with zero memcheck errors. `.ci/run` runs the same
//! binaries under `AddressSanitizer`. Probes that must be refused at compile
//! time are trybuild cases in `ui-tests/tests/ui-enzyme/red-team/`;
//! `SOUNDNESS.md` holds the whole table.
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable CARGO_TARGET_DIR=target/enzyme-tier cargo +nightly test --profile enzyme -p autodiff-safe-examples --features enzyme --test red_team -- --nocapture
//! ```
#![cfg(feature = "enzyme")]

use std::process::Command;

/// What a probe must do once issue 17 is closed.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// The checked derivative refuses (`try_` returns `Err`, the panicking
    /// form panics) with an error containing every one of these fragments.
    Refused(&'static [&'static str]),
    /// The call goes through and prints a line containing these fragments
    /// (controls, and the pinned assumptions).
    Ran(&'static [&'static str]),
    /// Either refused or ran: what is pinned is zero memory errors (the
    /// after-call check may or may not have something to compare).
    Safe,
    /// A pinned limit: the process ends with this exit status, without
    /// printing a `caught:` line, and with zero memory errors.
    Exits(i32),
}

/// The expectation table: binary, class, outcome.
const EXPECTED: &[(&str, &str, Outcome)] = &[
    // Class 1: a `Const` user struct's buffer moved into a shadowed `&mut`:
    // the after-call check sees `x` and its shadow share an allocation.
    (
        "rt-c1-struct-swap-fwd",
        "1",
        Outcome::Refused(&["d_f", "`x`", "Const"]),
    ),
    (
        "rt-c1-usize-swap-fwd",
        "1",
        Outcome::Refused(&["d_f", "`x`", "x.ix"]),
    ),
    (
        "rt-c1-string-swap-fwd",
        "1",
        Outcome::Refused(&["d_f", "`x`", "x.name"]),
    ),
    // Class 2: the shadow has the primal's length, not its capacity:
    // refused before the call.
    (
        "rt-c2-spare-fwd",
        "2",
        Outcome::Refused(&["d_f", "`x`", "capacity"]),
    ),
    (
        "rt-c2-spare-field-fwd",
        "2",
        Outcome::Refused(&["d_f", "`x`", "x.buf", "capacity"]),
    ),
    // Control: forward mode gives a fresh allocation its own shadow.
    (
        "rt-control-fresh-fwd",
        "control",
        Outcome::Ran(&["(2.0, 2.0)", "shared false"]),
    ),
    // The free assumption, as measured: a free of the primal's own buffer in
    // forward mode is mirrored onto the shadow's own buffer (no leak, no
    // error); the shadow is never left pointing at freed memory.
    (
        "rt-assume-free-not-copied-fwd",
        "assumption",
        Outcome::Ran(&["dx len 0"]),
    ),
    // Beyond the ten: aliasing made and undone (freed) inside one call.
    // Enzyme does not mirror the free of a pointer that came from a `Const`,
    // so there is no double free; the derivative is silently wrong, the line
    // SOUNDNESS.md says no after-call check can cross.
    (
        "rt-beyond-swap-then-free-fwd",
        "beyond",
        Outcome::Ran(&["shared false"]),
    ),
    // Beyond the ten: class 1 through a by-value `Dual` `Vec` (handed to
    // Enzyme as `&mut ManuallyDrop<_>`), dropped inside the function: the
    // shadow's buffer leaks, nothing is freed twice.
    ("rt-beyond-by-value-swap-fwd", "beyond", Outcome::Safe),
    // Beyond the ten: a panic unwinding through Enzyme's code, with a
    // by-value `Dual` argument: caught, nothing freed twice (the by-value
    // shadow leaks), and the next call is right.
    (
        "rt-beyond-panic-inside-fwd",
        "beyond",
        Outcome::Ran(&["panicked true", "then (6.0, 2.0)"]),
    ),
    // Beyond the ten, a limit of this Enzyme: a panic inside a reverse
    // derivative escapes `catch_unwind` and ends the process (status 101),
    // with no memory error.
    ("rt-beyond-panic-inside-rev", "beyond", Outcome::Exits(101)),
];

/// The first words of memcheck's error reports.
const ERROR_KINDS: [&str; 7] = [
    "Invalid read",
    "Invalid write",
    "Invalid free",
    "Mismatched free",
    "Use of uninitialised",
    "Conditional jump or move depends on uninitialised",
    "Syscall param",
];

struct Run {
    errors: usize,
    success: bool,
    code: Option<i32>,
    stdout: String,
}

fn exe(name: &str) -> String {
    // Cargo sets CARGO_BIN_EXE_<name> for every binary of this package.
    let var = format!("CARGO_BIN_EXE_{name}");
    std::env::var(&var)
        .ok()
        .or_else(|| bin_path(name))
        .unwrap_or_else(|| panic!("{var} is not set; build with --features enzyme"))
}

/// The binary next to this test's directory (`target/<profile>/<name>`).
fn bin_path(name: &str) -> Option<String> {
    let test = std::env::current_exe().ok()?;
    let path = test.parent()?.parent()?.join(name);
    path.exists().then(|| path.display().to_string())
}

fn valgrind(name: &str) -> Run {
    let output = Command::new("valgrind")
        .args(["--error-limit=no", "--child-silent-after-fork=yes"])
        .arg(exe(name))
        .output()
        .expect("valgrind must be installed for the Enzyme tier (apt-get install valgrind)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Memcheck"),
        "valgrind did not run for {name}:\n{stderr}"
    );
    let errors = stderr
        .lines()
        .filter(|line| {
            let report = line.split("== ").nth(1).unwrap_or("");
            ERROR_KINDS.iter().any(|kind| report.starts_with(kind))
        })
        .count();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    println!(
        "{name}: valgrind reports {errors} errors, {:?}; stdout: {}",
        output.status,
        stdout.trim()
    );
    Run {
        errors,
        success: output.status.success(),
        code: output.status.code(),
        stdout,
    }
}

/// Checks one probe against its row; returns what went wrong.
fn check(name: &str, class: &str, outcome: Outcome) -> Option<String> {
    let run = valgrind(name);
    if let Outcome::Exits(code) = outcome {
        let caught = run.stdout.contains("caught: ");
        return (run.errors > 0 || run.code != Some(code) || caught).then(|| {
            format!(
                "{name} (class {class}): expected exit {code} with 0 valgrind errors and no \
                 `caught:`; got {} errors, exit {:?}, stdout: {}",
                run.errors,
                run.code,
                run.stdout.trim()
            )
        });
    }
    let (prefixes, fragments): (&[&str], &[&str]) = match outcome {
        Outcome::Refused(fragments) => (&["refused: "], fragments),
        Outcome::Ran(fragments) => (&["ran: "], fragments),
        Outcome::Safe | Outcome::Exits(_) => (&["ran: ", "refused: "], &[]),
    };
    let line = run
        .stdout
        .lines()
        .find(|line| prefixes.iter().any(|prefix| line.starts_with(prefix)));
    let missing: Vec<_> = fragments
        .iter()
        .filter(|fragment| !line.is_some_and(|line| line.contains(*fragment)))
        .collect();
    (run.errors > 0 || !run.success || line.is_none() || !missing.is_empty()).then(|| {
        format!(
            "{name} (class {class}): expected {outcome:?} with 0 valgrind errors; got {} errors, \
             exit ok {}, missing {missing:?}, stdout: {}",
            run.errors,
            run.success,
            run.stdout.trim()
        )
    })
}

/// Every probe, in one test so that the report lists every failure at once.
#[test]
fn every_red_team_probe_has_its_expected_outcome_and_no_memory_error() {
    let failures: Vec<String> = EXPECTED
        .iter()
        .filter_map(|&(name, class, outcome)| check(name, class, outcome))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} probes failed:\n{}",
        failures.len(),
        EXPECTED.len(),
        failures.join("\n")
    );
}

/// The table covers every `rt-*` binary in examples/Cargo.toml.
#[test]
fn every_red_team_binary_has_a_row() {
    let manifest = include_str!("../Cargo.toml");
    for name in manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \"rt-"))
        .map(|rest| format!("rt-{}", rest.trim_end_matches('"')))
    {
        assert!(
            EXPECTED.iter().any(|(row, _, _)| *row == name),
            "{name} has no row in EXPECTED"
        );
    }
}
