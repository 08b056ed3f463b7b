//! Drives Apache Airflow's stable REST API (`/api/v1`) with the client generated from the spec
//! Airflow serves, as a user of the crate would. Run by `cargo xtask realworld airflow`,
//! which starts Airflow with Basic auth, an admin user and the DAG `forge_demo`.

use std::process::ExitCode;

use airflow_api as api;
use api::{Client, ConnectionInput, DagInput, DagRunInput, PoolInput, SetDagRunNote, Variable};

#[path = "../../common/harness.rs"]
mod harness;

use harness::{Env, Run};

/// Checks that fail for a reason recorded in tests/realworld/RESULTS.md.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

const DAG: &str = "forge_demo";

#[tokio::main]
async fn main() -> ExitCode {
    let env = Env::read();
    let mut run = Run::new("airflow", KNOWN_FAILURES);
    let client = Client::builder()
        .base_url(&env.base_url)
        .basic(&env.user, env.password.clone())
        .build()
        .expect("client");
    let anonymous = Client::builder()
        .base_url(&env.base_url)
        .build()
        .expect("client");
    let wrong = Client::builder()
        .base_url(&env.base_url)
        .basic(&env.user, "not-the-password")
        .build()
        .expect("client");

    // --- Monitoring, no credentials needed.
    if let Some(health) = run.ok(
        "get_health",
        anonymous.monitoring().get_health().send().await,
    ) {
        let status = health.metadatabase.and_then(|m| m.status);
        run.check(
            "get_health",
            "metadatabase is healthy",
            status
                .as_ref()
                .map(|s| format!("{s:?}").to_lowercase().contains("healthy"))
                == Some(true),
            format!("{status:?}"),
        );
    }
    if let Some(version) = run.ok(
        "get_version",
        anonymous.monitoring().get_version().send().await,
    ) {
        run.check(
            "get_version",
            "version is 2.x",
            version
                .version
                .as_deref()
                .is_some_and(|v| v.starts_with("2.")),
            format!("{:?}", version.version),
        );
    }

    // --- Authentication: none and a wrong password are refused with the declared 401 body.
    let none = run.fails(
        "get_pools",
        "without credentials: 401",
        anonymous.pool().get_pools().send().await,
        401,
        true,
    );
    if let Some(body) = none.and_then(|f| f.body) {
        run.eq(
            "get_pools",
            "401 body title",
            body.title.as_str(),
            "Unauthorized",
        );
    }
    run.fails(
        "get_pools",
        "with a wrong password: 401",
        wrong.pool().get_pools().send().await,
        401,
        true,
    );

    // --- Pools: create, read, list with query parameters, update, delete.
    let pool = "forge_pool";
    let created = run.ok(
        "post_pool",
        client
            .pool()
            .post_pool(PoolInput {
                name: Some(pool.into()),
                slots: Some(3),
                description: Some(Some("made by the forge driver".into())),
                include_deferred: Some(true),
            })
            .send()
            .await,
    );
    if let Some(p) = created {
        run.eq("post_pool", "name read back", p.name.as_deref(), Some(pool));
        run.eq("post_pool", "slots read back", p.slots, Some(3));
        run.eq("post_pool", "open slots", p.open_slots, Some(3));
    }
    if let Some(p) = run.ok("get_pool", client.pool().get_pool(pool).send().await) {
        run.eq(
            "get_pool",
            "description read back",
            p.description.flatten().as_deref(),
            Some("made by the forge driver"),
        );
        run.eq(
            "get_pool",
            "include_deferred read back",
            p.include_deferred,
            Some(true),
        );
    }
    let listed = run.ok(
        "get_pools",
        client
            .pool()
            .get_pools()
            .limit(10)
            .offset(0)
            .order_by("-name")
            .send()
            .await,
    );
    if let Some(list) = listed {
        let names: Vec<String> = list
            .pools
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.name)
            .collect();
        run.eq(
            "get_pools",
            "limit, offset and order_by=-name",
            names.clone(),
            vec![pool.to_string(), "default_pool".to_string()],
        );
        run.eq("get_pools", "total_entries", list.total_entries, Some(2));
    }
    let one = run.ok(
        "get_pools",
        client
            .pool()
            .get_pools()
            .limit(1)
            .offset(1)
            .order_by("name")
            .send()
            .await,
    );
    if let Some(list) = one {
        let names: Vec<String> = list
            .pools
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.name)
            .collect();
        run.eq(
            "get_pools",
            "limit=1 offset=1",
            names,
            vec![pool.to_string()],
        );
    }
    let patched = run.ok(
        "patch_pool",
        client
            .pool()
            .patch_pool(
                pool,
                PoolInput {
                    name: Some(pool.into()),
                    slots: Some(7),
                    ..Default::default()
                },
            )
            .update_mask(vec!["slots".to_string()])
            .send()
            .await,
    );
    if let Some(p) = patched {
        run.eq("patch_pool", "slots updated", p.slots, Some(7));
        run.eq(
            "patch_pool",
            "description kept (update_mask=slots)",
            p.description.flatten().as_deref(),
            Some("made by the forge driver"),
        );
    }
    // Undeclared error: POST /pools declares 200, 400, 401, 403; a duplicate is a 409.
    let dup = run.fails(
        "post_pool",
        "duplicate name: undeclared 409",
        client
            .pool()
            .post_pool(PoolInput {
                name: Some(pool.into()),
                slots: Some(1),
                ..Default::default()
            })
            .send()
            .await,
        409,
        false,
    );
    if let Some(f) = dup {
        run.check(
            "post_pool",
            "undeclared 409 keeps the raw body",
            f.raw.contains("already exists"),
            f.raw.clone(),
        );
    }
    // Declared error: 400 (slots of the wrong type is refused by Airflow's validation).
    run.fails(
        "delete_pool",
        "the default pool: declared 400",
        client.pool().delete_pool("default_pool").send().await,
        400,
        true,
    );
    let deleted = run.ok("delete_pool", client.pool().delete_pool(pool).send().await);
    run.check(
        "delete_pool",
        "answers 204 with no body",
        deleted.is_some(),
        "",
    );
    let gone = run.fails(
        "get_pool",
        "after delete: declared 404",
        client.pool().get_pool(pool).send().await,
        404,
        true,
    );
    if let Some(body) = gone.and_then(|f| f.body) {
        run.eq("get_pool", "404 body status", body.status, 404.0);
        run.eq(
            "get_pool",
            "404 body title",
            body.title.as_str(),
            "Not Found",
        );
        run.check(
            "get_pool",
            "404 body detail names the pool",
            body.detail.as_deref().is_some_and(|d| d.contains(pool)),
            format!("{:?}", body.detail),
        );
    }

    // --- Variables.
    let key = "forge_variable";
    let made = run.ok(
        "post_variables",
        client
            .variable()
            .post_variables(Variable {
                key: Some(key.into()),
                value: Some("{\"answer\": 42}".into()),
                description: Some(Some("a JSON value".into())),
            })
            .send()
            .await,
    );
    if let Some(v) = made {
        run.eq(
            "post_variables",
            "key read back",
            v.key.as_deref(),
            Some(key),
        );
    }
    if let Some(v) = run.ok(
        "get_variable",
        client.variable().get_variable(key).send().await,
    ) {
        run.eq(
            "get_variable",
            "value read back",
            v.value.as_deref(),
            Some("{\"answer\": 42}"),
        );
        run.eq(
            "get_variable",
            "description read back",
            v.description.flatten().as_deref(),
            Some("a JSON value"),
        );
    }
    let listed = run.ok(
        "get_variables",
        client
            .variable()
            .get_variables()
            .limit(5)
            .order_by("key")
            .send()
            .await,
    );
    if let Some(list) = listed {
        let keys: Vec<String> = list
            .variables
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.key)
            .collect();
        run.eq(
            "get_variables",
            "lists the variable",
            keys,
            vec![key.to_string()],
        );
    }
    let patched = run.ok(
        "patch_variable",
        client
            .variable()
            .patch_variable(
                key,
                Variable {
                    key: Some(key.into()),
                    value: Some("changed".into()),
                    description: None,
                },
            )
            .send()
            .await,
    );
    // (No update_mask: Airflow 2.10.5 itself refuses `update_mask=value` with a 400, since its
    // schema loads `value` into the attribute `val`.)
    if let Some(v) = patched {
        run.eq(
            "patch_variable",
            "value updated",
            v.value.as_deref(),
            Some("changed"),
        );
    }
    run.ok(
        "delete_variable",
        client.variable().delete_variable(key).send().await,
    );
    run.fails(
        "get_variable",
        "after delete: declared 404",
        client.variable().get_variable(key).send().await,
        404,
        true,
    );

    // --- Connections (the password is write-only).
    let conn = "forge_connection";
    let made = run.ok(
        "post_connection",
        client
            .connection()
            .post_connection(ConnectionInput {
                connection_id: Some(conn.into()),
                conn_type: Some("http".into()),
                host: Some(Some("example.org".into())),
                login: Some(Some("forge".into())),
                password: Some("s3cret".into()),
                port: Some(Some(8443)),
                schema: Some(Some("https".into())),
                extra: Some(Some("{\"verify\": false}".into())),
                description: Some(Some("made by the forge driver".into())),
            })
            .send()
            .await,
    );
    if let Some(c) = made {
        run.eq(
            "post_connection",
            "port read back",
            c.port.flatten(),
            Some(8443),
        );
        run.eq(
            "post_connection",
            "host read back",
            c.host.flatten().as_deref(),
            Some("example.org"),
        );
    }
    if let Some(c) = run.ok(
        "get_connection",
        client.connection().get_connection(conn).send().await,
    ) {
        run.eq(
            "get_connection",
            "conn_type read back",
            c.conn_type.as_deref(),
            Some("http"),
        );
        run.eq(
            "get_connection",
            "extra read back",
            c.extra.flatten().as_deref(),
            Some("{\"verify\": false}"),
        );
    }
    let listed = run.ok(
        "get_connections",
        client
            .connection()
            .get_connections()
            .limit(10)
            .order_by("connection_id")
            .send()
            .await,
    );
    if let Some(list) = listed {
        let ids: Vec<String> = list
            .connections
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| c.connection_id)
            .collect();
        run.check(
            "get_connections",
            "lists the connection",
            ids.iter().any(|i| i == conn),
            format!("{ids:?}"),
        );
    }
    let patched = run.ok(
        "patch_connection",
        client
            .connection()
            .patch_connection(
                conn,
                ConnectionInput {
                    connection_id: Some(conn.into()),
                    conn_type: Some("http".into()),
                    port: Some(None),
                    ..Default::default()
                },
            )
            .update_mask(vec!["port".to_string()])
            .send()
            .await,
    );
    if let Some(c) = patched {
        run.eq("patch_connection", "port set to null", c.port, Some(None));
        run.eq(
            "patch_connection",
            "login kept",
            c.login.flatten().as_deref(),
            Some("forge"),
        );
    }
    run.ok(
        "delete_connection",
        client.connection().delete_connection(conn).send().await,
    );
    run.fails(
        "delete_connection",
        "twice: declared 404",
        client.connection().delete_connection(conn).send().await,
        404,
        true,
    );

    // --- DAGs.
    let dags = run.ok(
        "get_dags",
        client
            .dag()
            .get_dags()
            .limit(10)
            .only_active(true)
            .tags(vec!["forge".to_string()])
            .dag_id_pattern("forge")
            .send()
            .await,
    );
    if let Some(list) = dags {
        let ids: Vec<String> = list
            .dags
            .unwrap_or_default()
            .into_iter()
            .filter_map(|d| d.dag_id)
            .collect();
        run.eq(
            "get_dags",
            "tags=forge lists forge_demo",
            ids,
            vec![DAG.to_string()],
        );
    }
    let none = run.ok(
        "get_dags",
        client
            .dag()
            .get_dags()
            .tags(vec!["no-such-tag".to_string()])
            .send()
            .await,
    );
    if let Some(list) = none {
        run.eq(
            "get_dags",
            "an unknown tag lists nothing",
            list.total_entries,
            Some(0),
        );
    }
    if let Some(d) = run.ok("get_dag", client.dag().get_dag(DAG).send().await) {
        run.eq(
            "get_dag",
            "is paused at first",
            d.is_paused,
            Some(Some(true)),
        );
        run.eq(
            "get_dag",
            "description read back",
            d.description.flatten().as_deref(),
            Some("A DAG the openapi-forge real-world driver triggers"),
        );
    }
    let patched = run.ok(
        "patch_dag",
        client
            .dag()
            .patch_dag(
                DAG,
                DagInput {
                    is_paused: Some(Some(false)),
                },
            )
            .update_mask(vec!["is_paused".to_string()])
            .send()
            .await,
    );
    if let Some(d) = patched {
        run.eq("patch_dag", "unpaused", d.is_paused, Some(Some(false)));
    }
    let mut file_token = None;
    if let Some(d) = run.ok(
        "get_dag_details",
        client.dag().get_dag_details(DAG).send().await,
    ) {
        run.eq("get_dag_details", "dag_id", d.dag_id.as_deref(), Some(DAG));
        file_token = d.file_token;
    }
    if let Some(token) = file_token {
        let source = run.ok(
            "get_dag_source",
            client.dag().get_dag_source(token).send().await,
        );
        if let Some(source) = source {
            run.check(
                "get_dag_source",
                "the DAG file's text",
                source
                    .content
                    .as_deref()
                    .is_some_and(|c| c.contains("dag_id=\"forge_demo\"")),
                format!(
                    "{:?}",
                    source
                        .content
                        .map(|c| c.chars().take(80).collect::<String>())
                ),
            );
        }
    }
    if let Some(tasks) = run.ok("get_tasks", client.dag().get_tasks(DAG).send().await) {
        let ids: Vec<String> = tasks
            .tasks
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| t.task_id)
            .collect();
        run.eq(
            "get_tasks",
            "both tasks",
            ids,
            vec!["first".to_string(), "second".to_string()],
        );
    }
    if let Some(task) = run.ok("get_task", client.dag().get_task(DAG, "first").send().await) {
        run.eq(
            "get_task",
            "downstream of first",
            task.downstream_task_ids,
            Some(vec!["second".to_string()]),
        );
    }
    run.fails(
        "get_dag",
        "unknown DAG: declared 404",
        client.dag().get_dag("no_such_dag").send().await,
        404,
        true,
    );

    // --- DAG runs.
    let run_id = "forge_run_1";
    let mut conf = serde_json::Map::new();
    conf.insert("greeting".into(), serde_json::json!("bonjour"));
    let logical: chrono::DateTime<chrono::Utc> = "2024-06-01T12:00:00Z".parse().unwrap();
    let triggered = run.ok(
        "post_dag_run",
        client
            .dag_run()
            .post_dag_run(
                DAG,
                DagRunInput {
                    dag_run_id: Some(Some(run_id.into())),
                    conf: Some(conf),
                    logical_date: Some(Some(logical.into())),
                    note: Some(Some("first note".into())),
                    ..Default::default()
                },
            )
            .send()
            .await,
    );
    if let Some(r) = triggered {
        run.eq(
            "post_dag_run",
            "run id read back",
            r.dag_run_id.flatten().as_deref(),
            Some(run_id),
        );
        run.eq(
            "post_dag_run",
            "logical date read back",
            r.logical_date.flatten().map(|d| d.to_utc()),
            Some(logical),
        );
        run.eq(
            "post_dag_run",
            "conf read back",
            r.conf.and_then(|c| c.get("greeting").cloned()),
            Some(serde_json::json!("bonjour")),
        );
    }
    if let Some(r) = run.ok(
        "get_dag_run",
        client.dag_run().get_dag_run(DAG, run_id).send().await,
    ) {
        run.eq(
            "get_dag_run",
            "note read back",
            r.note.flatten().as_deref(),
            Some("first note"),
        );
        run.eq(
            "get_dag_run",
            "external trigger",
            r.external_trigger,
            Some(true),
        );
    }
    let runs = run.ok(
        "get_dag_runs",
        client
            .dag_run()
            .get_dag_runs(DAG)
            .limit(5)
            .execution_date_gte(
                "2024-01-01T00:00:00Z"
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .unwrap(),
            )
            .order_by("-execution_date")
            .send()
            .await,
    );
    if let Some(list) = runs {
        let ids: Vec<String> = list
            .dag_runs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.dag_run_id.flatten())
            .collect();
        run.eq(
            "get_dag_runs",
            "lists the run",
            ids,
            vec![run_id.to_string()],
        );
    }
    let noted = run.ok(
        "set_dag_run_note",
        client
            .dag_run()
            .set_dag_run_note(
                DAG,
                run_id,
                SetDagRunNote {
                    note: Some("second note".into()),
                },
            )
            .send()
            .await,
    );
    if let Some(r) = noted {
        run.eq(
            "set_dag_run_note",
            "note updated",
            r.note.flatten().as_deref(),
            Some("second note"),
        );
    }
    let instances = run.ok(
        "get_task_instances",
        client
            .task_instance()
            .get_task_instances(DAG, run_id)
            .send()
            .await,
    );
    if let Some(list) = instances {
        run.eq(
            "get_task_instances",
            "total_entries",
            list.total_entries,
            Some(2),
        );
    }
    let instance = run.ok(
        "get_task_instance",
        client
            .task_instance()
            .get_task_instance(DAG, run_id, "second")
            .send()
            .await,
    );
    if let Some(ti) = instance {
        run.eq(
            "get_task_instance",
            "task_id",
            ti.task_id.as_deref(),
            Some("second"),
        );
        run.eq(
            "get_task_instance",
            "run id",
            ti.dag_run_id.as_deref(),
            Some(run_id),
        );
    }
    run.fails(
        "post_dag_run",
        "same run id again: declared 409",
        client
            .dag_run()
            .post_dag_run(
                DAG,
                DagRunInput {
                    dag_run_id: Some(Some(run_id.into())),
                    ..Default::default()
                },
            )
            .send()
            .await,
        409,
        true,
    );
    run.ok(
        "delete_dag_run",
        client.dag_run().delete_dag_run(DAG, run_id).send().await,
    );

    // --- Read-only listings that decode large real payloads.
    let logs = run.ok(
        "get_event_logs",
        client
            .event_log()
            .get_event_logs()
            .limit(20)
            .order_by("-when")
            .send()
            .await,
    );
    if let Some(list) = logs {
        run.check(
            "get_event_logs",
            "the driver's calls were logged",
            list.total_entries.unwrap_or(0) > 0,
            format!("{:?}", list.total_entries),
        );
    }
    run.ok(
        "get_providers",
        client.provider().get_providers().send().await,
    );
    run.ok("get_plugins", client.plugin().get_plugins().send().await);
    run.ok(
        "get_dag_warnings",
        client
            .dag_warning()
            .get_dag_warnings()
            .limit(10)
            .send()
            .await,
    );
    run.ok(
        "get_datasets",
        client.dataset().get_datasets().limit(10).send().await,
    );
    run.ok(
        "get_import_errors",
        client.import_error().get_import_errors().send().await,
    );
    run.ok(
        "get_dag_stats",
        client.dag_stats().get_dag_stats(DAG).send().await,
    );
    #[allow(deprecated)] // the spec deprecates the user and role endpoints
    let users = client.user().get_users().send().await;
    if let Some(users) = run.ok("get_users", users) {
        let names: Vec<String> = users
            .users
            .unwrap_or_default()
            .into_iter()
            .filter_map(|u| u.username)
            .collect();
        run.check(
            "get_users",
            "lists the admin",
            names.contains(&env.user),
            format!("{names:?}"),
        );
    }
    #[allow(deprecated)]
    let roles = client.role().get_roles().limit(50).send().await;
    if let Some(roles) = run.ok("get_roles", roles) {
        let names: Vec<String> = roles
            .roles
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.name)
            .collect();
        run.check(
            "get_roles",
            "lists Admin",
            names.iter().any(|n| n == "Admin"),
            format!("{names:?}"),
        );
    }
    // Declared 403: the configuration is not exposed by default.
    run.fails(
        "get_config",
        "not exposed: declared 403",
        client.config().get_config().send().await,
        403,
        true,
    );

    run.finish(env.result.as_deref())
}
