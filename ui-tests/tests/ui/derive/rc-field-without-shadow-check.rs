use std::rc::Rc;

use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    shared: Rc<f64>,
}

fn main() {}
