//! With the `enzyme` feature, checks that the build passes `-Zautodiff=Enable`,
//! so that a missing flag is one clear error from this crate rather than a
//! confusing one from std's macros.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(autodiff_safe_missing_autodiff_flag)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    if std::env::var_os("CARGO_FEATURE_ENZYME").is_none() {
        return;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let flags: Vec<&str> = flags.split('\x1f').collect();
    let enabled = flags.iter().enumerate().any(|(index, flag)| {
        let value = match flag.strip_prefix("-Z") {
            Some("") => flags.get(index + 1).copied().unwrap_or(""),
            Some(value) => value,
            None => return false,
        };
        value
            .strip_prefix("autodiff=")
            .is_some_and(|options| options.split(',').any(|option| option == "Enable"))
    });
    if !enabled {
        println!("cargo::rustc-cfg=autodiff_safe_missing_autodiff_flag");
    }
}
