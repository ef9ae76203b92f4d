use autodiff_safe::FloatTree;

#[derive(FloatTree)]
union Bits {
    float: f64,
    int: u64,
}

fn main() {}
