//! Nightly drift: for a fixed table of constructs, the derivatives our
//! `#[autodiff_reverse]` / `#[autodiff_forward]` generate must have exactly
//! the signatures std's attributes of the same arguments generate.
//!
//! Each construct is written once, expanded with std (`rustc +nightly
//! -Zunpretty=expanded`) and with autodiff-safe (a throwaway cargo project
//! under `target/.../tmp/nightly_drift`), and every derivative its attributes
//! name is compared: visibility, qualifiers, name, generics, parameters,
//! return type and where clause. Not compared: attributes (docs, `inline`,
//! `track_caller`, `allow`), the `where` bounds we add (`ShadowCheck`,
//! `FloatTree`, `Float`), `-> ()` against no return type, and the known
//! difference a construct declares ([`Difference`]), which must still be
//! there.
//!
//! Pinned nightly: `rustc 1.97.0-nightly (e50aa6fba 2026-05-19)` ([`PINNED`]);
//! the test prints the nightly it runs on.
//!
//! Policy: move to a new nightly by running the Enzyme tier on it. A drift
//! failure names the construct and shows both signatures; then update our
//! signature rules in `autodiff-safe-derive/src/autodiff/plan.rs` to follow
//! std, or document the new difference in the README (and here, as a
//! [`Difference`]), and move [`PINNED`].
//!
//! `CARGO_ENCODED_RUSTFLAGS=-Zautodiff=Enable CARGO_TARGET_DIR=target/enzyme-tier cargo +nightly test -p autodiff-safe-ui-tests --features enzyme --test nightly_drift -- --nocapture`
#![cfg(feature = "enzyme")]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::visit::Visit;

/// The nightly whose std signatures this table was last checked against.
const PINNED: &str = "rustc 1.97.0-nightly (e50aa6fba 2026-05-19)";

/// A source line starting with this is in our file only; std's file keeps it
/// as a comment.
const OURS: &str = "//ours ";

/// One construct: std's source, with our block attributes and derives on
/// `//ours ` lines. Every `#[autodiff_reverse(NAME, ..)]` and
/// `#[autodiff_forward(NAME, ..)]` in it names a derivative to compare.
struct Construct {
    /// What a failure calls it.
    name: &'static str,
    source: &'static str,
    /// The documented difference this construct shows, if any.
    difference: Option<Difference>,
}

/// A known difference from std: the construct's derivative must show it,
/// exactly, and is otherwise compared as usual.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Difference {
    /// Documented in the README: a raw pointer with a shadow makes std's
    /// derivative a safe `fn` and ours an `unsafe fn`, on purpose, since its
    /// shadow cannot be checked.
    UnsafeRawPointer,
}

const CONSTRUCTS: &[Construct] = &[
    Construct {
        name: "reverse Duplicated, Active on a slice",
        source: r"
            #[autodiff_reverse(d_sum_sq, Duplicated, Active)]
            pub fn sum_sq(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "reverse Active, Active, Active on scalars",
        source: r"
            #[autodiff_reverse(d_rosenbrock, Active, Active, Active)]
            pub fn rosenbrock(x: f64, y: f64) -> f64 {
                (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
            }",
        difference: None,
    },
    Construct {
        name: "reverse Duplicated, Duplicated, Active with an &mut output",
        source: r"
            #[autodiff_reverse(d_scale_into, Duplicated, Duplicated, Active)]
            pub fn scale_into(x: &[f64], out: &mut [f64]) -> f64 {
                for (o, x) in out.iter_mut().zip(x) {
                    *o = 2.0 * x;
                }
                out.iter().sum()
            }",
        difference: None,
    },
    Construct {
        name: "reverse Active, Active, Duplicated with an &mut f64 output and no return",
        source: r"
            #[autodiff_reverse(d_rosenbrock_inp, Active, Active, Duplicated)]
            pub fn rosenbrock_inp(x: f64, y: f64, out: &mut f64) {
                *out = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
            }",
        difference: None,
    },
    Construct {
        name: "reverse Duplicated, ActiveOnly return",
        source: r"
            #[autodiff_reverse(d_sum_sq_only, Duplicated, ActiveOnly)]
            pub fn sum_sq_only(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "reverse Active, ActiveOnly return",
        source: r"
            #[autodiff_reverse(d_square_only, Active, ActiveOnly)]
            pub fn square_only(x: f64) -> f64 {
                x * x
            }",
        difference: None,
    },
    Construct {
        name: "reverse width 2, Duplicated, Active",
        source: r"
            #[autodiff_reverse(d_sum_sq_2, 2, Duplicated, Active)]
            pub fn sum_sq_2(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "forward Dual, Dual",
        source: r"
            #[autodiff_forward(d_cube, Dual, Dual)]
            pub fn cube(x: f64) -> f64 {
                x * x * x
            }",
        difference: None,
    },
    Construct {
        name: "forward Dual, Const, Dual",
        source: r"
            #[autodiff_forward(d_weighted, Dual, Const, Dual)]
            pub fn weighted(x: &[f64], w: f64) -> f64 {
                w * x.iter().sum::<f64>()
            }",
        difference: None,
    },
    Construct {
        name: "forward width 2, Dual return (an array)",
        source: r"
            #[autodiff_forward(d_cube_2, 2, Dual, Dual)]
            pub fn cube_2(x: f64) -> f64 {
                x * x * x
            }",
        difference: None,
    },
    Construct {
        name: "forward Dualv input, width 2, Dual return",
        source: r"
            #[autodiff_forward(d_sum_sq_v, 2, Dualv, Dual)]
            pub fn sum_sq_v(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "forward Dualv input, width 3, DualvOnly return",
        source: r"
            #[autodiff_forward(d_sum_sq_v_only, 3, Dualv, DualvOnly)]
            pub fn sum_sq_v_only(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "forward Dual, DualOnly return",
        source: r"
            #[autodiff_forward(d_cube_only, Dual, DualOnly)]
            pub fn cube_only(x: f64) -> f64 {
                x * x * x
            }",
        difference: None,
    },
    Construct {
        name: "forward width 2, Dual, DualOnly return (an array)",
        source: r"
            #[autodiff_forward(d_cube_only_2, 2, Dual, DualOnly)]
            pub fn cube_only_2(x: f64) -> f64 {
                x * x * x
            }",
        difference: None,
    },
    Construct {
        name: "forward Dual, Const return",
        source: r"
            #[autodiff_forward(d_cube_const, Dual, Const)]
            pub fn cube_const(x: f64) -> f64 {
                x * x * x
            }",
        difference: None,
    },
    Construct {
        name: "forward Dual, Dual with an &mut output and no return",
        source: r"
            #[autodiff_forward(d_double_into, Dual, Dual)]
            pub fn double_into(x: &[f64], out: &mut [f64]) {
                for (o, x) in out.iter_mut().zip(x) {
                    *o = 2.0 * x;
                }
            }",
        difference: None,
    },
    Construct {
        name: "reverse Duplicated, Const return",
        source: r"
            #[autodiff_reverse(d_sum_sq_const, Duplicated, Const)]
            pub fn sum_sq_const(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "reverse &self method",
        source: r"
            //ours #[derive(ShadowCheck)]
            pub struct Model {
                w: Vec<f64>,
            }
            impl Model {
                #[autodiff_reverse(d_predict, Duplicated, Const, Active)]
                pub fn predict(&self, x: f64) -> f64 {
                    self.w.iter().map(|w| w * x).sum()
                }
            }",
        difference: None,
    },
    Construct {
        name: "reverse &mut self method",
        source: r"
            //ours #[derive(ShadowCheck)]
            pub struct State {
                s: f64,
            }
            impl State {
                #[autodiff_reverse(d_advance, Duplicated, Active, Active)]
                pub fn advance(&mut self, x: f64) -> f64 {
                    self.s = self.s * x;
                    self.s
                }
            }",
        difference: None,
    },
    Construct {
        name: "forward by-value self method",
        source: r"
            //ours #[derive(ShadowCheck)]
            #[derive(Clone, Copy)]
            pub struct Point {
                x: f64,
                y: f64,
            }
            impl Point {
                #[autodiff_forward(d_norm2, Dual, Dual)]
                pub fn norm2(self) -> f64 {
                    self.x * self.x + self.y * self.y
                }
            }",
        difference: None,
    },
    Construct {
        name: "generic fn f<T: ..>(x: &[T]) with a where clause",
        source: r"
            #[autodiff_reverse(d_sum_sq_generic, Duplicated, Active)]
            pub fn sum_sq_generic<T: Copy + std::ops::Mul<Output = T> + std::iter::Sum>(x: &[T]) -> T
            where
                T: Default,
            {
                x.iter().map(|&v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "lifetime parameter",
        source: r"
            #[autodiff_reverse(d_first, Duplicated, Active)]
            pub fn first<'a>(x: &'a [f64]) -> f64 {
                x[0]
            }",
        difference: None,
    },
    Construct {
        name: "const generic array",
        source: r"
            #[autodiff_reverse(d_sum_n, Duplicated, Active)]
            pub fn sum_n<const N: usize>(x: &[f64; N]) -> f64 {
                x.iter().sum()
            }",
        difference: None,
    },
    Construct {
        name: "receiver-less associated fn in an impl",
        source: r"
            //ours #[derive(ShadowCheck)]
            pub struct Params {
                w: Vec<f64>,
            }
            //ours #[autodiff_impl]
            impl Params {
                #[autodiff_reverse(d_loss, Duplicated, Active)]
                pub fn loss(p: &Params) -> f64 {
                    p.w.iter().map(|w| w * w).sum()
                }
            }",
        difference: None,
    },
    Construct {
        name: "bodiless trait method (std's provided derivative)",
        source: r"
            //ours #[autodiff_trait]
            pub trait Energy {
                #[autodiff_reverse(d_energy, Const, Active, Active)]
                fn energy(&self, x: f64) -> f64;
            }",
        difference: None,
    },
    Construct {
        name: "trait method with a default body",
        source: r"
            //ours #[autodiff_trait]
            pub trait Total {
                fn term(&self, x: f64) -> f64;
                #[autodiff_reverse(d_total, Const, Duplicated, Active)]
                fn total(&self, xs: &[f64]) -> f64 {
                    xs.iter().map(|x| self.term(*x)).sum()
                }
            }",
        difference: None,
    },
    Construct {
        name: "trait impl of a trait that declares df",
        source: r"
            pub trait Curve {
                fn f(&self, x: f64) -> f64;
                fn df(&self, x: f64, seed: f64) -> (f64, f64);
            }
            pub struct Parabola {
                a: f64,
            }
            //ours #[autodiff_impl]
            impl Curve for Parabola {
                #[autodiff_reverse(df, Const, Active, Active)]
                fn f(&self, x: f64) -> f64 {
                    self.a * x * x
                }
            }",
        difference: None,
    },
    Construct {
        name: "stacked reverse and forward on one fn",
        source: r"
            #[autodiff_reverse(d_both, Duplicated, Active)]
            #[autodiff_forward(f_both, Dual, Dual)]
            pub fn both(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "fn nested in a function body",
        source: r"
            pub fn outer(x: f64) -> f64 {
                #[autodiff_reverse(d_inner, Active, Active)]
                fn inner(x: f64) -> f64 {
                    x * x
                }
                d_inner(x, 1.0).1
            }",
        difference: None,
    },
    Construct {
        name: "reverse DuplicatedOnly (unsafe in both)",
        source: r"
            #[autodiff_reverse(d_sum_sq_dup_only, DuplicatedOnly, Active)]
            pub fn sum_sq_dup_only(x: &[f64]) -> f64 {
                x.iter().map(|v| v * v).sum()
            }",
        difference: None,
    },
    Construct {
        name: "reverse raw pointer, Duplicated",
        source: r"
            #[autodiff_reverse(d_read, Duplicated, Active)]
            pub fn read(x: *const f64) -> f64 {
                // SAFETY: never called.
                unsafe { *x }
            }",
        difference: Some(Difference::UnsafeRawPointer),
    },
];

#[test]
fn derivative_signatures_match_std() {
    let nightly = output(Command::new("rustc").args(["+nightly", "--version"]))
        .unwrap_or_else(|error| panic!("rustc +nightly --version: {error}"));
    let nightly = nightly.trim();
    println!("nightly drift: {nightly}; signatures last checked on {PINNED}");
    if nightly != PINNED {
        println!("nightly drift: not the pinned nightly; this run checks the move to it");
    }

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nightly_drift");
    let expanded_std = expand_all(CONSTRUCTS, |constructs| expand_std(&dir, constructs));
    let expanded_ours = expand_all(CONSTRUCTS, |constructs| expand_ours(&dir, constructs));
    let found_std = signatures(&expanded_std, "std's");
    let found_ours = signatures(&expanded_ours, "our");

    let mut failures = Vec::new();
    let (mut compared, mut known) = (0, 0);
    for (index, construct) in CONSTRUCTS.iter().enumerate() {
        let module = module_name(index);
        for derivative in derivative_names(construct) {
            let std = matching(&found_std, &module, &derivative);
            let ours = matching(&found_ours, &module, &derivative);
            match compare(&derivative, &std, &ours, construct.difference) {
                Ok(Same { std, ours }) => {
                    compared += std.len();
                    if let Some(difference) = construct.difference {
                        known += std.len();
                        println!(
                            "ok   {} (known difference {difference:?})\n    std:  {}\n    ours: {}",
                            construct.name,
                            show(&std),
                            show(&ours)
                        );
                    } else {
                        println!("ok   {}: {}", construct.name, show(&std));
                    }
                }
                Err(failure) => {
                    println!("FAIL {}: {failure}", construct.name);
                    failures.push(format!("{}: {failure}", construct.name));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "nightly drift on {nightly}: {} derivatives no longer match std's (see the policy at \
         the top of ui-tests/tests/nightly_drift.rs):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    println!(
        "nightly drift: {compared} signatures of {} constructs match std's, {known} of them but \
         for a known difference",
        CONSTRUCTS.len()
    );
}

fn module_name(index: usize) -> String {
    format!("construct_{index:02}")
}

/// The derivative names the construct's attributes declare, in order.
fn derivative_names(construct: &Construct) -> Vec<String> {
    let mut names = Vec::new();
    for attribute in ["#[autodiff_reverse(", "#[autodiff_forward("] {
        let mut rest = construct.source;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let end = rest.find(',').expect("an attribute with arguments");
            names.push(rest[..end].trim().to_owned());
        }
    }
    names
}

/// A source file with each construct in its own module.
fn source_file(header: &str, constructs: &[(usize, &Construct)], ours: bool) -> String {
    let mut file = String::from(header);
    for (index, construct) in constructs {
        let body = if ours {
            construct.source.replace(OURS, "")
        } else {
            construct.source.to_owned()
        };
        write!(
            file,
            "\n// {}\nmod {} {{\n    use super::*;\n{body}\n}}\n",
            construct.name,
            module_name(*index)
        )
        .expect("writing to a String");
    }
    file
}

/// Expands all constructs at once; when that fails, one by one, to name the
/// constructs that do not expand.
fn expand_all(
    constructs: &[Construct],
    expand: impl Fn(&[(usize, &Construct)]) -> Result<String, String>,
) -> String {
    let all: Vec<(usize, &Construct)> = constructs.iter().enumerate().collect();
    let error = match expand(&all) {
        Ok(expanded) => return expanded,
        Err(error) => error,
    };
    let failed: Vec<String> = all
        .iter()
        .filter_map(|&one| {
            expand(&[one])
                .err()
                .map(|error| format!("{}:\n{error}", one.1.name))
        })
        .collect();
    // None or every one failing alone: the failure is not the constructs'.
    assert!(
        !failed.is_empty() && failed.len() < all.len(),
        "the constructs do not expand:\n{error}"
    );
    panic!(
        "nightly drift: {} of {} constructs no longer expand:\n\n{}",
        failed.len(),
        all.len(),
        failed.join("\n\n")
    );
}

/// std's expansion: `rustc +nightly -Zunpretty=expanded` on one file.
fn expand_std(dir: &Path, constructs: &[(usize, &Construct)]) -> Result<String, String> {
    let dir = dir.join("std");
    fs::create_dir_all(&dir).expect("create the std directory");
    let file = dir.join("lib.rs");
    let header = "#![feature(autodiff)]\n#![allow(unused)]\n\
                  use std::autodiff::{autodiff_reverse, autodiff_forward};\n";
    fs::write(&file, source_file(header, constructs, false)).expect("write std's file");
    output(
        Command::new("rustc")
            .args(["+nightly", "--edition", "2024", "--crate-type", "lib"])
            .args(["-Zunpretty=expanded", "-Zautodiff=Enable"])
            .arg(&file)
            .current_dir(&dir),
    )
}

/// Our expansion: a throwaway crate depending on this autodiff-safe with the
/// `enzyme` feature, expanded by `cargo +nightly rustc`; its target
/// directory stays, so that later runs rebuild only the crate itself.
fn expand_ours(dir: &Path, constructs: &[(usize, &Construct)]) -> Result<String, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf();
    let project = dir.join("ours");
    fs::create_dir_all(project.join("src")).expect("create the project");
    let facade = workspace.join("autodiff-safe");
    let manifest = format!(
        "[package]\nname = \"autodiff-safe-nightly-drift\"\nversion = \"0.0.0\"\n\
         edition = \"2024\"\npublish = false\n\n[dependencies]\n\
         autodiff-safe = {{ path = {:?}, features = [\"enzyme\"] }}\n\n\
         # Not a member of the autodiff-safe workspace it is inside of.\n[workspace]\n",
        facade.display().to_string()
    );
    write_if_changed(&project.join("Cargo.toml"), &manifest);
    // The workspace's versions, so that `--offline` needs nothing new.
    let lock = fs::read_to_string(workspace.join("Cargo.lock")).expect("the workspace Cargo.lock");
    fs::write(project.join("Cargo.lock"), lock).expect("write Cargo.lock");
    let header = "#![feature(autodiff)]\n#![allow(unused)]\n\
                  use autodiff_safe::{autodiff_reverse, autodiff_forward, autodiff_impl, \
                  autodiff_trait, ShadowCheck};\n";
    fs::write(
        project.join("src/lib.rs"),
        source_file(header, constructs, true),
    )
    .expect("write our file");
    let target: PathBuf = dir.join("target");
    let mut cargo = Command::new("cargo");
    cargo
        .args(["+nightly", "rustc", "--offline", "--quiet", "--lib"])
        .args(["--", "-Zunpretty=expanded"])
        .current_dir(&project)
        // This test runs inside cargo: the outer build's settings must not
        // leak into the inner one.
        .env("CARGO_ENCODED_RUSTFLAGS", "-Zautodiff=Enable")
        .env("CARGO_TARGET_DIR", &target);
    for variable in [
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTC",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
    ] {
        cargo.env_remove(variable);
    }
    output(&mut cargo)
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    }
}

/// The command's stdout, or its status and stderr.
fn output(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|error| format!("{command:?}: {error}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|error| format!("{command:?}: {error}"))
    } else {
        Err(format!(
            "{command:?}: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A function signature found in an expansion.
struct Found {
    /// The construct's module.
    module: String,
    /// The block it is in: `impl Model`, `trait Energy`, `fn outer`, or
    /// empty at the module's top level.
    container: String,
    vis: TokenStream,
    sig: syn::Signature,
}

/// Every function signature in the expanded file, nested ones included.
fn signatures(expanded: &str, whose: &str) -> Vec<Found> {
    let file = syn::parse_file(expanded)
        .unwrap_or_else(|error| panic!("{whose} expansion does not parse: {error}\n{expanded}"));
    let mut collector = Collector::default();
    collector.visit_file(&file);
    collector.found
}

#[derive(Default)]
struct Collector {
    module: Option<String>,
    containers: Vec<String>,
    found: Vec<Found>,
}

impl Collector {
    fn record(&mut self, vis: TokenStream, sig: &syn::Signature) {
        if let Some(module) = &self.module {
            self.found.push(Found {
                module: module.clone(),
                container: self.containers.join(" > "),
                vis,
                sig: sig.clone(),
            });
        }
    }

    fn within(&mut self, container: String, visit: impl FnOnce(&mut Self)) {
        self.containers.push(container);
        visit(self);
        self.containers.pop();
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if self.module.is_none() {
            self.module = Some(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.module = None;
        } else {
            let name = format!("mod {}", item.ident);
            self.within(name, |this| syn::visit::visit_item_mod(this, item));
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.record(item.vis.to_token_stream(), &item.sig);
        let name = format!("fn {}", item.sig.ident);
        self.within(name, |this| syn::visit::visit_item_fn(this, item));
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.record(item.vis.to_token_stream(), &item.sig);
        let name = format!("fn {}", item.sig.ident);
        self.within(name, |this| syn::visit::visit_impl_item_fn(this, item));
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        self.record(TokenStream::new(), &item.sig);
        let name = format!("fn {}", item.sig.ident);
        self.within(name, |this| syn::visit::visit_trait_item_fn(this, item));
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let params = &item.generics.params;
        let generics = (!params.is_empty()).then(|| quote!(<#params>));
        let trait_ = item
            .trait_
            .as_ref()
            .map(|(bang, path, for_)| quote!(#bang #path #for_));
        let self_ty = &item.self_ty;
        let name = render(&quote!(impl #generics #trait_ #self_ty));
        self.within(name, |this| syn::visit::visit_item_impl(this, item));
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        let name = format!("trait {}", item.ident);
        self.within(name, |this| syn::visit::visit_item_trait(this, item));
    }
}

/// Every `fn derivative` of the construct's module, in order.
fn matching<'f>(found: &'f [Found], module: &str, derivative: &str) -> Vec<&'f Found> {
    found
        .iter()
        .filter(|found| found.module == module && found.sig.ident == derivative)
        .collect()
}

/// Both sides' signatures of a derivative, the same but for the known
/// difference.
struct Same {
    std: Vec<String>,
    /// As generated, with the known difference.
    ours: Vec<String>,
}

/// Both sides' signatures of `derivative` when ours are std's but for the
/// construct's `difference`; otherwise what differs.
fn compare(
    derivative: &str,
    std: &[&Found],
    ours: &[&Found],
    difference: Option<Difference>,
) -> Result<Same, String> {
    let std: Vec<Signature> = std
        .iter()
        .map(|found| Signature::new(found, false))
        .collect();
    let mut ours: Vec<Signature> = ours
        .iter()
        .map(|found| Signature::new(found, true))
        .collect();
    if std.is_empty() {
        return Err(format!(
            "std's expansion has no `fn {derivative}` (std no longer generates it, or the table \
             is wrong)"
        ));
    }
    let generated: Vec<String> = ours.iter().map(Signature::line).collect();
    if std.len() == ours.len()
        && let Some(difference) = difference
    {
        for (std, ours) in std.iter().zip(&mut ours) {
            ours.remove(difference, std)?;
        }
    }
    let std: Vec<String> = std.iter().map(Signature::line).collect();
    let ours: Vec<String> = ours.iter().map(Signature::line).collect();
    if std == ours {
        Ok(Same {
            std,
            ours: generated,
        })
    } else {
        Err(format!(
            "`{derivative}` differs\n    std:  {}\n    ours: {}",
            show(&std),
            show(&ours)
        ))
    }
}

/// A derivative's signature as compared: no where clause (its predicates
/// apart, ours without the bounds we add), and no `-> ()`.
struct Signature {
    container: String,
    vis: TokenStream,
    sig: syn::Signature,
    predicates: Vec<syn::WherePredicate>,
}

impl Signature {
    fn new(found: &Found, ours: bool) -> Self {
        let mut sig = found.sig.clone();
        if sig.output == syn::parse_quote!(-> ()) {
            sig.output = syn::ReturnType::Default;
        }
        let mut predicates: Vec<syn::WherePredicate> = sig
            .generics
            .where_clause
            .take()
            .map(|clause| clause.predicates.into_iter().collect())
            .unwrap_or_default();
        if ours {
            predicates.retain_mut(|predicate| !only_our_bounds(predicate));
        }
        Signature {
            container: found.container.clone(),
            vis: found.vis.clone(),
            sig,
            predicates,
        }
    }

    /// Takes the known `difference` out of ours, after checking that both
    /// sides still show it.
    fn remove(&mut self, difference: Difference, std: &Signature) -> Result<(), String> {
        let ours = self.line();
        let gone = |what: &str| {
            Err(format!(
                "the known difference {difference:?} is gone: {what}\n    std:  {}\n    ours: \
                 {ours}",
                std.line()
            ))
        };
        match difference {
            Difference::UnsafeRawPointer => {
                if std.sig.unsafety.is_some() {
                    return gone("std's derivative is an `unsafe fn` now");
                }
                if self.sig.unsafety.is_none() {
                    return gone("ours is no longer an `unsafe fn`");
                }
                self.sig.unsafety = None;
            }
        }
        Ok(())
    }

    /// `container: vis fn name<..>(..) -> .. where ..`.
    fn line(&self) -> String {
        let (vis, sig) = (&self.vis, &self.sig);
        let mut text = render(&quote!(#vis #sig));
        if !self.predicates.is_empty() {
            let predicates: Vec<String> = self
                .predicates
                .iter()
                .map(|predicate| render(&predicate.to_token_stream()))
                .collect();
            write!(text, " where {}", predicates.join(", ")).expect("writing to a String");
        }
        if self.container.is_empty() {
            text
        } else {
            format!("{}: {text}", self.container)
        }
    }
}

/// Drops our added bounds (`::autodiff_safe::{ShadowCheck, FloatTree,
/// Float}`) from `predicate`; whether nothing is left of it.
fn only_our_bounds(predicate: &mut syn::WherePredicate) -> bool {
    let syn::WherePredicate::Type(predicate) = predicate else {
        return false;
    };
    let bounds = std::mem::take(&mut predicate.bounds);
    predicate.bounds = bounds
        .into_iter()
        .filter(|bound| !is_our_bound(bound))
        .collect();
    predicate.bounds.is_empty()
}

fn is_our_bound(bound: &syn::TypeParamBound) -> bool {
    let syn::TypeParamBound::Trait(bound) = bound else {
        return false;
    };
    let segments: Vec<String> = bound
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    matches!(
        <[String; 2]>::try_from(segments)
            .as_ref()
            .map(|[first, last]| (first.as_str(), last.as_str())),
        Ok(("autodiff_safe", "ShadowCheck" | "FloatTree" | "Float"))
    )
}

fn show(lines: &[String]) -> String {
    match lines {
        [] => "(none)".to_owned(),
        [line] => line.clone(),
        many => many.join("\n          "),
    }
}

/// Rust-like text of `tokens`, with whitespace normalised: one space between
/// tokens, except none around `::`, after `&`, `*`, `<`, `'` and `#`, and
/// before `,`, `;`, `:`, `>`, and the `(` or `<` right after a name.
fn render(tokens: &TokenStream) -> String {
    let mut out = String::new();
    render_into(tokens, &mut out);
    out
}

/// What the last token was, for the spacing of the next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Start,
    /// An identifier that may be followed by `(` or `<` without a space.
    Name,
    /// A keyword that keeps a space before `(` or `<`.
    Keyword,
    /// `&`, `*`, `<`, `'`, `#`, the end of a `::`, or a joint punctuation
    /// character (the `-` of `->`): no space after.
    Glue,
    /// The `>` closing generics: `<T>(` has no space.
    CloseAngle,
    Other,
}

fn render_into(tokens: &TokenStream, out: &mut String) {
    const KEYWORDS: &[&str] = &["as", "const", "dyn", "for", "in", "mut", "unsafe", "where"];
    let mut prev = Prev::Start;
    for token in tokens.clone() {
        let tight = matches!(prev, Prev::Start | Prev::Glue)
            || match &token {
                TokenTree::Punct(punct) => match punct.as_char() {
                    ',' | ';' | '.' | '>' => true,
                    ':' => punct.spacing() == Spacing::Alone || prev == Prev::Name,
                    '<' => prev == Prev::Name,
                    _ => false,
                },
                TokenTree::Group(group) => {
                    group.delimiter() == Delimiter::Parenthesis
                        && matches!(prev, Prev::Name | Prev::CloseAngle)
                }
                TokenTree::Ident(_) | TokenTree::Literal(_) => false,
            };
        if !tight {
            out.push(' ');
        }
        prev = match &token {
            TokenTree::Ident(ident) => {
                let ident = ident.to_string();
                out.push_str(&ident);
                if KEYWORDS.contains(&ident.as_str()) {
                    Prev::Keyword
                } else {
                    Prev::Name
                }
            }
            TokenTree::Literal(literal) => {
                out.push_str(&literal.to_string());
                Prev::Other
            }
            TokenTree::Punct(punct) => {
                let ch = punct.as_char();
                out.push(ch);
                if punct.spacing() == Spacing::Joint
                    || matches!(ch, '&' | '*' | '<' | '\'' | '#')
                    || out.ends_with("::")
                {
                    Prev::Glue
                } else if ch == '>' && !out.ends_with("->") {
                    Prev::CloseAngle
                } else {
                    Prev::Other
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                render_into(&group.stream(), out);
                out.push_str(close);
                Prev::Other
            }
        };
    }
}
