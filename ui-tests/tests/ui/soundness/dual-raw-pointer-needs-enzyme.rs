use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_double, Dual)]
fn double(x: *mut f64) {
    // SAFETY: every caller passes a valid pointer.
    unsafe { *x *= 2.0 }
}

fn main() {}
