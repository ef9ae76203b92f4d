//! The derive names everything by absolute path: it works without the
//! prelude, next to user types that take the prelude's names.

#![no_implicit_prelude]

mod model {
    use ::autodiff_safe::ShadowCheck;

    // User items named like the prelude's, in the same module as the derives.
    pub struct Result;
    pub struct Option;
    pub struct Vec;
    pub struct Box;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct Clone;
    pub struct String;
    pub trait Iterator {}
    pub trait FnMut {}

    #[derive(ShadowCheck)]
    pub struct Layer {
        pub w: ::std::vec::Vec<f64>,
        pub b: ::std::option::Option<f64>,
        pub head: Head,
        pub pair: (f32, ::std::boxed::Box<[f64]>),
        // SAFETY: the label is never read by differentiated code.
        #[shadow(unsafe(skip))]
        pub label: ::std::string::String,
    }

    /// Variants named like the prelude's constructors.
    #[derive(ShadowCheck)]
    pub enum Head {
        Some(f64),
        None,
        Ok { w: ::std::vec::Vec<f64> },
        Err(::std::result::Result<f64, f64>),
    }

    #[derive(ShadowCheck)]
    pub struct Wrapper<T>(pub ::std::vec::Vec<T>, pub ::core::marker::PhantomData<T>);

    #[derive(ShadowCheck)]
    pub enum Empty {}

    #[derive(ShadowCheck)]
    pub struct Unit;

    /// The safe half alone, next to a hand-written check.
    #[derive(::autodiff_safe::FloatTree)]
    pub struct Grid {
        pub n: usize,
        pub cells: ::std::vec::Vec<f64>,
        // SAFETY: the tag is never read by differentiated code.
        #[shadow(unsafe(skip))]
        pub tag: ::std::string::String,
    }

    // SAFETY: `cells` is the only buffer, and its length is compared.
    unsafe impl ShadowCheck for Grid {
        fn check_shadow(
            &self,
            shadow: &Self,
        ) -> ::std::result::Result<(), ::autodiff_safe::ShadowError> {
            ::autodiff_safe::check(&self.cells, &shadow.cells)
        }
    }

    #[derive(::autodiff_safe::FloatTree)]
    pub enum Mode {
        Some(f64),
        None,
        Ok { w: ::std::vec::Vec<f64> },
    }
}

fn main() {
    use ::std::{assert, assert_eq, vec};

    let layer = model::Layer {
        w: vec![1.0, 2.0],
        b: ::std::option::Option::Some(0.5),
        head: model::Head::Ok { w: vec![1.0] },
        pair: (1.0, vec![2.0].into_boxed_slice()),
        label: ::std::borrow::ToOwned::to_owned("l1"),
    };
    let mut zero = ::autodiff_safe::make_zero(&layer);
    assert_eq!(zero.label, "l1");
    assert!(::autodiff_safe::check(&layer, &zero).is_ok());
    zero.head = model::Head::None;
    let error = match ::autodiff_safe::check(&layer, &zero) {
        ::std::result::Result::Ok(()) => ::std::panic!("the variants differ"),
        ::std::result::Result::Err(error) => error.for_argument("layer"),
    };
    assert_eq!(
        ::std::string::ToString::to_string(&error),
        "shadow does not match its primal at `layer.head`: primal is variant `Ok`, shadow is variant `None`"
    );

    let wrapper = model::Wrapper(vec![1.0_f64], ::core::marker::PhantomData);
    assert!(::autodiff_safe::check(&wrapper, &::autodiff_safe::make_zero(&wrapper)).is_ok());
    assert!(::autodiff_safe::check(&model::Unit, &model::Unit).is_ok());

    let grid = model::Grid {
        n: 2,
        cells: vec![1.0, 2.0],
        tag: ::std::borrow::ToOwned::to_owned("g"),
    };
    let mut copy = ::autodiff_safe::make_zero(&grid);
    assert_eq!((copy.n, copy.tag.as_str()), (2, "g"));
    ::autodiff_safe::FloatTree::copy_from(&mut copy, &grid);
    assert_eq!(copy.cells, [1.0, 2.0]);
    assert!(::autodiff_safe::check(&grid, &copy).is_ok());
    let mut path = ::std::vec::Vec::new();
    assert!(::autodiff_safe::FloatTree::leaf_path(&layer, 5, &mut path));
    let mode = model::Mode::Ok { w: vec![1.0, 2.0] };
    assert_eq!(::autodiff_safe::FloatTree::leaf_count(&mode), 2);
    let mut modes = [model::Mode::Some(1.0), model::Mode::None];
    ::autodiff_safe::set_zero(&mut modes);
    assert!(::std::matches!(modes[0], model::Mode::Some(x) if x == 0.0));
    let _ = (
        model::Result,
        model::Option,
        model::Vec,
        model::Box,
        model::Some,
    );
    let _ = (
        model::None,
        model::Ok,
        model::Err,
        model::Clone,
        model::String,
    );
}
