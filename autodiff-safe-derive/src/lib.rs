//! Procedural macros of [`autodiff-safe`](https://docs.rs/autodiff-safe):
//! `#[derive(ShadowCheck)]`, `#[derive(FloatTree)]` and the checked
//! `#[autodiff_reverse]` / `#[autodiff_forward]` / `#[autodiff]` attributes.
//!
//! Depend on `autodiff-safe`, not on this crate: the generated code names
//! `::autodiff_safe`, and the facade pins this crate's exact version.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod autodiff;
mod ctxt;
mod derive;
mod optout;
mod types;

use proc_macro::TokenStream;

/// Derives `autodiff_safe::ShadowCheck` and `autodiff_safe::FloatTree` for a
/// struct or enum: variants are compared, then every field is checked by its
/// own impl, in declaration order; the copies, zeros and float walks forward
/// to the fields in the same order. `#[shadow(unsafe(skip))]` excludes a
/// field.
///
/// ```
/// use autodiff_safe::{check, FloatTree, ShadowCheck};
///
/// #[derive(ShadowCheck)]
/// struct Layer { w: Vec<f64>, b: Vec<f64> }
///
/// let layer = Layer { w: vec![1.0; 4], b: vec![0.0; 2] };
/// let err = check(&layer, &Layer { w: vec![0.0; 4], b: vec![0.0] }).unwrap_err();
/// assert_eq!(err.path(), ".b");
/// assert!(check(&layer, &layer.make_zero()).is_ok());
/// ```
#[proc_macro_derive(ShadowCheck, attributes(shadow))]
pub fn derive_shadow_check(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::derive(&input, derive::Derive::ShadowCheck)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives only the safe `autodiff_safe::FloatTree`, for a type whose
/// `unsafe impl ShadowCheck` is written by hand: copies, zeros, float walks
/// and leaf paths forward to the fields in declaration order.
/// `#[shadow(unsafe(skip))]` fields are cloned and not walked.
///
/// ```
/// use autodiff_safe::{FloatTree, ShadowCheck, ShadowError};
///
/// #[derive(FloatTree)]
/// struct Grid { n: usize, cells: Vec<f64> }
///
/// // SAFETY: `cells` is the only buffer and its length the only thing
/// // `Grid`'s code addresses memory with.
/// unsafe impl ShadowCheck for Grid {
///     fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
///         self.cells.check_shadow(&shadow.cells).map_err(|e| e.in_field("cells"))
///     }
/// }
///
/// let grid = Grid { n: 2, cells: vec![1.0; 4] };
/// let zero = grid.make_zero();
/// assert_eq!((zero.n, zero.cells), (2, vec![0.0; 4]));
/// ```
#[proc_macro_derive(FloatTree, attributes(shadow))]
pub fn derive_float_tree(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::derive(&input, derive::Derive::FloatTree)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Generates a checked reverse-mode derivative: std's `#[autodiff_reverse]`,
/// with every shadow checked against its primal first.
///
/// The grammar and the generated signature are std's:
/// `#[autodiff_reverse(NAME, [WIDTH,] ACTIVITY.., [RETURN_ACTIVITY])]`, one
/// activity per argument (`self` included) and one for the return value
/// unless it is `()`.
///
/// | activity | on | generated |
/// |---|---|---|
/// | `Const` | anything | nothing |
/// | `Active` | `f32`/`f64` by value | its gradient joins the return tuple |
/// | `Active` (return) | a float return | a seed `dret` is appended last |
/// | `ActiveOnly` (return) | a float return | as `Active`, primal result dropped |
/// | `Duplicated` | `&T`, `&mut T`, `*const T`, `*mut T` | shadow `dx_0: &mut T` after `x` |
/// | `DuplicatedOnly` | the same | the same; the derivative is `unsafe fn` |
/// | `unsafe(Duplicated)` | a type without `ShadowCheck` | unchecked; `unsafe fn` (`enzyme` only) |
///
/// Shadows of `&T` inputs are *added to*; the shadow of a `&mut T` argument
/// holds the seed of its final value and is replaced by the gradient with
/// respect to its initial value. With `WIDTH` = N each duplicated argument
/// gets N shadows, `dx_0` to `dx_{N-1}`.
///
/// Next to `NAME`, the attribute generates `try_NAME`, which returns
/// `Result<_, autodiff_safe::ShadowError>` instead of panicking. Both check
/// every shadow before anything runs. Inherent methods with `self`, `&self`
/// or `&mut self` work (the receiver's shadow is `dself_0: &mut Self`);
/// associated functions without a receiver cannot be annotated inside an
/// `impl`.
///
/// ```
/// use autodiff_safe::autodiff_reverse;
///
/// #[autodiff_reverse(d_rosenbrock, Active, Active, Active)]
/// fn rosenbrock(x: f64, y: f64) -> f64 {
///     (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2)
/// }
///
/// #[autodiff_reverse(d_norm_sq, Duplicated, Active)]
/// fn norm_sq(v: &[f64]) -> f64 {
///     v.iter().map(|x| x * x).sum()
/// }
///
/// let (value, dx, dy) = d_rosenbrock(1.0, 3.0, 1.0);
/// assert_eq!(value, 400.0);
/// assert!((dx + 800.0).abs() < 1e-5 && (dy - 400.0).abs() < 1e-5);
///
/// let v = [3.0, 4.0];
/// let mut dv = [0.0; 2];
/// assert_eq!(d_norm_sq(&v, &mut dv, 1.0), 25.0);
/// assert!((dv[0] - 6.0).abs() < 1e-6);
///
/// let mut short = [0.0];
/// let err = try_d_norm_sq(&v, &mut short, 1.0).unwrap_err();
/// assert_eq!(err.to_string(), "d_norm_sq: shadow `dv_0` does not match its primal `v` at `v`: primal has length 2, shadow has length 1");
/// ```
///
/// Misuse is a compile error on the offending token:
///
/// ```compile_fail
/// use autodiff_safe::autodiff_reverse;
///
/// #[autodiff_reverse(d_f, Active, Active)] // `Active` on a reference: use `Duplicated`
/// fn f(x: &[f64]) -> f64 { x[0] }
/// ```
#[proc_macro_attribute]
pub fn autodiff_reverse(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand(autodiff::Entry::Reverse, args.into(), &item.into()).into()
}

/// Generates a checked forward-mode derivative: std's `#[autodiff_forward]`,
/// with every tangent checked against its primal first.
///
/// The grammar and the generated signature are std's:
/// `#[autodiff_forward(NAME, [WIDTH,] ACTIVITY.., [RETURN_ACTIVITY])]`.
///
/// | activity | on | generated |
/// |---|---|---|
/// | `Const` | anything | nothing |
/// | `Dual` | anything | a tangent `bx_0` of the same type after `x` |
/// | `Dual` (return) | a float return | `(value, tangent)`; with `WIDTH` = N, `[T; N + 1]` |
/// | `DualOnly` | input: as `Dual`, `unsafe fn`; return: the tangent only (`[T; N]`) | |
/// | `Dualv`, `DualvOnly` | `&[T]` / `&mut [T]` with `WIDTH` = N | one tangent slice of N x the length |
/// | `unsafe(Dual)` | a type without `ShadowCheck` | unchecked; `unsafe fn` (`enzyme` only) |
///
/// Tangents of `&mut T` arguments are overwritten with the tangent of the
/// final value. `try_NAME` returns the shadow error instead of panicking.
///
/// ```
/// use autodiff_safe::autodiff_forward;
///
/// #[autodiff_forward(rb_fwd1, Dual, Const, Dual)]
/// #[autodiff_forward(rb_fwd3, Dual, Dual, Dual)]
/// fn rosenbrock(x: f64, y: f64) -> f64 {
///     (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2)
/// }
///
/// #[autodiff_forward(d_cubes, 2, Dualv, Dual)]
/// fn cubes(x: &[f64]) -> f64 {
///     x.iter().map(|v| v * v * v).sum()
/// }
///
/// let (value, dx) = rb_fwd1(1.0, 1.0, 3.0);
/// assert_eq!(value, 400.0);
/// assert!((dx + 800.0).abs() < 1e-5);
/// let (_, dxy) = rb_fwd3(1.0, 1.0, 3.0, 1.0);
/// assert!((dxy + 400.0).abs() < 1e-5);
///
/// // Two tangents, back to back in one slice.
/// let [value, t0, t1] = d_cubes(&[1.0, 2.0], &[1.0, 0.0, 0.0, 1.0]);
/// assert_eq!(value, 9.0);
/// assert!((t0 - 3.0).abs() < 1e-6 && (t1 - 12.0).abs() < 1e-6);
/// assert!(try_d_cubes(&[1.0, 2.0], &[1.0, 0.0, 0.0]).is_err());
/// ```
#[proc_macro_attribute]
pub fn autodiff_forward(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand(autodiff::Entry::Forward, args.into(), &item.into()).into()
}

/// `#[autodiff(NAME, Reverse | Forward, [WIDTH,] ACTIVITY..)]`: the mode as an
/// argument, otherwise exactly [`autodiff_reverse`](macro@autodiff_reverse)
/// or [`autodiff_forward`](macro@autodiff_forward).
///
/// ```
/// use autodiff_safe::autodiff;
///
/// #[autodiff(d_product, Reverse, Duplicated, Active)]
/// fn product(x: &[f64]) -> f64 {
///     x.iter().product()
/// }
///
/// let mut dx = [0.0; 2];
/// assert_eq!(d_product(&[2.0, 3.0], &mut dx, 1.0), 6.0);
/// assert!((dx[0] - 3.0).abs() < 1e-6 && (dx[1] - 2.0).abs() < 1e-6);
/// ```
#[proc_macro_attribute]
pub fn autodiff(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand(autodiff::Entry::ModeArgument, args.into(), &item.into()).into()
}

/// Lets every `#[autodiff_reverse]`, `#[autodiff_forward]` and `#[autodiff]`
/// inside an `impl` block know that it is in one, and which: needed for
/// associated functions without a receiver and for trait impls.
///
/// ```
/// use autodiff_safe::{autodiff_impl, autodiff_reverse};
///
/// struct Model;
///
/// #[autodiff_impl]
/// impl Model {
///     #[autodiff_reverse(d_loss, Duplicated, Active)]
///     fn loss(w: &[f64]) -> f64 {
///         w.iter().map(|v| v * v).sum()
///     }
/// }
///
/// let mut dw = [0.0; 2];
/// assert_eq!(Model::d_loss(&[1.0, 2.0], &mut dw, 1.0), 5.0);
/// assert!((dw[1] - 4.0).abs() < 1e-6);
/// ```
#[proc_macro_attribute]
pub fn autodiff_impl(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand_block(autodiff::BlockEntry::Impl, &args.into(), &item.into()).into()
}

/// Lets every `#[autodiff_*]` inside a trait declaration know that it is
/// in one: needed for methods without a body, whose derivative becomes a
/// provided method that differentiates each implementor's body, and for
/// provided methods, whose hidden primal and raw derivative it nests in the
/// checked derivative, out of any implementor's reach (without it, they are
/// refused with E0449 at the derivative's name).
///
/// ```
/// use autodiff_safe::{autodiff_reverse, autodiff_trait};
///
/// #[autodiff_trait]
/// trait Energy {
///     #[autodiff_reverse(d_energy, Const, Active, Active)]
///     fn energy(&self, x: f64) -> f64;
/// }
///
/// struct Spring(f64);
/// impl Energy for Spring {
///     fn energy(&self, x: f64) -> f64 {
///         0.5 * self.0 * x * x
///     }
/// }
///
/// let (e, de) = Spring(2.0).d_energy(3.0, 1.0);
/// assert_eq!(e, 9.0);
/// assert!((de - 6.0).abs() < 1e-6);
/// ```
#[proc_macro_attribute]
pub fn autodiff_trait(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand_block(autodiff::BlockEntry::Trait, &args.into(), &item.into()).into()
}

/// The context marker that `#[autodiff_impl]` and `#[autodiff_trait]` put
/// on the functions of their block; not for direct use.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn __autodiff_context(_args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::context_marker(item.into()).into()
}
