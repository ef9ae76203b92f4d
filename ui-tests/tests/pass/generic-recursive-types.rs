//! Generic and recursive types: a tree whose nodes hold their successor in
//! `Option<Box<Node<T>>>` and their children in `Vec<Node<T>>`, a recursive
//! generic enum, and a derivative through the tree.

use autodiff_safe::{
    FloatTree, Mismatch, ShadowCheck, autodiff_forward, autodiff_reverse, check, make_zero,
};

#[derive(ShadowCheck, Clone, Debug, PartialEq)]
struct Node<T> {
    value: T,
    next: Option<Box<Node<T>>>,
    children: Vec<Node<T>>,
}

#[derive(ShadowCheck, Clone, Debug, PartialEq)]
enum Expr<T> {
    Leaf(T),
    Add(Box<Expr<T>>, Box<Expr<T>>),
    Sum { terms: Vec<Expr<T>> },
}

/// A generic wrapper whose parameter appears only behind `PhantomData` is not
/// bounded: `Tagged<String, f64>` checks although its tag is never compared.
#[derive(ShadowCheck)]
struct Tagged<Tag, T> {
    tag: std::marker::PhantomData<Tag>,
    values: Vec<T>,
}

fn leaf(value: f64) -> Node<f64> {
    Node {
        value,
        next: None,
        children: Vec::new(),
    }
}

fn tree() -> Node<f64> {
    Node {
        value: 1.0,
        next: Some(Box::new(Node {
            value: 2.0,
            next: None,
            children: vec![leaf(3.0)],
        })),
        children: vec![leaf(4.0), leaf(5.0)],
    }
}

#[autodiff_reverse(d_squares, Duplicated, Active)]
fn squares(node: &Node<f64>) -> f64 {
    node.value * node.value
        + node.next.as_deref().map_or(0.0, squares)
        + node.children.iter().map(squares).sum::<f64>()
}

#[autodiff_forward(d_eval, Dual, Dual)]
fn eval(expr: &Expr<f64>) -> f64 {
    match expr {
        Expr::Leaf(value) => *value,
        Expr::Add(left, right) => eval(left) * eval(right),
        Expr::Sum { terms } => terms.iter().map(eval).sum(),
    }
}

/// A generic primal: the derivative calls it with the same turbofish.
#[autodiff_reverse(d_total, Duplicated, Active)]
fn total<T: ShadowCheck + Copy + Into<f64>>(values: &[T]) -> f64 {
    values.iter().map(|value| (*value).into()).sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs())
}

fn main() {
    let node = tree();
    let mut grad = make_zero(&node);
    let value = d_squares(&node, &mut grad, 1.0);
    assert!(close(value, 55.0), "{value}");
    let mut expected = node.clone();
    set_all(&mut expected, &|x| 2.0 * x);
    let (mut got, mut want) = (Vec::new(), Vec::new());
    grad.visit_floats(&mut |x| got.push(x));
    expected.visit_floats(&mut |x| want.push(x));
    assert_eq!(got.len(), 5);
    assert!(got.iter().zip(&want).all(|(g, w)| close(*g, *w)), "{got:?}");

    let mut pruned = make_zero(&node);
    pruned.next.as_mut().map(|next| next.children.clear());
    let error = check(&node, &pruned).unwrap_err().for_argument("node");
    assert_eq!(error.path(), "node.next.Some.0.children");
    assert_eq!(
        error.mismatch(),
        &Mismatch::Length {
            primal: 1,
            shadow: 0
        }
    );
    let mut short = make_zero(&node);
    let error = try_d_squares(&node, &mut short, 1.0).map(|_| ());
    assert!(error.is_ok());
    short.children.pop();
    let error = try_d_squares(&node, &mut short, 1.0).unwrap_err();
    assert_eq!(error.path(), "node.children");

    // (1 + 2) * x at x = 4: the tangent along x is 3.
    let expr = Expr::Add(
        Box::new(Expr::Sum {
            terms: vec![Expr::Leaf(1.0), Expr::Leaf(2.0)],
        }),
        Box::new(Expr::Leaf(4.0)),
    );
    let along_x = Expr::Add(
        Box::new(Expr::Sum {
            terms: vec![Expr::Leaf(0.0), Expr::Leaf(0.0)],
        }),
        Box::new(Expr::Leaf(1.0)),
    );
    let (value, tangent) = d_eval(&expr, &along_x);
    assert!(
        close(value, 12.0) && close(tangent, 3.0),
        "{value} {tangent}"
    );
    let wrong_variant = Expr::Leaf(0.0);
    let error = try_d_eval(&expr, &wrong_variant).unwrap_err();
    assert_eq!(
        error.mismatch(),
        &Mismatch::Variant {
            primal: "Add",
            shadow: "Leaf"
        }
    );

    let values = [1.0_f64, 2.0, 3.0];
    let mut dvalues = [0.0; 3];
    assert!(close(d_total(&values, &mut dvalues, 1.0), 6.0));
    assert!(dvalues.iter().all(|g| close(*g, 1.0)), "{dvalues:?}");

    let tagged = Tagged::<String, f64> {
        tag: std::marker::PhantomData,
        values: vec![1.0],
    };
    assert!(check(&tagged, &make_zero(&tagged)).is_ok());
}

fn set_all(node: &mut Node<f64>, f: &dyn Fn(f64) -> f64) {
    node.value = f(node.value);
    if let Some(next) = node.next.as_deref_mut() {
        set_all(next, f);
    }
    for child in &mut node.children {
        set_all(child, f);
    }
}
