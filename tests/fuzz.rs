//! Fuzzing: whatever it is fed, the generator answers with a crate or with diagnostics, and
//! never panics, hangs or fills the memory.
//!
//! [`generator_survives_fuzzed_specs`] runs `openapi_forge::generate` (load → normalize → lower →
//! emit) on inputs made three ways, until a deadline:
//!
//! - mutations of the real specs: every fixture under `fixtures/` (the regression inputs of
//!   `fixtures/fuzz/` included) and every vendor API under `specs/<api>/`. All files of a
//!   multi-file spec are written out, one of them mutated, and the set is loaded together, so
//!   relative `$ref`s between the files still resolve. Mutations work on the parsed document:
//!   delete a key, replace a value with one of another type, duplicate a subtree elsewhere,
//!   insert `$ref`s (to existing pointers, to the ref's own ancestors, to missing targets, to
//!   other files, to URLs and devices), rename keys (schema and property names, paths to odd
//!   templates), nest a value deeply, swap `allOf`/`oneOf`/`anyOf`, set `type` to arrays or
//!   invalid strings, insert keywords with odd values. Or on the text: truncation, byte edits
//!   (invalid UTF-8, YAML punctuation, anchors and tags).
//! - documents made from scratch: OpenAPI-shaped specs (schemas, operations, parameters, bodies,
//!   responses, security, pagination) with odd names and dangling `$ref`s, and arbitrary JSON
//!   values placed at random spots of a minimal document.
//! - raw bytes: random bytes, YAML documents with anchors, aliases, merge keys and tags, a
//!   "billion laughs" alias bomb and a `$ref` bomb (each level referring twice or more to the
//!   level below), both of bounded size.
//!
//! The property, checked on each input: `generate` returns, on the CLI's 256 MiB stack, within
//! the case timeout and without taking more memory than the limit; every diagnostic has a
//! message and none is an internal error (emitted code that does not parse); an `Err` holds at
//! least one error; an `Ok` holds no error, `Cargo.toml`, `src/lib.rs` and an `openapi.json`
//! that is JSON, and generating the same input again gives the same files and warnings
//! (checked on about a quarter of the successful inputs).
//!
//! Environment:
//!
//! - `FORGE_FUZZ_SECONDS`: how long to fuzz (default 15);
//! - `FORGE_FUZZ_SEED`: the seed of the first batch (default 0; `random` takes one from the
//!   clock). Batch `n` runs [`BATCH_CASES`] cases from seed `seed + n`. A failure prints the seed
//!   of its batch, and `FORGE_FUZZ_SEED=<that seed>` replays that batch first;
//! - `FORGE_FUZZ_CASE_TIMEOUT`: seconds one input may take (default 10, 30 in debug builds);
//! - `FORGE_FUZZ_VERBOSE`: when set, the summary also counts the refused inputs by their first
//!   error, to see which parts of the generator the inputs reach;
//! - `FORGE_FUZZ_MEMORY_MIB`: the memory one input may take (default 2048; measured on Linux
//!   only).
//!
//! A failing input is shrunk by proptest, written to `<target>/fuzz-failures/seed-<seed>/` and
//! printed. A stack overflow aborts the process instead: its input is left in
//! `<target>/fuzz-work/<pid>/case/`, with the batch seed in `case.txt` next to it. To keep it as a regression test, copy it to `fixtures/fuzz/` (a file, or a folder
//! whose top-level files are loaded together) and fix the generator: [`fuzz_regressions`] runs
//! every input there.
//!
//! Longer runs by hand (a release build runs about five times as many cases a second):
//!
//! ```sh
//! FORGE_FUZZ_SECONDS=3600 FORGE_FUZZ_SEED=random \
//!     cargo test --release -p forge-tests --test fuzz -- --nocapture
//! ```

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use forge_tests::{crate_dir, target_dir, workspace_root};
use openapi_forge::{Config, Diagnostics, Output, Severity};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{
    Config as RunnerConfig, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};
use serde_json::{json, Map, Value};

/// Cases run from one seed.
const BATCH_CASES: u32 = 32;

/// Stack of the thread that runs the generator: the CLI's (see `generator/src/main.rs`).
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Name of the generator's thread, which the panic hook recognizes.
const WORKER_NAME: &str = "forge-fuzz-worker";

/// Deepest nesting a `Nest` mutation adds: past the YAML parser's own limit of 128, so that both
/// the limit and the depths under it are reached.
const MAX_NEST: u16 = 160;

/// Largest subtree (in values) that a `Duplicate` mutation copies, so that inputs stay small.
const MAX_DUPLICATE: usize = 400;

// ---------------------------------------------------------------------------------------------
// Settings

/// What the environment asks for (see the module documentation).
struct Settings {
    seconds: u64,
    seed: u64,
    case_timeout: Duration,
    memory_mib: u64,
}

impl Settings {
    fn from_env() -> Settings {
        let number = |name: &str| -> Option<u64> {
            let text = std::env::var(name).ok()?;
            match text.trim().parse() {
                Ok(n) => Some(n),
                Err(_) => panic!("{name}={text} is not a number"),
            }
        };
        let seed = match std::env::var("FORGE_FUZZ_SEED").ok().as_deref() {
            Some("random") => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64),
            _ => number("FORGE_FUZZ_SEED").unwrap_or(0),
        };
        let default_timeout = if cfg!(debug_assertions) { 30 } else { 10 };
        Settings {
            seconds: number("FORGE_FUZZ_SECONDS").unwrap_or(15),
            seed,
            case_timeout: Duration::from_secs(
                number("FORGE_FUZZ_CASE_TIMEOUT").unwrap_or(default_timeout),
            ),
            memory_mib: number("FORGE_FUZZ_MEMORY_MIB").unwrap_or(2048),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The corpus: the real specs that mutations start from

/// One file of a spec set.
#[derive(Debug)]
struct SpecFile {
    /// Path relative to the set's folder, with `/`.
    path: String,
    /// The file's contents.
    bytes: Vec<u8>,
    /// The parsed document, when the file parses.
    doc: Option<Value>,
}

/// The files of one API, loaded together.
#[derive(Debug)]
struct SpecSet {
    /// Where it comes from, relative to the workspace, for reports.
    origin: String,
    files: Vec<SpecFile>,
    /// Indexes into `files` of the files handed to the generator.
    roots: Vec<usize>,
}

/// Every spec set of the repository.
struct Corpus {
    sets: Vec<SpecSet>,
}

impl Corpus {
    /// The fixtures (a folder holding `api.yaml` is one set, every other spec file its own) and
    /// the vendor APIs (each folder under `specs/` one set).
    fn load() -> Corpus {
        let mut sets = Vec::new();
        collect_fixtures(&crate_dir().join("fixtures"), &mut sets);
        let specs = workspace_root().join("specs");
        for dir in sorted_entries(&specs) {
            if dir.is_dir() {
                sets.push(folder_set(&dir));
            }
        }
        Corpus { sets }
    }
}

/// The entries of a folder, sorted; none when it cannot be read.
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    entries
}

fn is_spec_file(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

fn collect_fixtures(dir: &Path, sets: &mut Vec<SpecSet>) {
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            if entry.join("api.yaml").is_file() {
                sets.push(folder_set(&entry));
            } else {
                collect_fixtures(&entry, sets);
            }
        } else if is_spec_file(&entry) {
            sets.push(file_set(&entry));
        }
    }
}

/// The path of `path` relative to the workspace, for reports.
fn origin(path: &Path) -> String {
    let root = workspace_root();
    forge_tests::slash_path(path.strip_prefix(&root).unwrap_or(path))
}

/// A set of one file.
fn file_set(path: &Path) -> SpecSet {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    SpecSet {
        origin: origin(path),
        files: vec![spec_file(name, path)],
        roots: vec![0],
    }
}

/// A folder: every spec file under it, the top-level ones handed to the generator.
fn folder_set(dir: &Path) -> SpecSet {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in sorted_entries(&dir.join(&rel)) {
            let Some(name) = entry.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            if entry.is_dir() {
                stack.push(rel.join(name));
            } else if is_spec_file(&entry) {
                files.push(spec_file(forge_tests::slash_path(&rel.join(name)), &entry));
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let roots = (0..files.len())
        .filter(|&i| !files[i].path.contains('/'))
        .collect();
    SpecSet {
        origin: origin(dir),
        files,
        roots,
    }
}

fn spec_file(path: String, on_disk: &Path) -> SpecFile {
    let bytes =
        std::fs::read(on_disk).unwrap_or_else(|e| panic!("cannot read {}: {e}", on_disk.display()));
    let doc = std::str::from_utf8(&bytes).ok().and_then(parse_text);
    SpecFile { path, bytes, doc }
}

/// Parses YAML (JSON included) the way the loader does: keys that YAML allows and JSON does not
/// (`200:`) become strings.
fn parse_text(text: &str) -> Option<Value> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    yaml.apply_merge().ok()?;
    Some(yaml_to_json(yaml))
}

fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::from(i),
            (_, Some(u), _) => Value::from(u),
            (_, _, f) => f
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number),
        },
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_yaml::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: the odd names, values and references that mutations and generators draw from

/// Names for keys, schemas, properties, parameters and operation ids: Rust keywords and prelude
/// names, names the generated code uses itself, case and separator collisions, punctuation,
/// unicode, and long names.
fn names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = [
            "a",
            "A",
            "b",
            "id",
            "Id",
            "ID",
            "name",
            "type",
            "Type",
            "self",
            "Self",
            "Result",
            "Option",
            "Vec",
            "String",
            "Box",
            "Some",
            "None",
            "Ok",
            "Err",
            "crate",
            "super",
            "mod",
            "fn",
            "async",
            "await",
            "dyn",
            "impl",
            "match",
            "r#type",
            "_",
            "__",
            "-",
            "--",
            "2fa",
            "123",
            "0",
            "-1",
            "1e9",
            "@type",
            "$ref",
            "*/",
            "/*",
            "//",
            "#",
            "~",
            "~1",
            "/",
            "\\",
            "'",
            "\"",
            "a\"b",
            "a\\b",
            "a b",
            " ",
            "",
            "\n",
            "\t",
            "\u{0}",
            "x-",
            "x-foo",
            "Ünïcödé",
            "日本語",
            "🦀",
            "e\u{301}",
            "\u{202e}rtl",
            "aB",
            "Ab",
            "a_b",
            "A_B",
            "a-b",
            "A-B",
            "a.b",
            "aB_c",
            "default",
            "Default",
            "Client",
            "Server",
            "Api",
            "Error",
            "Request",
            "Response",
            "models",
            "client",
            "server",
            "support",
            "std",
            "core",
            "serde",
            "reqwest",
            "axum",
            "tokio",
            "Future",
            "Send",
            "Clone",
            "Debug",
            "test",
            "main",
            "null",
            "true",
            "false",
            "[]",
            "{}",
            "{a}",
            "{",
            "}",
            "Pet",
            "Pets",
            "GetPetRequest",
            "GetPetResponse",
            "Item",
            "items",
            "page",
            "next",
            "Unknown",
            "Other",
            "Value",
            "Map",
            "HashMap",
            "serde_json",
            "Body",
            "Bytes",
            "Uuid",
            "DateTime",
            "2XX",
            "1XX",
            "999",
            "200",
            "application/json",
            "*/*",
            "text/plain; charset=utf-8",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        names.push("x".repeat(300));
        names.push("Ab".repeat(150));
        names.push("🦀".repeat(60));
        names.push("_1".repeat(40));
        names
    })
}

/// Path templates, valid and not.
const PATHS: &[&str] = &[
    "/{a}/{a}",
    "/x/{}",
    "/{",
    "/}",
    "/{a",
    "/a}",
    "/{a}{b}",
    "/{a}.{b}",
    "/",
    "//",
    "/a//b",
    "/{😀}",
    "/{a b}",
    "/{self}",
    "/{type}",
    "/{0}",
    "/{1a}",
    "/{-}",
    "/a/{id}",
    "/a/{id}/b/{ID}",
    "/a/{Id}",
    "/..",
    "/a?b=1",
    "/a#b",
    "/%20",
    "/a b",
    "/ä",
    "no-slash",
    "",
    "/{a}/{b}/{c}/{d}",
    "/{{a}}",
    "/{a}}",
    "x-ext",
    "/a/",
    "/A",
    "/a",
    "/a/*",
    "/a/:id",
];

/// OpenAPI and JSON Schema keywords, and the extensions the generator reads.
const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "default",
    "example",
    "examples",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "discriminator",
    "propertyName",
    "mapping",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "title",
    "description",
    "$ref",
    "x-enum-varnames",
    "x-enum-descriptions",
    "x-sensitive",
    "x-pagination",
    "style",
    "page_param",
    "size_param",
    "offset_param",
    "limit_param",
    "cursor_param",
    "next_cursor",
    "openapi",
    "info",
    "version",
    "paths",
    "components",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "security",
    "servers",
    "url",
    "variables",
    "tags",
    "name",
    "in",
    "schema",
    "content",
    "requestBody",
    "operationId",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "trace",
    "summary",
    "callbacks",
    "links",
    "explode",
    "allowReserved",
    "scheme",
    "bearerFormat",
    "flows",
    "openIdConnectUrl",
    "const",
    "$schema",
    "definitions",
    "swagger",
    "encoding",
    "contentType",
];

/// Values for `type`: the valid ones, arrays (3.1 style) and invalid ones.
fn type_values() -> Vec<Value> {
    vec![
        json!("string"),
        json!("integer"),
        json!("number"),
        json!("boolean"),
        json!("object"),
        json!("array"),
        json!(["string", "null"]),
        json!(["object"]),
        json!([]),
        json!("null"),
        json!("file"),
        json!("Object"),
        json!(""),
        json!(5),
        json!(true),
        json!(null),
        json!({"a": 1}),
        json!("any"),
    ]
}

/// Values of every type, including extreme numbers and odd strings.
fn odd_values() -> &'static [Value] {
    static VALUES: OnceLock<Vec<Value>> = OnceLock::new();
    VALUES.get_or_init(|| {
        let mut values = vec![
            Value::Null,
            json!(true),
            json!(false),
            json!(0),
            json!(-1),
            json!(1),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(1.5),
            json!(-0.0),
            json!(1e308),
            json!(-1e308),
            json!(1e-300),
            json!(0.1),
            json!(""),
            json!(" "),
            json!("x".repeat(5000)),
            json!("\u{0}"),
            json!("2fa"),
            json!("@type"),
            json!("*/"),
            json!("/*"),
            json!("self"),
            json!("Result"),
            json!("🦀 ünïcödé \u{202e}"),
            json!("\"#[doc]\""),
            json!("}}{{"),
            json!("{{ x }}"),
            json!("{% raw %}"),
            json!("\\u0000 \\n"),
            json!("line\nbreak\r\n"),
            json!("```"),
            json!("1.0"),
            json!("3.0.3"),
            json!("3.1.0"),
            json!("date-time"),
            json!("int64"),
            json!("binary"),
            json!("uuid"),
            json!("^(a+)+$"),
            json!("[unclosed"),
            json!("http://"),
            json!("page"),
            json!("cursor"),
            json!("offset"),
            json!("a.b.c"),
            json!([]),
            json!([null]),
            json!(["a", "a"]),
            json!(["", "A", "a", "a_", "A-"]),
            json!([1, "1", 1.5, true, null]),
            json!([[1], {"a": 1}]),
            json!({}),
            json!({"": null}),
            json!({"a": {}}),
            json!({"type": "string"}),
            json!({"$ref": "#/components/schemas/Missing"}),
            json!({"propertyName": "type"}),
            json!({"propertyName": "type", "mapping": {"a": "#/components/schemas/A", "b": "B"}}),
            json!({"style": "page", "page_param": "page", "items": "a.b"}),
            json!({"style": "cursor", "cursor_param": "c", "next_cursor": "", "items": ""}),
            json!({"style": "offset", "offset_param": "", "limit_param": "self"}),
            json!({"description": "d", "content": {}}),
            json!({"application/json": {"schema": {"type": "object"}}}),
            json!({"name": "a", "in": "query"}),
        ];
        for ty in type_values() {
            values.push(json!({ "type": ty }));
        }
        values
    })
}

/// `$ref` values that do not point at a node of the spec: missing targets, missing files, URLs,
/// devices, malformed fragments.
const ODD_REFS: &[&str] = &[
    "#/components/schemas/Missing",
    "missing.yaml#/components/schemas/A",
    "missing.yaml",
    "https://example.com/spec.yaml#/components/schemas/A",
    "http://x",
    "//x/y.yaml",
    "file:///etc/passwd",
    "#",
    "",
    "#/",
    "#foo",
    "#/components/schemas/",
    "#/components/schemas",
    "#/components",
    "#/paths",
    "#/paths/~1",
    "#/info",
    "#/openapi",
    "#/components/schemas/A~2",
    "#/%zz",
    "#/components/schemas/%41",
    "#/components/schemas/A%2FB",
    "./",
    ".",
    "..",
    "/",
    "/dev/zero",
    "/etc/hostname",
    "../../../../../../../../etc/passwd#/a",
    "#/0",
    "#/paths/~1{id}",
    "?x",
    "api.yaml#",
    "api.yaml#/components/schemas/Pet",
    "#/components/parameters/..",
    "#/x-foo",
    "\u{0}",
    "#/components/schemas/🦀",
    "C:\\spec.yaml#/a",
    "#/components/schemas/a/b/c/d/e/f",
    "#/components/responses/Missing",
    "#/components/requestBodies/A",
    "#/components/securitySchemes/A",
];

// ---------------------------------------------------------------------------------------------
// Inputs

/// One fuzzing input, as proptest generates and shrinks it; [`Input::materialize`] turns it into
/// files.
#[derive(Clone, Debug)]
enum Input {
    /// A real spec set with one file changed.
    Mutated {
        /// Index into the corpus (modulo its length).
        set: u16,
        /// Index into the set's files (modulo their number).
        file: u8,
        edit: Edit,
    },
    /// One document made from scratch.
    Scratch { content: Scratch, json: bool },
}

/// How the chosen file of a real spec set is changed.
#[derive(Clone, Debug)]
enum Edit {
    /// Mutations of the parsed document, which is then written in `format`.
    Structure {
        mutations: Vec<Mutation>,
        format: Format,
    },
    /// The text cut at this fraction of its length (in 1/65536).
    Truncate(u16),
    /// Byte edits of the text: (offset in 1/65536 of the length, what to do).
    Bytes(Vec<(u16, u8)>),
}

/// How a mutated document is written.
#[derive(Clone, Copy, Debug)]
enum Format {
    /// YAML.
    Yaml,
    /// JSON text under the file's own name (JSON is YAML).
    JsonText,
    /// A `.json` file, read by the JSON parser, when the set has only this file.
    JsonFile,
}

/// One change of a parsed document. Each number picks, modulo their count, among the nodes the
/// mutation applies to (in document order), or among the vocabulary.
#[derive(Clone, Debug)]
enum Mutation {
    /// Removes a key or array item.
    Delete(u32),
    /// Replaces a value with one of [`odd_values`].
    Replace { at: u32, value: u16 },
    /// Copies a subtree into an object (under a name) or an array.
    Duplicate { from: u32, to: u32, name: u16 },
    /// Replaces a value with a `$ref`.
    Ref { at: u32, target: RefTarget },
    /// Renames a key (to a name or a path template).
    Rename { at: u32, name: u16 },
    /// Wraps a value in `depth` schema layers.
    Nest { at: u32, depth: u16, layer: u8 },
    /// Renames an `allOf`/`oneOf`/`anyOf` to another of them.
    Combinator { at: u32, to: u8 },
    /// Sets `type` of an object to one of [`type_values`].
    Type { at: u32, ty: u8 },
    /// Inserts a keyword with one of [`odd_values`] into an object.
    Keyword { at: u32, key: u8, value: u16 },
    /// Renames a named entry: a path, a component, a property, a status, a media type.
    RenameNamed { at: u32, name: u16 },
    /// Sets a naming field (`name`, `operationId`, `in`, `format`...) to one of the names.
    Field { at: u32, name: u16 },
}

/// The maps whose keys are names that the generator turns into Rust names or matches on.
const NAMED: &[&str] = &[
    "paths",
    "properties",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "content",
    "mapping",
    "variables",
    "callbacks",
];

/// The fields whose string values the generator turns into Rust names or matches on.
const FIELDS: &[&str] = &[
    "name",
    "operationId",
    "in",
    "style",
    "format",
    "type",
    "propertyName",
    "scheme",
    "bearerFormat",
    "url",
    "title",
    "version",
    "openapi",
    "pattern",
    "page_param",
    "size_param",
    "offset_param",
    "limit_param",
    "cursor_param",
    "next_cursor",
    "items",
    "default",
    "tags",
];

/// What an inserted `$ref` points at.
#[derive(Clone, Debug)]
enum RefTarget {
    /// A node of the same document.
    Node(u32),
    /// An ancestor of the ref itself, or the ref itself: a cycle.
    Ancestor(u8),
    /// A node of a file of the set (possibly the same file, named by its path).
    File { file: u8, node: u32 },
    /// One of [`ODD_REFS`].
    Odd(u8),
}

/// A document made from scratch.
#[derive(Clone, Debug)]
enum Scratch {
    /// An OpenAPI-shaped spec.
    Spec(Value),
    /// An arbitrary value, placed at a spot of a minimal spec (or as the whole document).
    Value { value: Value, spot: u8 },
    /// Arbitrary bytes.
    Bytes(Vec<u8>),
    /// One of [`YAML_TEMPLATES`], with byte edits.
    Yaml { template: u8, edits: Vec<(u16, u8)> },
    /// A YAML alias bomb: `levels` anchors, each a list of `fanout` aliases of the one before.
    Laughs { levels: u8, fanout: u8 },
    /// A `$ref` bomb: `levels` nested nodes, each referring `fanout` times to the one below.
    RefBomb { levels: u8, fanout: u8, kind: u8 },
}

/// Hand-written YAML documents with the features the YAML parser handles beyond JSON.
const YAML_TEMPLATES: &[&str] = &[
    // Anchors, aliases and merge keys in schemas.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Base: &base\n      type: object\n      properties:\n        id: {type: string}\n    Derived:\n      <<: *base\n      required: [id]\n    Same: *base\n",
    // A merge key that merges a list and a scalar.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      <<: [{type: object}, {description: d}]\n    B:\n      <<: 5\n",
    // An alias to an undefined anchor.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: *missing\n",
    // A recursive alias.
    "openapi: 3.0.3\ninfo: &i {title: t, version: '1', self: *i}\npaths: {}\n",
    // Several documents in one file.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n---\nopenapi: 3.0.3\n",
    // Tags, custom and standard.
    "openapi: !!str 3.0.3\ninfo: !custom {title: !!binary aGk=, version: !!int '1'}\npaths: !!map {}\ncomponents: {schemas: {A: !!set {a, b}}}\n",
    // Complex keys and a null key.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  ? [a, b]\n  : {}\n  ~: {}\n  ? {x: 1}\n  : {}\n",
    // Integer, boolean and float keys where names belong.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n        2.5: {description: x}\n        true: {description: y}\n        -1: {description: z}\ncomponents:\n  schemas:\n    1: {type: object}\n    null: {type: string}\n",
    // Duplicate keys.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string}\n    A: {type: integer}\n",
    // A byte order mark, tabs and a directive.
    "\u{feff}%YAML 1.2\n---\nopenapi: 3.0.3\ninfo:\n\ttitle: t\n",
    // Block scalars and odd quoting.
    "openapi: \"3.0.3\"\ninfo:\n  title: |\n    multi\n    line\n  version: >-\n    1\npaths:\n  '/a''b': {}\n  \"/\\u0000\": {}\n",
    // Anchors on operations, reused under several paths.
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: &op\n      operationId: same\n      responses: {'200': {description: ok}}\n  /b:\n    get: *op\n    post: *op\n",
];

impl Input {
    /// The kind of input, for the statistics.
    fn kind(&self, corpus: &Corpus) -> String {
        match self {
            Input::Mutated { set, edit, .. } => {
                let set = &corpus.sets[*set as usize % corpus.sets.len()];
                let what = match edit {
                    Edit::Structure { .. } => "mutated",
                    Edit::Truncate(_) => "truncated",
                    Edit::Bytes(_) => "byte-edited",
                };
                if set.origin.starts_with("specs/") {
                    format!("{what} vendor spec")
                } else {
                    format!("{what} fixture")
                }
            }
            Input::Scratch { content, .. } => match content {
                Scratch::Spec(_) => "generated spec",
                Scratch::Value { .. } => "arbitrary value",
                Scratch::Bytes(_) => "raw bytes",
                Scratch::Yaml { .. } => "yaml template",
                Scratch::Laughs { .. } => "alias bomb",
                Scratch::RefBomb { .. } => "$ref bomb",
            }
            .to_string(),
        }
    }

    /// The files this input stands for.
    fn materialize(&self, corpus: &Corpus) -> Materialized {
        match self {
            Input::Mutated { set, file, edit } => {
                let set = &corpus.sets[*set as usize % corpus.sets.len()];
                mutate_set(set, *file as usize % set.files.len(), edit)
            }
            Input::Scratch { content, json } => {
                // YAML features need the YAML parser.
                let yaml_only = matches!(content, Scratch::Yaml { .. } | Scratch::Laughs { .. });
                let name = if *json && !yaml_only {
                    "api.json"
                } else {
                    "api.yaml"
                };
                let bytes = match content {
                    Scratch::Spec(doc) => write_value(doc, *json),
                    Scratch::Value { value, spot } => write_value(&place(value, *spot), *json),
                    Scratch::Bytes(bytes) => bytes.clone(),
                    Scratch::Yaml { template, edits } => edit_bytes(
                        YAML_TEMPLATES[*template as usize % YAML_TEMPLATES.len()].as_bytes(),
                        edits,
                    ),
                    Scratch::Laughs { levels, fanout } => laughs(*levels, *fanout).into_bytes(),
                    Scratch::RefBomb {
                        levels,
                        fanout,
                        kind,
                    } => write_value(&ref_bomb(*levels, *fanout, *kind), *json),
                };
                Materialized {
                    origin: "scratch".into(),
                    files: vec![(name.to_string(), bytes)],
                    roots: vec![name.to_string()],
                    changed: name.to_string(),
                }
            }
        }
    }
}

/// The files of one input.
#[derive(Debug)]
struct Materialized {
    /// The spec set it was made from, or `scratch`.
    origin: String,
    /// (path relative to the input's folder, contents).
    files: Vec<(String, Vec<u8>)>,
    /// The files handed to the generator.
    roots: Vec<String>,
    /// The file that differs from the original.
    changed: String,
}

impl Materialized {
    /// Writes the files under `dir`, which is emptied first.
    fn write(&self, dir: &Path) -> std::io::Result<()> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        for (path, bytes) in &self.files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }

    /// A hash of the contents, to pick the inputs whose determinism is checked.
    fn hash(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.files.hash(&mut hasher);
        hasher.finish()
    }
}

fn mutate_set(set: &SpecSet, index: usize, edit: &Edit) -> Materialized {
    let original = &set.files[index];
    let mut name = original.path.clone();
    let bytes = match edit {
        Edit::Structure { mutations, format } => match &original.doc {
            Some(doc) => {
                let mut doc = doc.clone();
                for m in mutations {
                    apply(&mut doc, m, set, index);
                }
                match format {
                    Format::Yaml => write_value(&doc, false),
                    Format::JsonText => write_value(&doc, true),
                    Format::JsonFile => {
                        if set.files.len() == 1 {
                            name = match name.rsplit_once('.') {
                                Some((stem, _)) => format!("{stem}.json"),
                                None => format!("{name}.json"),
                            };
                        }
                        write_value(&doc, true)
                    }
                }
            }
            None => original.bytes.clone(),
        },
        Edit::Truncate(at) => {
            let cut = scale(*at, original.bytes.len());
            original.bytes[..cut].to_vec()
        }
        Edit::Bytes(edits) => edit_bytes(&original.bytes, edits),
    };
    let files = set
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i == index {
                (name.clone(), bytes.clone())
            } else {
                (f.path.clone(), f.bytes.clone())
            }
        })
        .collect();
    let roots = set
        .roots
        .iter()
        .map(|&i| {
            if i == index {
                name.clone()
            } else {
                set.files[i].path.clone()
            }
        })
        .collect();
    Materialized {
        origin: set.origin.clone(),
        files,
        roots,
        changed: name,
    }
}

/// `fraction / 65536` of `len`.
fn scale(fraction: u16, len: usize) -> usize {
    (len as u64 * u64::from(fraction) / 65536) as usize
}

/// Writes a document as YAML or JSON.
fn write_value(doc: &Value, json: bool) -> Vec<u8> {
    let text = if json {
        serde_json::to_string_pretty(doc)
    } else {
        serde_yaml::to_string(doc).or_else(|_| serde_json::to_string_pretty(doc))
    };
    text.unwrap_or_default().into_bytes()
}

/// Byte strings inserted by byte edits: invalid UTF-8, NUL, YAML punctuation, anchors, aliases,
/// merge keys, tags, directives.
const TOKENS: &[&[u8]] = &[
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\t",
    b":",
    b": ",
    b"- ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!binary ",
    b"!tag ",
    b"'",
    b"\"",
    b"\n",
    b"\n  ",
    b"#",
    b"---\n",
    b"...\n",
    b"%YAML 1.2\n",
    b"? ",
    b"|",
    b">",
    b"\xef\xbb\xbf",
    b"~",
    b"@",
    b"`",
    b",",
    b"$ref: '#/components/schemas/x'\n",
];

/// Applies byte edits: each inserts one of [`TOKENS`] or deletes a few bytes.
fn edit_bytes(original: &[u8], edits: &[(u16, u8)]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for &(at, op) in edits {
        let at = scale(at, bytes.len());
        match TOKENS.get(op as usize) {
            Some(token) => {
                bytes.splice(at..at, token.iter().copied());
            }
            None => {
                let end = (at + 1 + op as usize % 16).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

/// A minimal valid spec.
fn minimal() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
    })
}

/// Places an arbitrary value at one spot of a minimal spec.
fn place(value: &Value, spot: u8) -> Value {
    let mut doc = minimal();
    let value = value.clone();
    match spot % 8 {
        0 => return value,
        1 => doc["paths"] = value,
        2 => doc["components"] = json!({ "schemas": value }),
        3 => doc["components"] = json!({ "schemas": { "A": value } }),
        4 => doc["paths"] = json!({ "/a": { "get": value } }),
        5 => {
            doc["paths"] = json!({ "/a": { "get": { "responses": value } } });
        }
        6 => {
            doc["paths"] = json!({ "/a/{id}": { "parameters": value, "get": {
                "responses": { "200": { "description": "ok" } } } } });
        }
        _ => doc["info"] = value,
    }
    doc
}

/// A YAML "billion laughs" document of `levels` anchors with `fanout` aliases each.
fn laughs(levels: u8, fanout: u8) -> String {
    let levels = 1 + levels % 12;
    let fanout = 2 + fanout % 9;
    let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n");
    text.push_str("x-l0: &l0 [lol, lol]\n");
    for level in 1..levels {
        let aliases = vec![format!("*l{}", level - 1); fanout as usize].join(", ");
        text.push_str(&format!("x-l{level}: &l{level} [{aliases}]\n"));
    }
    let top = levels - 1;
    text.push_str(&format!(
        "paths: {{}}\ncomponents:\n  schemas:\n    Bomb:\n      type: array\n      example: *l{top}\n      default: *l{top}\n      enum: *l{top}\n"
    ));
    text
}

/// A spec whose `$ref`s, inlined, grow exponentially: level `i` refers `fanout` times to level
/// `i + 1` through pointers that are not components (which the loader inlines).
fn ref_bomb(levels: u8, fanout: u8, kind: u8) -> Value {
    let levels = 1 + levels % 40;
    let fanout = 2 + fanout % 4;
    let mut doc = minimal();
    let mut chain = Map::new();
    for level in 0..levels {
        let next = if level + 1 == levels {
            json!({"type": "string"})
        } else {
            let target = match kind % 3 {
                // Through a container that is not a component section.
                0 => format!("#/x-chain/l{}", level + 1),
                // Through a pointer inside a component.
                1 => format!("#/components/schemas/Chain/properties/l{}", level + 1),
                // Through a missing file next to a real pointer.
                _ => format!("api.yaml#/x-chain/l{}", level + 1),
            };
            let properties: Map<String, Value> = (0..fanout)
                .map(|i| (format!("p{i}"), json!({ "$ref": target })))
                .collect();
            json!({"type": "object", "properties": properties})
        };
        chain.insert(format!("l{level}"), next);
    }
    doc["x-chain"] = Value::Object(chain.clone());
    doc["components"] = json!({
        "schemas": {
            "Root": { "$ref": if kind % 3 == 1 {
                "#/components/schemas/Chain/properties/l0".to_string()
            } else {
                "#/x-chain/l0".to_string()
            } },
            "Chain": { "type": "object", "properties": chain },
        }
    });
    doc
}

// ---------------------------------------------------------------------------------------------
// Structural mutations

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The paths of every node of `doc` (the root first), in document order.
fn nodes(doc: &Value) -> Vec<Vec<Seg>> {
    fn walk(value: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    path.push(Seg::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), &mut out);
    out
}

fn get<'a>(doc: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(doc, |v, seg| match seg {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

fn get_mut<'a>(doc: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |v, seg| match seg {
        Seg::Key(k) => v.get_mut(k),
        Seg::Index(i) => v.get_mut(i),
    })
}

/// The JSON pointer of a path.
fn pointer(path: &[Seg]) -> String {
    path.iter()
        .map(|seg| match seg {
            Seg::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// The number of values in a subtree.
fn size(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(size).sum(),
        Value::Array(items) => items.iter().map(size).sum(),
        _ => 0,
    }
}

/// Picks one of `candidates` by `sel`.
fn pick<T: Clone>(candidates: &[T], sel: u32) -> Option<T> {
    if candidates.is_empty() {
        None
    } else {
        Some(candidates[sel as usize % candidates.len()].clone())
    }
}

/// The names that keys are renamed to: names and path templates.
fn key_name(sel: u16) -> String {
    let names = names();
    let sel = sel as usize % (names.len() + PATHS.len());
    match names.get(sel) {
        Some(name) => name.clone(),
        None => PATHS[sel - names.len()].to_string(),
    }
}

/// The `$ref` from `file` (a path relative to the set) to `to` (another).
fn relative(file: &str, to: &str) -> String {
    let mut dir: Vec<&str> = file.split('/').collect();
    dir.pop();
    let target: Vec<&str> = to.split('/').collect();
    let common = dir.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; dir.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

/// Applies one mutation to `doc`, which is file `index` of `set`. A mutation with nothing to
/// apply to does nothing.
fn apply(doc: &mut Value, mutation: &Mutation, set: &SpecSet, index: usize) {
    let all = nodes(doc);
    let inner: Vec<Vec<Seg>> = all.iter().filter(|p| !p.is_empty()).cloned().collect();
    let objects = || -> Vec<Vec<Seg>> {
        all.iter()
            .filter(|p| get(doc, p).is_some_and(Value::is_object))
            .cloned()
            .collect()
    };
    match mutation {
        Mutation::Delete(at) => {
            if let Some(path) = pick(&inner, *at) {
                remove(doc, &path);
            }
        }
        Mutation::Replace { at, value } => {
            if let Some(path) = pick(&all, *at) {
                let values = odd_values();
                if let Some(slot) = get_mut(doc, &path) {
                    *slot = values[*value as usize % values.len()].clone();
                }
            }
        }
        Mutation::Duplicate { from, to, name } => {
            let Some(from) = pick(&all, *from) else {
                return;
            };
            let Some(copy) = get(doc, &from)
                .filter(|v| size(v) <= MAX_DUPLICATE)
                .cloned()
            else {
                return;
            };
            let containers: Vec<Vec<Seg>> = all
                .iter()
                .filter(|p| get(doc, p).is_some_and(|v| v.is_object() || v.is_array()))
                .cloned()
                .collect();
            let Some(to) = pick(&containers, *to) else {
                return;
            };
            let key = match from.last() {
                Some(Seg::Key(k)) if name % 3 == 0 => k.clone(),
                _ => key_name(*name),
            };
            match get_mut(doc, &to) {
                Some(Value::Object(map)) => {
                    map.insert(key, copy);
                }
                Some(Value::Array(items)) => items.push(copy),
                _ => {}
            }
        }
        Mutation::Ref { at, target } => {
            let Some(path) = pick(&inner, *at) else {
                return;
            };
            let own = &set.files[index].path;
            let reference = match target {
                RefTarget::Node(node) => pick(&all, *node).map(|p| format!("#{}", pointer(&p))),
                RefTarget::Ancestor(up) => {
                    let keep = path.len() - (*up as usize % (path.len() + 1));
                    Some(format!("#{}", pointer(&path[..keep])))
                }
                RefTarget::File { file, node } => {
                    let other = &set.files[*file as usize % set.files.len()];
                    let fragment = match &other.doc {
                        Some(other_doc) => pick(&nodes(other_doc), *node)
                            .map(|p| pointer(&p))
                            .unwrap_or_default(),
                        None => String::new(),
                    };
                    Some(format!("{}#{fragment}", relative(own, &other.path)))
                }
                RefTarget::Odd(i) => Some(ODD_REFS[*i as usize % ODD_REFS.len()].to_string()),
            };
            if let (Some(reference), Some(slot)) = (reference, get_mut(doc, &path)) {
                *slot = json!({ "$ref": reference });
            }
        }
        Mutation::Rename { at, name } => {
            let keyed: Vec<Vec<Seg>> = inner
                .iter()
                .filter(|p| matches!(p.last(), Some(Seg::Key(_))))
                .cloned()
                .collect();
            if let Some(path) = pick(&keyed, *at) {
                rename(doc, &path, key_name(*name));
            }
        }
        Mutation::Nest { at, depth, layer } => {
            let Some(path) = pick(&all, *at) else {
                return;
            };
            if let Some(slot) = get_mut(doc, &path) {
                let mut value = slot.take();
                // The low three bits pick the first layer; the others, how it changes by level.
                let (first, step) = (usize::from(*layer % 8), usize::from(*layer / 8));
                for level in 0..usize::from(*depth % (MAX_NEST + 1)) {
                    value = wrap(value, (first + step * level) % 8);
                }
                *slot = value;
            }
        }
        Mutation::Combinator { at, to } => {
            const COMBINATORS: [&str; 3] = ["allOf", "oneOf", "anyOf"];
            let with: Vec<Vec<Seg>> = objects()
                .into_iter()
                .filter(|p| {
                    get(doc, p).is_some_and(|v| COMBINATORS.iter().any(|c| v.get(c).is_some()))
                })
                .collect();
            let Some(path) = pick(&with, *at) else {
                return;
            };
            let new = COMBINATORS[*to as usize % 3];
            if let Some(Value::Object(map)) = get_mut(doc, &path) {
                let renamed: Map<String, Value> = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| {
                        if COMBINATORS.contains(&k.as_str()) {
                            (new.to_string(), v)
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                *map = renamed;
            }
        }
        Mutation::Type { at, ty } => {
            if let Some(path) = pick(&objects(), *at) {
                let types = type_values();
                if let Some(Value::Object(map)) = get_mut(doc, &path) {
                    map.insert("type".into(), types[*ty as usize % types.len()].clone());
                }
            }
        }
        Mutation::Keyword { at, key, value } => {
            if let Some(path) = pick(&objects(), *at) {
                let values = odd_values();
                if let Some(Value::Object(map)) = get_mut(doc, &path) {
                    map.insert(
                        KEYWORDS[*key as usize % KEYWORDS.len()].into(),
                        values[*value as usize % values.len()].clone(),
                    );
                }
            }
        }
        Mutation::RenameNamed { at, name } => {
            let named: Vec<Vec<Seg>> = inner
                .iter()
                .filter(|p| {
                    p.len() >= 2
                        && matches!(p.last(), Some(Seg::Key(_)))
                        && matches!(&p[p.len() - 2], Seg::Key(k) if NAMED.contains(&k.as_str()))
                })
                .cloned()
                .collect();
            if let Some(path) = pick(&named, *at) {
                rename(doc, &path, key_name(*name));
            }
        }
        Mutation::Field { at, name } => {
            let fields: Vec<Vec<Seg>> = inner
                .iter()
                .filter(|p| matches!(p.last(), Some(Seg::Key(k)) if FIELDS.contains(&k.as_str())))
                .cloned()
                .collect();
            if let Some(path) = pick(&fields, *at) {
                if let Some(slot) = get_mut(doc, &path) {
                    *slot = Value::String(key_name(*name));
                }
            }
        }
    }
}

/// Renames the key at `path`, keeping its place among its siblings.
fn rename(doc: &mut Value, path: &[Seg], new: String) {
    let Some((Seg::Key(old), parent)) = path.split_last() else {
        return;
    };
    if let Some(Value::Object(map)) = get_mut(doc, parent) {
        let renamed: Map<String, Value> = std::mem::take(map)
            .into_iter()
            .map(|(k, v)| if k == *old { (new.clone(), v) } else { (k, v) })
            .collect();
        *map = renamed;
    }
}

/// Removes the node at `path` (not the root) from its parent.
fn remove(doc: &mut Value, path: &[Seg]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match (get_mut(doc, parent), last) {
        (Some(Value::Object(map)), Seg::Key(k)) => {
            map.shift_remove(k);
        }
        (Some(Value::Array(items)), Seg::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

/// One layer of nesting around a value.
fn wrap(value: Value, layer: usize) -> Value {
    match layer {
        0 => json!({ "allOf": [value] }),
        1 => json!({ "type": "array", "items": value }),
        2 => json!({ "type": "object", "properties": { "a": value } }),
        3 => json!({ "oneOf": [value, { "type": "string" }] }),
        4 => json!({ "not": value }),
        5 => json!({ "type": "object", "additionalProperties": value }),
        6 => json!({ "anyOf": [value] }),
        _ => json!([value]),
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies

fn mutation() -> impl Strategy<Value = Mutation> {
    let target = prop_oneof![
        any::<u32>().prop_map(RefTarget::Node),
        any::<u8>().prop_map(RefTarget::Ancestor),
        (any::<u8>(), any::<u32>()).prop_map(|(file, node)| RefTarget::File { file, node }),
        any::<u8>().prop_map(RefTarget::Odd),
    ];
    prop_oneof![
        3 => any::<u32>().prop_map(Mutation::Delete),
        3 => (any::<u32>(), any::<u16>()).prop_map(|(at, value)| Mutation::Replace { at, value }),
        2 => (any::<u32>(), any::<u32>(), any::<u16>())
            .prop_map(|(from, to, name)| Mutation::Duplicate { from, to, name }),
        4 => (any::<u32>(), target).prop_map(|(at, target)| Mutation::Ref { at, target }),
        3 => (any::<u32>(), any::<u16>()).prop_map(|(at, name)| Mutation::Rename { at, name }),
        1 => (any::<u32>(), 0..=MAX_NEST, any::<u8>())
            .prop_map(|(at, depth, layer)| Mutation::Nest { at, depth, layer }),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(at, to)| Mutation::Combinator { at, to }),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(at, ty)| Mutation::Type { at, ty }),
        3 => (any::<u32>(), any::<u8>(), any::<u16>())
            .prop_map(|(at, key, value)| Mutation::Keyword { at, key, value }),
        3 => (any::<u32>(), any::<u16>()).prop_map(|(at, name)| Mutation::RenameNamed { at, name }),
        3 => (any::<u32>(), any::<u16>()).prop_map(|(at, name)| Mutation::Field { at, name }),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let format = prop_oneof![
        6 => Just(Format::Yaml),
        1 => Just(Format::JsonText),
        1 => Just(Format::JsonFile),
    ];
    let byte_edits = prop::collection::vec((any::<u16>(), 0..TOKENS.len() as u8 + 4), 1..6);
    prop_oneof![
        16 => (prop::collection::vec(mutation(), 1..5), format)
            .prop_map(|(mutations, format)| Edit::Structure { mutations, format }),
        1 => any::<u16>().prop_map(Edit::Truncate),
        3 => byte_edits.prop_map(Edit::Bytes),
    ]
}

/// A name of [`names`].
fn name() -> impl Strategy<Value = String> {
    select(names())
}

/// The schema names that generated specs define and refer to.
const SCHEMA_NAMES: &[&str] = &["A", "B", "Pet", "self", "2fa", "Result", "a_b", "A-B", "Ab"];

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn scalar() -> impl Strategy<Value = Value> {
    select(odd_values()).prop_filter("scalars only", |v| !v.is_object() && !v.is_array())
}

/// An OpenAPI schema, nested up to a few levels.
fn schema() -> BoxedStrategy<Value> {
    const PRIMITIVES: &[&str] = &["string", "integer", "number", "boolean", "object", "array"];
    const FORMATS: &[&str] = &[
        "int32",
        "int64",
        "float",
        "double",
        "date",
        "date-time",
        "uuid",
        "binary",
        "byte",
        "email",
        "uri",
        "password",
        "ipv4",
        "decimal",
        "",
        "weird",
    ];
    let primitive = (
        select(PRIMITIVES),
        option::of(select(FORMATS)),
        any::<u8>(),
        scalar(),
    )
        .prop_map(|(ty, format, flags, value)| {
            let mut s = json!({ "type": ty });
            if let Some(format) = format {
                s["format"] = json!(format);
            }
            for (bit, key) in [
                "nullable",
                "readOnly",
                "writeOnly",
                "deprecated",
                "x-sensitive",
            ]
            .iter()
            .enumerate()
            {
                if flags & (1 << bit) != 0 {
                    s[*key] = json!(true);
                }
            }
            if flags & 0x20 != 0 {
                s["default"] = value.clone();
            }
            if flags & 0x40 != 0 {
                // Bounds of the right type: the wrong types come from the mutations.
                let bound = value.as_f64().unwrap_or(0.0);
                s["minimum"] = json!(bound);
                s["maximum"] = json!(-bound);
                s["maxLength"] = json!(bound.abs().min(1e6) as u64);
                s["minItems"] = json!(u64::from(flags));
            }
            if flags & 0x80 != 0 {
                s["pattern"] = json!("^[a-z]+$");
            }
            s
        });
    let enumeration = (
        select(&["string", "integer", "number", "boolean"][..]),
        prop::collection::vec(prop_oneof![scalar(), name().prop_map(Value::String)], 0..5),
        option::of(prop::collection::vec(name(), 0..5)),
        any::<bool>(),
    )
        .prop_map(|(ty, values, varnames, nullable)| {
            let mut s = json!({ "type": ty, "enum": values });
            if let Some(varnames) = varnames {
                s["x-enum-varnames"] = json!(varnames);
                s["x-enum-descriptions"] = json!(varnames);
            }
            if nullable {
                s["nullable"] = json!(true);
            }
            s
        });
    let leaf = prop_oneof![
        4 => primitive,
        3 => select(SCHEMA_NAMES).prop_map(schema_ref),
        2 => enumeration,
        1 => Just(json!({})),
        1 => Just(json!({ "type": "object", "additionalProperties": true })),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let object = (
            prop::collection::vec((name(), inner.clone()), 0..5),
            prop::collection::vec(name(), 0..3),
            option::of(prop_oneof![
                any::<bool>().prop_map(Value::Bool),
                inner.clone()
            ]),
            any::<bool>(),
        )
            .prop_map(|(properties, required, additional, nullable)| {
                let mut s = json!({
                    "type": "object",
                    "properties": properties.into_iter().collect::<Map<_, _>>(),
                });
                if !required.is_empty() {
                    s["required"] = json!(required);
                }
                if let Some(additional) = additional {
                    s["additionalProperties"] = additional;
                }
                if nullable {
                    s["nullable"] = json!(true);
                }
                s
            });
        let array = (inner.clone(), any::<bool>()).prop_map(
            |(items, unique)| json!({ "type": "array", "items": items, "uniqueItems": unique }),
        );
        let combined = (
            select(&["allOf", "oneOf", "anyOf"][..]),
            prop::collection::vec(inner.clone(), 0..4),
            option::of((
                name(),
                prop::collection::vec((name(), select(SCHEMA_NAMES)), 0..3),
            )),
        )
            .prop_map(|(kind, parts, discriminator)| {
                let mut s = json!({ kind: parts });
                if let Some((property, mapping)) = discriminator {
                    let mapping: Map<String, Value> = mapping
                        .into_iter()
                        .map(|(k, v)| (k, json!(format!("#/components/schemas/{v}"))))
                        .collect();
                    s["discriminator"] = json!({ "propertyName": property, "mapping": mapping });
                }
                s
            });
        prop_oneof![
            3 => object,
            2 => array,
            2 => combined,
            1 => inner.prop_map(|s| json!({ "not": s })),
        ]
    })
    .boxed()
}

/// A parameter, inline or a `$ref`.
fn parameter() -> impl Strategy<Value = Value> {
    const STYLES: &[&str] = &[
        "form",
        "simple",
        "deepObject",
        "matrix",
        "label",
        "spaceDelimited",
    ];
    // Mostly valid locations and no style (styles must suit the location); the odd ones now and
    // then.
    let location = prop_oneof![
        20 => select(&["path", "query", "header", "cookie"][..]),
        1 => select(&["body", "x"][..]),
    ];
    prop_oneof![
        5 => (
            name(),
            location.clone(),
            any::<bool>(),
            schema(),
            option::weighted(0.05, select(STYLES)),
            option::of(any::<bool>()),
        )
            .prop_map(|(name, location, required, schema, style, explode)| {
                let mut p = json!({ "name": name, "in": location, "required": required, "schema": schema });
                if let Some(style) = style {
                    p["style"] = json!(style);
                }
                if let Some(explode) = explode {
                    p["explode"] = json!(explode);
                }
                p
            }),
        1 => Just("P")
            .prop_map(|n| json!({ "$ref": format!("#/components/parameters/{n}") })),
        1 => (name(), location).prop_map(|(name, location)| json!({
            "name": name, "in": location,
            "content": { "application/json": { "schema": { "type": "object" } } },
        })),
    ]
}

/// A `content` map: media type → schema.
fn content() -> impl Strategy<Value = Value> {
    const MEDIA: &[&str] = &[
        "application/json",
        "text/plain",
        "application/octet-stream",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "*/*",
        "application/problem+json",
        "text/event-stream",
        "application/xml",
        "application/json; charset=utf-8",
        "",
        "weird",
    ];
    prop::collection::vec((select(MEDIA), schema()), 0..3).prop_map(|entries| {
        Value::Object(
            entries
                .into_iter()
                .map(|(media, schema)| (media.to_string(), json!({ "schema": schema })))
                .collect(),
        )
    })
}

/// An operation.
fn operation() -> impl Strategy<Value = Value> {
    const STATUSES: &[&str] = &[
        "200", "201", "204", "2XX", "default", "404", "500", "1XX", "999", "abc", "0", "301", "4XX",
    ];
    let response = prop_oneof![
        4 => (option::of(content()), option::of((name(), schema())), prop::bool::weighted(0.95)).prop_map(
            |(content, header, described)| {
                let mut r = json!({});
                if described {
                    r["description"] = json!("d");
                }
                if let Some(content) = content {
                    r["content"] = content;
                }
                if let Some((name, schema)) = header {
                    r["headers"] = json!({ name: { "schema": schema } });
                }
                r
            }
        ),
        1 => Just("R")
            .prop_map(|n| json!({ "$ref": format!("#/components/responses/{n}") })),
    ];
    let pagination = prop_oneof![
        Just(
            json!({"style": "page", "page_param": "page", "size_param": "size", "items": "items"})
        ),
        Just(
            json!({"style": "offset", "offset_param": "offset", "limit_param": "limit", "items": "data.items"})
        ),
        Just(
            json!({"style": "cursor", "cursor_param": "cursor", "next_cursor": "paging.next", "items": "items"})
        ),
        Just(json!({"style": "cursor", "cursor_param": "a", "next_cursor": "", "items": "."})),
        select(odd_values()),
    ];
    (
        option::of(name()),
        prop::collection::vec(parameter(), 0..4),
        option::of(prop_oneof![
            3 => (content(), any::<bool>())
                .prop_map(|(content, required)| json!({ "content": content, "required": required })),
            1 => Just(json!({ "$ref": "#/components/requestBodies/Body" })),
        ]),
        prop::collection::vec((select(STATUSES), response), 0..4),
        option::of(prop::collection::vec(select(&["key", "bearer", "missing", "oauth"][..]), 0..3)),
        option::of(pagination),
        option::of(prop::collection::vec(name(), 0..3)),
        any::<bool>(),
    )
        .prop_map(
            |(id, parameters, body, responses, security, pagination, tags, deprecated)| {
                let mut op = json!({
                    "parameters": parameters,
                    "responses": responses.into_iter().map(|(s, r)| (s.to_string(), r)).collect::<Map<_, _>>(),
                });
                if let Some(id) = id {
                    op["operationId"] = json!(id);
                }
                if let Some(body) = body {
                    op["requestBody"] = body;
                }
                if let Some(security) = security {
                    op["security"] = Value::Array(
                        security.into_iter().map(|s| json!({ s: [] })).collect(),
                    );
                }
                if let Some(pagination) = pagination {
                    op["x-pagination"] = pagination;
                }
                if let Some(tags) = tags {
                    op["tags"] = json!(tags);
                }
                if deprecated {
                    op["deprecated"] = json!(true);
                }
                op
            },
        )
}

/// An OpenAPI-shaped spec made from scratch.
fn spec() -> impl Strategy<Value = Value> {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "patch", "head", "options", "trace",
    ];
    let path_item = (
        prop::collection::vec((select(METHODS), operation()), 0..3),
        prop::collection::vec(parameter(), 0..2),
    )
        .prop_map(|(operations, parameters)| {
            let mut item: Map<String, Value> = operations
                .into_iter()
                .map(|(m, op)| (m.to_string(), op))
                .collect();
            if !parameters.is_empty() {
                item.insert("parameters".into(), Value::Array(parameters));
            }
            Value::Object(item)
        });
    let path_template = prop_oneof![
        3 => select(PATHS.iter().copied().filter(|p| p.starts_with('/')).collect::<Vec<_>>())
            .prop_map(str::to_string),
        1 => name().prop_map(|n| format!("/{n}/{{{n}}}")),
    ];
    let security_scheme = select(vec![
        json!({"type": "apiKey", "in": "header", "name": "X-Key"}),
        json!({"type": "apiKey", "in": "query", "name": "key"}),
        json!({"type": "apiKey", "in": "cookie", "name": "session"}),
        json!({"type": "http", "scheme": "bearer"}),
        json!({"type": "http", "scheme": "basic"}),
        json!({"type": "http", "scheme": "digest"}),
        json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/t", "scopes": {}}}}),
        json!({"type": "openIdConnect", "openIdConnectUrl": "http://x"}),
    ]);
    let server = select(vec![
        json!({"url": "https://api.example.com/v1"}),
        json!({"url": "/api"}),
        json!({"url": ""}),
        json!({"url": "{scheme}://{host}/x", "variables": {"scheme": {"default": "https"}}}),
        json!({"url": "http://[::1]:80/a"}),
        json!({"url": "not a url"}),
        json!({"url": "https://x/{missing}"}),
    ]);
    (
        prop::collection::vec((select(SCHEMA_NAMES), schema()), 0..6),
        prop::collection::vec((path_template, path_item), 0..4),
        prop::collection::vec(
            (select(&["key", "bearer", "oauth", "a b"][..]), security_scheme),
            0..3,
        ),
        prop::collection::vec(server, 0..2),
        option::of(parameter()),
        option::of(content()),
        any::<u8>(),
    )
        .prop_map(
            |(schemas, paths, schemes, servers, shared_parameter, shared_body, flags)| {
                let mut doc = minimal();
                doc["paths"] = Value::Object(paths.into_iter().collect());
                // Every schema name that `$ref`s use is defined, but for one in eight specs, which
                // keep a dangling `$ref` when they use the missing name.
                let mut schemas: Map<String, Value> =
                    schemas.into_iter().map(|(n, s)| (n.to_string(), s)).collect();
                let missing = (flags & 0x70 == 0).then_some(SCHEMA_NAMES[flags as usize >> 7]);
                for name in SCHEMA_NAMES {
                    if Some(*name) != missing && !schemas.contains_key(*name) {
                        schemas.insert(name.to_string(), json!({ "type": "string" }));
                    }
                }
                let mut components = json!({
                    "schemas": schemas,
                    "securitySchemes": schemes.into_iter().map(|(n, s)| (n.to_string(), s)).collect::<Map<_, _>>(),
                    "responses": { "R": { "description": "shared", "content": {
                        "application/json": { "schema": schema_ref("A") } } } },
                });
                let parameter = shared_parameter
                    .unwrap_or_else(|| json!({ "name": "p", "in": "query", "schema": {} }));
                components["parameters"] = json!({ "P": parameter });
                let content = shared_body.unwrap_or_else(|| json!({}));
                components["requestBodies"] = json!({ "Body": { "content": content } });
                doc["components"] = components;
                if !servers.is_empty() {
                    doc["servers"] = Value::Array(servers);
                }
                if flags & 1 != 0 {
                    doc["security"] = json!([{ "key": [] }, {}]);
                }
                if flags & 2 != 0 {
                    doc["tags"] = json!([{ "name": "a" }, { "name": "a" }, { "name": "" }]);
                }
                if flags & 4 != 0 {
                    doc["openapi"] = json!("3.0.0");
                }
                doc
            },
        )
}

/// An arbitrary JSON value whose keys are mostly OpenAPI keywords.
fn arbitrary_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        name().prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
        select(odd_values()),
    ];
    let key = prop_oneof![
        3 => select(KEYWORDS).prop_map(str::to_string),
        2 => name(),
        1 => select(PATHS).prop_map(str::to_string),
        1 => "[a-z{}/]{0,6}",
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn scratch() -> impl Strategy<Value = Scratch> {
    let byte_edits = prop::collection::vec((any::<u16>(), 0..TOKENS.len() as u8 + 4), 0..4);
    prop_oneof![
        10 => spec().prop_map(Scratch::Spec),
        4 => (arbitrary_value(), any::<u8>())
            .prop_map(|(value, spot)| Scratch::Value { value, spot }),
        1 => prop::collection::vec(any::<u8>(), 0..256).prop_map(Scratch::Bytes),
        2 => "[ -~\n\t]{0,200}".prop_map(|text| Scratch::Bytes(text.into_bytes())),
        2 => (any::<u8>(), byte_edits)
            .prop_map(|(template, edits)| Scratch::Yaml { template, edits }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(levels, fanout)| Scratch::Laughs { levels, fanout }),
        1 => (any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(levels, fanout, kind)| Scratch::RefBomb { levels, fanout, kind }),
    ]
}

/// Every kind of input: mostly mutations of real specs.
fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        3 => (any::<u16>(), any::<u8>(), edit())
            .prop_map(|(set, file, edit)| Input::Mutated { set, file, edit }),
        2 => (scratch(), prop::bool::weighted(0.2))
            .prop_map(|(content, json)| Input::Scratch { content, json }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Running the generator

/// What one run of the generator gave.
enum Outcome {
    Finished(Result<(Output, Diagnostics), Diagnostics>),
    Panicked(String),
    TimedOut,
}

/// The panic message and location of the last panic on the generator's thread, recorded by the
/// panic hook.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs a panic hook that records panics on the generator's thread instead of printing them
/// (a shrinking run panics many times); panics elsewhere go to the previous hook.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(WORKER_NAME) {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(format!("{message} (at {location})"));
            }
        }));
    });
}

/// The thread that runs the generator, on the CLI's stack size. A run that does not finish in
/// time leaves the thread behind; the next run starts a new one.
struct Worker {
    jobs: Sender<Config>,
    results: Receiver<Outcome>,
}

impl Worker {
    fn spawn() -> Worker {
        install_panic_hook();
        let (jobs, incoming) = mpsc::channel::<Config>();
        let (outgoing, results) = mpsc::channel();
        std::thread::Builder::new()
            .name(WORKER_NAME.into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for config in incoming {
                    let result =
                        catch_unwind(AssertUnwindSafe(|| openapi_forge::generate(&config)));
                    let outcome = match result {
                        Ok(result) => Outcome::Finished(result),
                        Err(_) => Outcome::Panicked(
                            LAST_PANIC
                                .lock()
                                .ok()
                                .and_then(|mut last| last.take())
                                .unwrap_or_else(|| "(no message)".into()),
                        ),
                    };
                    if outgoing.send(outcome).is_err() {
                        break;
                    }
                }
            })
            .expect("cannot start the generator thread");
        Worker { jobs, results }
    }
}

/// Runs the generator on its thread, replacing the thread when it does not answer in time.
struct Runner {
    worker: RefCell<Worker>,
    timeout: Duration,
}

impl Runner {
    fn new(timeout: Duration) -> Runner {
        Runner {
            worker: RefCell::new(Worker::spawn()),
            timeout,
        }
    }

    fn generate(&self, config: Config) -> Outcome {
        let mut worker = self.worker.borrow_mut();
        if worker.jobs.send(config.clone()).is_err() {
            *worker = Worker::spawn();
            if worker.jobs.send(config).is_err() {
                return Outcome::Panicked("the generator thread is gone".into());
            }
        }
        match worker.results.recv_timeout(self.timeout) {
            Ok(outcome) => outcome,
            Err(RecvTimeoutError::Timeout) => {
                *worker = Worker::spawn();
                Outcome::TimedOut
            }
            Err(RecvTimeoutError::Disconnected) => {
                *worker = Worker::spawn();
                Outcome::Panicked("the generator thread died".into())
            }
        }
    }
}

/// The configuration for spec files under `dir`.
fn config(dir: &Path, roots: &[String]) -> Config {
    Config {
        specs: roots.iter().map(|r| dir.join(r)).collect(),
        crate_name: "fuzz-api".into(),
        source_label: "fuzz".into(),
        regenerate_command: "cargo test -p forge-tests --test fuzz".into(),
        selection: Default::default(),
    }
}

/// A generator's answer that has the property.
enum Checked {
    /// The crate and the warnings.
    Generated(Output, Diagnostics),
    /// The diagnostics, with at least one error.
    Refused(Diagnostics),
}

/// Checks what the generator answered.
fn check_outcome(outcome: Outcome, timeout: Duration) -> Result<Checked, String> {
    match outcome {
        Outcome::Panicked(message) => Err(format!("the generator panicked: {message}")),
        Outcome::TimedOut => Err(format!(
            "the generator took longer than {} s",
            timeout.as_secs()
        )),
        Outcome::Finished(Err(diags)) => {
            if !diags.has_errors() {
                return Err(format!("generation failed without an error:\n{diags}"));
            }
            check_messages(&diags)?;
            Ok(Checked::Refused(diags))
        }
        Outcome::Finished(Ok((output, warnings))) => {
            if warnings.has_errors() {
                return Err(format!("generation succeeded with errors:\n{warnings}"));
            }
            check_messages(&warnings)?;
            for file in ["Cargo.toml", "src/lib.rs"] {
                if !output.files.contains_key(file) {
                    return Err(format!(
                        "generation succeeded without {file}; files: {:?}",
                        output.files.keys().collect::<Vec<_>>()
                    ));
                }
            }
            if let Some(document) = output.files.get("openapi.json") {
                match serde_json::from_str::<Value>(document) {
                    // Inlined `$ref`s can nest the document deeper than serde_json reads by
                    // default; that is deep, not malformed.
                    Err(e) if !e.to_string().starts_with("recursion limit exceeded") => {
                        return Err(format!("the generated openapi.json is not JSON: {e}"));
                    }
                    _ => {}
                }
            }
            Ok(Checked::Generated(output, warnings))
        }
    }
}

/// Every diagnostic has a message, and none reports a bug of the generator (code that does not
/// parse, which the emitter reports as an internal error) instead of a problem of the spec.
fn check_messages(diags: &Diagnostics) -> Result<(), String> {
    for d in diags.iter() {
        if d.message.trim().is_empty() {
            return Err(format!("a diagnostic has no message: {d:?}"));
        }
        if d.message.starts_with("internal error") {
            return Err(format!("the generator reported a bug of its own: {d}"));
        }
    }
    Ok(())
}

/// A field of `/proc/self/status` in MiB (`VmRSS`: resident memory now, `VmHWM`: its peak since
/// the last [`reset_peak_memory`]), where the system tells (Linux).
fn memory_mib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Resets the peak that `VmHWM` reports to the current resident memory, and returns the latter;
/// `None` where the system does not allow it.
fn reset_peak_memory() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    memory_mib("VmRSS:")
}

// ---------------------------------------------------------------------------------------------
// The fuzzing loop

/// Counts of one kind of input.
#[derive(Default)]
struct KindStats {
    ok: u64,
    failed: u64,
    /// First error of the refused inputs, with quoted parts left out → count.
    reasons: BTreeMap<String, u64>,
}

/// A message with its quoted parts (names, values) left out, to count messages by kind.
fn reason(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = None;
    for c in message.chars() {
        match quoted {
            Some(q) if c == q => quoted = None,
            Some(_) => {}
            None if c == '`' || c == '"' => {
                quoted = Some(c);
                out.push('…');
            }
            None => out.push(c),
        }
    }
    out.chars().take(100).collect()
}

/// The state of a fuzzing run, shared by the cases.
struct Fuzzer<'a> {
    corpus: &'a Corpus,
    runner: Runner,
    settings: &'a Settings,
    deadline: Instant,
    work_dir: PathBuf,
    /// Set when a case failed: from then on proptest is shrinking, which runs past the deadline.
    failing: Cell<bool>,
    /// Whether peak memory can be measured.
    measure_memory: bool,
    cases: Cell<u64>,
    determinism_checks: Cell<u64>,
    by_kind: RefCell<BTreeMap<String, KindStats>>,
    slowest: RefCell<(Duration, String)>,
    /// The seed of the batch being run.
    batch_seed: Cell<u64>,
}

impl Fuzzer<'_> {
    /// Runs one case: `Ok` when the property holds (or the deadline has passed).
    fn check(&self, input: &Input) -> Result<(), TestCaseError> {
        if !self.failing.get() && Instant::now() >= self.deadline {
            return Ok(());
        }
        let result = self.run(input);
        if result.is_err() {
            self.failing.set(true);
        }
        result.map_err(TestCaseError::fail)
    }

    fn run(&self, input: &Input) -> Result<(), String> {
        let case = self.cases.get();
        self.cases.set(case + 1);
        let files = input.materialize(self.corpus);
        let dir = self.work_dir.join("case");
        files
            .write(&dir)
            .map_err(|e| format!("cannot write the input to {}: {e}", dir.display()))?;
        // A stack overflow aborts the process, which leaves this behind to say what it ran.
        let about = format!(
            "batch seed {}, {} from {}, roots {:?}\n",
            self.batch_seed.get(),
            input.kind(self.corpus),
            files.origin,
            files.roots
        );
        std::fs::write(self.work_dir.join("case.txt"), about)
            .map_err(|e| format!("cannot write to {}: {e}", self.work_dir.display()))?;
        // Memory the allocator kept from earlier cases is reused, so the growth over the
        // resident memory at the start is what this case took.
        let before = reset_peak_memory().filter(|_| self.measure_memory);
        let started = Instant::now();
        let config = config(&dir, &files.roots);
        let timeout = self.settings.case_timeout;
        let first = check_outcome(self.runner.generate(config.clone()), timeout)?;
        let elapsed = started.elapsed();
        if let (Some(before), Some(peak)) = (before, memory_mib("VmHWM:")) {
            let grown = peak.saturating_sub(before);
            if grown > self.settings.memory_mib {
                return Err(format!(
                    "the generator took {grown} MiB of memory (limit {} MiB)",
                    self.settings.memory_mib
                ));
            }
        }
        let kind = input.kind(self.corpus);
        {
            let mut slowest = self.slowest.borrow_mut();
            if elapsed > slowest.0 {
                *slowest = (elapsed, format!("{kind} from {}", files.origin));
            }
        }
        if let Checked::Generated(output, warnings) = &first {
            if files.hash() & 3 == 0 {
                self.determinism_checks
                    .set(self.determinism_checks.get() + 1);
                match check_outcome(self.runner.generate(config), timeout)? {
                    Checked::Refused(_) => {
                        return Err("the second run failed where the first succeeded".into())
                    }
                    Checked::Generated(again, again_warnings) => {
                        if let Some(path) = first_difference(output, &again) {
                            return Err(format!("generating twice gave different `{path}`"));
                        }
                        if *warnings != again_warnings {
                            return Err(format!(
                                "generating twice gave different warnings:\n{warnings}\n---\n{again_warnings}"
                            ));
                        }
                    }
                }
            }
        }
        let mut by_kind = self.by_kind.borrow_mut();
        let stats = by_kind.entry(kind).or_default();
        match &first {
            Checked::Generated(..) => stats.ok += 1,
            Checked::Refused(diags) => {
                stats.failed += 1;
                if let Some(error) = diags.iter().find(|d| d.severity == Severity::Error) {
                    *stats.reasons.entry(reason(&error.message)).or_default() += 1;
                }
            }
        }
        Ok(())
    }
}

/// The first file that differs between two outputs.
fn first_difference(a: &Output, b: &Output) -> Option<String> {
    let paths: std::collections::BTreeSet<&String> = a.files.keys().chain(b.files.keys()).collect();
    paths
        .into_iter()
        .find(|p| a.files.get(*p) != b.files.get(*p))
        .cloned()
}

/// The RNG of one batch.
fn rng(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// Writes a failing input where it can be kept, and describes it.
fn report_failure(corpus: &Corpus, seed: u64, input: &Input) -> String {
    let files = input.materialize(corpus);
    let dir = target_dir()
        .join("fuzz-failures")
        .join(format!("seed-{seed}"));
    let written = match files.write(&dir) {
        Ok(()) => format!("written to {}", dir.display()),
        Err(e) => format!("not written ({e})"),
    };
    let changed = files
        .files
        .iter()
        .find(|(path, _)| *path == files.changed)
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    let shown: String = changed.chars().take(6000).collect();
    format!(
        "input {written}\nfrom: {}\nroots: {:?}\nchanged file `{}`{}:\n{shown}",
        files.origin,
        files.roots,
        files.changed,
        if shown.len() < changed.len() {
            " (first 6000 characters)"
        } else {
            ""
        }
    )
}

/// Feeds fuzzed specs to the generator until `FORGE_FUZZ_SECONDS` have passed (see the module
/// documentation).
#[test]
fn generator_survives_fuzzed_specs() {
    let settings = Settings::from_env();
    let corpus = Corpus::load();
    let vendor = corpus
        .sets
        .iter()
        .filter(|s| s.origin.starts_with("specs/"))
        .count();
    assert!(
        corpus.sets.len() > 30 && vendor >= 4,
        "the corpus is missing specs: {} sets, {vendor} vendor APIs",
        corpus.sets.len()
    );
    let work_dir = target_dir()
        .join("fuzz-work")
        .join(std::process::id().to_string());
    let fuzzer = Fuzzer {
        corpus: &corpus,
        runner: Runner::new(settings.case_timeout),
        settings: &settings,
        deadline: Instant::now() + Duration::from_secs(settings.seconds),
        work_dir: work_dir.clone(),
        failing: Cell::new(false),
        measure_memory: reset_peak_memory().is_some(),
        cases: Cell::new(0),
        determinism_checks: Cell::new(0),
        by_kind: RefCell::new(BTreeMap::new()),
        slowest: RefCell::new((Duration::ZERO, String::new())),
        batch_seed: Cell::new(settings.seed),
    };
    println!(
        "fuzzing for {} s from seed {} ({} spec sets, case timeout {} s)",
        settings.seconds,
        settings.seed,
        corpus.sets.len(),
        settings.case_timeout.as_secs()
    );
    println!(
        "a crash that aborts the process (stack overflow) leaves its input in {} and says what \
         it was in {}",
        work_dir.join("case").display(),
        work_dir.join("case.txt").display()
    );
    let strategy = input();
    let mut batch = 0u64;
    while Instant::now() < fuzzer.deadline {
        let seed = settings.seed.wrapping_add(batch);
        let config = RunnerConfig {
            cases: BATCH_CASES,
            failure_persistence: None,
            max_shrink_iters: 2048,
            max_shrink_time: 120_000,
            ..RunnerConfig::default()
        };
        fuzzer.batch_seed.set(seed);
        let mut runner = TestRunner::new_with_rng(config, rng(seed));
        match runner.run(&strategy, |input| fuzzer.check(&input)) {
            Ok(()) => {}
            Err(TestError::Fail(reason, input)) => {
                let report = report_failure(&corpus, seed, &input);
                panic!(
                    "fuzz case failed: {reason}\nreproduce with FORGE_FUZZ_SEED={seed}\nminimal input ({:?}):\n{report}",
                    input.kind(&corpus)
                );
            }
            Err(TestError::Abort(reason)) => panic!("fuzzing aborted at seed {seed}: {reason}"),
        }
        batch += 1;
    }
    let _ = std::fs::remove_dir_all(&work_dir);
    let cases = fuzzer.cases.get();
    println!(
        "{cases} cases in {batch} batches (seeds {}..={}), {} determinism checks",
        settings.seed,
        settings.seed.wrapping_add(batch.saturating_sub(1)),
        fuzzer.determinism_checks.get()
    );
    let verbose = std::env::var_os("FORGE_FUZZ_VERBOSE").is_some();
    for (kind, stats) in fuzzer.by_kind.borrow().iter() {
        println!("  {kind}: {} generated, {} refused", stats.ok, stats.failed);
        if verbose {
            let mut reasons: Vec<(&String, &u64)> = stats.reasons.iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(a.1));
            for (reason, count) in reasons.into_iter().take(8) {
                println!("      {count:>6} {reason}");
            }
        }
    }
    let (time, what) = &*fuzzer.slowest.borrow();
    println!("slowest case: {} ms ({what})", time.as_millis());
    assert!(cases > 0, "no case ran in {} s", settings.seconds);
}

// ---------------------------------------------------------------------------------------------
// Regression inputs

/// Every input under `fixtures/fuzz/` (inputs the fuzzer once broke the generator with):
/// generating it neither panics nor hangs, and ends in a crate or in errors with messages. A
/// YAML comment line `# expect: ok` or `# expect-error: <text>` in an input's root file asks
/// for success, or for an error whose rendered diagnostic contains the text.
#[test]
fn fuzz_regressions() {
    let dir = crate_dir().join("fixtures").join("fuzz");
    let entries = sorted_entries(&dir);
    assert!(
        !entries.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    let timeout = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 20 });
    let runner = Runner::new(timeout);
    let mut failures = Vec::new();
    for entry in entries {
        let set = if entry.is_dir() {
            folder_set(&entry)
        } else {
            file_set(&entry)
        };
        let base = if entry.is_dir() {
            entry.clone()
        } else {
            dir.clone()
        };
        let roots: Vec<String> = set
            .roots
            .iter()
            .map(|&i| set.files[i].path.clone())
            .collect();
        let expectations: Vec<String> = set
            .roots
            .iter()
            .flat_map(|&i| {
                String::from_utf8_lossy(&set.files[i].bytes)
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("# expect").map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect();
        let outcome = runner.generate(config(&base, &roots));
        let result = check_outcome(outcome, timeout).and_then(|checked| {
            for expectation in &expectations {
                match (expectation.as_str(), &checked) {
                    (": ok", Checked::Generated(..)) => {}
                    (": ok", Checked::Refused(diags)) => {
                        return Err(format!("expected success, got:\n{diags}"));
                    }
                    (e, checked) if e.starts_with("-error: ") => {
                        let text = &e["-error: ".len()..];
                        match checked {
                            Checked::Refused(diags) if diags.to_string().contains(text) => {}
                            Checked::Refused(diags) => {
                                return Err(format!(
                                    "expected an error with `{text}`, got:\n{diags}"
                                ));
                            }
                            Checked::Generated(..) => {
                                return Err(format!(
                                    "expected an error with `{text}`, got success"
                                ));
                            }
                        }
                    }
                    (other, _) => return Err(format!("unknown expectation `# expect{other}`")),
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            failures.push(format!("{}: {e}", set.origin));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
