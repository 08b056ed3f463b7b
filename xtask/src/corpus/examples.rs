//! The examples round trip of the corpus: every example of a sampled spec decoded with the
//! generated model type and encoded again (by the harness `openapi_forge::examples` writes
//! into the crate), the JSON that comes back compared with the example, and each example
//! judged against its own schema by a JSON Schema validator nobody here wrote (`jsonschema`),
//! so that examples that do not fit their schema (the spec's fault) are counted apart.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use openapi_forge::examples::ExampleCase;

use super::journal::{Entry, Journal, Stage, Status};
use super::{corpus_config, crate_name, pool, Options, WORKERS};
use serde_json::{json, Map, Value};

/// What became of one example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Decoded, and written back as it was.
    Lossless,
    /// Decoded, but written back otherwise: what changed, and where.
    Lossy(String),
    /// Not decoded: serde's error.
    Refused(String),
}

/// One example's fate, and whether it fits its schema (`None`: the validator could not judge).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub pointer: String,
    pub fits: Option<bool>,
    pub fate: Fate,
}

impl Outcome {
    pub fn to_json(&self) -> Value {
        let (fate, detail) = match &self.fate {
            Fate::Lossless => ("lossless", ""),
            Fate::Lossy(d) => ("lossy", d.as_str()),
            Fate::Refused(d) => ("refused", d.as_str()),
        };
        json!({"pointer": self.pointer, "fits": self.fits, "fate": fate, "detail": detail})
    }

    pub fn from_json(value: &Value) -> Option<Outcome> {
        let detail = value["detail"].as_str().unwrap_or_default().to_owned();
        let fate = match value["fate"].as_str()? {
            "lossless" => Fate::Lossless,
            "lossy" => Fate::Lossy(detail),
            _ => Fate::Refused(detail),
        };
        Some(Outcome {
            pointer: value["pointer"].as_str()?.to_owned(),
            fits: value["fits"].as_bool(),
            fate,
        })
    }
}

/// Writes the harness into the crate at `dir` (already generated), runs it and judges each
/// case. `Err` when the harness could not be built or run.
pub fn run(
    api: &openapi_forge::ir::Api,
    cases: &[ExampleCase],
    dir: &Path,
    name: &str,
    target: &Path,
    timeout_s: u64,
) -> Result<Vec<Outcome>, String> {
    let harness = openapi_forge::examples::test_harness(api, name, cases)?;
    let tests = dir.join("tests");
    std::fs::create_dir_all(&tests).map_err(|e| e.to_string())?;
    std::fs::write(tests.join("examples.rs"), harness).map_err(|e| e.to_string())?;
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.contains("[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
    }
    // Only the models: the client and the server are not needed to read examples.
    let mut features = Vec::new();
    if text.contains("\nall-tags = ") {
        features.extend(["--features", "all-tags"]);
    }
    let output = Command::new("timeout")
        .arg(timeout_s.to_string())
        .arg(env!("CARGO"))
        .args(["test", "--no-default-features"])
        .args(&features)
        .args(["--test", "examples", "--manifest-path"])
        .arg(&manifest)
        .args(["--", "--nocapture"])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut back: BTreeMap<usize, Result<Value, String>> = BTreeMap::new();
    for line in stdout.lines() {
        let Some(result) = line.strip_prefix("example-result ") else {
            continue;
        };
        let Ok(result) = serde_json::from_str::<Value>(result) else {
            continue;
        };
        let Some(case) = result["case"]
            .as_u64()
            .and_then(|c| usize::try_from(c).ok())
        else {
            continue;
        };
        let outcome = match result.get("ok") {
            Some(value) => Ok(value.clone()),
            None => Err(result["error"].as_str().unwrap_or_default().to_owned()),
        };
        back.insert(case, outcome);
    }
    if back.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("the harness printed nothing");
        return Err(error.to_owned());
    }
    let judge = Judge::new(&api.document);
    Ok(cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let fate = match back.remove(&i) {
                Some(Ok(value)) => match difference(&case.value, &value, "") {
                    None => Fate::Lossless,
                    Some(change) => Fate::Lossy(change),
                },
                Some(Err(error)) => Fate::Refused(error),
                None => Fate::Refused("the harness gave no result".to_owned()),
            };
            Outcome {
                pointer: case.pointer.clone(),
                fits: judge.fits(&case.schema_pointer, case.request, &case.value),
                fate,
            }
        })
        .collect())
}

/// The first difference between an example and what came back, as `kind at /path`; `None`
/// when they are the same JSON (numbers compared by value: `1` and `1.0` are one number).
pub fn difference(sent: &Value, back: &Value, path: &str) -> Option<String> {
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let at = format!("{path}/{key}");
                match b.get(key) {
                    None if value.is_null() => return Some(format!("null dropped at {at}")),
                    None => return Some(format!("field dropped at {at}")),
                    Some(other) => {
                        if let Some(d) = difference(value, other, &at) {
                            return Some(d);
                        }
                    }
                }
            }
            b.iter()
                .find(|(key, _)| !a.contains_key(*key))
                .map(|(key, value)| {
                    let what = if value.is_null() { "null" } else { "field" };
                    format!("{what} added at {path}/{key}")
                })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| difference(x, y, &format!("{path}/{i}"))),
        (Value::Array(_), Value::Array(_)) => Some(format!("array length changed at {path}")),
        (Value::Number(a), Value::Number(b)) => {
            let same = a == b || a.as_f64() == b.as_f64();
            (!same).then(|| format!("number changed at {path}"))
        }
        (Value::String(a), Value::String(b)) if a != b => {
            let instant = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
            match (instant(a), instant(b)) {
                (Some(x), Some(y)) if x == y => {
                    Some(format!("date-time rewritten (same instant) at {path}"))
                }
                _ => Some(format!("string changed at {path}")),
            }
        }
        (a, b) if a == b => None,
        _ => Some(format!("value changed at {path}")),
    }
}

/// Judges examples against their schemas in the bundled (3.0-form) document, read as JSON
/// Schema draft 4 with `nullable` made a `null` alternative, and with the `required` of each
/// direction: a read-only property is not required of a request, a write-only one not of a
/// response (OpenAPI 3.0 says so).
struct Judge {
    /// The components as requests read them, and as responses do.
    components: [Value; 2],
    document: Value,
    /// The validator of each schema (pointer, request), built once: examples often share one.
    validators: std::cell::RefCell<BTreeMap<(String, bool), Option<jsonschema::Validator>>>,
}

impl Judge {
    fn new(document: &Value) -> Judge {
        let components = document.get("components").cloned().unwrap_or(json!({}));
        Judge {
            components: [true, false].map(|request| json_schema(&components, request)),
            document: document.clone(),
            validators: Default::default(),
        }
    }

    /// Whether `value` fits the schema at `pointer` (of a request body when `request`); `None`
    /// when the schema cannot be built.
    fn fits(&self, pointer: &str, request: bool, value: &Value) -> Option<bool> {
        let mut validators = self.validators.borrow_mut();
        let validator = validators
            .entry((pointer.to_owned(), request))
            .or_insert_with(|| self.validator(pointer, request));
        Some(validator.as_ref()?.is_valid(value))
    }

    fn validator(&self, pointer: &str, request: bool) -> Option<jsonschema::Validator> {
        let schema = json_schema(self.document.pointer(pointer)?, request);
        let mut root = Map::new();
        root.insert("$ref".into(), json!("#/definitions/example"));
        root.insert("definitions".into(), json!({"example": schema}));
        let components = &self.components[usize::from(!request)];
        root.insert("components".into(), components.clone());
        jsonschema::draft4::options()
            .should_validate_formats(false)
            .build(&Value::Object(root))
            .ok()
    }
}

/// Schemas (in 3.0 form) as JSON Schema reads them in one direction: `nullable: true` a `null`
/// alternative, read-only (in a request) or write-only (in a response) properties not required.
fn json_schema(value: &Value, request: bool) -> Value {
    let mut value = value.clone();
    rewrite(&mut value, request);
    value
}

fn rewrite(value: &mut Value, request: bool) {
    match value {
        Value::Object(map) => {
            let skipped = if request { "readOnly" } else { "writeOnly" };
            let one_way: Vec<String> = map
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, p)| p.get(skipped) == Some(&Value::Bool(true)))
                .map(|(name, _)| name.clone())
                .collect();
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|r| !one_way.iter().any(|n| r.as_str() == Some(n)));
            }
            for child in map.values_mut() {
                rewrite(child, request);
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                let inner = Value::Object(std::mem::take(map));
                map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, request)),
        _ => {}
    }
}

/// The examples round trip of each of `chosen`, except those the journal already holds: the
/// crate generated again with the test harness, built (models only) and run.
pub(super) fn round_trip_all(
    specs: &[PathBuf],
    chosen: &[usize],
    out_root: &Path,
    options: &Options,
    journal: &Journal,
) -> BTreeMap<usize, Result<Vec<Outcome>, String>> {
    let tool = "forge";
    let mut results = BTreeMap::new();
    let mut todo = Vec::new();
    for &i in chosen {
        match journal.get(Stage::Examples, tool, i) {
            Some(entry) => {
                results.insert(i, examples_of_entry(entry));
            }
            None => todo.push(i),
        }
    }
    let target = |worker: usize| out_root.join(format!("target-examples-{worker}"));
    let total = todo.len();
    let done = pool::run(
        todo.into_iter().enumerate().collect(),
        WORKERS,
        256 * 1024 * 1024,
        |worker, (k, i)| {
            let started = Instant::now();
            let result = round_trip_one(&specs[i], i, out_root, &target(worker), options.timeout);
            let entry = match &result {
                Ok(outcomes) => Entry {
                    status: Status::Ok,
                    message: Value::Array(outcomes.iter().map(Outcome::to_json).collect())
                        .to_string(),
                    time: started.elapsed(),
                },
                Err(why) => Entry {
                    status: Status::Failed,
                    message: why.clone(),
                    time: started.elapsed(),
                },
            };
            journal.record(Stage::Examples, tool, i, &entry);
            let said = match &result {
                Ok(outcomes) => format!("{} examples", outcomes.len()),
                Err(why) => why.clone(),
            };
            eprintln!(
                "corpus: examples {}/{total} {}: {said}",
                k + 1,
                crate_name(i)
            );
            (i, result)
        },
        |worker| {
            let _ = std::fs::remove_dir_all(target(worker));
        },
    );
    results.extend(done);
    results
}

fn examples_of_entry(entry: &Entry) -> Result<Vec<Outcome>, String> {
    if entry.status != Status::Ok {
        return Err(entry.message.clone());
    }
    let outcomes: Value = serde_json::from_str(&entry.message).map_err(|e| e.to_string())?;
    Ok(outcomes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Outcome::from_json)
        .collect())
}

/// The examples round trip of one spec: its examples, its crate with the harness, the run.
fn round_trip_one(
    spec: &Path,
    i: usize,
    out_root: &Path,
    target: &Path,
    timeout: u64,
) -> Result<Vec<Outcome>, String> {
    let name = crate_name(i);
    let config = corpus_config(i, spec);
    let built = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let (api, _) = openapi_forge::build_api(&config).map_err(|d| d.to_string())?;
        let output = openapi_forge::emit::crate_files(&api, &config)?;
        Ok::<_, String>((api, output))
    }))
    .map_err(|_| "the generator panicked".to_owned())??;
    let (api, output) = built;
    let cases = openapi_forge::examples::cases(&api);
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let dir = out_root.join("examples").join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    output.write(&dir).map_err(|e| e.to_string())?;
    let result = run(&api, &cases, &dir, &name, target, timeout);
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_named_with_their_path() {
        let sent = json!({"a": 1, "b": null, "c": [1.5, "2020-01-01T00:00:00+01:00"]});
        assert_eq!(difference(&sent, &sent, ""), None);
        assert_eq!(
            difference(&json!({"a": 1}), &json!({"a": 1.0}), ""),
            None,
            "one number"
        );
        assert_eq!(
            difference(
                &sent,
                &json!({"a": 1, "c": [1.5, "2020-01-01T00:00:00+01:00"]}),
                ""
            ),
            Some("null dropped at /b".into())
        );
        assert_eq!(
            difference(
                &sent,
                &json!({"a": 1, "b": null, "c": [1.5, "2019-12-31T23:00:00Z"]}),
                ""
            ),
            Some("date-time rewritten (same instant) at /c/1".into())
        );
        assert_eq!(
            difference(&json!({"a": 1}), &json!({"a": 1, "d": 0}), ""),
            Some("field added at /d".into())
        );
        assert_eq!(
            difference(&json!({"a": 0.1}), &json!({"a": 0.10000000149011612}), ""),
            Some("number changed at /a".into())
        );
    }

    #[test]
    fn the_judge_reads_nullable_and_component_refs() {
        let document = json!({
            "components": {"schemas": {
                "Pet": {"type": "object", "required": ["id", "name"], "properties": {
                    "id": {"type": "integer", "readOnly": true},
                    "name": {"type": "string"},
                    "tag": {"type": "string", "nullable": true}
                }}
            }},
            "paths": {"/pets": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
            }}}}}}}
        });
        let judge = Judge::new(&document);
        let at = "/paths/~1pets/get/responses/200/content/application~1json/schema";
        let fits = |at: &str, request: bool, value: Value| judge.fits(at, request, &value);
        assert_eq!(
            fits(at, false, json!([{"id": 1, "name": "a", "tag": null}])),
            Some(true)
        );
        assert_eq!(fits(at, false, json!([{"id": 1, "tag": "x"}])), Some(false));
        let pet = "/components/schemas/Pet";
        assert_eq!(fits(pet, false, json!({"id": 1, "name": 3})), Some(false));
        // `id` is read-only: required of responses only.
        assert_eq!(fits(pet, false, json!({"name": "a"})), Some(false));
        assert_eq!(fits(pet, true, json!({"name": "a"})), Some(true));
        assert_eq!(fits("/nowhere", false, json!(1)), None);
    }
}
