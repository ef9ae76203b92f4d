use autodiff_safe::ShadowCheck;

macro_rules! weights {
    () => {
        Vec<f64>
    };
}

#[derive(ShadowCheck)]
struct Model {
    w: weights!(),
}

fn main() {}
