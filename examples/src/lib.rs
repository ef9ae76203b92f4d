//! Shared helpers of autodiff-safe's examples; the examples are the `[[example]]` targets.
