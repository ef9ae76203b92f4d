//! `ShadowCheck` for the std types, `ShadowError`, and `check` / `make_zero` /
//! `set_zero`: exact paths, mismatches and messages for every impl.

#![allow(
    clippy::float_cmp,
    reason = "zeroed and visited floats are compared exactly, on purpose"
)]

use std::marker::PhantomData;

use autodiff_safe::{
    FloatMut, FloatTree, Mismatch, PathSegment, ShadowCheck, ShadowError, check, make_zero,
    set_zero,
};

mod common;

use common::{assert_fails, assert_passes, fail, floats, len, noop, variant};

// ---------------------------------------------------------------- floats

#[test]
fn f64_always_passes_and_zeroes() {
    assert!(noop::<f64>());
    assert_passes(&1.5_f64, &-7.0);
    assert_passes(&f64::NAN, &f64::INFINITY);
    assert_eq!(make_zero(&3.25_f64), 0.0);
    assert!(make_zero(&-3.25_f64).is_sign_positive());
    assert_eq!(*2.0_f64.make_zero_boxed(), 0.0);
    let mut x = 9.0_f64;
    set_zero(&mut x);
    assert_eq!(x, 0.0);
    assert_eq!(floats(&2.5_f64), [2.5]);
}

#[test]
fn f32_always_passes_zeroes_and_widens() {
    assert!(noop::<f32>());
    assert_passes(&1.5_f32, &f32::NAN);
    assert_eq!(make_zero(&3.25_f32), 0.0);
    assert_eq!(*2.0_f32.make_zero_boxed(), 0.0);
    let mut x = 9.0_f32;
    set_zero(&mut x);
    assert_eq!(x, 0.0);
    // 0.1_f32 is not 0.1_f64: the visit widens the exact f32 value.
    assert_eq!(floats(&0.1_f32), [f64::from(0.1_f32)]);
    let mut y = 0.1_f32;
    y.visit_floats_mut(&mut |leaf| {
        assert!(matches!(leaf, FloatMut::F32(_)));
        assert_eq!(leaf.epsilon(), f64::from(f32::EPSILON));
    });
    let mut z = 0.1_f64;
    z.visit_floats_mut(&mut |leaf| {
        assert!(matches!(leaf, FloatMut::F64(_)));
        assert_eq!(leaf.epsilon(), f64::EPSILON);
    });
}

// ------------------------------------------------------- inert scalars

macro_rules! inert_tests {
    ($($name:ident: $ty:ty = $a:expr, $b:expr;)*) => {$(
        #[test]
        fn $name() {
            let a: $ty = $a;
            let b: $ty = $b;
            assert!(noop::<$ty>());
            assert_passes(&a, &b);
            assert_passes(&b, &a);
            // Not floats: copied, so a zeroed shadow keeps its primal's value.
            assert_eq!(make_zero(&a), a);
            assert_eq!(make_zero(&b), b);
            assert_eq!(*a.make_zero_boxed(), a);
            let mut c = a;
            set_zero(&mut c);
            assert_eq!(c, a);
            assert!(floats(&a).is_empty());
            let mut visited = 0;
            c.visit_floats_mut(&mut |_| visited += 1);
            assert_eq!(visited, 0);
        }
    )*};
}

inert_tests! {
    inert_i8: i8 = i8::MIN, 7;
    inert_i16: i16 = i16::MIN, -7;
    inert_i32: i32 = i32::MAX, -7;
    inert_i64: i64 = i64::MIN, 7;
    inert_i128: i128 = i128::MAX, -7;
    inert_isize: isize = isize::MIN, 7;
    inert_u8: u8 = u8::MAX, 7;
    inert_u16: u16 = u16::MAX, 7;
    inert_u32: u32 = u32::MAX, 7;
    inert_u64: u64 = u64::MAX, 7;
    inert_u128: u128 = u128::MAX, 7;
    inert_usize: usize = usize::MAX, 7;
    inert_bool: bool = true, false;
    inert_char: char = 'é', '\u{1F600}';
    inert_unit: () = (), ();
}

#[test]
fn phantom_data_of_anything() {
    assert!(noop::<PhantomData<f64>>());
    assert!(noop::<PhantomData<Vec<f64>>>());
    assert!(noop::<PhantomData<str>>());
    assert!(noop::<PhantomData<*const u8>>());
    assert!(noop::<PhantomData<std::cell::Cell<f64>>>());
    let p = PhantomData::<Vec<f64>>;
    assert_passes(&p, &PhantomData);
    assert_eq!(make_zero(&p), PhantomData);
    assert_eq!(*p.make_zero_boxed(), PhantomData);
    assert!(floats(&p).is_empty());
}

// ---------------------------------------------------------------- arrays

#[test]
fn array_of_floats_is_noop_and_zeroes() {
    assert!(noop::<[f64; 3]>());
    assert!(noop::<[[f32; 2]; 4]>());
    assert!(noop::<[f64; 0]>());
    assert!(!noop::<[Vec<f64>; 3]>());
    assert!(!noop::<[Vec<f64>; 0]>());
    let a = [1.0_f64, 2.0, 3.0];
    assert_passes(&a, &[9.0, 9.0, 9.0]);
    assert_eq!(make_zero(&a), [0.0; 3]);
    assert_eq!(*a.make_zero_boxed(), [0.0; 3]);
    let mut b = [[1.0_f32, 2.0], [3.0, 4.0]];
    set_zero(&mut b);
    assert_eq!(b, [[0.0; 2]; 2]);
    assert_eq!(floats(&[[1.0_f32, 2.0], [3.0, 4.0]]), [1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn array_of_vecs_reports_element_index() {
    let a = [vec![1.0_f64], vec![1.0, 2.0], vec![]];
    assert_passes(&a, &[vec![0.0], vec![0.0, 0.0], vec![]]);
    assert_fails(
        &a,
        &[vec![0.0], vec![0.0, 0.0], vec![0.0]],
        "[2]",
        &len(0, 1),
    );
    // The first mismatch in traversal order wins.
    assert_fails(&a, &[vec![], vec![0.0], vec![0.0]], "[0]", &len(1, 0));
    let z = make_zero(&a);
    assert_eq!(z, [vec![0.0], vec![0.0, 0.0], vec![]]);
    assert_passes(&a, &z);
}

// ---------------------------------------------------------------- slices

#[test]
fn slice_length_and_elements() {
    assert!(!noop::<[f64]>());
    let a: &[f64] = &[1.0, 2.0, 3.0];
    assert_passes(a, &[0.0, 0.0, 0.0][..]);
    assert_fails(a, &[0.0, 0.0][..], "", &len(3, 2));
    assert_fails(a, &[][..], "", &len(3, 0));
    let nested: &[Vec<f64>] = &[vec![1.0], vec![2.0, 3.0]];
    assert_fails(nested, &[vec![0.0], vec![0.0]][..], "[1]", &len(2, 1));
    // A length mismatch of the slice itself is found before any element's.
    assert_fails(nested, &[vec![]][..], "", &len(2, 1));
}

#[test]
fn slice_make_zero_boxed_and_set_zero() {
    let a: &[f64] = &[1.0, -2.0, 3.5];
    let boxed: Box<[f64]> = a.make_zero_boxed();
    assert_eq!(&*boxed, &[0.0, 0.0, 0.0]);
    assert_passes(a, &*boxed);
    let mut storage = [1.0_f64, 2.0];
    let slice: &mut [f64] = &mut storage;
    set_zero(slice);
    assert_eq!(storage, [0.0, 0.0]);
    let empty: &[f64] = &[];
    assert!(empty.make_zero_boxed().is_empty());
}

// ------------------------------------------------------------------ Vec

#[test]
fn vec_length_mismatch() {
    assert!(!noop::<Vec<f64>>());
    assert!(!noop::<Vec<()>>());
    let v = vec![1.0_f64, 2.0, 3.0];
    assert_passes(&v, &vec![0.0; 3]);
    assert_fails(&v, &vec![0.0; 1], "", &len(3, 1));
    assert_fails(&v, &vec![0.0; 4], "", &len(3, 4));
    assert_fails(&Vec::<f64>::new(), &vec![0.0], "", &len(0, 1));
    assert_eq!(
        fail(&v, &vec![0.0; 1]).to_string(),
        "shadow does not match its primal: primal has length 3, shadow has length 1"
    );
}

#[test]
fn vec_capacity_is_not_compared() {
    let v = vec![1.0_f64, 2.0];
    let mut shadow = Vec::with_capacity(100);
    shadow.extend([0.0, 0.0]);
    assert_passes(&v, &shadow);
}

#[test]
fn vec_of_vecs_reports_first_mismatching_row() {
    let rows = vec![vec![1.0_f64; 2], vec![1.0; 3], vec![1.0; 4], vec![1.0; 5]];
    let mut shadow = make_zero(&rows);
    assert_passes(&rows, &shadow);
    shadow[1].pop();
    shadow[3].push(0.0);
    let error = fail(&rows, &shadow);
    assert_eq!(error.path(), "[1]");
    assert_eq!(error.mismatch(), &len(3, 2));
    assert_eq!(
        error.segments().collect::<Vec<_>>(),
        [&PathSegment::Index(1)]
    );
    assert_eq!(
        error.to_string(),
        "shadow does not match its primal at `[1]`: primal has length 3, shadow has length 2"
    );
    shadow[1].push(0.0);
    assert_fails(&rows, &shadow, "[3]", &len(5, 6));
}

#[test]
fn vec_deep_path() {
    let v = vec![vec![vec![1.0_f64; 2]; 3]; 4];
    let mut shadow = make_zero(&v);
    shadow[2][1].push(0.0);
    assert_fails(&v, &shadow, "[2][1]", &len(2, 3));
    assert_eq!(
        fail(&v, &shadow).for_argument("t").to_string(),
        "shadow does not match its primal at `t[2][1]`: primal has length 2, shadow has length 3"
    );
}

#[test]
fn vec_make_zero_and_set_zero() {
    let v = vec![1.0_f64, 2.0, 3.0];
    let z = make_zero(&v);
    assert_eq!(z, [0.0; 3]);
    assert_eq!(*v.make_zero_boxed(), [0.0; 3]);
    let mut g = vec![1.0_f64; 5];
    g.reserve(10);
    let (ptr, cap) = (g.as_ptr(), g.capacity());
    set_zero(&mut g);
    assert_eq!(g, [0.0; 5]);
    assert_eq!(g.as_ptr(), ptr);
    assert_eq!(g.capacity(), cap);
}

#[test]
fn nested_vec_set_zero_keeps_every_buffer() {
    let mut g = vec![vec![1.0_f64; 3], vec![], vec![2.0; 7]];
    let outer = (g.as_ptr(), g.capacity());
    let inner: Vec<_> = g.iter().map(|row| (row.as_ptr(), row.capacity())).collect();
    set_zero(&mut g);
    assert_eq!(g, [vec![0.0; 3], vec![], vec![0.0; 7]]);
    assert_eq!((g.as_ptr(), g.capacity()), outer);
    let after: Vec<_> = g.iter().map(|row| (row.as_ptr(), row.capacity())).collect();
    assert_eq!(after, inner);
}

// ------------------------------------------------------------------ Box

#[test]
fn box_is_transparent() {
    assert!(noop::<Box<f64>>());
    assert!(noop::<Box<[f64; 2]>>());
    assert!(!noop::<Box<Vec<f64>>>());
    assert!(!noop::<Box<[f64]>>());
    assert!(!noop::<Box<str>>());
    assert_passes(&Box::new(1.0_f64), &Box::new(0.0));
    let b = Box::new(vec![1.0_f64, 2.0]);
    // A box adds no segment to the path.
    assert_fails(&b, &Box::new(vec![0.0]), "", &len(2, 1));
    let bb = Box::new(Box::new(vec![vec![1.0_f64], vec![2.0]]));
    assert_fails(
        &bb,
        &Box::new(Box::new(vec![vec![0.0], vec![]])),
        "[1]",
        &len(1, 0),
    );
    assert_eq!(*make_zero(&Box::new(3.0_f64)), 0.0);
    assert_eq!(**Box::new(3.0_f64).make_zero_boxed(), 0.0);
    let mut g = Box::new(5.0_f64);
    let ptr: *const f64 = &raw const *g;
    set_zero(&mut g);
    assert_eq!(*g, 0.0);
    assert_eq!(&raw const *g, ptr);
}

#[test]
fn boxed_slice_length_and_zero() {
    let b: Box<[f64]> = vec![1.0, 2.0, 3.0].into_boxed_slice();
    assert_passes(&b, &vec![0.0; 3].into_boxed_slice());
    assert_fails(&b, &vec![0.0; 5].into_boxed_slice(), "", &len(3, 5));
    let z = make_zero(&b);
    assert_eq!(&*z, &[0.0; 3]);
    assert_passes(&b, &z);
    let nested: Box<[Vec<f64>]> = vec![vec![1.0], vec![]].into_boxed_slice();
    assert_fails(
        &nested,
        &vec![vec![0.0], vec![0.0]].into_boxed_slice(),
        "[1]",
        &len(0, 1),
    );
    let mut g: Box<[f64]> = vec![4.0; 4].into_boxed_slice();
    let ptr = g.as_ptr();
    set_zero(&mut g);
    assert_eq!(&*g, &[0.0; 4]);
    assert_eq!(g.as_ptr(), ptr);
}

// --------------------------------------------------------- String / str

#[test]
fn string_compares_byte_length() {
    assert!(!noop::<String>());
    let s = String::from("héllo"); // 6 bytes, 5 chars
    assert_passes(&s, &String::from("abcdef"));
    assert_fails(&s, &String::from("hello"), "", &len(6, 5));
    assert_eq!(
        fail(&s, &String::from("hello")).to_string(),
        "shadow does not match its primal: primal has length 6, shadow has length 5"
    );
}

#[test]
fn string_is_copied_not_zeroed() {
    let s = String::from("weights");
    assert_eq!(make_zero(&s), "weights");
    assert_eq!(*s.make_zero_boxed(), "weights");
    let mut t = s.clone();
    let (ptr, cap) = (t.as_ptr(), t.capacity());
    set_zero(&mut t);
    assert_eq!(t, "weights");
    assert_eq!((t.as_ptr(), t.capacity()), (ptr, cap));
    assert!(floats(&s).is_empty());
}

#[test]
fn str_compares_byte_length_and_boxes() {
    assert!(!noop::<str>());
    assert_passes("abc", "xyz");
    assert_fails("abc", "ab", "", &len(3, 2));
    assert_fails("ü", "u", "", &len(2, 1));
    let boxed: Box<str> = "héllo".make_zero_boxed();
    assert_eq!(&*boxed, "héllo");
    assert_passes("héllo", &*boxed);
    let b: Box<str> = "abc".into();
    assert_fails(&b, &Box::from("abcd"), "", &len(3, 4));
    assert_eq!(&*make_zero(&b), "abc");
    assert!(floats("abc").is_empty());
}

// --------------------------------------------------------------- Option

#[test]
fn option_variants_and_payload_path() {
    assert!(!noop::<Option<f64>>());
    assert!(!noop::<Option<()>>());
    assert_passes(&Some(1.0_f64), &Some(0.0));
    assert_passes(&None::<Vec<f64>>, &None);
    assert_fails(&Some(1.0_f64), &None, "", &variant("Some", "None"));
    assert_fails(&None, &Some(1.0_f64), "", &variant("None", "Some"));
    assert_eq!(
        fail(&Some(1.0_f64), &None).to_string(),
        "shadow does not match its primal: primal is variant `Some`, shadow is variant `None`"
    );
    let error = fail(&Some(vec![1.0_f64, 2.0]), &Some(vec![0.0]));
    assert_eq!(error.path(), ".Some.0");
    assert_eq!(error.mismatch(), &len(2, 1));
    assert_eq!(
        error.segments().collect::<Vec<_>>(),
        [&PathSegment::Variant("Some"), &PathSegment::TupleField(0)]
    );
    assert_eq!(
        error.to_string(),
        "shadow does not match its primal at `.Some.0`: primal has length 2, shadow has length 1"
    );
    assert_fails(
        &Some(Some(vec![1.0_f64])),
        &Some(None),
        ".Some.0",
        &variant("Some", "None"),
    );
}

#[test]
fn option_zero_and_visit() {
    assert_eq!(make_zero(&Some(2.0_f64)), Some(0.0));
    assert_eq!(make_zero(&None::<f64>), None);
    assert_eq!(*Some(vec![1.0_f64]).make_zero_boxed(), Some(vec![0.0]));
    let mut g = Some(vec![1.0_f64, 2.0]);
    let ptr = g.as_ref().map(Vec::as_ptr);
    set_zero(&mut g);
    assert_eq!(g, Some(vec![0.0, 0.0]));
    assert_eq!(g.as_ref().map(Vec::as_ptr), ptr);
    let mut none = None::<f64>;
    set_zero(&mut none);
    assert_eq!(none, None);
    assert_eq!(floats(&Some(3.0_f64)), [3.0]);
    assert!(floats(&None::<f64>).is_empty());
}

// --------------------------------------------------------------- Result

#[test]
fn result_variants_and_payload_paths() {
    type R = Result<Vec<f64>, Vec<f32>>;
    assert!(!noop::<Result<f64, f64>>());
    assert_passes::<R>(&Ok(vec![1.0]), &Ok(vec![0.0]));
    assert_passes::<R>(&Err(vec![1.0]), &Err(vec![0.0]));
    assert_fails::<R>(&Ok(vec![]), &Err(vec![]), "", &variant("Ok", "Err"));
    assert_fails::<R>(&Err(vec![]), &Ok(vec![]), "", &variant("Err", "Ok"));
    assert_fails::<R>(&Ok(vec![1.0]), &Ok(vec![]), ".Ok.0", &len(1, 0));
    assert_fails::<R>(&Err(vec![1.0]), &Err(vec![0.0; 3]), ".Err.0", &len(1, 3));
    assert_eq!(
        fail::<R>(&Err(vec![1.0]), &Err(vec![]))
            .for_argument("r")
            .to_string(),
        "shadow does not match its primal at `r.Err.0`: primal has length 1, shadow has length 0"
    );
    assert_eq!(
        fail::<R>(&Ok(vec![]), &Err(vec![])).to_string(),
        "shadow does not match its primal: primal is variant `Ok`, shadow is variant `Err`"
    );
}

#[test]
fn result_zero_and_visit() {
    type R = Result<f64, (f32, String)>;
    assert_eq!(make_zero::<R>(&Ok(2.0)), Ok(0.0));
    assert_eq!(
        make_zero::<R>(&Err((2.0, "e".into()))),
        Err((0.0, "e".into()))
    );
    assert_eq!(*R::Ok(1.0).make_zero_boxed(), Ok(0.0));
    let mut g: R = Err((5.0, "x".into()));
    set_zero(&mut g);
    assert_eq!(g, Err((0.0, "x".into())));
    assert_eq!(floats::<R>(&Ok(1.5)), [1.5]);
    assert_eq!(floats::<R>(&Err((2.5, String::new()))), [2.5]);
}

// --------------------------------------------------------------- tuples

#[test]
fn tuple_noop_is_the_conjunction() {
    assert!(noop::<(f64,)>());
    assert!(noop::<(f64, u8)>());
    assert!(noop::<(f64, [f32; 2], bool, char, ())>());
    assert!(!noop::<(f64, Vec<f64>)>());
    assert!(!noop::<(Vec<f64>, f64)>());
    assert!(!noop::<(String,)>());
    assert!(noop::<(
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64
    )>());
    assert!(!noop::<(
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        Option<f64>
    )>());
}

#[test]
fn tuple_paths_and_first_mismatch() {
    let t = (vec![1.0_f64], 2.0_f32, Some(vec![1.0_f64, 2.0]));
    assert_passes(&t, &make_zero(&t));
    assert_fails(&t, &(vec![], 0.0, Some(vec![0.0])), ".0", &len(1, 0));
    assert_fails(
        &t,
        &(vec![0.0], 0.0, Some(vec![0.0])),
        ".2.Some.0",
        &len(2, 1),
    );
    assert_fails(&t, &(vec![0.0], 0.0, None), ".2", &variant("Some", "None"));
    let error = fail(&t, &(vec![0.0], 0.0, Some(vec![0.0])));
    assert_eq!(
        error.segments().collect::<Vec<_>>(),
        [
            &PathSegment::TupleField(2),
            &PathSegment::Variant("Some"),
            &PathSegment::TupleField(0)
        ]
    );
    assert_eq!(
        error.to_string(),
        "shadow does not match its primal at `.2.Some.0`: primal has length 2, shadow has length 1"
    );
}

/// For every arity, a mismatch in the last field is reported at `.{arity - 1}`
/// and a mismatch in the first at `.0`.
macro_rules! tuple_arity_tests {
    ($($name:ident: ($($f:tt)*) last $last:tt;)*) => {$(
        #[test]
        fn $name() {
            let primal = ($(tuple_arity_tests!(@value $f),)* vec![1.0_f64, 2.0],);
            let mut shadow = make_zero(&primal);
            assert_passes(&primal, &shadow);
            shadow.$last.push(0.0);
            assert_fails(&primal, &shadow, concat!(".", stringify!($last)), &len(2, 3));
            let mut all = 0;
            primal.visit_floats(&mut |_| all += 1);
            assert_eq!(all, $last + 2);
            let mut zeroed = primal.clone();
            set_zero(&mut zeroed);
            assert_eq!(zeroed, make_zero(&primal));
        }
    )*};
    (@value $f:tt) => { 1.0_f64 };
}

tuple_arity_tests! {
    tuple_1: () last 0;
    tuple_2: (a) last 1;
    tuple_3: (a a) last 2;
    tuple_4: (a a a) last 3;
    tuple_5: (a a a a) last 4;
    tuple_6: (a a a a a) last 5;
    tuple_7: (a a a a a a) last 6;
    tuple_8: (a a a a a a a) last 7;
    tuple_9: (a a a a a a a a) last 8;
    tuple_10: (a a a a a a a a a) last 9;
    tuple_11: (a a a a a a a a a a) last 10;
    tuple_12: (a a a a a a a a a a a) last 11;
}

#[test]
fn tuple_12_every_position_reports_its_index() {
    let p = (
        vec![0.0_f64],
        vec![1.0_f64],
        vec![2.0_f64],
        vec![3.0_f64],
        vec![4.0_f64],
        vec![5.0_f64],
        vec![6.0_f64],
        vec![7.0_f64],
        vec![8.0_f64],
        vec![9.0_f64],
        vec![10.0_f64],
        vec![11.0_f64],
    );
    assert_eq!(floats(&p), (0..12).map(f64::from).collect::<Vec<_>>());
    macro_rules! at {
        ($($i:tt)*) => {$(
            let mut s = make_zero(&p);
            s.$i.clear();
            assert_fails(&p, &s, concat!(".", stringify!($i)), &len(1, 0));
        )*};
    }
    at!(0 1 2 3 4 5 6 7 8 9 10 11);
}

// ------------------------------------------- make_zero / visit, combined

#[test]
fn make_zero_zeroes_floats_and_copies_the_rest() {
    let primal = (
        1.5_f64,
        -2.5_f32,
        42_i32,
        true,
        'λ',
        String::from("name"),
        vec![(3_u8, 4.0_f64), (5, 6.0)],
        Some([7.0_f32, 8.0]),
        Box::new(9.0_f64),
        vec![10.0_f64],
        Ok::<_, u8>(vec![11.0_f64]),
        usize::MAX,
    );
    let zero = make_zero(&primal);
    assert_eq!(
        zero,
        (
            0.0,
            0.0,
            42,
            true,
            'λ',
            String::from("name"),
            vec![(3, 0.0), (5, 0.0)],
            Some([0.0, 0.0]),
            Box::new(0.0),
            vec![0.0],
            Ok(vec![0.0]),
            usize::MAX,
        )
    );
    assert_passes(&primal, &zero);
    assert_eq!(floats(&zero), [0.0; 9]);
    assert_eq!(
        floats(&primal),
        [1.5, -2.5, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    );
    let mut reset = primal.clone();
    set_zero(&mut reset);
    assert_eq!(reset, zero);
}

#[test]
fn visit_floats_order_is_traversal_order() {
    let value = (
        0.5_f32,
        vec![vec![1.0_f64, 2.0], vec![], vec![3.0]],
        [Some(4.0_f64), None, Some(5.0)],
        (Err::<f64, _>(6.0_f32), 7_u64, Box::new([8.0_f64, 9.0])),
        vec![10.0_f32, 11.0],
    );
    assert_eq!(
        floats(&value),
        [0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 9.0, 10.0, 11.0]
    );
}

#[test]
fn visit_floats_mut_same_order_and_writes_through() {
    let mut value = (
        vec![1.0_f64, 2.0],
        3.0_f32,
        Some(Box::new([4.0_f64])),
        String::from("skip"),
        (5_i32, 6.0_f32),
    );
    let expected_order = floats(&value);
    let mut order = Vec::new();
    let mut kinds = Vec::new();
    let mut counter = 0.0;
    value.visit_floats_mut(&mut |mut leaf| {
        order.push(leaf.get());
        kinds.push(matches!(leaf, FloatMut::F32(_)));
        counter += 1.0;
        leaf.set(100.0 + counter);
    });
    assert_eq!(order, expected_order);
    assert_eq!(order, [1.0, 2.0, 3.0, 4.0, 6.0]);
    assert_eq!(kinds, [false, false, true, false, true]);
    assert_eq!(
        value,
        (
            vec![101.0, 102.0],
            103.0,
            Some(Box::new([104.0])),
            String::from("skip"),
            (5, 105.0),
        )
    );
}

#[test]
fn f32_leaf_rounds_on_set() {
    let mut x = [0.0_f32];
    x.visit_floats_mut(&mut |mut leaf| leaf.set(0.1));
    assert_eq!(x, [0.1_f32]);
    x.visit_floats_mut(&mut |mut leaf| leaf.set(1e300));
    assert_eq!(x, [f32::INFINITY]);
}

// ------------------------------------------------------------ ShadowError

#[test]
fn error_constructors_and_display() {
    assert_eq!(
        ShadowError::length(3, 1).to_string(),
        "shadow does not match its primal: primal has length 3, shadow has length 1"
    );
    assert_eq!(
        ShadowError::variant("A", "B").to_string(),
        "shadow does not match its primal: primal is variant `A`, shadow is variant `B`"
    );
    assert_eq!(
        ShadowError::shape(vec![2, 3], vec![3, 2]).mismatch(),
        &Mismatch::Shape {
            primal: vec![2, 3],
            shadow: vec![3, 2]
        }
    );
    assert_eq!(
        ShadowError::shape(vec![2, 3], vec![3]).to_string(),
        "shadow does not match its primal: primal has shape [2, 3], shadow has shape [3]"
    );
    assert_eq!(
        ShadowError::strides(vec![3, 1], vec![-1, 2]).to_string(),
        "shadow does not match its primal: primal has strides [3, 1], shadow has strides [-1, 2]"
    );
    assert_eq!(
        ShadowError::batch_length(2, 3, 5).mismatch(),
        &Mismatch::BatchLength {
            width: 2,
            primal: 3,
            shadow: 5
        }
    );
    assert_eq!(
        ShadowError::batch_length(4, 2, 7).to_string(),
        "shadow does not match its primal: batch of width 4 needs a shadow of length 8 (4 x 2), shadow has length 7"
    );
    // An overflowing product saturates instead of panicking.
    assert_eq!(
        ShadowError::batch_length(usize::MAX, 2, 1).to_string(),
        format!(
            "shadow does not match its primal: batch of width {m} needs a shadow of length {m} ({m} x 2), shadow has length 1",
            m = usize::MAX
        )
    );
}

#[test]
fn error_path_building() {
    let error = ShadowError::length(1, 2)
        .at_index(3)
        .in_field("b")
        .in_tuple_field(1)
        .in_variant("Some")
        .at_index(0)
        .in_field("layers");
    assert_eq!(error.path(), ".layers[0].Some.1.b[3]");
    assert_eq!(
        error.segments().collect::<Vec<_>>(),
        [
            &PathSegment::Field("layers"),
            &PathSegment::Index(0),
            &PathSegment::Variant("Some"),
            &PathSegment::TupleField(1),
            &PathSegment::Field("b"),
            &PathSegment::Index(3),
        ]
    );
    assert_eq!(error.segments().len(), 6);
    assert_eq!(error.segments().next_back(), Some(&PathSegment::Index(3)));
    assert_eq!(error.argument(), None);
    assert_eq!(error.function(), None);
    assert_eq!(error.shadow(), None);
    let named = error.clone().for_argument("m");
    assert_eq!(named.path(), "m.layers[0].Some.1.b[3]");
    assert_eq!(named.argument(), Some("m"));
    assert_ne!(named, error);
    assert_eq!(
        named.to_string(),
        "shadow does not match its primal at `m.layers[0].Some.1.b[3]`: primal has length 1, shadow has length 2"
    );
    let full = named.in_derivative("d_loss", "dm");
    assert_eq!(full.function(), Some("d_loss"));
    assert_eq!(full.shadow(), Some("dm"));
    assert_eq!(
        full.to_string(),
        "d_loss: shadow `dm` does not match its primal `m` at `m.layers[0].Some.1.b[3]`: primal has length 1, shadow has length 2"
    );
}

#[test]
fn error_display_without_argument_or_path() {
    assert_eq!(ShadowError::length(1, 0).path(), "");
    assert_eq!(ShadowError::length(1, 0).for_argument("x").path(), "x");
    assert_eq!(
        ShadowError::length(1, 0).for_argument("x").to_string(),
        "shadow does not match its primal at `x`: primal has length 1, shadow has length 0"
    );
    assert_eq!(
        ShadowError::length(1, 0)
            .in_derivative("d_f", "dx")
            .to_string(),
        "d_f: shadow `dx` does not match its primal: primal has length 1, shadow has length 0"
    );
    assert_eq!(
        ShadowError::length(1, 0)
            .at_index(2)
            .in_derivative("d_f", "dx")
            .to_string(),
        "d_f: shadow `dx` does not match its primal at `[2]`: primal has length 1, shadow has length 0"
    );
}

#[test]
fn error_is_std_error_and_path_segments_display() {
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(ShadowError::length(1, 0));
    assert_eq!(
        boxed.to_string(),
        "shadow does not match its primal: primal has length 1, shadow has length 0"
    );
    assert_eq!(PathSegment::Field("w").to_string(), ".w");
    assert_eq!(PathSegment::TupleField(3).to_string(), ".3");
    assert_eq!(PathSegment::Index(7).to_string(), "[7]");
    assert_eq!(PathSegment::Variant("Poly").to_string(), ".Poly");
    assert_eq!(
        len(3, 1).to_string(),
        "primal has length 3, shadow has length 1"
    );
    assert_eq!(
        variant("Some", "None").to_string(),
        "primal is variant `Some`, shadow is variant `None`"
    );
}

#[test]
fn check_and_method_agree() {
    let v = vec![vec![1.0_f64], vec![2.0]];
    let s = vec![vec![0.0_f64], vec![0.0, 0.0]];
    assert_eq!(check(&v, &s), v.check_shadow(&s));
    assert_eq!(check(&v, &s).unwrap_err().path(), "[1]");
}

#[test]
fn make_zero_keeps_a_vec_capacity() {
    // A derivative that frees or grows a duplicated `Vec` does so with the
    // primal's capacity; `make_zero` gives the shadow that same capacity.
    let mut primal = Vec::with_capacity(10);
    primal.extend([1.0_f64, 2.0, 3.0]);
    let zero = make_zero(&primal);
    assert_eq!(zero, [0.0; 3]);
    assert_eq!(zero.capacity(), primal.capacity());
}
