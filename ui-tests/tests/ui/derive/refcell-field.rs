use std::cell::RefCell;

use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Cache {
    weights: RefCell<Vec<f64>>,
}

fn main() {}
