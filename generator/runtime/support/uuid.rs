// Part of `src/support.rs` when the API has `uuid` values (dependency `uuid`).

impl Validate for ::uuid::Uuid {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}
