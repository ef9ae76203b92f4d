use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_first, Duplicated, Active)]
fn first(x: *const f64) -> f64 {
    // SAFETY: every caller passes a valid pointer.
    unsafe { *x }
}

fn main() {}
