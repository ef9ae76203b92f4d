//! The block attributes reach the function attributes inside them however
//! those were imported: renamed, or by full path, and stacked.

use autodiff_safe::autodiff_forward as fwd;
use autodiff_safe::autodiff_reverse as rev;

struct Model {
    w: f64,
}

#[autodiff_safe::autodiff_impl]
impl Model {
    #[rev(d_energy, Active, Active)]
    #[::autodiff_safe::autodiff_forward(f_energy, Dual, Dual)]
    fn energy(x: f64) -> f64 {
        Self::half() * x * x
    }

    fn half() -> f64 {
        0.5
    }

    #[fwd(f_scaled, Const, Dual, Dual)]
    fn scaled(&self, x: f64) -> f64 {
        self.w * x
    }
}

#[autodiff_safe::autodiff_trait]
trait Potential {
    #[autodiff_safe::autodiff(d_potential, Reverse, Const, Active, Active)]
    fn potential(&self, x: f64) -> f64;
}

impl Potential for Model {
    fn potential(&self, x: f64) -> f64 {
        self.w * x * x * x
    }
}

fn main() {
    let (e, de) = Model::d_energy(4.0, 1.0);
    assert!((e - 8.0).abs() < 1e-12 && (de - 4.0).abs() < 1e-6);
    let (e, te) = Model::f_energy(4.0, 1.0);
    assert!((e - 8.0).abs() < 1e-12 && (te - 4.0).abs() < 1e-6);
    let m = Model { w: 2.0 };
    let (y, t) = m.f_scaled(3.0, 1.0);
    assert!((y - 6.0).abs() < 1e-12 && (t - 2.0).abs() < 1e-6);
    let (p, dp) = m.d_potential(1.0, 1.0);
    assert!((p - 2.0).abs() < 1e-12 && (dp - 6.0).abs() < 1e-5);
}
