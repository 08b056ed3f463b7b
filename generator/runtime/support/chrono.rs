// Part of `src/support.rs` when the API has `date` or `date-time` values (dependency `chrono`).

impl Validate for ::chrono::NaiveDate {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for ::chrono::DateTime<::chrono::Utc> {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}
