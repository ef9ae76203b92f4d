//! The cost of forward-mode `Dual` arguments passed by value on the Enzyme
//! backend, which hands them to Enzyme behind a pointer (see the module docs
//! of `autodiff-safe-derive/src/autodiff/backend/enzyme.rs`), against std's
//! raw derivative of the same function.
//!
//! - `ellipse`: `area(e: Ellipse)` with `Ellipse { a: f64, b: f64 }`, which
//!   rustc passes as two scalars. Raw `std::autodiff` by value returns the
//!   wrong primal here (`(0.0, tangent)`); the bench also measures raw std on
//!   `&Ellipse`, the correct raw form.
//! - `cuboid`: `volume(c: Cuboid)` with three floats, which rustc passes
//!   indirectly. Raw std by value is right here.
//!
//! Before measuring, the bench asserts every checked derivative's value and
//! tangent, and that raw std agrees wherever it is right.
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly bench --profile enzyme -p autodiff-safe \
//!     --features enzyme --bench dual_by_value
//! ```
//!
//! With `DUAL_CALLGRIND=1` the binary skips criterion and calls each
//! derivative `CALLS` times through a never-inlined wrapper, for instruction
//! counts under `valgrind --tool=callgrind` (see BENCHMARKS.md).
//!
//! Without the `enzyme` feature this bench only says so.
#![cfg_attr(feature = "enzyme", feature(autodiff))]

#[cfg(not(feature = "enzyme"))]
fn main() {
    println!(
        "dual_by_value: this benchmark needs the `enzyme` feature: \
         RUSTFLAGS=-Zautodiff=Enable cargo +nightly bench --profile enzyme \
         -p autodiff-safe --features enzyme --bench dual_by_value"
    );
}

#[cfg(feature = "enzyme")]
fn main() {
    enzyme::main();
}

#[cfg(feature = "enzyme")]
mod enzyme {
    use std::f64::consts::PI;
    use std::hint::black_box;
    use std::time::Duration;

    use autodiff_safe::ShadowCheck;
    use criterion::{BenchmarkId, Criterion};

    /// Two floats: a scalar pair in rustc's calling convention.
    #[derive(ShadowCheck, Clone, Copy, Debug)]
    pub struct Ellipse {
        a: f64,
        b: f64,
    }

    /// Three floats: passed indirectly.
    #[derive(ShadowCheck, Clone, Copy, Debug)]
    pub struct Cuboid {
        x: f64,
        y: f64,
        z: f64,
    }

    #[autodiff_safe::autodiff_forward(d_area, Dual, Dual)]
    fn area(e: Ellipse) -> f64 {
        PI * e.a * e.b
    }

    #[std::autodiff::autodiff_forward(raw_d_area, Dual, Dual)]
    fn area_raw(e: Ellipse) -> f64 {
        PI * e.a * e.b
    }

    #[std::autodiff::autodiff_forward(raw_d_area_ref, Dual, Dual)]
    fn area_ref(e: &Ellipse) -> f64 {
        PI * e.a * e.b
    }

    #[autodiff_safe::autodiff_forward(d_volume, Dual, Dual)]
    fn volume(c: Cuboid) -> f64 {
        c.x * c.y * c.z
    }

    #[std::autodiff::autodiff_forward(raw_d_volume, Dual, Dual)]
    fn volume_raw(c: Cuboid) -> f64 {
        c.x * c.y * c.z
    }

    const E: Ellipse = Ellipse { a: 3.0, b: 1.0 };
    const DE: Ellipse = Ellipse { a: 0.0, b: 1.0 };
    const C: Cuboid = Cuboid {
        x: 2.0,
        y: 3.0,
        z: 4.0,
    };
    const DC: Cuboid = Cuboid {
        x: 1.0,
        y: 0.0,
        z: 0.5,
    };

    /// `e` rebuilt from opaque fields, so that the optimizer knows no value
    /// and the struct reaches the derivative in registers, as a computed
    /// value would. (`black_box(e)` instead makes it a value in memory
    /// written by two 8-byte stores, which the derivative's 16-byte copy
    /// then cannot forward from: a stall of about 15 ns, see BENCHMARKS.md.)
    fn ellipse(e: Ellipse) -> Ellipse {
        Ellipse {
            a: black_box(e.a),
            b: black_box(e.b),
        }
    }

    /// `c` rebuilt from opaque fields, as [`ellipse`].
    fn cuboid(c: Cuboid) -> Cuboid {
        Cuboid {
            x: black_box(c.x),
            y: black_box(c.y),
            z: black_box(c.z),
        }
    }

    /// Asserts the values and tangents, so that the timings compare real work.
    #[allow(
        clippy::float_cmp,
        reason = "these products are exact or rounded identically on purpose"
    )]
    fn verify() {
        let area = PI * 3.0;
        assert_eq!(d_area(E, DE), (area, area));
        assert_eq!(raw_d_area_ref(&E, &DE), (area, area));
        // The known limit: raw std by value loses the primal of a scalar pair.
        assert_ne!(raw_d_area(E, DE), (area, area));
        let (volume, tangent) = (24.0, 3.0 * 4.0 + 0.5 * 2.0 * 3.0);
        assert_eq!(d_volume(C, DC), (volume, tangent));
        assert_eq!(raw_d_volume(C, DC), (volume, tangent));
    }

    /// Calls of each derivative under callgrind.
    const CALLS: usize = 1_000;

    macro_rules! counted {
        ($($name:ident => $call:expr;)*) => {$(
            #[inline(never)]
            fn $name() -> f64 {
                let mut sum = 0.0;
                for _ in 0..CALLS {
                    let (value, tangent) = $call;
                    sum += value + tangent;
                }
                sum
            }
        )*};
    }

    counted! {
        callgrind_area_checked => d_area(ellipse(E), ellipse(DE));
        callgrind_area_raw => raw_d_area(ellipse(E), ellipse(DE));
        callgrind_area_raw_ref => raw_d_area_ref(&ellipse(E), &ellipse(DE));
        callgrind_volume_checked => d_volume(cuboid(C), cuboid(DC));
        callgrind_volume_raw => raw_d_volume(cuboid(C), cuboid(DC));
    }

    pub fn main() {
        verify();
        if std::env::var_os("DUAL_CALLGRIND").is_some() {
            let sum = callgrind_area_checked()
                + callgrind_area_raw()
                + callgrind_area_raw_ref()
                + callgrind_volume_checked()
                + callgrind_volume_raw();
            println!("dual_by_value: {CALLS} calls of each derivative (checksum {sum})");
            return;
        }
        let mut criterion = Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(2))
            .configure_from_args();
        {
            let mut group = criterion.benchmark_group("dual_by_value");
            group.bench_function(BenchmarkId::new("checked", "ellipse"), |b| {
                b.iter(|| d_area(ellipse(E), ellipse(DE)));
            });
            group.bench_function(BenchmarkId::new("raw", "ellipse"), |b| {
                b.iter(|| raw_d_area(ellipse(E), ellipse(DE)));
            });
            group.bench_function(BenchmarkId::new("raw_ref", "ellipse"), |b| {
                b.iter(|| raw_d_area_ref(&ellipse(E), &ellipse(DE)));
            });
            group.bench_function(BenchmarkId::new("checked", "cuboid"), |b| {
                b.iter(|| d_volume(cuboid(C), cuboid(DC)));
            });
            group.bench_function(BenchmarkId::new("raw", "cuboid"), |b| {
                b.iter(|| raw_d_volume(cuboid(C), cuboid(DC)));
            });
            group.finish();
        }
        criterion.final_summary();
    }
}
