//! The attribute macros name everything by absolute path: they work without
//! the prelude, next to user types that take the prelude's names.

#![no_implicit_prelude]

mod math {
    use ::autodiff_safe::{ShadowCheck, autodiff, autodiff_forward, autodiff_reverse};

    pub struct Result;
    pub struct Option;
    pub struct Vec;
    pub struct Box;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct Clone;
    pub trait Iterator {}
    pub trait IntoIterator {}

    #[derive(ShadowCheck)]
    pub struct Model {
        pub w: ::std::vec::Vec<f64>,
    }

    #[autodiff_reverse(d_square, Active, Active)]
    pub fn square(x: f64) -> f64 {
        x * x
    }

    pub struct Spring;

    #[::autodiff_safe::autodiff_impl]
    impl Spring {
        #[autodiff_reverse(d_stretch, Active, Active)]
        pub fn stretch(x: f64) -> f64 {
            Self::stiffness() * x * x
        }

        fn stiffness() -> f64 {
            0.5
        }
    }

    #[::autodiff_safe::autodiff_trait]
    pub trait Energy {
        #[autodiff_reverse(d_energy, Const, Active, Active)]
        fn energy(&self, x: f64) -> f64;
    }

    impl Energy for Spring {
        fn energy(&self, x: f64) -> f64 {
            x * x * x
        }
    }

    #[autodiff_reverse(d_dot, Duplicated, Const, Active)]
    pub fn dot(w: &[f64], x: &[f64]) -> f64 {
        let mut total = 0.0;
        let mut i = 0;
        while i < w.len() {
            total += w[i] * x[i];
            i += 1;
        }
        total
    }

    #[autodiff_forward(d_scale, Dual, Const)]
    pub fn scale(y: &mut [f64], factor: f64) {
        let mut i = 0;
        while i < y.len() {
            y[i] *= factor;
            i += 1;
        }
    }

    #[autodiff_forward(d_cube, 2, Dualv, Dual)]
    pub fn cube(x: &[f64]) -> f64 {
        x[0] * x[0] * x[0]
    }

    /// Two tangents of an in-place update, back to back in one shadow.
    #[autodiff_forward(d_square_all, 2, Dualv)]
    pub fn square_all(y: &mut [f64]) {
        let mut i = 0;
        while i < y.len() {
            y[i] *= y[i];
            i += 1;
        }
    }

    /// Behind `&mut`, in both modes: the fingerprint before a reverse call and
    /// the walk after the call, by absolute paths.
    #[autodiff_forward(d_double_model, Dual, Dual)]
    pub fn double_model(model: &mut Model) -> f64 {
        model.w[0] *= 2.0;
        model.w[0]
    }

    // Reverse mode behind `&mut` takes a structure no value can change.
    #[autodiff_reverse(d_model_square, Duplicated, Active)]
    pub fn model_square(w: &mut [f64]) -> f64 {
        w[0] * w[0]
    }

    #[autodiff(d_norm, Reverse, Duplicated, Active)]
    pub fn norm(model: &Model) -> f64 {
        let mut total = 0.0;
        let mut i = 0;
        while i < model.w.len() {
            total += model.w[i] * model.w[i];
            i += 1;
        }
        total
    }

    impl Model {
        #[autodiff_reverse(d_first, Duplicated, Active)]
        pub fn first(&self) -> f64 {
            self.w[0]
        }
    }

    pub fn unused() -> (Result, Option, Vec, Box, Some, None, Ok, Err, Clone) {
        (Result, Option, Vec, Box, Some, None, Ok, Err, Clone)
    }
}

fn close(a: f64, b: f64) -> bool {
    let scale = if b < 0.0 { 1.0 - b } else { 1.0 + b };
    let error = if a < b { b - a } else { a - b };
    error <= 1e-6 * scale
}

fn main() {
    use ::std::{assert, vec};

    let (value, gradient) = math::d_square(3.0, 1.0);
    ::std::assert!(close(value, 9.0) && close(gradient, 6.0));

    let (value, gradient) = math::Spring::d_stretch(2.0, 1.0);
    ::std::assert!(close(value, 2.0) && close(gradient, 2.0));
    let (value, gradient) = math::Energy::d_energy(&math::Spring, 2.0, 1.0);
    ::std::assert!(close(value, 8.0) && close(gradient, 12.0));

    let w = [1.0, 2.0];
    let mut dw = [0.0; 2];
    let value = math::d_dot(&w, &mut dw, &[3.0, 4.0], 1.0);
    assert!(close(value, 11.0) && close(dw[0], 3.0) && close(dw[1], 4.0));

    let mut y = [1.0, 2.0];
    let mut by = [1.0, 0.0];
    math::d_scale(&mut y, &mut by, 3.0);
    assert!(close(y[0], 3.0) && close(by[0], 3.0) && close(by[1], 0.0));

    // Two tangents of x^3 at 2 in one slice: 12 * 1 and 12 * 0.5.
    let [value, first, second] = math::d_cube(&[2.0], &[1.0, 0.5]);
    assert!(close(value, 8.0) && close(first, 12.0) && close(second, 6.0));

    let mut y = [1.0, 3.0];
    let mut by = [1.0, 0.0, 0.0, 1.0];
    math::d_square_all(&mut y, &mut by);
    assert!(close(y[0], 1.0) && close(y[1], 9.0));
    assert!(close(by[0], 2.0) && close(by[1], 0.0) && close(by[2], 0.0) && close(by[3], 6.0));

    let model = math::Model { w: vec![1.0, -2.0] };
    let mut grad = ::autodiff_safe::make_zero(&model);
    let value = math::d_norm(&model, &mut grad, 1.0);
    assert!(close(value, 5.0) && close(grad.w[0], 2.0) && close(grad.w[1], -4.0));

    let mut grad = ::autodiff_safe::make_zero(&model);
    let value = model.d_first(&mut grad, 1.0);
    assert!(close(value, 1.0) && close(grad.w[0], 1.0) && close(grad.w[1], 0.0));
    let _ = math::unused();

    let mut model = math::Model { w: vec![1.5, 0.0] };
    let mut tangent = ::autodiff_safe::make_zero(&model);
    tangent.w[0] = 1.0;
    let (value, derivative) = math::d_double_model(&mut model, &mut tangent);
    assert!(close(value, 3.0) && close(derivative, 2.0));
    let mut grad = ::autodiff_safe::make_zero(&model);
    let value = math::d_model_square(&mut model.w, &mut grad.w, 1.0);
    assert!(close(value, 9.0) && close(grad.w[0], 6.0));
}
