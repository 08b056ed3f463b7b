// Part of `src/support.rs` when the API has `byte` values (dependency `base64`).

/// Bytes sent as base64 text (`format: byte`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub Vec<u8>);

impl ::serde::Serialize for Base64 {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ::base64::Engine as _;
        serializer.serialize_str(&::base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> ::serde::Deserialize<'de> for Base64 {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use ::base64::Engine as _;
        let text =
            <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
        ::base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Base64)
            .map_err(<D::Error as ::serde::de::Error>::custom)
    }
}

impl Validate for Base64 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

#[cfg(test)]
mod base64_tests {
    use super::Base64;

    #[test]
    fn bytes_travel_as_base64_text() {
        let bytes = Base64(b"hi!".to_vec());
        assert_eq!(::serde_json::to_string(&bytes).unwrap(), r#""aGkh""#);
        assert_eq!(
            ::serde_json::from_str::<Base64>(r#""aGkh""#).unwrap(),
            bytes
        );
        assert!(::serde_json::from_str::<Base64>(r#""not base64!""#).is_err());
    }
}
