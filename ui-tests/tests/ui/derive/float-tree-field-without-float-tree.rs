use std::rc::Rc;

use autodiff_safe::FloatTree;

#[derive(FloatTree)]
struct Model {
    w: Vec<f64>,
    shared: Rc<f64>,
}

fn main() {}
