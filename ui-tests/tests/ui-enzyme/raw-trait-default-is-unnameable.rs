// Under `#[autodiff_trait]`, a provided method's raw derivative is a `fn`
// nested in the checked derivative's body, generic over the implementor,
// not a trait item: no one can call it, even with the token that
// `unsafe fn unchecked()` hands out.
#![feature(autodiff)]

mod model {
    use autodiff_safe::{autodiff_reverse, autodiff_trait};
    #[autodiff_trait]
    pub trait Loss {
        #[autodiff_reverse(d_loss, Const, Duplicated, Active)]
        fn loss(&self, x: &[f64]) -> f64 {
            x.iter().map(|v| v * v).sum()
        }
    }
    pub struct M;
    impl Loss for M {}
}

use model::Loss;

fn call() -> f64 {
    let x = vec![1.0; 8];
    let mut dx = vec![0.0; 1];
    // SAFETY: none; the call must not compile.
    let token = unsafe { autodiff_safe::__private_0_1::unchecked() };
    model::M.__autodiff_safe_raw_d_loss(token, &x, &mut dx, 1.0)
}

fn main() {}
