//! A panic on one rank aborts the whole MPI job instead of hanging it.
//! `.ci/mpi` runs this binary under `mpirun -np N` once per case and expects
//! the job to fail fast with the abort message:
//!
//! - `panic`: the closure panics on the last rank's first sample;
//! - `grow`: the closure grows `dmodel` in rank 0's last chunk, so that
//!   chunk's shadow check (which runs before any reduction) panics.
//!
//! Without the abort, the other ranks would wait in the next collective
//! forever: the stage's timeout would fail instead.

use autodiff_safe::batch::Batch;
use autodiff_safe::batch::mpi::rsmpi::traits::Communicator;
use autodiff_safe::batch::mpi::{MpiBatch as _, rsmpi, sample_range};

fn main() {
    let case = std::env::args().nth(1).unwrap_or_default();
    let Some(universe) = rsmpi::initialize() else {
        eprintln!("MPI was already initialised");
        std::process::exit(2);
    };
    let world = universe.world();
    let size = usize::try_from(world.size()).unwrap_or(1);
    let samples: Vec<(usize, f64)> = (0..64_u32).map(|i| (i as usize, f64::from(i))).collect();
    let model = vec![1.0_f64, 2.0];
    let last = sample_range(64, 4, size, size - 1).start;
    // The first sample of rank 0's last chunk: on 3 ranks (chunks 0..5)
    // that chunk is a frontier node alone, `T(4, 5)`, reduced without any
    // `axpy` on its rank: only the chunk's own shadow check catches it.
    let grow_at = sample_range(64, 4, size, 0).end - 4;
    let (loss, _) = Batch::new(&model, &samples)
        .chunk_size(4)
        .over(&world)
        .gradient(|m, &(index, s), dm: &mut Vec<f64>| {
            let on_last = index == last;
            assert!(
                !(on_last && case == "panic"),
                "a closure panics on sample {index}"
            );
            if index == grow_at && case == "grow" {
                dm.push(0.0);
            }
            dm[0] += s;
            m[0] * s
        });
    // Reached only when no rank aborted: `.ci/mpi` treats this as a failure.
    println!("no abort: loss {loss}");
}
