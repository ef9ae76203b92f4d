use std::cell::Cell;

use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Counter {
    total: Cell<f64>,
}

fn main() {}
