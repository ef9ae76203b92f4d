use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_first, Duplicated, Active)]
unsafe fn first(x: &[f64]) -> f64 {
    // SAFETY: the caller promises `x` is not empty.
    unsafe { *x.get_unchecked(0) }
}

fn main() {}
