#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! Fitting a cubic Bézier curve to a noisy freehand stroke, and drawing the
//! result as an SVG.
//!
//! The curve is a struct of four control points with
//! `#[derive(ShadowCheck)]`. The loss is the mean squared distance from each
//! sampled point `q_i` to the curve at its parameter `t_i`; `d_loss` gives
//! its gradient with respect to the control points *and* to every `t_i`, two
//! shadows checked against their primals before each pass. The `t_i` start
//! from the chord-length parametrisation and slide along the curve as it is
//! fitted.
//!
//! The picture (`bezier_fit.svg`, or the path given as the first argument)
//! shows the points, the initial curve (a straight line from the first point
//! to the last) and the fitted curve with its control polygon.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release --example bezier_fit [OUTPUT.svg]
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme --example bezier_fit
//! ```
//!
//! With `--features gradcheck` (`-p autodiff-safe-examples`), it first
//! gradchecks `d_loss` at the initial curve and parameters: in the Enzyme
//! tier, both shadows against finite differences.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use autodiff_safe::{ShadowCheck, autodiff_reverse, make_zero, set_zero};
use autodiff_safe_examples::{Momentum, Progress, Rng};
use plotters::prelude::*;

/// A point of the plane.
#[derive(ShadowCheck, Debug, Clone, Copy, PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

/// A cubic Bézier curve: it starts at `p[0]`, ends at `p[3]`, and is pulled
/// towards `p[1]` and `p[2]`.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Bezier {
    p: [Point; 4],
}

impl Bezier {
    /// The point at parameter `t` in `[0, 1]`, from the Bernstein form
    /// `(1-t)^3 p0 + 3(1-t)^2 t p1 + 3(1-t) t^2 p2 + t^3 p3`.
    fn at(&self, t: f64) -> Point {
        let s = 1.0 - t;
        let weights = [s * s * s, 3.0 * s * s * t, 3.0 * s * t * t, t * t * t];
        let mut point = Point { x: 0.0, y: 0.0 };
        for (weight, control) in weights.iter().zip(&self.p) {
            point.x += weight * control.x;
            point.y += weight * control.y;
        }
        point
    }

    /// `count` points evenly spaced in `t`, for drawing.
    #[allow(
        clippy::cast_precision_loss,
        reason = "count is a small number of samples"
    )]
    fn polyline(&self, count: usize) -> Vec<(f64, f64)> {
        (0..count)
            .map(|i| {
                let point = self.at(i as f64 / (count - 1) as f64);
                (point.x, point.y)
            })
            .collect()
    }
}

/// The mean squared distance from each `points[i]` to `curve.at(ts[i])`.
///
/// `d_loss(curve, dcurve_0, ts, dts_0, points, dret)` returns it and adds its
/// gradient with respect to the control points into `dcurve_0` and with
/// respect to the parameters into `dts_0`.
#[autodiff_reverse(d_loss, Duplicated, Duplicated, Const, Active)]
fn loss(curve: &Bezier, ts: &[f64], points: &[Point]) -> f64 {
    let mut total = 0.0;
    for (t, q) in ts.iter().zip(points) {
        let on_curve = curve.at(*t);
        let (dx, dy) = (on_curve.x - q.x, on_curve.y - q.y);
        total += dx * dx + dy * dy;
    }
    #[allow(clippy::cast_precision_loss, reason = "point counts are small")]
    let count = points.len() as f64;
    total / count
}

/// A stroke as a hand might draw it: an S-shaped swoosh, sampled at uneven
/// speed, with a slight tremor and some noise.
#[allow(
    clippy::cast_precision_loss,
    reason = "count is a small number of samples"
)]
fn freehand_stroke(count: usize, rng: &mut Rng) -> Vec<Point> {
    use std::f64::consts::PI;
    (0..count)
        .map(|i| {
            // The pen speeds up, then slows down at the end.
            let u = i as f64 / (count - 1) as f64;
            let s = u * u * (3.0 - 2.0 * u) * 0.6 + u * 0.4;
            let tremor = 0.06 * (23.0 * s).sin();
            Point {
                x: 8.0 * s + 0.5 * (PI * s).sin() + 0.05 * rng.normal(),
                y: 1.6 * (2.0 * PI * s - 0.4).sin() * (1.0 - 0.3 * s)
                    + 0.9 * s
                    + tremor
                    + 0.05 * rng.normal(),
            }
        })
        .collect()
}

/// The chord-length parameters: `t_i` is the length of the polyline up to
/// `points[i]` over its total length.
fn chord_lengths(points: &[Point]) -> Vec<f64> {
    let mut ts = vec![0.0];
    let mut length = 0.0;
    for pair in points.windows(2) {
        length += (pair[1].x - pair[0].x).hypot(pair[1].y - pair[0].y);
        ts.push(length);
    }
    for t in &mut ts {
        *t /= length;
    }
    ts
}

/// Draws the points, the initial curve and the fitted curve into an SVG.
fn draw(
    path: &Path,
    points: &[Point],
    initial: &Bezier,
    fitted: &Bezier,
) -> Result<(), Box<dyn Error>> {
    let xs = points
        .iter()
        .map(|p| p.x)
        .chain(fitted.p.iter().map(|p| p.x));
    let ys = points
        .iter()
        .map(|p| p.y)
        .chain(fitted.p.iter().map(|p| p.y));
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let (y_min, y_max) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    let (x_range, y_range) = (x_min - 0.5..x_max + 0.5, y_min - 0.5..y_max + 0.5);

    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Cubic Bézier fitted to a freehand stroke",
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(x_range, y_range)?;
    chart.configure_mesh().light_line_style(WHITE).draw()?;

    let grey = RGBColor(120, 120, 120);
    let red = RGBColor(214, 39, 40);
    let blue = RGBColor(31, 119, 180);
    chart
        .draw_series(LineSeries::new(initial.polyline(100), red.stroke_width(2)))?
        .label("initial curve")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], red.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            fitted.p.iter().map(|p| (p.x, p.y)),
            grey.stroke_width(1),
        ))?
        .label("fitted control polygon")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey.stroke_width(1)));
    // Squares of a fixed size in pixels, whatever the axes' scales.
    chart.draw_series(fitted.p.iter().map(|p| {
        EmptyElement::at((p.x, p.y)) + Rectangle::new([(-4, -4), (4, 4)], grey.filled())
    }))?;
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new((p.x, p.y), 3, BLACK.filled())),
        )?
        .label("stroke samples")
        .legend(|(x, y)| Circle::new((x + 10, y), 3, BLACK.filled()));
    chart
        .draw_series(LineSeries::new(fitted.polyline(200), blue.stroke_width(3)))?
        .label("fitted curve")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], blue.stroke_width(3)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn main() -> ExitCode {
    const POINTS: usize = 40;
    const STEPS: usize = 2000;

    let output = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("bezier_fit.svg"), PathBuf::from);
    let mut rng = Rng::new(7);
    let points = freehand_stroke(POINTS, &mut rng);

    // Start from the straight line between the stroke's ends.
    let (first, last) = (points[0], points[POINTS - 1]);
    let along = |f: f64| Point {
        x: first.x + f * (last.x - first.x),
        y: first.y + f * (last.y - first.y),
    };
    let initial = Bezier {
        p: [first, along(1.0 / 3.0), along(2.0 / 3.0), last],
    };
    let mut curve = initial.clone();
    let mut ts = chord_lengths(&points);

    #[cfg(feature = "gradcheck")]
    autodiff_safe_examples::gradchecked(gradcheck_d_loss(
        &curve,
        &mut make_zero(&curve),
        &ts,
        &mut make_zero(&ts),
        &points,
        1.0,
    ));

    // Gradients of the same shapes as the curve and the parameters.
    let mut dcurve = make_zero(&curve);
    let mut dts = make_zero(&ts);
    let mut curve_descent = Momentum::new(&curve, 0.2, 0.9);
    let mut ts_descent = Momentum::new(&ts, 0.05, 0.9);
    let initial_loss = loss(&curve, &ts, &points);
    let mut progress = Progress::new("fitting", STEPS);
    for step in 1..=STEPS {
        set_zero(&mut dcurve);
        set_zero(&mut dts);
        let value = d_loss(&curve, &mut dcurve, &ts, &mut dts, &points, 1.0);
        curve_descent.step(&mut curve, &dcurve);
        ts_descent.step(&mut ts, &dts);
        for t in &mut ts {
            *t = t.clamp(0.0, 1.0);
        }
        progress.update(step, value);
    }
    progress.finish();
    let final_loss = loss(&curve, &ts, &points);
    println!("mean squared distance: initial {initial_loss:.4e}, final {final_loss:.4e}");
    for (i, p) in curve.p.iter().enumerate() {
        println!("control point {i}: ({:7.3}, {:7.3})", p.x, p.y);
    }

    if let Err(error) = draw(&output, &points, &initial, &curve) {
        eprintln!("error: could not write {}: {error}", output.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {}", output.display());

    if final_loss > 0.02 * initial_loss {
        eprintln!("error: the fit did not converge");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
