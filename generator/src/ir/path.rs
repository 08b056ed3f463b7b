//! Path templates: `/users/{id}/keys` split into literal text and parameters.

/// One piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as it is.
    Literal(String),
    /// A `{name}` placeholder, holding the parameter's wire name.
    Param(String),
}

/// Splits a path template into literal text and `{param}` placeholders.
///
/// An unmatched `{` or `}` is kept as literal text: the template is the server's, not ours to
/// reject, and the literal round-trips unchanged.
pub fn parse_template(path: &str) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        if name.is_empty() || name.contains('{') {
            literal.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            continue;
        }
        literal.push_str(&rest[..open]);
        if !literal.is_empty() {
            parts.push(PathPart::Literal(std::mem::take(&mut literal)));
        }
        parts.push(PathPart::Param(name.to_string()));
        rest = &rest[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    parts
}

/// The parameter names of a path template, in order, without repeats.
pub fn template_params(path: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for part in parse_template(path) {
        if let PathPart::Param(name) = part {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The path in axum 0.8's route syntax, literal braces escaped. Captures are named by
/// position (`{p0}`, `{p1}`...): paths that name the same position differently (`/a/{id}` and
/// `/a/{name}/b`) would otherwise conflict in the router, and handlers read captures in order.
pub fn axum_route(parts: &[PathPart]) -> String {
    let mut out = String::new();
    let mut index = 0;
    for part in parts {
        match part {
            PathPart::Literal(text) => out.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(_) => {
                out.push_str(&format!("{{p{index}}}"));
                index += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::PathPart::{Literal as L, Param as P};
    use super::*;

    #[test]
    fn templates() {
        let cases: &[(&str, Vec<PathPart>)] = &[
            ("/", vec![L("/".into())]),
            ("/a/{id}", vec![L("/a/".into()), P("id".into())]),
            (
                "/a/{id}/b/{x-y}/",
                vec![
                    L("/a/".into()),
                    P("id".into()),
                    L("/b/".into()),
                    P("x-y".into()),
                    L("/".into()),
                ],
            ),
            ("/{a}{b}", vec![L("/".into()), P("a".into()), P("b".into())]),
            (
                "/v1/files/{name}.json",
                vec![L("/v1/files/".into()), P("name".into()), L(".json".into())],
            ),
            ("/odd/{", vec![L("/odd/{".into())]),
            ("/odd/{}/x", vec![L("/odd/{}/x".into())]),
            ("/odd/}{a}", vec![L("/odd/}".into()), P("a".into())]),
        ];
        for (input, expected) in cases {
            assert_eq!(&parse_template(input), expected, "{input}");
        }
    }

    #[test]
    fn params_are_deduplicated_in_order() {
        assert_eq!(template_params("/{b}/{a}/{b}"), vec!["b", "a"]);
    }

    #[test]
    fn axum_routes_escape_braces() {
        let parts = parse_template("/a/{user-id}/x/{name}");
        assert_eq!(axum_route(&parts), "/a/{p0}/x/{p1}");
        let parts = vec![L("/lit{eral}".into())];
        assert_eq!(axum_route(&parts), "/lit{{eral}}");
    }
}
