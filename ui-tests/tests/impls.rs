//! Which types implement `ShadowCheck` and `FloatTree`, checked at compile
//! time: owned data whose structure can be compared does; shared references,
//! raw pointers, interior mutability, shared ownership and trait objects
//! never do.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use autodiff_safe::{FloatTree, ShadowCheck};
use static_assertions::{assert_impl_all, assert_not_impl_any};

#[derive(ShadowCheck)]
struct Derived {
    w: Vec<f64>,
}

#[derive(ShadowCheck)]
struct Generic<T>(Vec<T>);

struct NotDerived;

// Floats, integers and the other scalars.
assert_impl_all!(f64: ShadowCheck);
assert_impl_all!(f32: ShadowCheck);
assert_impl_all!(i32: ShadowCheck);
assert_impl_all!(usize: ShadowCheck);
assert_impl_all!(bool: ShadowCheck);
assert_impl_all!(char: ShadowCheck);
assert_impl_all!((): ShadowCheck);

// Owned containers.
assert_impl_all!(Vec<f64>: ShadowCheck);
assert_impl_all!(Vec<Vec<f32>>: ShadowCheck);
assert_impl_all!([f64; 3]: ShadowCheck);
assert_impl_all!([[f64; 2]; 3]: ShadowCheck);
assert_impl_all!(Box<f64>: ShadowCheck);
assert_impl_all!(Box<[f32]>: ShadowCheck);
assert_impl_all!(Option<Vec<f64>>: ShadowCheck);
assert_impl_all!(Result<f64, Vec<f64>>: ShadowCheck);
assert_impl_all!((f64, Vec<f64>): ShadowCheck);
assert_impl_all!((f64, f32, [f64; 2], Option<f64>): ShadowCheck);
assert_impl_all!(String: ShadowCheck);
assert_impl_all!(PhantomData<Rc<f64>>: ShadowCheck);
assert_impl_all!(Derived: ShadowCheck);
assert_impl_all!(Generic<f64>: ShadowCheck);

// Unsized: checked through a reference to them.
assert_impl_all!([f64]: ShadowCheck);
assert_impl_all!(str: ShadowCheck);

// Shared references, even to checkable data: a reverse pass would write the
// shadow through `&`.
// The shadow would be addressed with the primal's private head position.
assert_not_impl_any!(VecDeque<f64>: ShadowCheck);
assert_not_impl_any!(&f64: ShadowCheck);
assert_not_impl_any!(&[f64]: ShadowCheck);
assert_not_impl_any!(&Vec<f64>: ShadowCheck);
assert_not_impl_any!(&'static str: ShadowCheck);
// Exclusive references: a derived `make_zero` could not build one.
assert_not_impl_any!(&mut f64: ShadowCheck);
assert_not_impl_any!(&mut [f64]: ShadowCheck);
// Raw pointers: nothing records the pointee's length.
assert_not_impl_any!(*mut f64: ShadowCheck);
assert_not_impl_any!(*const f64: ShadowCheck);
// Interior mutability.
assert_not_impl_any!(Cell<f64>: ShadowCheck);
assert_not_impl_any!(RefCell<Vec<f64>>: ShadowCheck);
assert_not_impl_any!(UnsafeCell<f64>: ShadowCheck);
assert_not_impl_any!(Mutex<f64>: ShadowCheck);
// Shared ownership: two handles would share one shadow.
assert_not_impl_any!(Rc<f64>: ShadowCheck);
assert_not_impl_any!(Arc<Vec<f64>>: ShadowCheck);
// Trait objects: no layout to compare.
assert_not_impl_any!(dyn Fn(): ShadowCheck);
assert_not_impl_any!(Box<dyn Fn(f64) -> f64>: ShadowCheck);
// Containers of any of the above.
assert_not_impl_any!(Vec<&f64>: ShadowCheck);
assert_not_impl_any!(Option<Rc<f64>>: ShadowCheck);
assert_not_impl_any!((f64, Cell<f64>): ShadowCheck);
assert_not_impl_any!([*const f64; 2]: ShadowCheck);
// User types without the derive, and generic ones over such types.
assert_not_impl_any!(NotDerived: ShadowCheck);
assert_not_impl_any!(Generic<Rc<f64>>: ShadowCheck);

// `FloatTree`, the safe half, exists for every type with `ShadowCheck`, and
// for the same reasons not for the others.
assert_impl_all!(f64: FloatTree);
assert_impl_all!(u8: FloatTree);
assert_impl_all!((): FloatTree);
assert_impl_all!(Vec<Vec<f32>>: FloatTree);
assert_impl_all!([[f64; 2]; 3]: FloatTree);
assert_impl_all!(Box<[f32]>: FloatTree);
assert_impl_all!(Option<Vec<f64>>: FloatTree);
assert_impl_all!(Result<f64, Vec<f64>>: FloatTree);
assert_impl_all!((f64, f32, [f64; 2], Option<f64>): FloatTree);
assert_impl_all!(String: FloatTree);
assert_impl_all!(str: FloatTree);
assert_impl_all!([f64]: FloatTree);
assert_impl_all!(PhantomData<Rc<f64>>: FloatTree);
assert_impl_all!(Derived: FloatTree);
assert_impl_all!(Generic<f64>: FloatTree);
assert_not_impl_any!(&f64: FloatTree);
assert_not_impl_any!(&mut [f64]: FloatTree);
assert_not_impl_any!(*const f64: FloatTree);
assert_not_impl_any!(Cell<f64>: FloatTree);
assert_not_impl_any!(Rc<f64>: FloatTree);
assert_not_impl_any!(VecDeque<f64>: FloatTree);
assert_not_impl_any!(NotDerived: FloatTree);
assert_not_impl_any!(Generic<Rc<f64>>: FloatTree);
