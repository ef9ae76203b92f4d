// Red team, stable tier (the reference backend expands the same macros).
// class 6 (issue 17): a hand-written context marker claims the
// method is in `impl Tr for Inner` while it is in `impl Outer`, where
// `Outer: Deref<Target = Inner>`. The checks would compare `Outer` with
// `Outer` and user `Deref` code would run between the check and Enzyme.
// What the marker claims must be verified: refused at compile time.
#![forbid(unsafe_code)]

#[derive(autodiff_safe::ShadowCheck)]
pub struct Inner {
    pub w: Vec<f64>,
}

#[derive(autodiff_safe::ShadowCheck)]
pub struct Outer {
    pub a: Inner,
    pub b: Inner,
}

static FLIP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl std::ops::Deref for Outer {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        // Returns another field on every call: the checked one is not the
        // one Enzyme reads.
        if FLIP.fetch_xor(true, std::sync::atomic::Ordering::Relaxed) {
            &self.a
        } else {
            &self.b
        }
    }
}

pub trait Tr {}
impl Tr for Inner {}

impl Outer {
    // After the attribute, where `#[autodiff_impl]` puts it, so that the
    // attribute reads it (placed first, it expands to nothing and the method
    // is an ordinary inherent one, checked as `Outer`).
    #[autodiff_safe::autodiff_reverse(d_sum, Duplicated, Active)]
    #[autodiff_safe::__autodiff_context(impl Tr for Inner {})]
    fn sum(&self) -> f64 {
        self.w.iter().sum()
    }
}

fn main() {}
