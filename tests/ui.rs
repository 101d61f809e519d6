//! Compile-time behaviour of `#[jwt_required]`: what it accepts (`tests/ui/pass`) and the
//! diagnostics it gives for what it refuses (`tests/ui/fail`, with the expected `.stderr`).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test ui`, then review
//! the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
