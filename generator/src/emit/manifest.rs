//! `Cargo.toml` and `README.md` of a generated crate, rendered from `templates/`.

use minijinja::{context, Environment};

use crate::ir::Api;

const CARGO_TOML: &str = include_str!("../../../templates/Cargo.toml.j2");
const README_MD: &str = include_str!("../../../templates/README.md.j2");

/// A dependency line of the generated `Cargo.toml`.
#[derive(serde::Serialize)]
struct Dependency {
    name: &'static str,
    spec: String,
}

/// Which code needs a dependency: the models (always built), the client, the server.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Need {
    models: bool,
    client: bool,
    server: bool,
}

const fn need(models: bool, client: bool, server: bool) -> Need {
    Need {
        models,
        client,
        server,
    }
}

/// The dependencies the generated code uses, and no others, with the features that enable them.
fn dependencies(api: &Api) -> (Vec<Dependency>, Vec<String>, Vec<String>) {
    let rt = api.runtime;
    let table: [(&'static str, &'static str, Need); 15] = [
        ("axum", "{ version = \"0.8\", default-features = false, features = [\"json\", \"query\", \"tokio\", \"http1\", \"matched-path\"] }", need(false, false, true)),
        ("base64", "\"0.22\"", need(rt.base64, true, true)),
        ("bytes", "\"1\"", need(false, true, true)),
        ("chrono", "{ version = \"0.4.38\", default-features = false, features = [\"serde\", \"std\"] }", need(rt.chrono, false, false)),
        ("futures-util", "{ version = \"0.3\", default-features = false, features = [\"std\"] }", need(false, true, true)),
        ("multer", "\"3\"", need(false, false, true)),
        ("regex", "\"1\"", need(rt.regex, false, false)),
        ("reqwest", "{ version = \"0.13\", default-features = false, features = [\"multipart\"] }", need(false, true, false)),
        ("serde", "{ version = \"1\", features = [\"derive\"] }", need(true, false, false)),
        ("serde_json", "\"1\"", need(true, false, false)),
        ("serde_path_to_error", "\"0.1\"", need(false, false, true)),
        ("tokio", "{ version = \"1\", features = [\"time\"] }", need(false, true, false)),
        ("tracing", "\"0.1\"", need(false, true, true)),
        ("url", "\"2\"", need(false, true, true)),
        ("uuid", "{ version = \"1\", features = [\"serde\"] }", need(rt.uuid, false, false)),
    ];
    let mut deps = Vec::new();
    let mut client = Vec::new();
    let mut server = Vec::new();
    for (name, spec, need) in table {
        if need.models {
            deps.push(Dependency {
                name,
                spec: spec.to_string(),
            });
        } else if need.client || need.server {
            let spec = match spec.strip_prefix("{ ") {
                Some(rest) => format!("{{ optional = true, {rest}"),
                None => format!("{{ version = {spec}, optional = true }}"),
            };
            deps.push(Dependency { name, spec });
            if need.client {
                client.push(format!("dep:{name}"));
            }
            if need.server {
                server.push(format!("dep:{name}"));
            }
        }
    }
    (deps, client, server)
}

fn render(name: &str, source: &str, ctx: minijinja::Value) -> Result<String, String> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    env.add_template(name, source).map_err(|e| e.to_string())?;
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| format!("template {name}: {e}"))
}

/// The crate version: the numbers that lead the spec's version, as `major.minor.patch` (cargo
/// takes nothing else: `01.01.00`, `1.0` and `2023-01-15` are all common in specs), else
/// `0.1.0`. The spec's own version string stays in the README.
fn crate_version(spec_version: &str) -> String {
    let v = spec_version.trim().trim_start_matches(['v', 'V']);
    let numbers: Vec<u64> = v
        .split(['.', '-', '+', '_', ' '])
        .map_while(|part| part.parse().ok())
        .take(3)
        .collect();
    match numbers[..] {
        [] => "0.1.0".to_string(),
        [major] => format!("{major}.0.0"),
        [major, minor] => format!("{major}.{minor}.0"),
        [major, minor, patch, ..] => format!("{major}.{minor}.{patch}"),
    }
}

/// A tag's cargo feature, for the manifest and the README.
#[derive(serde::Serialize)]
struct TagFeature {
    feature: String,
    tag: String,
    accessor: String,
}

fn tag_features(api: &Api) -> Vec<TagFeature> {
    api.groups
        .iter()
        .filter_map(|g| {
            Some(TagFeature {
                feature: g.feature.clone()?,
                tag: g.name.wire.replace('`', "'"),
                accessor: g.name.rust.clone(),
            })
        })
        .collect()
}

/// `Cargo.toml`.
pub fn cargo_toml(api: &Api, header: &str) -> Result<String, String> {
    let (deps, client_features, server_features) = dependencies(api);
    render(
        "Cargo.toml",
        CARGO_TOML,
        context! {
            header => header,
            crate_name => api.crate_name.clone(),
            version => crate_version(&api.version),
            description => format!("Typed models and async client for {}, generated by openapi-forge", api.title),
            dependencies => minijinja::Value::from(minijinja::value::Serde(deps)),
            client_features => client_features,
            server_features => server_features,
            tags => minijinja::Value::from(minijinja::value::Serde(tag_features(api))),
        },
    )
}

/// One row of the README's operation table.
#[derive(serde::Serialize)]
struct OperationRow {
    name: String,
    method: &'static str,
    path: String,
    summary: String,
    deprecated: bool,
}

/// `README.md`. `example` is the client example, already formatted Rust.
pub fn readme(api: &Api, header: &str, sources: &str, example: &str) -> Result<String, String> {
    let rows = |ops: &[crate::ir::Operation]| -> Vec<OperationRow> {
        ops.iter()
            .map(|op| OperationRow {
                name: op.name.rust.clone(),
                method: op.method.as_str(),
                path: op.path.replace('|', "\\|"),
                summary: op
                    .summary
                    .clone()
                    .unwrap_or_default()
                    .replace('|', "\\|")
                    .replace('\n', " "),
                deprecated: op.deprecated,
            })
            .collect()
    };
    let operations = rows(&api.operations);
    let webhooks = rows(&api.webhooks);
    let types: Vec<String> = api.types_by_name().iter().map(|t| t.name.clone()).collect();
    render(
        "README.md",
        README_MD,
        context! {
            header => header,
            crate_name => api.crate_name.clone(),
            lib_name => api.crate_name.replace('-', "_"),
            title => api.title.clone(),
            api_version => api.version.clone(),
            // The README is also the crate's rustdoc: vendor text must not become doctests.
            description => crate::emit::docs::sanitize(api.description.as_deref().unwrap_or_default()),
            sources => sources,
            example => example,
            operations => minijinja::Value::from(minijinja::value::Serde(operations)),
            webhooks => minijinja::Value::from(minijinja::value::Serde(webhooks)),
            type_count => types.len(),
            types => types,
            tags => minijinja::Value::from(minijinja::value::Serde(tag_features(api))),
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_spec_version_becomes_a_crate_version() {
        for (spec, crate_version) in [
            ("1.2.3", "1.2.3"),
            ("v2.0.1", "2.0.1"),
            ("01.01.00", "1.1.0"),
            ("1.0", "1.0.0"),
            ("3", "3.0.0"),
            ("2023-01-15", "2023.1.15"),
            ("1.2.3-beta.1", "1.2.3"),
            ("latest", "0.1.0"),
            ("", "0.1.0"),
            ("99999999999999999999999.1", "0.1.0"),
        ] {
            assert_eq!(super::crate_version(spec), crate_version, "{spec:?}");
        }
    }
}
