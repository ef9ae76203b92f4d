use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Gather<'a> {
    picked: Vec<&'a f64>,
}

fn main() {}
