//! Criterion micro-benchmarks of the generator's stages, so that regressions show:
//! `cargo bench -p openapi-forge --bench stages`.
//!
//! The input is the largest vendor API (`specs/beyondinsight/`, every file), or the spec files
//! listed in `FORGE_BENCH_SPECS` (comma-separated paths, e.g. GitHub's spec from `.cache/`).
//!
//! The lower stage is private (`lower::lower`), so it is measured inside `build_api`
//! (load + normalize + lower): lower ≈ `build_api` − `load` − `normalize`. Emitters are private
//! too: `emit::crate_files` is emit *and* format together; `format::rust_file` alone is
//! measured on the tokens of the largest file the generator writes (re-parsed from its text).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use openapi_forge::{Config, Diagnostics};

fn specs() -> Vec<PathBuf> {
    if let Ok(list) = std::env::var("FORGE_BENCH_SPECS") {
        return list
            .split(',')
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect();
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/beyondinsight");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    // `common.yaml` first, as `cargo xtask codegen` orders them.
    files.sort_by_key(|f| (f.file_stem().is_none_or(|s| s != "common"), f.clone()));
    files
}

fn config() -> Config {
    Config {
        specs: specs(),
        crate_name: "bench-api".into(),
        source_label: "bench".into(),
        regenerate_command: "cargo bench".into(),
        selection: Default::default(),
    }
}

fn stages(c: &mut Criterion) {
    let config = config();
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);

    group.bench_function("load", |b| {
        b.iter(|| {
            let mut diags = Diagnostics::default();
            black_box(openapi_forge::load::load(&config.specs, &mut diags))
        })
    });

    group.bench_function("normalize", |b| {
        b.iter_batched(
            || {
                let mut diags = Diagnostics::default();
                openapi_forge::load::load(&config.specs, &mut diags).expect("the spec loads")
            },
            |bundle| {
                let mut diags = Diagnostics::default();
                black_box(openapi_forge::normalize::normalize(bundle, &mut diags))
            },
            BatchSize::LargeInput,
        )
    });

    group.bench_function("build_api (load+normalize+lower)", |b| {
        b.iter(|| black_box(openapi_forge::build_api(&config).is_ok()))
    });

    let (api, _) = openapi_forge::build_api(&config).expect("the spec has no errors");
    group.bench_function("crate_files (emit+format)", |b| {
        b.iter(|| black_box(openapi_forge::emit::crate_files(&api, &config)))
    });

    let output = openapi_forge::emit::crate_files(&api, &config).expect("the crate emits");
    let (largest, text) = output
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .max_by_key(|(_, text)| text.len())
        .expect("the crate has Rust files");
    let tokens: proc_macro2::TokenStream = text.parse().expect("generated code tokenizes");
    group.bench_function(format!("format ({largest})"), |b| {
        b.iter_batched(
            || tokens.clone(),
            |tokens| black_box(openapi_forge::format::rust_file("bench", tokens)),
            BatchSize::LargeInput,
        )
    });

    group.bench_function("generate (everything)", |b| {
        b.iter(|| black_box(openapi_forge::generate(&config).is_ok()))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
