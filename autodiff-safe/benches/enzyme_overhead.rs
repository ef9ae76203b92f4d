//! Overhead of a checked derivative against std's raw `std::autodiff`
//! derivative of the same function, side by side in one criterion group.
//!
//! Each function is written twice from the same tokens, once under
//! `autodiff_safe`'s attribute and once under std's, as in the bit-equality
//! tests. After criterion, a paired run alternates the two in many short
//! rounds and prints the median ratio, which drifting load on a shared
//! machine disturbs far less than two separate criterion runs.
//!
//! Needs nightly, Enzyme and fat LTO:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly bench --profile enzyme -p autodiff-safe \
//!     --features enzyme --bench enzyme_overhead
//! ```
//!
//! With `ENZYME_OVERHEAD_CALLGRIND=1` the binary skips criterion and calls
//! each derivative `CALLS` times through a never-inlined wrapper, for
//! instruction counts under `valgrind --tool=callgrind` (see BENCHMARKS.md).
//!
//! Without the `enzyme` feature this bench only says so.
#![cfg_attr(feature = "enzyme", feature(autodiff))]

#[cfg(not(feature = "enzyme"))]
fn main() {
    println!(
        "enzyme_overhead: this benchmark needs the `enzyme` feature: \
         RUSTFLAGS=-Zautodiff=Enable cargo +nightly bench --profile enzyme \
         -p autodiff-safe --features enzyme --bench enzyme_overhead"
    );
}

#[cfg(feature = "enzyme")]
fn main() {
    enzyme::main();
}

#[cfg(feature = "enzyme")]
mod enzyme {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use autodiff_safe::{ShadowCheck, make_zero};
    use criterion::{BenchmarkId, Criterion};

    /// Writes one function twice, under the checked and the raw attribute.
    macro_rules! twin {
        (
            safe: $safe_mode:ident ( $($safe_args:tt)* ),
            raw: ( $($raw_args:tt)* ),
            fn $safe:ident / $raw:ident ( $($params:tt)* ) $(-> $ret:ty)? $body:block
        ) => {
            #[autodiff_safe::$safe_mode($($safe_args)*)]
            fn $safe ($($params)*) $(-> $ret)? $body

            #[std::autodiff::$safe_mode($($raw_args)*)]
            fn $raw ($($params)*) $(-> $ret)? $body
        };
    }

    twin! {
        safe: autodiff_reverse(d_sum_sq, Duplicated, Active),
        raw: (raw_sum_sq, Duplicated, Active),
        fn sum_sq / sum_sq_raw(x: &[f64]) -> f64 {
            let mut total = 0.0;
            for v in x {
                total += v * v;
            }
            total
        }
    }

    /// One small layer of [`Deep`].
    #[derive(ShadowCheck)]
    pub struct Layer {
        w: Vec<f64>,
        b: Vec<f64>,
    }

    /// A model of [`LAYERS`] small layers.
    #[derive(ShadowCheck)]
    pub struct Deep {
        layers: Vec<Layer>,
    }

    /// Layers of [`Deep`].
    const LAYERS: usize = 100;
    /// Weights per layer.
    const WIDTH: usize = 16;

    // A flat loop over each layer's weights accumulating a scalar: the form
    // this Enzyme's type analysis accepts for nested `Vec`s.
    twin! {
        safe: autodiff_reverse(d_deep, Duplicated, Const, Active),
        raw: (raw_deep, Duplicated, Const, Active),
        fn deep / deep_raw(m: &Deep, x: &[f64]) -> f64 {
            let mut total = 0.0;
            for layer in &m.layers {
                let mut s = 0.0;
                for (w, v) in layer.w.iter().zip(x) {
                    s += w * v;
                }
                for b in &layer.b {
                    s += b;
                }
                total += s * s;
            }
            total
        }
    }

    /// `i % modulus` as a float, for `modulus` up to 256.
    fn cycle(i: usize, modulus: usize) -> f64 {
        f64::from(u8::try_from(i % modulus).unwrap_or(0))
    }

    fn vector(n: usize) -> Vec<f64> {
        (0..n).map(|i| 0.5 + 1e-3 * cycle(i, 100)).collect()
    }

    fn model() -> Deep {
        Deep {
            layers: (0..LAYERS)
                .map(|l| Layer {
                    w: (0..WIDTH).map(|i| 1e-2 * cycle(l + i, 7)).collect(),
                    b: vec![0.1],
                })
                .collect(),
        }
    }

    /// Asserts that raw and checked derivatives agree bit for bit and are
    /// the exact gradients, so that the timings compare real work.
    fn verify() {
        let point = vector(16);
        let (mut raw, mut checked) = (make_zero(&point), make_zero(&point));
        let raw_value = raw_sum_sq(&point, &mut raw, 1.0);
        let checked_value = d_sum_sq(&point, &mut checked, 1.0);
        assert_eq!(raw_value.to_bits(), checked_value.to_bits());
        assert_eq!(raw, checked);
        for (grad, value) in raw.iter().zip(&point) {
            // Doubling is exact, so the gradient is bit for bit `2 x`.
            assert_eq!(grad.to_bits(), (2.0 * value).to_bits());
        }

        let (deep, input) = (model(), vector(WIDTH));
        let (mut raw, mut checked) = (make_zero(&deep), make_zero(&deep));
        let raw_value = raw_deep(&deep, &mut raw, &input, 1.0);
        let checked_value = d_deep(&deep, &mut checked, &input, 1.0);
        assert_eq!(raw_value.to_bits(), checked_value.to_bits());
        for (index, layer) in deep.layers.iter().enumerate() {
            let (raw, checked) = (&raw.layers[index], &checked.layers[index]);
            assert_eq!((&raw.w, &raw.b), (&checked.w, &checked.b));
            let sum: f64 = layer.w.iter().zip(&input).map(|(w, v)| w * v).sum::<f64>() + layer.b[0];
            assert!((raw.b[0] - 2.0 * sum).abs() <= 1e-12 * sum.abs().max(1.0));
            for (grad, value) in raw.w.iter().zip(&input) {
                let exact = 2.0 * sum * value;
                assert!((grad - exact).abs() <= 1e-12 * exact.abs().max(1.0));
            }
        }
    }

    /// The benchmarked derivatives: raw and checked of each case.
    struct Case {
        name: String,
        raw: Box<dyn FnMut()>,
        checked: Box<dyn FnMut()>,
    }

    fn cases() -> Vec<Case> {
        let mut cases = Vec::new();
        for n in [16_usize, 100_000] {
            let x = vector(n);
            let (mut dx_raw, mut dx_checked) = (make_zero(&x), make_zero(&x));
            let x2 = x.clone();
            cases.push(Case {
                name: format!("sum_sq/{n}"),
                raw: Box::new(move || {
                    black_box(raw_sum_sq(black_box(&x), black_box(&mut dx_raw), 1.0));
                }),
                checked: Box::new(move || {
                    black_box(d_sum_sq(black_box(&x2), black_box(&mut dx_checked), 1.0));
                }),
            });
        }
        let (m, m2) = (model(), model());
        let (mut dm_raw, mut dm_checked) = (make_zero(&m), make_zero(&m));
        let (x, x2) = (vector(WIDTH), vector(WIDTH));
        cases.push(Case {
            name: format!("deep/{LAYERS}x{WIDTH}"),
            raw: Box::new(move || {
                black_box(raw_deep(
                    black_box(&m),
                    black_box(&mut dm_raw),
                    black_box(&x),
                    1.0,
                ));
            }),
            checked: Box::new(move || {
                black_box(d_deep(
                    black_box(&m2),
                    black_box(&mut dm_checked),
                    black_box(&x2),
                    1.0,
                ));
            }),
        });
        cases
    }

    /// Alternates raw and checked in `rounds` rounds of about 2 ms each and
    /// returns the median of the per-round ratios checked / raw and the
    /// median raw time per call.
    fn paired(case: &mut Case, rounds: usize) -> (f64, Duration) {
        let start = Instant::now();
        let mut calls = 0_u32;
        while start.elapsed() < Duration::from_millis(2) {
            (case.raw)();
            calls += 1;
        }
        let mut ratios = Vec::with_capacity(rounds);
        let mut raw_times = Vec::with_capacity(rounds);
        for round in 0..rounds {
            // Alternate which goes first, so neither always runs warm.
            let time = |f: &mut Box<dyn FnMut()>| {
                let start = Instant::now();
                for _ in 0..calls {
                    f();
                }
                start.elapsed()
            };
            let (raw, checked) = if round % 2 == 0 {
                let raw = time(&mut case.raw);
                (raw, time(&mut case.checked))
            } else {
                let checked = time(&mut case.checked);
                (time(&mut case.raw), checked)
            };
            ratios.push(checked.as_secs_f64() / raw.as_secs_f64());
            raw_times.push(raw / calls);
        }
        ratios.sort_by(f64::total_cmp);
        raw_times.sort();
        (ratios[rounds / 2], raw_times[rounds / 2])
    }

    /// Calls of each derivative under callgrind.
    const CALLS: usize = 1_000;

    #[inline(never)]
    fn callgrind_raw(case: &mut Case) {
        for _ in 0..CALLS {
            (case.raw)();
        }
    }

    #[inline(never)]
    fn callgrind_checked(case: &mut Case) {
        for _ in 0..CALLS {
            (case.checked)();
        }
    }

    pub fn main() {
        verify();
        if std::env::var_os("ENZYME_OVERHEAD_CALLGRIND").is_some() {
            // One case at a time, chosen by the variable's value (0, 1, 2),
            // so that each wrapper's inclusive count belongs to one case.
            let which: usize = std::env::var("ENZYME_OVERHEAD_CALLGRIND")
                .ok()
                .and_then(|value| value.parse().ok())
                .unwrap_or(0);
            let mut case = cases().swap_remove(which);
            callgrind_raw(&mut case);
            callgrind_checked(&mut case);
            println!(
                "enzyme_overhead: {CALLS} calls of raw and checked {}",
                case.name
            );
            return;
        }
        let mut criterion = Criterion::default().configure_from_args();
        let mut cases = cases();
        {
            let mut group = criterion.benchmark_group("enzyme_overhead");
            for case in &mut cases {
                group.bench_function(BenchmarkId::new("raw", &case.name), |b| {
                    b.iter(&mut case.raw);
                });
                group.bench_function(BenchmarkId::new("checked", &case.name), |b| {
                    b.iter(&mut case.checked);
                });
            }
            group.finish();
        }
        criterion.final_summary();
        // `cargo bench` passes `--bench`; `cargo test --benches` and
        // `--list` measure nothing.
        let args: Vec<String> = std::env::args().collect();
        if !args.iter().any(|arg| arg == "--bench") || args.iter().any(|arg| arg == "--list") {
            return;
        }
        for case in &mut cases {
            let (ratio, raw) = paired(case, 201);
            println!(
                "paired {}: raw {raw:?} per call, checked/raw median ratio {ratio:.4} \
                 ({:+.2} %)",
                case.name,
                (ratio - 1.0) * 100.0
            );
        }
    }
}
