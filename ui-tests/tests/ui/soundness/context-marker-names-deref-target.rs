// A hand-written block marker claims that a method of `Outer` is in
// `impl Tr for Inner`: the checks would compare `Outer`s while std's raw
// derivative took an `&Inner` reached through `Outer`'s `Deref` after the
// checks. The marker's self type must be `Self`.
use std::ops::Deref;

use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
pub struct Inner {
    pub w: Vec<f64>,
}

#[derive(ShadowCheck)]
pub struct Outer {
    pub inner: Inner,
    pub other: Inner,
}

impl Deref for Outer {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.other
    }
}

pub trait Tr {
    fn loss(&self) -> f64;
    fn d_loss(&self, dself: &mut Self, dret: f64) -> f64;
}

impl Tr for Inner {
    fn loss(&self) -> f64 {
        self.w.iter().sum()
    }
    fn d_loss(&self, _: &mut Self, _: f64) -> f64 {
        0.0
    }
}

impl Outer {
    #[autodiff_reverse(d_loss, Duplicated, Active)]
    #[autodiff_safe::__autodiff_context(impl Tr for Inner {})]
    pub fn loss(&self) -> f64 {
        self.inner.w.iter().sum()
    }
}

fn main() {}
