// Part of `src/support.rs` when the API has `pattern` constraints (dependency `regex`).

/// Whether `value` matches `pattern` (compiled once per pattern).
///
/// Patterns were checked when the crate was generated; one that still fails to
/// compile matches everything rather than rejecting valid input.
pub fn matches_pattern(pattern: &'static str, value: &str) -> bool {
    use ::std::collections::HashMap;
    use ::std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<::regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = match cache.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let regex = cache
        .entry(pattern)
        .or_insert_with(|| ::regex::Regex::new(pattern).ok());
    regex.as_ref().is_none_or(|re| re.is_match(value))
}

#[cfg(test)]
mod regex_tests {
    use super::matches_pattern;

    #[test]
    fn patterns_match_anywhere_unless_anchored() {
        assert!(matches_pattern("^[a-z]+$", "abc"));
        assert!(!matches_pattern("^[a-z]+$", "abc1"));
        assert!(matches_pattern("[0-9]", "abc1"));
        // Asked again: answered from the cache.
        assert!(!matches_pattern("^[a-z]+$", "ABC"));
    }

    #[test]
    fn a_pattern_that_does_not_compile_matches_everything() {
        assert!(matches_pattern("(unclosed", "anything"));
    }
}
