//! `check`, `make_zero` and `set_zero` against an independent oracle, for
//! every type of the family.
//!
//! - `check_*`: `check` accepts exactly the shadows the oracle calls equal
//!   (no false positives, no false negatives); on failure its path, segments
//!   and mismatch are the oracle's first mismatch in traversal order, and so
//!   is the swapped check with both sides of the mismatch swapped.
//! - `zero_*`: `make_zero` passes `check` and holds only zeros; `set_zero`
//!   keeps every buffer (address and capacity) and leaves only zeros.
//! - `tree_*`: `FloatTree`'s walks visit the oracle's float leaves in the
//!   oracle's order, `leaf_path` names every one of them, and `copy_from`
//!   and `copy_boxed` reproduce the primal's structure, floats and integers
//!   from any shadow.

#![allow(
    clippy::float_cmp,
    reason = "zeroed floats are compared exactly, on purpose"
)]

mod common;

use std::fmt::Debug;

use autodiff_safe::{FloatTree, Mismatch, ShadowCheck, check, make_zero, set_zero};
use autodiff_safe_proptests::{
    Found, Item, Oracle, Walk, allocations, first_mismatch, first_mismatch_writable, float_leaves,
    snapshot,
};
use common::{
    array_f64, boxed_f32, config, model, node, option_vec_f64, shape, vec_f64, vec_vec_f64,
    with_shadow,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestRunner};

/// The message `Display` must produce for a mismatch found by `check`
/// (no argument, no derivative).
fn expected_message(found: &Found) -> String {
    let what = match &found.mismatch {
        Mismatch::Length { primal, shadow } => {
            format!("primal has length {primal}, shadow has length {shadow}")
        }
        Mismatch::Variant { primal, shadow } => {
            format!("primal is variant `{primal}`, shadow is variant `{shadow}`")
        }
        Mismatch::Capacity { primal, shadow } => format!(
            "primal has capacity {primal}, shadow has capacity {shadow} (a shadow the derivative \
             may write needs at least the primal's capacity; `make_zero` builds one)"
        ),
        other => format!("unexpected mismatch {other:?}"),
    };
    if found.segments.is_empty() {
        format!("shadow does not match its primal: {what}")
    } else {
        format!(
            "shadow does not match its primal at `{}`: {what}",
            found.path
        )
    }
}

/// `check(primal, shadow)` agrees with the oracle exactly.
fn agrees<T: ShadowCheck + Oracle + Debug>(primal: &T, shadow: &T) -> Result<(), TestCaseError> {
    match (
        first_mismatch_writable(primal, shadow),
        check(primal, shadow),
    ) {
        (None, Ok(())) => {}
        (None, Err(error)) => {
            return Err(TestCaseError::fail(format!(
                "false positive: check refused a shadow of the same structure: {error}"
            )));
        }
        (Some(found), Ok(())) => {
            return Err(TestCaseError::fail(format!(
                "false negative: check accepted a shadow that differs at `{}`: {:?}",
                found.path, found.mismatch
            )));
        }
        (Some(found), Err(error)) => {
            prop_assert_eq!(error.path(), found.path.as_str());
            prop_assert_eq!(
                error.segments().cloned().collect::<Vec<_>>(),
                found.segments.clone()
            );
            prop_assert_eq!(error.mismatch(), &found.mismatch);
            prop_assert_eq!(error.argument(), None);
            prop_assert_eq!(error.function(), None);
            prop_assert_eq!(error.shadow(), None);
            prop_assert_eq!(error.to_string(), expected_message(&found));
        }
    }
    Ok(())
}

/// `agrees` both ways round: the swapped check must find the same place,
/// with both sides swapped.
fn agrees_both_ways<T: ShadowCheck + Oracle + Debug>(
    primal: &T,
    shadow: &T,
) -> Result<(), TestCaseError> {
    agrees(primal, shadow)?;
    agrees(shadow, primal)
}

/// `make_zero` passes `check` and holds only zeros; `set_zero` keeps every
/// allocation and leaves only zeros.
fn zeroes<T>(primal: &T) -> Result<(), TestCaseError>
where
    T: ShadowCheck + FloatTree + Oracle + Walk + Clone + Debug,
{
    let zero = make_zero(primal);
    prop_assert!(
        check(primal, &zero).is_ok(),
        "make_zero must pass check: {:?}",
        zero
    );
    prop_assert_eq!(first_mismatch(primal, &zero), None);
    let leaves = float_leaves(&zero);
    prop_assert_eq!(leaves.len(), float_leaves(primal).len());
    prop_assert!(
        leaves.iter().all(|&x| x == 0.0),
        "make_zero left {:?}",
        leaves
    );

    let mut value = primal.clone();
    let buffers = allocations(&value);
    set_zero(&mut value);
    prop_assert_eq!(allocations(&value), buffers, "set_zero reallocated");
    let leaves = float_leaves(&value);
    prop_assert_eq!(leaves.len(), float_leaves(primal).len());
    prop_assert!(
        leaves.iter().all(|&x| x == 0.0),
        "set_zero left {:?}",
        leaves
    );
    prop_assert_eq!(first_mismatch(primal, &value), None);
    Ok(())
}

/// Everything observable but the allocations: structure, float bits and
/// integers.
fn contents<T: Walk + ?Sized>(value: &T) -> Vec<Item> {
    snapshot(value)
        .into_iter()
        .filter(|item| !matches!(item, Item::Alloc { .. }))
        .collect()
}

/// The bits of floats widened to `f64`, so that NaNs compare.
fn bits(floats: &[f64]) -> Vec<u64> {
    floats.iter().map(|x| x.to_bits()).collect()
}

/// `FloatTree` against the oracle: the walks, the leaf paths and the copies.
fn trees<T>(primal: &T, shadow: &T) -> Result<(), TestCaseError>
where
    T: ShadowCheck + FloatTree + Oracle + Walk + Clone + Debug,
{
    let leaves = float_leaves(primal);
    prop_assert_eq!(primal.leaf_count(), leaves.len());
    let mut visited = Vec::new();
    primal.visit_floats(&mut |x| visited.push(x));
    prop_assert_eq!(bits(&visited), bits(&leaves));

    // The two-value walk copies the primal's floats into its zero, a slice
    // at a time, without an empty or mismatched slice.
    let mut zero = make_zero(primal);
    let mut bad_lanes = 0;
    T::zip_floats([primal], [&mut zero], &mut |lanes| {
        if lanes.is_empty() {
            bad_lanes += 1;
        }
        lanes.for_each(|[x], [mut y]| y.set(x));
    });
    prop_assert_eq!(bad_lanes, 0);
    prop_assert_eq!(contents(&zero), contents(primal));

    for leaf in 0..leaves.len() {
        let mut path = Vec::new();
        prop_assert!(
            primal.leaf_path(leaf, &mut path),
            "no path to leaf {}",
            leaf
        );
    }
    prop_assert!(!primal.leaf_path(leaves.len(), &mut Vec::new()));

    let mut copy = shadow.clone();
    copy.copy_from(primal);
    prop_assert_eq!(
        contents(&copy),
        contents(primal),
        "copy_from into {:?}",
        shadow
    );
    // `copy_from` gives the structure, not the capacities (like
    // `clone_from`): the check of a shadow behind `&`, which skips them.
    prop_assert!(primal.check_shadow_shared(&copy).is_ok());
    prop_assert_eq!(contents(&*primal.copy_boxed()), contents(primal));
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn check_vec_f64((primal, shadow) in with_shadow(vec_f64(), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_vec_vec_f64((primal, shadow) in with_shadow(vec_vec_f64(), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_option_vec_f64((primal, shadow) in with_shadow(option_vec_f64(), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_boxed_f32((primal, shadow) in with_shadow(boxed_f32(), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_array_f64((primal, shadow) in with_shadow(array_f64(), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_enum((primal, shadow) in with_shadow(shape(), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_tree((primal, shadow) in with_shadow(node(3), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn check_model((primal, shadow) in with_shadow(model(2), 0, 3)) {
        agrees_both_ways(&primal, &shadow)?;
    }

    #[test]
    fn zero_vec_f64(primal in vec_f64()) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_vec_vec_f64(primal in vec_vec_f64()) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_option_vec_f64(primal in option_vec_f64()) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_boxed_f32(primal in boxed_f32()) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_array_f64(primal in array_f64()) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_enum(primal in shape()) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_tree(primal in node(3)) {
        zeroes(&primal)?;
    }

    #[test]
    fn zero_model(primal in model(2)) {
        zeroes(&primal)?;
    }

    #[test]
    fn tree_vec_f64((primal, shadow) in with_shadow(vec_f64(), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_vec_vec_f64((primal, shadow) in with_shadow(vec_vec_f64(), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_option_vec_f64((primal, shadow) in with_shadow(option_vec_f64(), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_boxed_f32((primal, shadow) in with_shadow(boxed_f32(), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_array_f64((primal, shadow) in with_shadow(array_f64(), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_enum((primal, shadow) in with_shadow(shape(), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_tree((primal, shadow) in with_shadow(node(3), 0, 3)) {
        trees(&primal, &shadow)?;
    }

    #[test]
    fn tree_model((primal, shadow) in with_shadow(model(2), 0, 3)) {
        trees(&primal, &shadow)?;
    }
}

/// The properties above are only as strong as their shadows: the generator
/// must produce equal and unequal pairs, length and variant mismatches of
/// every kind, deep in the structure, in every field of the model.
#[test]
fn shadows_cover_every_kind_of_mismatch() {
    let mut runner = TestRunner::deterministic();
    let strategy = with_shadow(model(2), 0, 3);
    let (mut equal, mut deepest) = (0, 0);
    let mut kinds = std::collections::BTreeSet::new();
    let mut roots = std::collections::BTreeSet::new();
    for _ in 0..4000 {
        let (primal, shadow) = strategy
            .new_tree(&mut runner)
            .expect("the strategy never rejects")
            .current();
        let Some(found) = first_mismatch(&primal, &shadow) else {
            equal += 1;
            continue;
        };
        deepest = deepest.max(found.segments.len());
        kinds.insert(match found.mismatch {
            Mismatch::Length { primal, shadow } if primal < shadow => "longer".to_owned(),
            Mismatch::Length { .. } => "shorter".to_owned(),
            Mismatch::Variant { primal, shadow } => format!("{primal}->{shadow}"),
            Mismatch::Capacity { .. } => "capacity".to_owned(),
            other => format!("{other:?}"),
        });
        roots.insert(
            found
                .path
                .split(['.', '['])
                .nth(1)
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert!(
        (500..2000).contains(&equal),
        "{equal} of 4000 pairs are equal"
    );
    assert!(deepest >= 6, "the deepest mismatch has {deepest} segments");
    let expected_kinds = [
        "longer",
        "shorter",
        "Some->None",
        "None->Some",
        "Empty->Pair",
        "Empty->Poly",
        "Pair->Empty",
        "Pair->Poly",
        "Poly->Empty",
        "Poly->Pair",
    ];
    assert_eq!(
        kinds,
        expected_kinds.iter().map(|k| (*k).to_owned()).collect()
    );
    let expected_roots = [
        "bias", "half", "head", "heads", "lanes", "pair", "rows", "tree", "weights",
    ];
    assert_eq!(
        roots,
        expected_roots.iter().map(|r| (*r).to_owned()).collect()
    );
}
