use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
union Bits {
    float: f64,
    int: u64,
}

fn main() {}
