use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Buffer {
    data: *mut f64,
    len: usize,
}

fn main() {}
