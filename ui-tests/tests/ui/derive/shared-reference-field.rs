use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct View<'a> {
    scale: &'a f64,
}

fn main() {}
