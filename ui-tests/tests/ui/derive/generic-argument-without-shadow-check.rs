use std::rc::Rc;

use autodiff_safe::{ShadowCheck, check};

#[derive(ShadowCheck)]
struct Wrapper<T> {
    inner: Vec<T>,
}

fn compare(primal: &Wrapper<Rc<f64>>, shadow: &Wrapper<Rc<f64>>) -> bool {
    check(primal, shadow).is_ok()
}

fn main() {}
