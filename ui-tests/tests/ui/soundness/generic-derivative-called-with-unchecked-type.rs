use autodiff_safe::autodiff_reverse;

// The derivative bounds `[T]: ShadowCheck` itself, so the primal needs no
// bound; a type without the impl is refused where the derivative is called.
#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum<T: Copy + Into<f64>>(x: &[T]) -> f64 {
    x.iter().map(|value| (*value).into()).sum()
}

#[derive(Clone, Copy)]
struct Meters(f64);

impl From<Meters> for f64 {
    fn from(value: Meters) -> Self {
        value.0
    }
}

fn call() -> f64 {
    let x = [Meters(1.0)];
    let mut dx = [Meters(0.0)];
    d_sum(&x, &mut dx, 1.0)
}

fn main() {}
