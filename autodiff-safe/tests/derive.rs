//! `#[derive(ShadowCheck)]` on every shape of type: exact paths, mismatches,
//! `CHECK_IS_NOOP`, bounds, `unsafe(skip)`, and the zeroing and visiting
//! methods.

#![allow(
    clippy::float_cmp,
    reason = "zeroed and visited floats are compared exactly, on purpose"
)]

use std::marker::PhantomData;

use autodiff_safe::{FloatTree, PathSegment, ShadowCheck, make_zero, set_zero};

mod common;

use common::{assert_fails, assert_passes, fail, floats, len, noop, variant};

// ---------------------------------------------------------- named structs

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Mlp {
    layers: Vec<Layer>,
    scale: f64,
    name: String,
    steps: u32,
}

fn mlp() -> Mlp {
    Mlp {
        layers: vec![
            Layer {
                w: vec![1.0; 4],
                b: vec![2.0; 2],
            },
            Layer {
                w: vec![3.0; 2],
                b: vec![4.0],
            },
        ],
        scale: 0.5,
        name: "net".into(),
        steps: 7,
    }
}

#[test]
fn named_struct_nested_path() {
    let m = mlp();
    let mut dm = make_zero(&m);
    assert_passes(&m, &dm);
    dm.layers[1].b.push(0.0);
    let error = fail(&m, &dm).for_argument("m");
    assert_eq!(error.path(), "m.layers[1].b");
    assert_eq!(error.mismatch(), &len(1, 2));
    assert_eq!(
        error.segments().collect::<Vec<_>>(),
        [
            &PathSegment::Field("layers"),
            &PathSegment::Index(1),
            &PathSegment::Field("b")
        ]
    );
    assert_eq!(
        error.to_string(),
        "shadow does not match its primal at `m.layers[1].b`: primal has length 1, shadow has length 2"
    );
}

#[test]
fn named_struct_first_field_in_declaration_order_wins() {
    let m = mlp();
    let mut dm = make_zero(&m);
    dm.layers[0].b.clear();
    dm.layers[0].w.clear();
    dm.layers[1].w.clear();
    assert_fails(&m, &dm, ".layers[0].w", &len(4, 0));
    dm.layers.pop();
    assert_fails(&m, &dm, ".layers", &len(2, 1));
    let mut dm = make_zero(&m);
    dm.name.push('!');
    assert_fails(&m, &dm, ".name", &len(3, 4));
}

#[test]
fn named_struct_make_zero_set_zero_visit() {
    let m = mlp();
    let z = make_zero(&m);
    assert_eq!(
        z,
        Mlp {
            layers: vec![
                Layer {
                    w: vec![0.0; 4],
                    b: vec![0.0; 2]
                },
                Layer {
                    w: vec![0.0; 2],
                    b: vec![0.0]
                },
            ],
            scale: 0.0,
            name: "net".into(),
            steps: 7,
        }
    );
    assert_eq!(*m.make_zero_boxed(), z);
    assert_eq!(
        floats(&m),
        [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 0.5]
    );
    let mut g = m.clone();
    let ptrs: Vec<_> = g
        .layers
        .iter()
        .map(|l| (l.w.as_ptr(), l.b.as_ptr()))
        .collect();
    let outer = g.layers.as_ptr();
    set_zero(&mut g);
    assert_eq!(g, z);
    assert_eq!(g.layers.as_ptr(), outer);
    assert_eq!(
        g.layers
            .iter()
            .map(|l| (l.w.as_ptr(), l.b.as_ptr()))
            .collect::<Vec<_>>(),
        ptrs
    );
    let mut count = 0;
    g.visit_floats_mut(&mut |mut leaf| {
        count += 1;
        leaf.set(f64::from(count));
    });
    assert_eq!(floats(&g), (1..=10).map(f64::from).collect::<Vec<_>>());
}

#[derive(ShadowCheck)]
struct Boxed {
    inner: Box<Layer>,
    opt: Option<Vec<f64>>,
    res: Result<Layer, Vec<f32>>,
}

#[test]
fn paths_through_box_option_result() {
    let p = Boxed {
        inner: Box::new(Layer {
            w: vec![1.0],
            b: vec![],
        }),
        opt: Some(vec![1.0, 2.0]),
        res: Ok(Layer {
            w: vec![],
            b: vec![1.0],
        }),
    };
    assert_passes(&p, &make_zero(&p));
    let mut s = make_zero(&p);
    s.inner.w.clear();
    assert_fails(&p, &s, ".inner.w", &len(1, 0));
    let mut s = make_zero(&p);
    s.opt = Some(vec![]);
    assert_fails(&p, &s, ".opt.Some.0", &len(2, 0));
    let mut s = make_zero(&p);
    s.opt = None;
    assert_fails(&p, &s, ".opt", &variant("Some", "None"));
    let mut s = make_zero(&p);
    if let Ok(layer) = &mut s.res {
        layer.b.push(0.0);
    }
    assert_fails(&p, &s, ".res.Ok.0.b", &len(1, 2));
    let mut s = make_zero(&p);
    s.res = Err(vec![]);
    assert_eq!(
        fail(&p, &s).for_argument("p").to_string(),
        "shadow does not match its primal at `p.res`: primal is variant `Ok`, shadow is variant `Err`"
    );
}

// ----------------------------------------------------- tuple / unit structs

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Pair(f64, Vec<f32>, u8);

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Wrap(Pair);

#[derive(ShadowCheck, Debug, Clone, Copy, PartialEq)]
struct Unit;

#[derive(ShadowCheck, Debug, Clone, Copy, PartialEq)]
struct Empty {}

#[derive(ShadowCheck, Debug, Clone, Copy, PartialEq)]
struct EmptyTuple();

#[test]
fn tuple_struct_paths() {
    assert!(!noop::<Pair>());
    let p = Pair(1.0, vec![2.0, 3.0], 9);
    assert_passes(&p, &Pair(0.0, vec![0.0, 0.0], 1));
    assert_fails(&p, &Pair(0.0, vec![0.0], 9), ".1", &len(2, 1));
    let w = Wrap(p.clone());
    assert_fails(&w, &Wrap(Pair(0.0, vec![], 9)), ".0.1", &len(2, 0));
    assert_eq!(
        fail(&w, &Wrap(Pair(0.0, vec![], 9)))
            .segments()
            .collect::<Vec<_>>(),
        [&PathSegment::TupleField(0), &PathSegment::TupleField(1)]
    );
    assert_eq!(make_zero(&w), Wrap(Pair(0.0, vec![0.0, 0.0], 9)));
    assert_eq!(floats(&w), [1.0, 2.0, 3.0]);
    let mut g = w.clone();
    set_zero(&mut g);
    assert_eq!(g, make_zero(&w));
}

#[test]
fn unit_and_empty_structs() {
    assert!(noop::<Unit>());
    assert!(noop::<Empty>());
    assert!(noop::<EmptyTuple>());
    assert_passes(&Unit, &Unit);
    assert_passes(&Empty {}, &Empty {});
    assert_passes(&EmptyTuple(), &EmptyTuple());
    assert_eq!(make_zero(&Unit), Unit);
    assert_eq!(*Unit.make_zero_boxed(), Unit);
    assert_eq!(make_zero(&Empty {}), Empty {});
    assert!(floats(&Unit).is_empty());
    let mut u = Unit;
    set_zero(&mut u);
    // A Vec of a no-op type checks only its length.
    assert_fails(&vec![Unit; 3], &vec![Unit; 2], "", &len(3, 2));
}

// ------------------------------------------------------------------ enums

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Model {
    Empty,
    Linear(f64, Vec<f64>),
    Poly { coeffs: Vec<f64>, degree: usize },
}

#[test]
fn enum_paths_through_variants() {
    assert!(!noop::<Model>());
    let poly = Model::Poly {
        coeffs: vec![1.0, 2.0, 3.0],
        degree: 2,
    };
    assert_passes(&poly, &make_zero(&poly));
    let error = fail(
        &poly,
        &Model::Poly {
            coeffs: vec![0.0],
            degree: 2,
        },
    );
    assert_eq!(error.path(), ".Poly.coeffs");
    assert_eq!(error.mismatch(), &len(3, 1));
    assert_eq!(
        error.segments().collect::<Vec<_>>(),
        [&PathSegment::Variant("Poly"), &PathSegment::Field("coeffs")]
    );
    assert_eq!(
        error.for_argument("model").to_string(),
        "shadow does not match its primal at `model.Poly.coeffs`: primal has length 3, shadow has length 1"
    );
    let linear = Model::Linear(1.0, vec![1.0]);
    assert_fails(
        &linear,
        &Model::Linear(0.0, vec![]),
        ".Linear.1",
        &len(1, 0),
    );
    assert_passes(&Model::Empty, &Model::Empty);
}

#[test]
fn enum_variant_mismatch_names() {
    let poly = Model::Poly {
        coeffs: vec![],
        degree: 0,
    };
    let linear = Model::Linear(0.0, vec![]);
    assert_fails(&poly, &linear, "", &variant("Poly", "Linear"));
    assert_fails(&linear, &poly, "", &variant("Linear", "Poly"));
    assert_fails(&Model::Empty, &linear, "", &variant("Empty", "Linear"));
    assert_fails(&poly, &Model::Empty, "", &variant("Poly", "Empty"));
    assert_eq!(
        fail(&poly, &linear).to_string(),
        "shadow does not match its primal: primal is variant `Poly`, shadow is variant `Linear`"
    );
    let models = vec![Model::Empty, poly.clone(), linear.clone()];
    assert_fails(
        &models,
        &vec![Model::Empty, poly, Model::Empty],
        "[2]",
        &variant("Linear", "Empty"),
    );
}

#[test]
fn enum_make_zero_set_zero_visit() {
    let poly = Model::Poly {
        coeffs: vec![1.0, 2.0],
        degree: 5,
    };
    assert_eq!(
        make_zero(&poly),
        Model::Poly {
            coeffs: vec![0.0, 0.0],
            degree: 5
        }
    );
    assert_eq!(make_zero(&Model::Empty), Model::Empty);
    let linear = Model::Linear(3.0, vec![4.0]);
    assert_eq!(*linear.make_zero_boxed(), Model::Linear(0.0, vec![0.0]));
    assert_eq!(floats(&linear), [3.0, 4.0]);
    assert_eq!(floats(&poly), [1.0, 2.0]);
    assert!(floats(&Model::Empty).is_empty());
    let mut g = poly.clone();
    let Model::Poly { coeffs, .. } = &g else {
        unreachable!()
    };
    let ptr = coeffs.as_ptr();
    set_zero(&mut g);
    assert_eq!(g, make_zero(&poly));
    let Model::Poly { coeffs, .. } = &g else {
        unreachable!()
    };
    assert_eq!(coeffs.as_ptr(), ptr);
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum OneOfFloats {
    Only { a: f64, b: [f32; 2] },
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum OneWithVec {
    Only(Vec<f64>),
}

#[derive(ShadowCheck, Debug, Clone, Copy, PartialEq)]
enum OneUnit {
    Only,
}

#[derive(ShadowCheck, Debug, Clone, Copy, PartialEq)]
enum TwoUnits {
    A,
    B,
}

#[test]
fn single_variant_enums() {
    assert!(noop::<OneOfFloats>());
    assert!(noop::<OneUnit>());
    assert!(!noop::<OneWithVec>());
    let a = OneOfFloats::Only {
        a: 1.0,
        b: [2.0, 3.0],
    };
    assert_passes(
        &a,
        &OneOfFloats::Only {
            a: 0.0,
            b: [0.0, 0.0],
        },
    );
    assert_eq!(
        make_zero(&a),
        OneOfFloats::Only {
            a: 0.0,
            b: [0.0, 0.0]
        }
    );
    assert_eq!(floats(&a), [1.0, 2.0, 3.0]);
    assert_fails(
        &OneWithVec::Only(vec![1.0]),
        &OneWithVec::Only(vec![]),
        ".Only.0",
        &len(1, 0),
    );
    assert_passes(&OneUnit::Only, &OneUnit::Only);
}

#[test]
fn fieldless_enum_with_two_variants_is_checked() {
    assert!(!noop::<TwoUnits>());
    assert_passes(&TwoUnits::A, &TwoUnits::A);
    assert_fails(&TwoUnits::A, &TwoUnits::B, "", &variant("A", "B"));
    assert_eq!(make_zero(&TwoUnits::B), TwoUnits::B);
    // A Vec of a checked type checks every element.
    assert_fails(
        &vec![TwoUnits::A, TwoUnits::B],
        &vec![TwoUnits::A, TwoUnits::A],
        "[1]",
        &variant("B", "A"),
    );
}

#[derive(ShadowCheck)]
enum Never {}

#[test]
fn zero_variant_enum_compiles() {
    // No value exists, so its check can never fail.
    assert!(noop::<Never>());
    assert_passes(&Vec::<Never>::new(), &Vec::new());
}

// --------------------------------------------------------------- generics

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct W<T> {
    x: Vec<T>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Bare<T>(T);

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct WithWhere<T, U = f64>
where
    T: Copy,
{
    t: [T; 2],
    u: Vec<U>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum GenericEnum<T, E> {
    Value(T),
    Many(Vec<T>),
    Failed { error: E },
}

#[test]
fn generic_struct() {
    assert!(!noop::<W<f64>>());
    let w = W {
        x: vec![vec![1.0_f64], vec![2.0, 3.0]],
    };
    assert_fails(
        &w,
        &W {
            x: vec![vec![0.0], vec![0.0]],
        },
        ".x[1]",
        &len(2, 1),
    );
    assert_eq!(
        make_zero(&w),
        W {
            x: vec![vec![0.0], vec![0.0, 0.0]]
        }
    );
    assert!(noop::<Bare<f64>>());
    assert!(noop::<Bare<(f32, u8)>>());
    assert!(!noop::<Bare<Vec<f64>>>());
    assert_fails(&Bare(vec![1.0_f64]), &Bare(vec![]), ".0", &len(1, 0));
    assert_eq!(make_zero(&Bare(Some(2.0_f64))), Bare(Some(0.0)));
}

#[test]
fn generic_with_where_clause_and_default() {
    let v: WithWhere<f32> = WithWhere {
        t: [1.0, 2.0],
        u: vec![3.0],
    };
    assert_fails(
        &v,
        &WithWhere {
            t: [0.0, 0.0],
            u: vec![],
        },
        ".u",
        &len(1, 0),
    );
    assert_eq!(floats(&v), [1.0, 2.0, 3.0]);
    let nested: WithWhere<u8, Vec<f64>> = WithWhere {
        t: [1, 2],
        u: vec![vec![1.0]],
    };
    assert_fails(
        &nested,
        &WithWhere {
            t: [1, 2],
            u: vec![vec![]],
        },
        ".u[0]",
        &len(1, 0),
    );
}

#[test]
fn generic_enum() {
    type G = GenericEnum<Vec<f64>, String>;
    assert!(!noop::<GenericEnum<f64, f64>>());
    let many: G = GenericEnum::Many(vec![vec![1.0], vec![]]);
    assert_fails(
        &many,
        &GenericEnum::Many(vec![vec![0.0], vec![0.0]]),
        ".Many.0[1]",
        &len(0, 1),
    );
    let failed: G = GenericEnum::Failed { error: "ab".into() };
    assert_fails(
        &failed,
        &GenericEnum::Failed { error: "a".into() },
        ".Failed.error",
        &len(2, 1),
    );
    assert_fails(
        &failed,
        &GenericEnum::Value(vec![]),
        "",
        &variant("Failed", "Value"),
    );
    assert_eq!(make_zero(&failed), failed);
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct A<const N: usize> {
    x: [Vec<f64>; N],
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Fixed<const N: usize> {
    x: [f64; N],
}

#[test]
fn const_generics() {
    assert!(!noop::<A<3>>());
    assert!(noop::<Fixed<3>>());
    let a = A {
        x: [vec![1.0], vec![2.0, 3.0], vec![]],
    };
    assert_passes(&a, &make_zero(&a));
    assert_fails(
        &a,
        &A {
            x: [vec![0.0], vec![0.0, 0.0], vec![0.0]],
        },
        ".x[2]",
        &len(0, 1),
    );
    assert_eq!(
        make_zero(&a),
        A {
            x: [vec![0.0], vec![0.0, 0.0], vec![]]
        }
    );
    assert_eq!(floats(&a), [1.0, 2.0, 3.0]);
    let f = Fixed { x: [1.0, 2.0] };
    assert_eq!(make_zero(&f), Fixed { x: [0.0, 0.0] });
}

/// Implements nothing: the derive must not require it where it is only a
/// marker.
#[derive(Debug, Clone, PartialEq)]
struct NotShadow;

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Tagged<T, U> {
    values: Vec<T>,
    _unit: PhantomData<U>,
    markers: Vec<PhantomData<U>>,
    _qualified: std::marker::PhantomData<(U, *const U)>,
}

#[test]
fn phantom_generic_is_not_bounded() {
    let t: Tagged<f64, NotShadow> = Tagged {
        values: vec![1.0, 2.0],
        _unit: PhantomData,
        markers: vec![PhantomData],
        _qualified: PhantomData,
    };
    assert!(!noop::<Tagged<f64, NotShadow>>());
    assert_passes(&t, &make_zero(&t));
    let mut s = make_zero(&t);
    s.values.push(0.0);
    assert_fails(&t, &s, ".values", &len(2, 3));
    let mut s = make_zero(&t);
    s.markers.clear();
    assert_fails(&t, &s, ".markers", &len(1, 0));
    assert_eq!(floats(&t), [1.0, 2.0]);
}

#[derive(ShadowCheck, Debug)]
struct Borrowing<'a, T> {
    data: Vec<T>,
    _borrow: PhantomData<&'a T>,
    _cell: PhantomData<&'a std::cell::Cell<f64>>,
}

#[derive(ShadowCheck, Debug)]
enum BorrowingEnum<'a, 'b: 'a> {
    A(Vec<f64>, PhantomData<&'a ()>),
    B { x: f32, _m: PhantomData<&'b mut ()> },
}

#[test]
fn lifetimes_in_phantom_data() {
    let b: Borrowing<'_, f64> = Borrowing {
        data: vec![1.0],
        _borrow: PhantomData,
        _cell: PhantomData,
    };
    let mut s = make_zero(&b);
    assert_passes(&b, &s);
    s.data.clear();
    assert_fails(&b, &s, ".data", &len(1, 0));
    let e = BorrowingEnum::A(vec![1.0], PhantomData);
    assert_fails(
        &e,
        &BorrowingEnum::A(vec![], PhantomData),
        ".A.0",
        &len(1, 0),
    );
    assert_fails(
        &e,
        &BorrowingEnum::B {
            x: 0.0,
            _m: PhantomData,
        },
        "",
        &variant("A", "B"),
    );
}

// ------------------------------------------------------------- recursion

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Node<T> {
    value: T,
    children: Vec<Node<T>>,
    next: Option<Box<Node<T>>>,
}

fn leaf<T>(value: T) -> Node<T> {
    Node {
        value,
        children: vec![],
        next: None,
    }
}

fn tree<T: Clone>(a: T, b: T, c: T) -> Node<T> {
    Node {
        value: a,
        children: vec![
            leaf(b.clone()),
            Node {
                value: b,
                children: vec![leaf(c.clone())],
                next: None,
            },
        ],
        next: Some(Box::new(leaf(c))),
    }
}

#[test]
fn recursive_tree_of_floats() {
    assert!(!noop::<Node<f64>>());
    let t = tree(1.0_f64, 2.0, 3.0);
    let z = make_zero(&t);
    assert_passes(&t, &z);
    assert_eq!(z, tree(0.0, 0.0, 0.0));
    assert_eq!(floats(&t), [1.0, 2.0, 2.0, 3.0, 3.0]);
    let mut s = z.clone();
    s.children[1].children.push(leaf(0.0));
    assert_fails(&t, &s, ".children[1].children", &len(1, 2));
    let mut s = z.clone();
    s.next = None;
    assert_fails(&t, &s, ".next", &variant("Some", "None"));
    let mut s = z.clone();
    s.next.as_mut().unwrap().next = Some(Box::new(leaf(0.0)));
    assert_fails(&t, &s, ".next.Some.0.next", &variant("None", "Some"));
    let mut g = t.clone();
    set_zero(&mut g);
    assert_eq!(g, z);
}

#[test]
fn recursive_tree_of_vecs() {
    assert!(!noop::<Node<Vec<f64>>>());
    let t = tree(vec![1.0_f64], vec![2.0, 2.5], vec![3.0]);
    let z = make_zero(&t);
    assert_passes(&t, &z);
    assert_eq!(floats(&t), [1.0, 2.0, 2.5, 2.0, 2.5, 3.0, 3.0]);
    let mut s = z.clone();
    s.children[1].children[0].value.push(0.0);
    let error = fail(&t, &s).for_argument("tree");
    assert_eq!(error.path(), "tree.children[1].children[0].value");
    assert_eq!(error.mismatch(), &len(1, 2));
    let mut s = z;
    s.next.as_mut().unwrap().value.clear();
    assert_fails(&t, &s, ".next.Some.0.value", &len(1, 0));
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Expr {
    Num(f64),
    Var { name: String },
    Add(Box<Expr>, Box<Expr>),
    Sum(Vec<Expr>),
}

#[test]
fn recursive_enum_through_box() {
    assert!(!noop::<Expr>());
    assert!(!noop::<Box<Expr>>());
    let e = Expr::Add(
        Box::new(Expr::Num(1.0)),
        Box::new(Expr::Sum(vec![
            Expr::Num(2.0),
            Expr::Var { name: "x".into() },
        ])),
    );
    assert_passes(&e, &make_zero(&e));
    assert_eq!(floats(&e), [1.0, 2.0]);
    let s = Expr::Add(
        Box::new(Expr::Num(0.0)),
        Box::new(Expr::Sum(vec![Expr::Num(0.0), Expr::Num(0.0)])),
    );
    assert_fails(&e, &s, ".Add.1.Sum.0[1]", &variant("Var", "Num"));
    let list = vec![e.clone(), Expr::Num(1.0)];
    assert_fails(
        &list,
        &vec![e, Expr::Sum(vec![])],
        "[1]",
        &variant("Num", "Sum"),
    );
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct List {
    value: Vec<f64>,
    next: Option<Box<Self>>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum SelfExpr {
    Leaf(f64),
    Mul(Box<Self>, Box<Self>),
}

#[test]
fn recursion_through_self() {
    assert!(!noop::<List>());
    assert!(!noop::<SelfExpr>());
    let l = List {
        value: vec![1.0],
        next: Some(Box::new(List {
            value: vec![2.0, 3.0],
            next: None,
        })),
    };
    let mut s = make_zero(&l);
    assert_passes(&l, &s);
    s.next.as_mut().unwrap().value.pop();
    assert_fails(&l, &s, ".next.Some.0.value", &len(2, 1));
    let e = SelfExpr::Mul(Box::new(SelfExpr::Leaf(2.0)), Box::new(SelfExpr::Leaf(3.0)));
    assert_eq!(floats(&e), [2.0, 3.0]);
    assert_fails(
        &e,
        &SelfExpr::Mul(Box::new(SelfExpr::Leaf(0.0)), Box::new(make_zero(&e))),
        ".Mul.1",
        &variant("Leaf", "Mul"),
    );
}

// ----------------------------------------------------------- unsafe(skip)

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct WithSkip {
    weights: Vec<f64>,
    // SAFETY: (test) no derivative touches this field's shadow.
    #[shadow(unsafe(skip))]
    cache: Vec<f64>,
    // SAFETY: (test) no derivative touches this field's shadow.
    #[shadow(unsafe(skip))]
    label: &'static str,
    // SAFETY: (test) no derivative touches this field's shadow.
    #[shadow(unsafe(skip))]
    bias: f64,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum EnumWithSkip {
    // SAFETY: (test) no derivative touches this field's shadow.
    A(#[shadow(unsafe(skip))] Vec<f64>, f64),
    B {
        // SAFETY: (test) no derivative touches this field's shadow.
        #[shadow(unsafe(skip))]
        cache: Vec<f32>,
        kept: Vec<f32>,
    },
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct TupleWithSkip(
    // SAFETY: (test) no derivative touches this field's shadow.
    #[shadow(unsafe(skip))] Vec<f64>,
    Vec<f64>,
    // SAFETY: (test) no derivative touches this field's shadow.
    #[shadow(unsafe(skip))] f64,
);

/// A skipped generic parameter needs only `Clone`.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct SkipGeneric<T> {
    x: f64,
    // SAFETY: (test) no derivative touches this field's shadow.
    #[shadow(unsafe(skip))]
    meta: T,
}

#[test]
fn skipped_field_is_not_checked() {
    let p = WithSkip {
        weights: vec![1.0],
        cache: vec![5.0; 3],
        label: "p",
        bias: 2.0,
    };
    let s = WithSkip {
        weights: vec![0.0],
        cache: vec![],
        label: "a longer label",
        bias: 0.0,
    };
    assert_passes(&p, &s);
    let mut s2 = s;
    s2.weights.clear();
    assert_fails(&p, &s2, ".weights", &len(1, 0));
    assert!(!noop::<WithSkip>());
}

#[test]
fn skipped_field_is_cloned_not_visited_not_zeroed() {
    let p = WithSkip {
        weights: vec![1.0, 2.0],
        cache: vec![5.0; 3],
        label: "p",
        bias: 2.0,
    };
    assert_eq!(
        make_zero(&p),
        WithSkip {
            weights: vec![0.0, 0.0],
            cache: vec![5.0; 3],
            label: "p",
            bias: 2.0
        }
    );
    assert_eq!(floats(&p), [1.0, 2.0]);
    let mut g = p.clone();
    set_zero(&mut g);
    assert_eq!(
        g,
        WithSkip {
            weights: vec![0.0, 0.0],
            cache: vec![5.0; 3],
            label: "p",
            bias: 2.0
        }
    );
    let mut visited = 0;
    g.visit_floats_mut(&mut |_| visited += 1);
    assert_eq!(visited, 2);
}

#[test]
fn skipped_fields_in_enum_variants() {
    // Every checked field is a float, so only the variant can differ.
    assert!(!noop::<EnumWithSkip>());
    let a = EnumWithSkip::A(vec![1.0; 4], 3.0);
    assert_passes(&a, &EnumWithSkip::A(vec![], 0.0));
    assert_eq!(make_zero(&a), EnumWithSkip::A(vec![1.0; 4], 0.0));
    assert_eq!(floats(&a), [3.0]);
    let b = EnumWithSkip::B {
        cache: vec![1.0],
        kept: vec![2.0],
    };
    assert_passes(
        &b,
        &EnumWithSkip::B {
            cache: vec![],
            kept: vec![0.0],
        },
    );
    assert_fails(
        &b,
        &EnumWithSkip::B {
            cache: vec![1.0],
            kept: vec![],
        },
        ".B.kept",
        &len(1, 0),
    );
    assert_eq!(floats(&b), [2.0]);
    let mut g = b.clone();
    set_zero(&mut g);
    assert_eq!(
        g,
        EnumWithSkip::B {
            cache: vec![1.0],
            kept: vec![0.0]
        }
    );
}

#[test]
fn skipped_fields_in_tuple_struct() {
    let p = TupleWithSkip(vec![1.0], vec![2.0], 3.0);
    assert_passes(&p, &TupleWithSkip(vec![], vec![0.0], 0.0));
    assert_fails(&p, &TupleWithSkip(vec![1.0], vec![], 3.0), ".1", &len(1, 0));
    assert_eq!(make_zero(&p), TupleWithSkip(vec![1.0], vec![0.0], 3.0));
    assert_eq!(floats(&p), [2.0]);
    let mut g = p.clone();
    set_zero(&mut g);
    assert_eq!(g, TupleWithSkip(vec![1.0], vec![0.0], 3.0));
}

#[test]
fn skipped_generic_needs_only_clone() {
    assert!(noop::<SkipGeneric<NotShadow>>());
    assert!(noop::<SkipGeneric<Vec<f64>>>());
    let p = SkipGeneric {
        x: 1.0,
        meta: NotShadow,
    };
    assert_passes(
        &p,
        &SkipGeneric {
            x: 0.0,
            meta: NotShadow,
        },
    );
    assert_eq!(
        make_zero(&p),
        SkipGeneric {
            x: 0.0,
            meta: NotShadow
        }
    );
    let v = SkipGeneric {
        x: 1.0,
        meta: vec![1.0_f64],
    };
    assert_passes(
        &v,
        &SkipGeneric {
            x: 0.0,
            meta: vec![],
        },
    );
    assert_eq!(
        make_zero(&v),
        SkipGeneric {
            x: 0.0,
            meta: vec![1.0]
        }
    );
}

// ------------------------------------------------------- raw identifiers

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Raw {
    r#type: Vec<f64>,
    r#fn: f64,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
#[allow(non_camel_case_types, reason = "keyword variant names, on purpose")]
enum RawEnum {
    r#struct { r#in: Vec<f64> },
    r#enum(Vec<f64>),
}

#[test]
fn raw_identifiers_are_unraw_in_paths() {
    let r = Raw {
        r#type: vec![1.0],
        r#fn: 2.0,
    };
    assert_fails(
        &r,
        &Raw {
            r#type: vec![],
            r#fn: 0.0,
        },
        ".type",
        &len(1, 0),
    );
    assert_eq!(
        fail(
            &r,
            &Raw {
                r#type: vec![],
                r#fn: 0.0
            }
        )
        .segments()
        .collect::<Vec<_>>(),
        [&PathSegment::Field("type")]
    );
    assert_eq!(
        make_zero(&r),
        Raw {
            r#type: vec![0.0],
            r#fn: 0.0
        }
    );
    assert_eq!(floats(&r), [1.0, 2.0]);
}

#[test]
fn raw_variant_names_are_unraw() {
    let s = RawEnum::r#struct { r#in: vec![1.0] };
    assert_fails(
        &s,
        &RawEnum::r#struct { r#in: vec![] },
        ".struct.in",
        &len(1, 0),
    );
    assert_fails(
        &RawEnum::r#enum(vec![1.0]),
        &RawEnum::r#enum(vec![]),
        ".enum.0",
        &len(1, 0),
    );
    assert_fails(&s, &RawEnum::r#enum(vec![]), "", &variant("struct", "enum"));
}

// ---------------------------------------------------------- CHECK_IS_NOOP

#[derive(ShadowCheck)]
struct Floats {
    a: f64,
    b: [f32; 3],
    c: (f64, u8),
    d: Box<f64>,
    e: PhantomData<Vec<f64>>,
    f: Unit,
}

#[derive(ShadowCheck)]
struct FloatsAndVec {
    a: f64,
    b: Vec<f64>,
}

#[derive(ShadowCheck)]
struct NestedNoop {
    inner: [Floats; 2],
    single: OneOfFloats,
}

#[derive(ShadowCheck)]
enum TwoFloatVariants {
    A(f64),
    B(f64),
}

#[test]
fn check_is_noop_for_derived_types() {
    assert!(noop::<Floats>());
    assert!(!noop::<FloatsAndVec>());
    assert!(noop::<NestedNoop>());
    assert!(noop::<[NestedNoop; 4]>());
    assert!(!noop::<TwoFloatVariants>());
    assert!(noop::<OneOfFloats>());
    assert!(!noop::<OneWithVec>());
    assert!(!noop::<Model>());
    assert!(!noop::<Option<Floats>>());
    assert_fails(
        &TwoFloatVariants::A(1.0),
        &TwoFloatVariants::B(1.0),
        "",
        &variant("A", "B"),
    );
    assert_fails(
        &vec![TwoFloatVariants::A(1.0), TwoFloatVariants::B(1.0)],
        &vec![TwoFloatVariants::A(1.0), TwoFloatVariants::A(1.0)],
        "[1]",
        &variant("B", "A"),
    );
}

// ------------------------------------------------------ a combined model

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Activation {
    Relu,
    Leaky { slope: f64 },
    Table(Vec<f32>),
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Big {
    layers: Vec<Layer>,
    activations: Vec<Activation>,
    head: Option<Box<Node<f64>>>,
    grid: [[f64; 2]; 2],
    tag: (u8, char, bool),
}

#[test]
fn combined_model() {
    let b = Big {
        layers: vec![Layer {
            w: vec![1.0],
            b: vec![2.0],
        }],
        activations: Vec::from([
            Activation::Relu,
            Activation::Leaky { slope: 0.1 },
            Activation::Table(vec![0.5]),
        ]),
        head: Some(Box::new(tree(3.0, 4.0, 5.0))),
        grid: [[6.0, 7.0], [8.0, 9.0]],
        tag: (1, 'z', true),
    };
    let z = make_zero(&b);
    assert_passes(&b, &z);
    assert_eq!(z.tag, (1, 'z', true));
    assert_eq!(floats(&z), [0.0; 13]);
    assert_eq!(
        floats(&b),
        [
            1.0, 2.0, 0.1, 0.5, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 9.0
        ]
    );
    let mut s = z.clone();
    s.activations[2] = Activation::Table(vec![]);
    assert_fails(&b, &s, ".activations[2].Table.0", &len(1, 0));
    let mut s = z.clone();
    s.activations[1] = Activation::Relu;
    assert_eq!(
        fail(&b, &s).for_argument("big").to_string(),
        "shadow does not match its primal at `big.activations[1]`: primal is variant `Leaky`, shadow is variant `Relu`"
    );
    let mut s = z.clone();
    s.head.as_mut().unwrap().children[1].children.clear();
    assert_fails(&b, &s, ".head.Some.0.children[1].children", &len(1, 0));
    let mut g = b.clone();
    set_zero(&mut g);
    assert_eq!(g, z);
}
