//! Generates the client of the `multi_file` test fixture (a spec of two files that refer to
//! each other) into `OUT_DIR`; `src/lib.rs` includes it. Cargo runs this again only when one of
//! the spec's files changes.

fn main() -> Result<(), openapi_forge::build::BuildError> {
    openapi_forge::build::Builder::new("../../tests/fixtures/multi_file/api.yaml")
        .module_name("pets")
        .parts(openapi_forge::build::Parts::Client)
        .generate()?;
    Ok(())
}
