//! A successful check never touches the heap; a failing one builds its path
//! and does. Counted by a global allocator that counts only the allocations
//! of the thread that asked, so tests running in parallel do not disturb it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use autodiff_safe::{FloatTree, Lanes, Mismatch, ShadowCheck, check, make_zero, set_zero};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's allocations are being counted. Const-initialised
    /// and without a destructor, so reading it never allocates.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note_allocation() {
    // `try_with`: the allocator may run while thread-locals are torn down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` unchanged; counting has no effect
// on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the number of heap allocations this
/// thread made meanwhile.
fn allocations_in<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNTING.with(|counting| counting.set(true));
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let result = f();
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|counting| counting.set(false));
    (result, after - before)
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Activation {
    Relu,
    Leaky { slope: f64 },
    Table(Vec<f32>),
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Layer {
    w: Vec<Vec<f64>>,
    b: Box<[f64]>,
    activation: Activation,
    dropout: Option<f64>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Model {
    layers: Vec<Layer>,
    head: Box<Layer>,
    skip: Option<Box<Layer>>,
    history: Vec<(f64, Vec<f64>)>,
    name: String,
    loss: Result<Vec<f64>, String>,
    fixed: [[f64; 4]; 4],
}

fn layer(inputs: usize, outputs: usize, activation: Activation) -> Layer {
    Layer {
        w: vec![vec![0.5; inputs]; outputs],
        b: vec![0.1; outputs].into_boxed_slice(),
        activation,
        dropout: outputs.is_multiple_of(2).then_some(0.25),
    }
}

fn model() -> Model {
    Model {
        layers: (0..50)
            .map(|i| {
                let activation = match i % 3 {
                    0 => Activation::Relu,
                    1 => Activation::Leaky { slope: 0.01 },
                    _ => Activation::Table(vec![1.0; i]),
                };
                layer(10 + i, 20 + i, activation)
            })
            .collect(),
        head: Box::new(layer(70, 1, Activation::Relu)),
        skip: Some(Box::new(layer(3, 4, Activation::Table(vec![0.0; 8])))),
        history: (0..20_u8)
            .map(|i| (f64::from(i), vec![1.0; usize::from(i)]))
            .collect(),
        name: String::from("a model"),
        loss: Ok(vec![1.0; 100]),
        fixed: [[1.0; 4]; 4],
    }
}

#[test]
fn successful_check_does_not_allocate_and_failing_check_does() {
    let primal = model();
    let mut shadow = make_zero(&primal);
    let mut leaves = 0_usize;
    primal.visit_floats(&mut |_| leaves += 1);
    assert!(
        leaves > 20_000,
        "the model should be big, has {leaves} leaves"
    );

    // `.err()`: the error itself is not built on success, so the closure's
    // result is `None` without allocating.
    let (error, allocations) =
        allocations_in(|| check(black_box(&primal), black_box(&shadow)).err());
    assert_eq!(error, None);
    assert_eq!(allocations, 0, "a successful check allocated");

    // Zeroing and visiting in place do not allocate either.
    let ((), allocations) = allocations_in(|| set_zero(black_box(&mut shadow)));
    assert_eq!(allocations, 0, "set_zero allocated");
    let mut sum = 0.0;
    let ((), allocations) = allocations_in(|| primal.visit_floats(&mut |x| sum += x));
    assert_eq!(allocations, 0, "visit_floats allocated");
    assert!(sum > 0.0);
    let (count, allocations) = allocations_in(|| black_box(&primal).leaf_count());
    assert_eq!(allocations, 0, "leaf_count allocated");
    assert_eq!(count, leaves);
    let ((), allocations) = allocations_in(|| {
        Model::zip_floats([&primal], [&mut shadow], &mut |lanes| {
            if let Lanes::F64 {
                read: [x],
                write: [y],
            } = lanes
            {
                y.copy_from_slice(x);
            }
        });
    });
    assert_eq!(allocations, 0, "zip_floats allocated");
    assert_eq!(shadow.fixed, primal.fixed);
    set_zero(&mut shadow);

    // The counter works: a failing check records its path on the heap.
    if let Activation::Table(table) = &mut shadow.layers[47].activation {
        table.push(0.0);
    }
    let (error, allocations) =
        allocations_in(|| check(black_box(&primal), black_box(&shadow)).err());
    let error = error.expect("the shadow's table is one longer");
    assert!(
        allocations > 0,
        "a failing check with a path must allocate it"
    );
    assert_eq!(error.path(), ".layers[47].activation.Table.0");
    assert_eq!(
        error.mismatch(),
        &Mismatch::Length {
            primal: 47,
            shadow: 48
        }
    );

    // And a plain `Vec` clone inside the counted closure is seen.
    let (_, allocations) = allocations_in(|| black_box(vec![1.0_f64; 3]));
    assert_eq!(allocations, 1);
}
