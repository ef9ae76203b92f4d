//! `batch::mpi` under `mpirun -np N` (N = 1..4): bit identity with the
//! single-process `Batch`, errors on every rank, bytes against the cost
//! model. MPI initialises once per process, so this is its own binary
//! (`harness = false`); rank 0 prints one line per test and a closing
//! `N passed, N failed`.

use std::fmt::Write as _;

use autodiff_safe::ShadowError;
use autodiff_safe::batch::Batch;
use autodiff_safe::batch::mpi::rsmpi::topology::SimpleCommunicator;
use autodiff_safe::batch::mpi::rsmpi::traits::{Communicator, CommunicatorCollectives};
use autodiff_safe::batch::mpi::{
    MpiBatch as _, MpiBatchError, chunk_range, frontier, reset_traffic, rsmpi, sample_range,
    traffic,
};

/// `f64` and `f32` leaves, in several lanes.
type Model = (Vec<f64>, Vec<f32>, f64);

fn model() -> Model {
    (vec![0.5, -1.25, 2.0, 0.125], vec![1.5, -0.75], 0.3)
}

fn samples(n: usize) -> Vec<[f64; 2]> {
    (0..n)
        .map(|i| {
            #[allow(clippy::cast_precision_loss, reason = "small test indices")]
            let x = i as f64;
            [(x * 0.37).sin(), (x * 1.3).cos() + 0.1]
        })
        .collect()
}

/// A hand-written gradient whose sums round differently in every order.
fn loss(m: &Model, s: &[f64; 2], dm: &mut Model) -> f64 {
    let prediction = m.0.iter().enumerate().fold(m.2, |acc, (i, w)| {
        #[allow(clippy::cast_precision_loss, reason = "small test indices")]
        let k = i as f64 + 1.0;
        acc + w * (s[0] * k).sin()
    }) + f64::from(m.1[0]) * s[1];
    let e = prediction - s[1] / 3.0;
    for (i, d) in dm.0.iter_mut().enumerate() {
        #[allow(clippy::cast_precision_loss, reason = "small test indices")]
        let k = i as f64 + 1.0;
        *d += 2.0 * e * (s[0] * k).sin();
    }
    #[allow(clippy::cast_possible_truncation, reason = "f32 leaves")]
    {
        dm.1[0] += (2.0 * e * s[1]) as f32;
        dm.1[1] += (e * 0.1) as f32;
    }
    dm.2 += 2.0 * e;
    e * e
}

fn bits(loss: f64, g: &Model) -> Vec<u64> {
    let mut out = vec![loss.to_bits(), g.2.to_bits()];
    out.extend(g.0.iter().map(|x| x.to_bits()));
    out.extend(g.1.iter().map(|x| u64::from(x.to_bits())));
    out
}

type Outcome = Result<(), String>;

/// A test: run on every rank with the world communicator.
type Test = fn(&SimpleCommunicator) -> Outcome;

fn size_rank(world: &SimpleCommunicator) -> (usize, usize) {
    (
        usize::try_from(world.size()).unwrap_or(1),
        usize::try_from(world.rank()).unwrap_or(0),
    )
}

/// Bit identity with the single-process sequential `Batch`, every rank, for
/// several batch sizes, chunk sizes, sum and mean, all samples loaded or only
/// the rank's slice. Threads per rank: rayon's global pool, which `.ci/mpi`
/// sizes with `RAYON_NUM_THREADS=1` and `2`.
fn bit_identity(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let m = model();
    let threads = rayon::current_num_threads();
    {
        for n in [0, 1, 5, 37, 100, 333] {
            for chunk in [1, 3, 16] {
                for mean in [false, true] {
                    let all = samples(n);
                    let batch = Batch::new(&m, &all).chunk_size(chunk);
                    let batch = if mean { batch.mean() } else { batch };
                    let (l, g) = batch.sequential().gradient(loss);
                    let want = bits(l, &g);
                    let (l, g) = batch.over(world).gradient(loss);
                    if bits(l, &g) != want {
                        return Err(format!(
                            "over: n {n} chunk {chunk} mean {mean} threads {threads}: bits differ"
                        ));
                    }
                    let mine = &all[sample_range(n, chunk, size, rank)];
                    let local = Batch::new(&m, mine).chunk_size(chunk);
                    let local = if mean { local.mean() } else { local };
                    let (l, g) = local.over_local(world, n).gradient(loss);
                    if bits(l, &g) != want {
                        return Err(format!(
                            "over_local: n {n} chunk {chunk} mean {mean} threads {threads}: bits differ"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The same bits on every rank (gathered), not only equal to a local
/// reference.
fn same_on_every_rank(world: &SimpleCommunicator) -> Outcome {
    let (size, _) = size_rank(world);
    let m = model();
    let all = samples(250);
    let (l, g) = Batch::new(&m, &all)
        .chunk_size(7)
        .mean()
        .over(world)
        .gradient(loss);
    let mine = bits(l, &g);
    let mut every = vec![0_u64; mine.len() * size];
    world.all_gather_into(&mine[..], &mut every[..]);
    if every.chunks_exact(mine.len()).all(|c| c == mine) {
        Ok(())
    } else {
        Err("ranks hold different bits".into())
    }
}

/// Failures on two ranks: the first in global sample order wins
/// everywhere; a `ShadowError` crosses whole.
fn first_failure_everywhere(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let m = model();
    let all = samples(100);
    let chunk = 8;
    // Fail on the last-but-one rank (sample 3 of its range), and later on
    // the last rank (sample 97): the earlier one must win on every rank.
    let owner = size.saturating_sub(2);
    let first = sample_range(100, chunk, size, owner).start + 3;
    let failing = [first, 97];
    let base = all.as_ptr().addr();
    let result = Batch::new(&m, &all)
        .chunk_size(chunk)
        .over(world)
        .try_gradient(|m, s, dm| {
            let index = (std::ptr::from_ref(s).addr() - base) / size_of::<[f64; 2]>();
            if failing.contains(&index) {
                Err(ShadowError::length(4, index)
                    .in_field("w")
                    .for_argument("m"))
            } else {
                Ok(loss(m, s, dm))
            }
        });
    let expected = ShadowError::length(4, first)
        .in_field("w")
        .for_argument("m");
    match result {
        Err(MpiBatchError::Sample { sample, error }) if rank == owner => {
            if sample == first && error == expected {
                Ok(())
            } else {
                Err(format!("owner: sample {sample}, {error}"))
            }
        }
        Err(MpiBatchError::Remote {
            rank: from,
            sample,
            message,
            error,
        }) if rank != owner => {
            if from == owner
                && sample == first
                && message == expected.to_string()
                && error.as_ref() == Some(&expected)
            {
                Ok(())
            } else {
                Err(format!(
                    "remote: rank {owner} sample {sample} {message} {error:?}"
                ))
            }
        }
        Err(other) => Err(format!("wrong error on rank {rank}: {other}")),
        Ok(_) => Err(format!("no error on rank {rank}")),
    }
}

/// A model whose bits differ on one rank: every rank refuses, naming the
/// rank and the path.
fn model_value_differs(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let mut m = model();
    if size > 1 && rank == size - 1 {
        m.0[2] = f64::from_bits(m.0[2].to_bits() + 1);
    }
    let all = samples(40);
    let result = Batch::new(&m, &all)
        .over(world)
        .try_gradient(|m, s, dm| Ok::<_, String>(loss(m, s, dm)));
    match (size, result) {
        (1, Ok(_)) => Ok(()),
        (
            _,
            Err(MpiBatchError::ModelDiffers {
                rank: r,
                leaf: 2,
                path,
                what: "value",
            }),
        ) if r == size - 1 && path == ".0[2]" => Ok(()),
        (_, Err(e)) => Err(format!("rank {rank}: {e}")),
        (_, Ok(_)) => Err(format!("rank {rank}: no error")),
    }
}

/// A model of another structure on one rank: refused everywhere, never a
/// hang nor a wrong sum.
fn model_structure_differs(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let mut m = model();
    if size > 1 && rank == 1 {
        m.0.push(0.0);
    }
    let all = samples(40);
    let result = Batch::new(&m, &all)
        .over(world)
        .try_gradient(|m, s, dm| Ok::<_, String>(loss(m, s, dm)));
    match (size, result) {
        (1, Ok(_)) => Ok(()),
        (
            _,
            Err(MpiBatchError::ModelDiffers {
                rank: 1,
                path,
                what: "structure",
                ..
            }),
        ) if path == ".0[4]" => Ok(()),
        (_, Err(e)) => Err(format!("rank {rank}: {e}")),
        (_, Ok(_)) => Err(format!("rank {rank}: no error")),
    }
}

/// `over_local` with a slice of the wrong length on the last rank.
fn wrong_local_slice(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let m = model();
    let all = samples(64);
    let mut mine = &all[sample_range(64, 4, size, rank)];
    if rank == size - 1 {
        mine = &mine[1..];
    }
    let result = Batch::new(&m, mine)
        .chunk_size(4)
        .over_local(world, 64)
        .try_gradient(|m, s, dm| Ok::<_, String>(loss(m, s, dm)));
    let expected = sample_range(64, 4, size, size - 1).len();
    match result {
        Err(MpiBatchError::LocalSamples {
            rank: r,
            expected: e,
            got,
        }) if r == size - 1 && e == expected && got == expected - 1 => Ok(()),
        Err(e) => Err(format!("rank {rank}: {e}")),
        Ok(_) => Err(format!("rank {rank}: no error")),
    }
}

/// Ranks that disagree on the chunk size: refused on every rank before
/// any collective that depends on it, never a hang.
fn chunk_size_differs(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let m = model();
    let all = samples(50);
    let chunk = if size > 1 && rank == size - 1 { 5 } else { 4 };
    let result = Batch::new(&m, &all)
        .chunk_size(chunk)
        .over(world)
        .try_gradient(|m, s, dm| Ok::<_, String>(loss(m, s, dm)));
    match (size, result) {
        (1, Ok(_)) => Ok(()),
        (
            _,
            Err(MpiBatchError::BatchDiffers {
                rank: r,
                what: "the chunk size",
            }),
        ) if r == size - 1 => Ok(()),
        (_, Err(e)) => Err(format!("rank {rank}: {e}")),
        (_, Ok(_)) => Err(format!("rank {rank}: no error")),
    }
}

/// The bytes of one step against the cost model of the module docs.
fn bytes_match_cost_model(world: &SimpleCommunicator) -> Outcome {
    let (size, rank) = size_rank(world);
    let m = model();
    let all = samples(1000);
    let chunk = 10;
    reset_traffic();
    let _ = Batch::new(&m, &all)
        .chunk_size(chunk)
        .over(world)
        .gradient(loss);
    let t = traffic();
    let k = 1000 / chunk;
    let nodes: Vec<usize> = (0..size)
        .map(|r| frontier(k, chunk_range(k, size, r)).len())
        .collect();
    let total: usize = nodes.iter().sum();
    let mut want_sent = 0;
    let mut want_received = 0;
    // Per buffer (5 f64 leaves, 2 f32 leaves): reduce-scatter and all-gather.
    for (len, b) in [(5, 8), (2, 4)] {
        let shard = |s: usize| chunk_range(len, size, s).len();
        want_sent += b * nodes[rank] * (len - shard(rank)) + b * shard(rank) * (size - 1);
        want_received += b * shard(rank) * (total - nodes[rank]) + b * (len - shard(rank));
    }
    // Headers: 8 words of model and setup check, 2 of status, the frontier
    // losses.
    want_sent += 8 * (8 + 2) * (size - 1) + 8 * nodes[rank] * (size - 1);
    want_received += 8 * (8 + 2) * (size - 1) + 8 * (total - nodes[rank]);
    if (t.sent_bytes, t.received_bytes) == (want_sent as u64, want_received as u64) {
        Ok(())
    } else {
        Err(format!(
            "rank {rank}: sent {} received {}, cost model {want_sent} {want_received}",
            t.sent_bytes, t.received_bytes
        ))
    }
}

fn main() {
    let Some(universe) = rsmpi::initialize() else {
        eprintln!("MPI was already initialised");
        std::process::exit(2);
    };
    let world = universe.world();
    let (size, rank) = size_rank(&world);
    let tests: [(&str, Test); 8] = [
        ("bit_identity", bit_identity),
        ("same_on_every_rank", same_on_every_rank),
        ("first_failure_everywhere", first_failure_everywhere),
        ("model_value_differs", model_value_differs),
        ("model_structure_differs", model_structure_differs),
        ("wrong_local_slice", wrong_local_slice),
        ("chunk_size_differs", chunk_size_differs),
        ("bytes_match_cost_model", bytes_match_cost_model),
    ];
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests {
        let outcome = test(&world);
        if let Err(message) = &outcome {
            eprintln!("rank {rank}: {name}: {message}");
        }
        let mine = [u64::from(outcome.is_err())];
        let mut all = vec![0_u64; size];
        world.all_gather_into(&mine[..], &mut all[..]);
        let failing: Vec<usize> = (0..size).filter(|&r| all[r] == 1).collect();
        if rank == 0 {
            let mut line = String::new();
            if failing.is_empty() {
                passed += 1;
                let _ = write!(
                    line,
                    "test {name} ({size} ranks, {} threads) ... ok",
                    rayon::current_num_threads()
                );
            } else {
                failed += 1;
                let _ = write!(
                    line,
                    "test {name} ({size} ranks) ... FAILED on ranks {failing:?}"
                );
            }
            println!("{line}");
        }
    }
    if rank == 0 {
        println!("{passed} passed, {failed} failed");
    }
    drop(universe);
    if failed > 0 {
        std::process::exit(1);
    }
}
