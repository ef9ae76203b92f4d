//! Capacities (the strict check versus `check_shadow_shared`) and the
//! allocation walk of every std impl, derived structs and enums, and nested
//! values: what the checks before and after a derivative's call rest on.

#![allow(
    clippy::float_cmp,
    clippy::cast_precision_loss,
    clippy::box_collection,
    reason = "zeroed floats are compared exactly; small indices; a boxed `Vec` is a second owner to walk, on purpose"
)]

use std::mem::ManuallyDrop;

use autodiff_core::__private::{after_call, after_call_slice, fingerprint};
use autodiff_core::{AllocationWalk, Mismatch, ShadowCheck, make_zero};

/// A `Vec` of `len` elements and capacity `capacity`.
fn with_capacity(len: usize, capacity: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(capacity);
    v.extend((0..len).map(|i| i as f64));
    v
}

// ------------------------------------------------------------ capacities

#[test]
fn a_writable_vec_shadow_needs_the_primal_capacity() {
    let x = with_capacity(2, 8);
    let tight = with_capacity(2, 2);
    assert_eq!(
        x.check_shadow(&tight).unwrap_err().mismatch(),
        &Mismatch::Capacity {
            primal: 8,
            shadow: 2
        }
    );
    assert!(x.check_shadow(&with_capacity(2, 8)).is_ok());
    assert!(x.check_shadow(&with_capacity(2, 16)).is_ok());
    // Behind `&` the capacity is not compared; the length still is.
    assert!(x.check_shadow_shared(&tight).is_ok());
    assert_eq!(
        x.check_shadow_shared(&with_capacity(1, 8))
            .unwrap_err()
            .mismatch(),
        &Mismatch::Length {
            primal: 2,
            shadow: 1
        }
    );
}

#[test]
fn a_string_shadow_follows_the_same_rule() {
    let mut s = String::with_capacity(32);
    s.push_str("abc");
    let tight = String::from("xyz");
    assert!(matches!(
        s.check_shadow(&tight).unwrap_err().mismatch(),
        Mismatch::Capacity { primal: 32, .. }
    ));
    assert!(s.check_shadow_shared(&tight).is_ok());
}

#[test]
fn make_zero_keeps_the_capacity() {
    let x = with_capacity(3, 11);
    let zero = make_zero(&x);
    assert_eq!(zero.capacity(), 11);
    assert!(x.check_shadow(&zero).is_ok());
    let nested = vec![with_capacity(1, 5), with_capacity(0, 3)];
    let zero = make_zero(&nested);
    assert_eq!((zero[0].capacity(), zero[1].capacity()), (5, 3));
    assert!(nested.check_shadow(&zero).is_ok());
    let mut text = String::with_capacity(40);
    text.push_str("name");
    let zero = make_zero(&text);
    assert_eq!((zero.as_str(), zero.capacity()), ("name", 40));
    assert!(text.check_shadow(&zero).is_ok());
}

#[derive(autodiff_safe::ShadowCheck, Debug)]
struct Layer {
    w: Vec<f64>,
    b: Option<Box<Vec<f64>>>,
    steps: usize,
}

#[derive(autodiff_safe::ShadowCheck, Debug)]
enum Head {
    Linear { w: f64 },
    Poly(Vec<f64>, String),
}

#[test]
fn the_shared_check_recurses_with_itself_through_every_container() {
    let layer = Layer {
        w: with_capacity(2, 8),
        b: Some(Box::new(with_capacity(1, 4))),
        steps: 3,
    };
    let tight = Layer {
        w: with_capacity(2, 8),
        b: Some(Box::new(with_capacity(1, 1))),
        steps: 3,
    };
    let err = layer.check_shadow(&tight).unwrap_err();
    assert_eq!(err.path(), ".b.Some.0");
    assert!(matches!(err.mismatch(), Mismatch::Capacity { .. }));
    assert!(layer.check_shadow_shared(&tight).is_ok());
    // Through std containers of the derived type.
    let layers = vec![(layer, [1.0_f64; 2])];
    let tights = vec![(tight, [0.0; 2])];
    assert_eq!(
        layers.check_shadow(&tights).unwrap_err().path(),
        "[0].0.b.Some.0"
    );
    assert!(layers.check_shadow_shared(&tights).is_ok());
    let ok: Result<_, ()> = Ok(layers);
    let ok_tight: Result<_, ()> = Ok(tights);
    assert!(ok.check_shadow(&ok_tight).is_err());
    assert!(ok.check_shadow_shared(&ok_tight).is_ok());
    let head = Head::Poly(with_capacity(1, 9), String::new());
    let tight = Head::Poly(with_capacity(1, 1), String::new());
    assert_eq!(head.check_shadow(&tight).unwrap_err().path(), ".Poly.0");
    assert!(head.check_shadow_shared(&tight).is_ok());
    assert!(
        Head::Linear { w: 1.0 }
            .check_shadow(&Head::Linear { w: 0.0 })
            .is_ok()
    );
    let array = [with_capacity(1, 3)];
    assert!(array.check_shadow(&[with_capacity(1, 1)]).is_err());
    assert!(array.check_shadow_shared(&[with_capacity(1, 1)]).is_ok());
    let slice: &[Vec<f64>] = &array;
    assert!(slice.check_shadow(&[with_capacity(1, 1)][..]).is_err());
    assert!(
        slice
            .check_shadow_shared(&[with_capacity(1, 1)][..])
            .is_ok()
    );
}

// ------------------------------------------------------------ the walk

/// A second owner of `value`'s allocations, for a primal/shadow pair that
/// shares them; the returned value must be forgotten.
fn alias<T>(value: &T) -> ManuallyDrop<T> {
    // SAFETY: a bitwise copy whose owner is never dropped
    // (`ManuallyDrop`); the tests only read addresses through it.
    ManuallyDrop::new(unsafe { std::ptr::read(value) })
}

/// The path of the first shared allocation, if any.
fn shared_path<T: ShadowCheck>(primal: &T, shadow: &T) -> Option<String> {
    primal
        .walk_allocations(shadow, &mut AllocationWalk::shared())
        .err()
        .map(|error| {
            assert_eq!(error.mismatch(), &Mismatch::SharedAllocation);
            error.path()
        })
}

#[test]
fn every_std_owner_is_walked() {
    let v = vec![1.0_f64];
    assert_eq!(shared_path(&v, &alias(&v)).as_deref(), Some(""));
    assert_eq!(shared_path(&v, &v.clone()), None);
    let ints = vec![1_usize, 2];
    assert_eq!(shared_path(&ints, &alias(&ints)).as_deref(), Some(""));
    let s = String::from("text");
    assert_eq!(shared_path(&s, &alias(&s)).as_deref(), Some(""));
    let b = Box::new(2.0_f64);
    assert_eq!(shared_path(&b, &alias(&b)).as_deref(), Some(""));
    let boxed: Box<[f64]> = vec![1.0, 2.0].into_boxed_slice();
    assert_eq!(shared_path(&boxed, &alias(&boxed)).as_deref(), Some(""));
    let boxed_str: Box<str> = "ab".into();
    assert_eq!(
        shared_path(&boxed_str, &alias(&boxed_str)).as_deref(),
        Some("")
    );
    // An emptied buffer still owns its allocation.
    let mut emptied = vec![1.0_f64; 4];
    emptied.clear();
    assert_eq!(shared_path(&emptied, &alias(&emptied)).as_deref(), Some(""));
}

#[test]
fn dangling_pointers_of_empty_buffers_are_not_allocations() {
    let (a, b): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    assert_eq!(a.as_ptr(), b.as_ptr());
    assert_eq!(shared_path(&a, &b), None);
    assert_eq!(shared_path(&String::new(), &String::new()), None);
    let zst: Box<()> = Box::new(());
    assert_eq!(shared_path(&zst, &Box::new(())), None);
    let empty: Box<[f64]> = Box::new([]);
    assert_eq!(shared_path(&empty, &(Box::new([]) as Box<[f64]>)), None);
}

#[test]
fn containers_name_the_position_of_a_shared_allocation() {
    let inner = vec![1.0_f64];
    let primal = vec![vec![0.0_f64], inner];
    let shadow = ManuallyDrop::new(vec![vec![0.0], (*alias(&primal[1])).clone()]);
    assert_eq!(shared_path(&primal, &shadow), None);
    let shadow = ManuallyDrop::new(vec![vec![0.0], ManuallyDrop::into_inner(alias(&primal[1]))]);
    assert_eq!(shared_path(&primal, &shadow).as_deref(), Some("[1]"));
    let pair = (1.0_f64, Some(vec![1.0_f64]));
    let shadow = ManuallyDrop::new((
        0.0,
        Some(ManuallyDrop::into_inner(alias(pair.1.as_ref().unwrap()))),
    ));
    assert_eq!(shared_path(&pair, &shadow).as_deref(), Some(".1.Some.0"));
    let ok: Result<Vec<f64>, String> = Err("e".into());
    assert_eq!(shared_path(&ok, &alias(&ok)).as_deref(), Some(".Err.0"));
    let array = [vec![1.0_f64], vec![2.0]];
    assert_eq!(shared_path(&array, &alias(&array)).as_deref(), Some("[0]"));
    // Different variants have no pair to compare.
    let some = Some(vec![1.0_f64]);
    assert_eq!(shared_path(&some, &None), None);
}

#[test]
fn derived_structs_and_enums_walk_every_field() {
    let layer = Layer {
        w: vec![1.0],
        b: Some(Box::new(vec![2.0])),
        steps: 1,
    };
    let shadow = ManuallyDrop::new(Layer {
        w: vec![0.0],
        b: Some(ManuallyDrop::into_inner(alias(layer.b.as_ref().unwrap()))),
        steps: 1,
    });
    assert_eq!(shared_path(&layer, &shadow).as_deref(), Some(".b.Some.0"));
    let head = Head::Poly(vec![1.0], String::from("p"));
    let Head::Poly(_, name) = &head else {
        unreachable!()
    };
    let shadow = ManuallyDrop::new(Head::Poly(vec![0.0], ManuallyDrop::into_inner(alias(name))));
    assert_eq!(shared_path(&head, &shadow).as_deref(), Some(".Poly.1"));
    assert_eq!(
        shared_path(&Head::Linear { w: 1.0 }, &Head::Linear { w: 1.0 }),
        None
    );
    const {
        assert!(<Layer as ShadowCheck>::ALLOCATIONS_WALKED);
        assert!(!<Layer as ShadowCheck>::OWNS_NO_ALLOCATIONS);
        assert!(!<Head as ShadowCheck>::OWNS_NO_ALLOCATIONS);
        assert!(<(f64, [u8; 3]) as ShadowCheck>::OWNS_NO_ALLOCATIONS);
        assert!(!<Box<f64> as ShadowCheck>::OWNS_NO_ALLOCATIONS);
    }
}

/// A recursive derived type: its constants must not depend on themselves.
#[derive(autodiff_safe::ShadowCheck)]
enum Expr {
    Leaf(f64),
    Add(Box<Expr>, Box<Expr>),
}

#[derive(autodiff_safe::ShadowCheck)]
struct Tree {
    value: f64,
    children: Vec<Tree>,
}

#[test]
fn recursive_types_are_walked() {
    let tree = Tree {
        value: 1.0,
        children: vec![Tree {
            value: 2.0,
            children: vec![Tree {
                value: 3.0,
                children: Vec::new(),
            }],
        }],
    };
    let zero = make_zero(&tree);
    assert_eq!(shared_path(&tree, &zero), None);
    assert_eq!(
        shared_path(&tree, &alias(&tree)).as_deref(),
        Some(".children")
    );
    let expr = Expr::Add(Box::new(Expr::Leaf(1.0)), Box::new(Expr::Leaf(2.0)));
    assert_eq!(shared_path(&expr, &alias(&expr)).as_deref(), Some(".Add.0"));
    const { assert!(<Tree as ShadowCheck>::ALLOCATIONS_WALKED) };
}

#[test]
fn the_fingerprint_sees_replaced_added_and_removed_allocations() {
    let mut v = vec![vec![1.0_f64], vec![2.0]];
    let before = fingerprint(&v);
    assert_eq!(fingerprint(&v), before);
    v[0][0] = 5.0; // values do not count
    assert_eq!(fingerprint(&v), before);
    let old = std::mem::replace(&mut v[1], vec![3.0]);
    assert_ne!(fingerprint(&v), before);
    drop(old);
    let before = fingerprint(&v);
    v.pop();
    assert_ne!(fingerprint(&v), before);
    let floats = [1.0_f64; 4];
    assert_eq!(fingerprint(&floats), (0, 0));
}

// ------------------------------------------------------------ the repair

#[test]
fn after_call_repairs_a_shared_shadow_with_the_primal_zero() {
    let mut layer = Layer {
        w: with_capacity(2, 6),
        b: None,
        steps: 4,
    };
    // SAFETY: the second owner of `layer.w`'s buffer is the shadow, which
    // `after_call` forgets instead of dropping.
    let w = unsafe { Vec::from_raw_parts(layer.w.as_mut_ptr(), 2, 6) };
    let mut shadow = Layer {
        w,
        b: None,
        steps: 4,
    };
    let error = after_call(
        Ok(()),
        "d_f",
        "layer",
        "dlayer_0",
        &layer,
        &mut shadow,
        None,
    )
    .unwrap_err();
    assert_eq!(error.path(), "layer.w");
    assert_eq!(
        error.repair(),
        Some("zeros of the primal's structure (its `make_zero`)")
    );
    assert_ne!(shadow.w.as_ptr(), layer.w.as_ptr());
    assert_eq!(
        (shadow.w.len(), shadow.w.capacity(), shadow.steps),
        (2, 6, 4)
    );
    assert!(layer.check_shadow(&shadow).is_ok());
    layer.w[0] = 9.0;
    assert_eq!(shadow.w[0], 0.0);
}

#[test]
fn after_call_on_slices_repairs_the_elements() {
    let mut x = vec![vec![1.0_f64, 2.0], vec![3.0]];
    // SAFETY: as above; `after_call_slice` forgets the aliasing element.
    let aliased = unsafe { Vec::from_raw_parts(x[1].as_mut_ptr(), 1, x[1].capacity()) };
    let mut dx = vec![vec![0.0, 0.0], aliased];
    let error = after_call_slice(Ok(()), "d_f", "x", "dx_0", &x, &mut dx, None).unwrap_err();
    assert_eq!(error.path(), "x[1]");
    assert_ne!(dx[1].as_ptr(), x[1].as_ptr());
    assert_eq!(dx, [vec![0.0, 0.0], vec![0.0]]);
}
