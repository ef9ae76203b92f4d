// Red team, class 9 (issue 17): the same with a std `Result` holding a
// float on one side: a data-carrying enum behind `&mut`, refused.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Active)]
fn f(e: &mut Result<f64, Box<f64>>) -> f64 {
    let s = match e {
        Ok(v) => *v * 2.0,
        Err(b) => **b,
    };
    *e = Err(Box::new(s));
    s
}

fn main() {}
