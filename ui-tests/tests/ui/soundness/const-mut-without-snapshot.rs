// The reference backend copies `Const &mut` arguments before each primal
// call; a type it cannot copy is refused at the argument, not left to drift.
use autodiff_safe::autodiff_reverse;

struct Counter {
    calls: u32,
}

#[autodiff_reverse(d_f, Active, Const, Active)]
fn f(x: f64, counter: &mut Counter) -> f64 {
    counter.calls += 1;
    x * f64::from(counter.calls)
}

fn main() {}
