//! The vendor specs' examples, decoded with the generated crates' types and encoded again (the
//! harness the corpus task runs on real specs: `openapi_forge::examples`). An example that
//! fits its schema, as the `jsonschema` crate judges it, must come back unchanged.

use openapi_forge::Config;
use xtask::corpus::examples::{self, Fate};

#[test]
fn every_vendor_example_that_fits_its_schema_round_trips() {
    let root = forge_tests::workspace_root();
    let target = forge_tests::target_dir().join("examples-round-trip");
    let mut judged = 0;
    for api_spec in xtask::apis(&root).expect("the vendor specs") {
        let config = Config {
            specs: api_spec.files.iter().map(|f| root.join(f)).collect(),
            crate_name: format!("{}-examples", api_spec.name),
            source_label: format!("specs/{}", api_spec.name),
            regenerate_command: "cargo test".into(),
            selection: Default::default(),
        };
        let (api, _) = openapi_forge::build_api(&config).expect("the spec loads");
        let cases = openapi_forge::examples::cases(&api);
        if cases.is_empty() {
            continue;
        }
        let (output, _) = openapi_forge::generate(&config).expect("the spec generates");
        let dir = target.join(&config.crate_name);
        let _ = std::fs::remove_dir_all(&dir);
        output.write(&dir).expect("write the crate");
        let outcomes = examples::run(
            &api,
            &cases,
            &dir,
            &config.crate_name,
            &target.join("target"),
            600,
        )
        .unwrap_or_else(|e| panic!("{}: the harness did not run: {e}", api_spec.name));
        assert_eq!(outcomes.len(), cases.len());
        let fit = outcomes.iter().filter(|o| o.fits == Some(true)).count();
        eprintln!(
            "{}: {} examples, {fit} fit their schema",
            api_spec.name,
            outcomes.len()
        );
        for outcome in outcomes {
            if outcome.fits != Some(true) {
                eprintln!(
                    "  does not fit its schema: {} ({:?})",
                    outcome.pointer, outcome.fate
                );
                continue;
            }
            judged += 1;
            assert_eq!(
                outcome.fate,
                Fate::Lossless,
                "{}: the example at {}",
                api_spec.name,
                outcome.pointer
            );
        }
    }
    assert!(judged > 10, "only {judged} examples were judged");
}
