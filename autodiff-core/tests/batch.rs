//! Mini-batch gradients: bit-identical results for any number of threads,
//! the documented chunking and reduction tree, analytic values, empty
//! batches, errors and scratch values.
//!
//! The thread-pool tests run on rayon pools of 1, 2 and 4 threads. Without
//! the `rayon` feature the batch runs sequentially inside those pools, and
//! the same assertions hold.
#![allow(
    clippy::float_cmp,
    clippy::cast_precision_loss,
    clippy::ptr_arg,
    clippy::trivially_copy_pass_by_ref,
    reason = "bits are compared on purpose; sample indices are small; `fake` has the closure's signature"
)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use autodiff_core::batch::{Batch, DEFAULT_CHUNK_SIZE};
use autodiff_safe::{ShadowCheck, ShadowError, autodiff_reverse};

/// Runs `f` in a rayon pool of `threads` threads.
fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// A loss of widely spread magnitudes, so that any other order of the
/// additions rounds differently.
fn spread(i: usize) -> f64 {
    let i = i as f64;
    (0.7 * i).sin() * 10_f64.powf((i * 1.3) % 17.0)
}

/// A fake per-sample derivative on a three-leaf model: adds a
/// sample-dependent gradient into `dm` and returns a spread-out loss.
fn fake(m: &Vec<f64>, &s: &usize, dm: &mut Vec<f64>) -> f64 {
    dm[0] += spread(s + 1) * m[0];
    dm[1] += spread(3 * s + 2);
    dm[2] -= spread(7 * s);
    spread(s)
}

fn bits(loss: f64, grad: &[f64]) -> Vec<u64> {
    std::iter::once(loss)
        .chain(grad.iter().copied())
        .map(f64::to_bits)
        .collect()
}

/// The documented reduction computed independently: chunk results by
/// sample order, then levels of neighbour pairs from the left, a leftover
/// last element carried up unchanged.
fn manual_tree(samples: &[usize], chunk: usize, mean: bool) -> (f64, Vec<f64>) {
    let model = vec![1.5, 0.0, 0.0];
    let mut level: Vec<(f64, Vec<f64>)> = samples
        .chunks(chunk)
        .map(|c| {
            let mut grad = vec![0.0; 3];
            let mut loss = 0.0;
            for s in c {
                loss += fake(&model, s, &mut grad);
            }
            (loss, grad)
        })
        .collect();
    if level.is_empty() {
        return (0.0, vec![0.0; 3]);
    }
    while level.len() > 1 {
        let mut next = Vec::new();
        let mut pairs = level.chunks_exact(2);
        for pair in &mut pairs {
            let (l, mut g) = pair[0].clone();
            for (a, b) in g.iter_mut().zip(&pair[1].1) {
                *a += b;
            }
            next.push((l + pair[1].0, g));
        }
        next.extend(pairs.remainder().iter().cloned());
        level = next;
    }
    let (mut loss, mut grad) = level.pop().expect("one result");
    if mean {
        let n = samples.len() as f64;
        loss /= n;
        for g in &mut grad {
            *g /= n;
        }
    }
    (loss, grad)
}

#[test]
fn bit_identical_for_1_2_4_threads_and_sequential() {
    let model = vec![1.5, 0.0, 0.0];
    let samples: Vec<usize> = (0..1000).collect();
    for chunk in [1, 7, 32, 100, 999, 1000, 4096] {
        for mean in [false, true] {
            let mut batch = Batch::new(&model, &samples).chunk_size(chunk);
            if mean {
                batch = batch.mean();
            }
            let (loss, grad) = batch.sequential().gradient(fake);
            let expected = bits(loss, &grad);
            for threads in [1, 2, 4] {
                let (loss, grad) = in_pool(threads, || batch.gradient(fake));
                assert_eq!(
                    bits(loss, &grad),
                    expected,
                    "chunk {chunk}, mean {mean}, {threads} threads"
                );
            }
            let (loss, grad) = batch.gradient(fake); // the global pool
            assert_eq!(bits(loss, &grad), expected);
        }
    }
}

#[test]
fn chunking_and_tree_are_the_documented_ones_whatever_the_thread_count() {
    let model = vec![1.5, 0.0, 0.0];
    let samples: Vec<usize> = (0..1000).collect();
    // Batches that fill their chunks, and batches that leave a short last
    // chunk (1000 = 142 * 7 + 6, 7 chunks of 150, ...).
    for (n, chunk) in [
        (1000, 7),
        (1000, 150),
        (1000, 8),
        (37, 5),
        (33, 32),
        (5, 1),
        (1, 32),
    ] {
        let samples = &samples[..n];
        for mean in [false, true] {
            let (loss, grad) = manual_tree(samples, chunk, mean);
            let expected = bits(loss, &grad);
            for threads in [1, 2, 4] {
                let mut batch = Batch::new(&model, samples).chunk_size(chunk);
                if mean {
                    batch = batch.mean();
                }
                let (loss, grad) = in_pool(threads, || batch.gradient(fake));
                assert_eq!(
                    bits(loss, &grad),
                    expected,
                    "{n} samples, chunk {chunk}, mean {mean}, {threads} threads"
                );
            }
        }
    }
}

#[test]
fn the_order_of_the_additions_shows_in_the_bits() {
    // The test above would catch another order: a plain left fold over the
    // samples, or chunks made per thread, round differently here.
    let model = vec![1.5, 0.0, 0.0];
    let samples: Vec<usize> = (0..1000).collect();
    let (loss, grad) = manual_tree(&samples, 7, false);
    let mut fold_grad = vec![0.0; 3];
    let mut fold_loss = 0.0;
    for s in &samples {
        fold_loss += fake(&model, s, &mut fold_grad);
    }
    assert_ne!(bits(loss, &grad), bits(fold_loss, &fold_grad));
    // Two chunks per thread of two threads (500 samples each) against
    // chunks of 7.
    let (halves_loss, halves_grad) = manual_tree(&samples, 500, false);
    assert_ne!(bits(loss, &grad), bits(halves_loss, &halves_grad));
}

#[test]
fn default_chunk_size_is_32() {
    let model = vec![1.5, 0.0, 0.0];
    let samples: Vec<usize> = (0..200).collect();
    assert_eq!(DEFAULT_CHUNK_SIZE, 32);
    assert_eq!(Batch::new(&model, &samples).chunks(), 7);
    let (loss, grad) = Batch::new(&model, &samples).gradient(fake);
    let (expected_loss, expected_grad) = manual_tree(&samples, 32, false);
    assert_eq!(bits(loss, &grad), bits(expected_loss, &expected_grad));
}

#[derive(ShadowCheck, Debug, PartialEq)]
struct Linear {
    w: Vec<f64>,
    b: f64,
}

/// Squared error of a linear model on one sample.
#[autodiff_reverse(d_squared_error, Duplicated, Const, Const, Active)]
fn squared_error(m: &Linear, x: &[f64], y: f64) -> f64 {
    let mut p = m.b;
    for (w, x) in m.w.iter().zip(x) {
        p += w * x;
    }
    (p - y) * (p - y)
}

struct Sample {
    x: [f64; 2],
    y: f64,
}

fn samples(n: usize) -> Vec<Sample> {
    (0..n)
        .map(|i| {
            let t = i as f64 / n as f64;
            Sample {
                x: [t, (3.0 * t).cos()],
                y: 2.0 * t - 1.0,
            }
        })
        .collect()
}

#[test]
fn analytic_gradient_of_a_linear_model() {
    let model = Linear {
        w: vec![0.5, -0.25],
        b: 0.125,
    };
    let samples = samples(103);
    // Mean squared error and its gradient, by hand.
    let (mut loss, mut dw, mut db) = (0.0, [0.0; 2], 0.0);
    for s in &samples {
        let e = model.w[0] * s.x[0] + model.w[1] * s.x[1] + model.b - s.y;
        loss += e * e;
        dw[0] += 2.0 * e * s.x[0];
        dw[1] += 2.0 * e * s.x[1];
        db += 2.0 * e;
    }
    let n = samples.len() as f64;
    for chunk in [1, 10, 32, 103, 500] {
        for threads in [1, 2, 4] {
            let (mean_loss, grad) = in_pool(threads, || {
                Batch::new(&model, &samples)
                    .chunk_size(chunk)
                    .mean()
                    .gradient(|m, s, dm| d_squared_error(m, dm, &s.x, s.y, 1.0))
            });
            assert!((mean_loss - loss / n).abs() < 1e-12);
            assert!((grad.w[0] - dw[0] / n).abs() < 1e-6, "{grad:?}");
            assert!((grad.w[1] - dw[1] / n).abs() < 1e-6, "{grad:?}");
            assert!((grad.b - db / n).abs() < 1e-6, "{grad:?}");
        }
    }
    // The sum is the mean times n (up to rounding).
    let (sum_loss, sum_grad) =
        Batch::new(&model, &samples).gradient(|m, s, dm| d_squared_error(m, dm, &s.x, s.y, 1.0));
    assert!((sum_loss - loss).abs() < 1e-10);
    assert!((sum_grad.b - db).abs() < 1e-5);
}

#[test]
fn empty_batch_is_zero_loss_and_zero_gradient_without_calls() {
    let model = Linear {
        w: vec![0.5, -0.25],
        b: 0.125,
    };
    let calls = AtomicUsize::new(0);
    let f = |m: &Linear, s: &Sample, dm: &mut Linear| {
        calls.fetch_add(1, Ordering::Relaxed);
        d_squared_error(m, dm, &s.x, s.y, 1.0)
    };
    let none: [Sample; 0] = [];
    assert_eq!(Batch::new(&model, &none).chunks(), 0);
    for threads in [1, 2] {
        let (loss, grad) = in_pool(threads, || Batch::new(&model, &none).gradient(f));
        assert_eq!(loss.to_bits(), 0.0_f64.to_bits());
        assert_eq!(
            grad,
            Linear {
                w: vec![0.0, 0.0],
                b: 0.0
            }
        );
        let (loss, grad) = in_pool(threads, || Batch::new(&model, &none).mean().gradient(f));
        assert_eq!(loss.to_bits(), 0.0_f64.to_bits());
        assert_eq!(
            grad,
            Linear {
                w: vec![0.0, 0.0],
                b: 0.0
            }
        );
    }
    assert_eq!(calls.load(Ordering::Relaxed), 0);
}

#[test]
fn one_scratch_per_chunk_reused_across_its_samples() {
    let model = vec![1.5, 0.0, 0.0];
    let samples: Vec<usize> = (0..100).collect();
    let made = AtomicUsize::new(0);
    let seen = Mutex::new(Vec::new());
    let (loss, grad) = in_pool(2, || {
        Batch::new(&model, &samples)
            .chunk_size(30)
            .gradient_with_scratch(
                || {
                    made.fetch_add(1, Ordering::Relaxed);
                    Vec::<usize>::new()
                },
                |m, s, dm, visited| {
                    visited.push(*s);
                    if visited.len() == 30 || *s == 99 {
                        seen.lock().expect("no poisoning").push(visited.clone());
                    }
                    fake(m, s, dm)
                },
            )
    });
    assert_eq!(made.load(Ordering::Relaxed), 4);
    let mut seen = seen.into_inner().expect("no poisoning");
    seen.sort();
    let expected: Vec<Vec<usize>> = samples.chunks(30).map(<[usize]>::to_vec).collect();
    assert_eq!(seen, expected);
    let (expected_loss, expected_grad) = manual_tree(&samples, 30, false);
    assert_eq!(bits(loss, &grad), bits(expected_loss, &expected_grad));
}

#[test]
fn the_first_error_in_sample_order_is_returned() {
    let model = Linear {
        w: vec![0.5, -0.25],
        b: 0.125,
    };
    let samples = samples(100);
    let index = |s: &Sample| {
        samples
            .iter()
            .position(|t| std::ptr::eq(t, s))
            .expect("one of the samples")
    };
    let mut short = Linear {
        w: vec![0.0],
        b: 0.0,
    };
    let expected = try_d_squared_error(&model, &mut short, &[0.0; 2], 0.0, 1.0).unwrap_err();
    for threads in [1, 2, 4] {
        let result = in_pool(threads, || {
            Batch::new(&model, &samples)
                .chunk_size(8)
                .try_gradient(|m, s, dm| {
                    // Samples 37 and 81 (chunks 4 and 10) pass a short shadow.
                    let i = index(s);
                    if i == 37 || i == 81 {
                        let mut short = Linear {
                            w: vec![0.0],
                            b: 0.0,
                        };
                        return try_d_squared_error(m, &mut short, &s.x, s.y, 1.0)
                            .map_err(|e| (i, e));
                    }
                    try_d_squared_error(m, dm, &s.x, s.y, 1.0).map_err(|e| (i, e))
                })
        });
        let (i, err): (usize, ShadowError) = result.map(|_| ()).unwrap_err();
        assert_eq!(i, 37, "{threads} threads");
        assert_eq!(err.to_string(), expected.to_string());
        assert_eq!(err.path(), "m.w");
    }
}

#[test]
#[should_panic(expected = "chunks need at least one sample")]
fn chunk_size_zero_panics() {
    let model = vec![0.0];
    let samples = [0_usize; 3];
    let _ = Batch::new(&model, &samples).chunk_size(0);
}

#[test]
#[should_panic(expected = "changed the structure of the gradient shadow of chunk 1")]
fn a_closure_that_grows_its_shadow_is_caught() {
    let model = vec![0.0];
    let samples = [0_usize, 1, 2];
    let _ = Batch::new(&model, &samples)
        .chunk_size(1)
        .sequential()
        .gradient(|_, &s, dm| {
            if s == 1 {
                dm.push(1.0);
            }
            0.0
        });
}

/// With one chunk there is no reduction to catch it: the chunk's own check
/// must (8 samples fit in one default chunk of 32).
#[test]
#[should_panic(
    expected = "changed the structure of the gradient shadow of chunk 0: shadow does not match its primal: primal has length 8, shadow has length 9"
)]
fn a_single_chunk_that_grows_its_shadow_is_caught() {
    let model = vec![0.0; 8];
    let samples = [0_usize; 8];
    let _ = Batch::new(&model, &samples).gradient(|_, &s, dm| {
        if s == 0 && dm.len() == 8 {
            dm.push(1.0);
        }
        0.0
    });
}

#[test]
fn f32_leaves_are_summed_and_averaged_in_their_precision() {
    let model = (vec![0.0_f32; 2], 0.0_f64);
    let samples: Vec<f32> = (1..=10).map(|i| 1.0 / i as f32).collect();
    let (loss, grad) = in_pool(2, || {
        Batch::new(&model, &samples)
            .chunk_size(3)
            .mean()
            .gradient(|_, &s, dm| {
                dm.0[0] += s;
                dm.0[1] += 2.0 * s;
                dm.1 += f64::from(s);
                f64::from(s)
            })
    });
    // Chunks [1, 1/2, 1/3], [1/4, 1/5, 1/6], [1/7, 1/8, 1/9], [1/10]:
    // ((c0 + c1) + (c2 + c3)), then divided by 10, all in f32.
    let c: Vec<f32> = samples
        .chunks(3)
        .map(|c| c.iter().fold(0.0, |a, b| a + b))
        .collect();
    let expected = ((c[0] + c[1]) + (c[2] + c[3])) / 10.0;
    assert_eq!(grad.0[0].to_bits(), expected.to_bits());
    assert!((loss - f64::from(expected)).abs() < 1e-6);
}

/// With the `rayon` feature the chunks really spread over the pool, and
/// `sequential()` keeps them on the calling thread.
#[cfg(feature = "rayon")]
#[test]
fn chunks_run_on_several_threads_unless_sequential() {
    use std::collections::BTreeSet;
    use std::time::Duration;

    let model = vec![1.5, 0.0, 0.0];
    let samples: Vec<usize> = (0..16).collect();
    let threads = Mutex::new(BTreeSet::new());
    let f = |m: &Vec<f64>, s: &usize, dm: &mut Vec<f64>| {
        threads
            .lock()
            .expect("no poisoning")
            .insert(rayon::current_thread_index());
        std::thread::sleep(Duration::from_millis(5));
        fake(m, s, dm)
    };
    let batch = Batch::new(&model, &samples).chunk_size(1);
    let (loss, grad) = in_pool(2, || batch.gradient(f));
    assert_eq!(threads.lock().expect("no poisoning").len(), 2);
    threads.lock().expect("no poisoning").clear();
    let (seq_loss, seq_grad) = in_pool(2, || batch.sequential().gradient(f));
    assert_eq!(threads.lock().expect("no poisoning").len(), 1);
    assert_eq!(bits(loss, &grad), bits(seq_loss, &seq_grad));
}

#[test]
fn debug_shows_the_chunking() {
    let model = vec![0.0];
    let samples = [0_usize; 3];
    let text = format!("{:?}", Batch::new(&model, &samples).chunk_size(2));
    assert!(text.contains("chunk_size: 2"), "{text}");
}
