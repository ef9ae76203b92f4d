//! `batch::mpi` costs, under `mpirun -np N` (see BENCHMARKS.md):
//!
//! - gradient time per step, split into compute and communication;
//! - bytes sent and received per rank per step, against the cost model of
//!   `batch::mpi`, and the model's prediction for 64 ranks;
//! - with one rank, the overhead against the plain `Batch` (same process,
//!   runs interleaved, medians).
//!
//! ```text
//! cargo bench -p autodiff-safe --features mpi,rayon --bench mpi_batch --no-run
//! mpirun -np 1 target/release/deps/mpi_batch-<hash>
//! ```

use std::time::Instant;

use autodiff_safe::batch::Batch;
use autodiff_safe::batch::mpi::rsmpi::traits::{Communicator, CommunicatorCollectives};
use autodiff_safe::batch::mpi::{
    MpiBatch as _, chunk_range, frontier, reset_traffic, rsmpi, traffic,
};

const PARAMETERS: usize = 100_000;
const SAMPLES: usize = 256;
const CHUNK: usize = 16;
const STEPS: usize = 40;

/// Per-rank bytes `(sent, received)` of one step by the cost model, for `p`
/// `f64` leaves, `chunks` chunks and `ranks` ranks (payload only).
fn cost_model(p: usize, chunks: usize, ranks: usize, rank: usize) -> (f64, f64) {
    let nodes: Vec<usize> = (0..ranks)
        .map(|r| frontier(chunks, chunk_range(chunks, ranks, r)).len())
        .collect();
    let total: usize = nodes.iter().sum();
    #[allow(clippy::cast_precision_loss, reason = "byte counts as f64")]
    let (p, r, f_r, f) = (p as f64, ranks as f64, nodes[rank] as f64, total as f64);
    let gather = 8.0 * p * (r - 1.0) / r;
    (
        8.0 * p * f_r * (r - 1.0) / r + gather,
        8.0 * (p / r) * (f - f_r) + gather,
    )
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[allow(clippy::cast_precision_loss, reason = "times and sizes as f64")]
fn main() {
    let Some(universe) = rsmpi::initialize() else {
        return;
    };
    let world = universe.world();
    let size = usize::try_from(world.size()).unwrap_or(1);
    let rank = usize::try_from(world.rank()).unwrap_or(0);
    let model: Vec<f64> = (0..PARAMETERS).map(|i| (i as f64 * 1e-3).sin()).collect();
    let samples: Vec<f64> = (0..SAMPLES).map(|i| (i as f64 * 0.1).cos()).collect();
    // O(P) work per sample: a linear model's squared error.
    let f = |m: &Vec<f64>, &s: &f64, dm: &mut Vec<f64>| {
        let mut p = 0.0;
        for (k, w) in m.iter().enumerate() {
            p += w * (s + k as f64 * 1e-6);
        }
        let e = p - s;
        for (k, d) in dm.iter_mut().enumerate() {
            *d += 2.0 * e * (s + k as f64 * 1e-6);
        }
        e * e
    };
    let batch = Batch::new(&model, &samples).chunk_size(CHUNK).mean();
    // Warm up.
    let _ = batch.over(&world).gradient(f);
    let _ = batch.gradient(f);

    let mut plain = Vec::new();
    let mut over = Vec::new();
    reset_traffic();
    for _ in 0..STEPS {
        if size == 1 {
            let t = Instant::now();
            let _ = std::hint::black_box(batch.gradient(f));
            plain.push(t.elapsed().as_secs_f64());
        }
        world.barrier();
        let t = Instant::now();
        let _ = std::hint::black_box(batch.over(&world).gradient(f));
        over.push(t.elapsed().as_secs_f64());
    }
    let t = traffic();
    let steps = t.calls as f64;
    let compute = t.compute_nanos as f64 / steps / 1e6;
    let communicate = t.communicate_nanos as f64 / steps / 1e6;
    let (sent, received) = (t.sent_bytes as f64 / steps, t.received_bytes as f64 / steps);
    let (model_sent, model_received) = cost_model(PARAMETERS, SAMPLES.div_ceil(CHUNK), size, rank);
    let line = format!(
        "rank {rank}/{size}: step {:.2} ms (compute {compute:.2} ms, communication {communicate:.2} ms); \
         bytes/step sent {sent:.0} received {received:.0}; cost model (payload) {model_sent:.0} {model_received:.0}",
        median(over.clone()) * 1e3
    );
    // Print rank by rank.
    for r in 0..size {
        world.barrier();
        if r == rank {
            println!("{line}");
        }
    }
    world.barrier();
    if rank == 0 {
        println!(
            "P = {PARAMETERS} f64 leaves, {SAMPLES} samples, chunks of {CHUNK} ({} chunks), {STEPS} steps, {} threads per rank",
            SAMPLES.div_ceil(CHUNK),
            rayon::current_num_threads()
        );
        if size == 1 {
            // Each step ran both, back to back: the median of the paired
            // ratios is less sensitive to the machine's load than the
            // ratio of medians.
            let ratios: Vec<f64> = over.iter().zip(&plain).map(|(o, p)| o / p).collect();
            let (p, o) = (median(plain), median(over));
            println!(
                "one rank: plain Batch {:.2} ms, over(world) {:.2} ms (medians); median paired ratio over/plain {:.4} ({:+.2} %)",
                p * 1e3,
                o * 1e3,
                median(ratios.clone()),
                (median(ratios) - 1.0) * 100.0
            );
        }
        for p in [1e6, 1e8] {
            for chunks in [1000, 4095] {
                let worst = (0..64)
                    .map(|r| {
                        #[allow(
                            clippy::cast_possible_truncation,
                            clippy::cast_sign_loss,
                            reason = "1e6 and 1e8"
                        )]
                        let (s, rec) = cost_model(p as usize, chunks, 64, r);
                        s.max(rec)
                    })
                    .fold(0.0, f64::max);
                println!(
                    "cost model, 64 ranks, P = {p:.0e} f64, {chunks} chunks: at most {:.1} MB per rank per step ({:.1} x P x 8 B)",
                    worst / 1e6,
                    worst / (8.0 * p)
                );
            }
        }
    }
}
