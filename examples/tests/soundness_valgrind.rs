//! The soundness evidence (Enzyme tier): valgrind sees memory errors when
//! std's raw derivatives get a too-short shadow or a shadow of another enum
//! variant, and none when the same inputs go through autodiff-safe, which
//! refuses them.
#![cfg(feature = "enzyme")]

use std::process::Command;

struct Run {
    errors: usize,
    stdout: String,
}

/// The first words of memcheck's error reports.
const ERROR_KINDS: [&str; 6] = [
    "Invalid read",
    "Invalid write",
    "Invalid free",
    "Use of uninitialised",
    "Conditional jump or move depends on uninitialised",
    "Syscall param",
];

/// Runs the probe under valgrind and counts the errors it reports.
fn valgrind(mode: &str) -> Run {
    let output = Command::new("valgrind")
        .args(["--error-limit=no", "--child-silent-after-fork=yes"])
        .arg(env!("CARGO_BIN_EXE_soundness-probe"))
        .arg(mode)
        .output()
        .expect("valgrind must be installed for the Enzyme tier (apt-get install valgrind)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Memcheck"),
        "valgrind did not run for {mode}:\n{stderr}"
    );
    // Count the error reports themselves: a corrupted heap can crash
    // valgrind before it prints its summary.
    let errors = stderr
        .lines()
        .filter(|line| {
            let report = line.split("== ").nth(1).unwrap_or("");
            ERROR_KINDS.iter().any(|kind| report.starts_with(kind))
        })
        .count();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    println!(
        "{mode}: valgrind reports {errors} errors; stdout: {}",
        stdout.trim()
    );
    Run { errors, stdout }
}

#[test]
fn raw_short_shadow_is_a_memory_error() {
    assert!(valgrind("raw-short").errors > 0);
}

#[test]
fn raw_wrong_variant_is_a_memory_error() {
    assert!(valgrind("raw-variant").errors > 0);
}

#[test]
fn safe_short_shadow_is_refused_cleanly() {
    let run = valgrind("safe-short");
    assert_eq!(run.errors, 0);
    assert!(
        run.stdout.contains(
            "refused: d_weighted_sum: shadow `dx_0` does not match its primal `x` at `x`: \
             primal has length 8, shadow has length 2"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn safe_wrong_variant_is_refused_cleanly() {
    let run = valgrind("safe-variant");
    assert_eq!(run.errors, 0);
    assert!(
        run.stdout.contains(
            "refused: d_curve: shadow `dc_0` does not match its primal `c` at `c`: \
             primal is variant `Poly`, shadow is variant `Linear`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn safe_trait_default_short_shadow_is_refused_cleanly() {
    let run = valgrind("safe-trait-short");
    assert_eq!(run.errors, 0);
    assert!(
        run.stdout.contains(
            "refused: d_loss: shadow `dx_0` does not match its primal `x` at `x`: \
             primal has length 8, shadow has length 1"
        ),
        "{}",
        run.stdout
    );
}
