use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_scale, Duplicated, Const, Active)]
fn scale(x: &mut [f64], factor: f64) {
    for value in x {
        *value *= factor;
    }
}

fn main() {}
