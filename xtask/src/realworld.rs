//! `cargo xtask realworld`: generated clients against real open-source services.
//!
//! For each service: install it from its package registry into `target/realworld/<svc>/`
//! (once per pinned version), reset its SQLite store, start it on 127.0.0.1, fetch the
//! OpenAPI document it serves, generate `target/realworld/<svc>-api` with the command-line
//! tool, then build and run the driver `tests/realworld/<svc>/` (its own workspace, target
//! dir `target/realworld/target`), which uses the generated crate as any user would. The
//! driver writes `target/realworld/<svc>/result.json`; a summary table (with timings) ends
//! the run. Not part of CI: an install takes minutes.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

/// The services, in the order they run.
pub const SERVICES: &[&str] = &["airflow", "directus"];

const AIRFLOW_VERSION: &str = "2.10.5";
const DIRECTUS_VERSION: &str = "10.13.4";
/// The SQLite driver Directus loads (built from source by npm when no prebuilt binary can be
/// downloaded).
const NODE_SQLITE3_VERSION: &str = "6.0.1";

const AIRFLOW_USER: &str = "admin";
const AIRFLOW_PASSWORD: &str = "forge-admin-pw";
const DIRECTUS_EMAIL: &str = "admin@example.com";
const DIRECTUS_PASSWORD: &str = "forge-admin-pw";
const DIRECTUS_TOKEN: &str = "forge-static-admin-token";

pub struct Options {
    /// Services to run (empty: all).
    pub services: Vec<String>,
    /// Reinstall even when the pinned version is installed.
    pub reinstall: bool,
}

/// What one service run measured.
struct Outcome {
    service: &'static str,
    version: &'static str,
    spec_version: String,
    install: Duration,
    installed_now: bool,
    start: Duration,
    generate: Duration,
    build: Duration,
    drive: Duration,
    /// The driver's `result.json`, when it wrote one.
    result: Option<serde_json::Value>,
    driver_ok: bool,
}

pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    let wanted: Vec<&'static str> = if options.services.is_empty() {
        SERVICES.to_vec()
    } else {
        let mut out = Vec::new();
        for s in &options.services {
            match SERVICES.iter().find(|k| **k == s.as_str()) {
                Some(k) => out.push(*k),
                None => bail!(
                    "unknown service `{s}`; the services are: {}",
                    SERVICES.join(", ")
                ),
            }
        }
        out
    };
    let work = root.join("target/realworld");
    fs::create_dir_all(&work)?;
    let mut outcomes = Vec::new();
    for service in wanted {
        eprintln!("\n==== {service}");
        let outcome = run_service(root, &work, service, options)
            .with_context(|| format!("real-world run of {service}"))?;
        outcomes.push(outcome);
    }
    let table = summary(&outcomes);
    println!("\n{table}");
    fs::write(work.join("summary.md"), &table)?;
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.driver_ok)
        .map(|o| o.service)
        .collect();
    if !failed.is_empty() {
        bail!(
            "the driver of {} failed (see its output above)",
            failed.join(", ")
        );
    }
    Ok(())
}

fn run_service(
    root: &Path,
    work: &Path,
    service: &'static str,
    options: &Options,
) -> anyhow::Result<Outcome> {
    let dir = work.join(service);
    fs::create_dir_all(&dir)?;
    let version = match service {
        "airflow" => AIRFLOW_VERSION,
        _ => DIRECTUS_VERSION,
    };

    // 1. Install (once per pinned version).
    let marker = dir.join(".installed");
    let installed = fs::read_to_string(&marker).ok();
    let t = Instant::now();
    let installed_now = options.reinstall || installed.as_deref() != Some(version);
    if installed_now {
        eprintln!("installing {service} {version} into {}", dir.display());
        match service {
            "airflow" => install_airflow(&dir)?,
            _ => install_directus(&dir)?,
        }
        fs::write(&marker, version)?;
    } else {
        eprintln!("{service} {version} is installed ({})", dir.display());
    }
    let install = t.elapsed();

    // 2. Fresh store, start, wait until it answers.
    let port = free_port()?;
    let t = Instant::now();
    let server = match service {
        "airflow" => start_airflow(root, &dir, port)?,
        _ => start_directus(root, &dir, port)?,
    };
    let (health, spec_path, auth) = match service {
        "airflow" => ("/api/v1/health", "/api/v1/openapi.yaml", None),
        _ => (
            "/server/health",
            "/server/specs/oas",
            Some(format!("Bearer {DIRECTUS_TOKEN}")),
        ),
    };
    wait_until_up(&server, port, health, Duration::from_secs(180))?;
    let start = t.elapsed();
    eprintln!(
        "{service} answers on 127.0.0.1:{port} after {:.1} s",
        start.as_secs_f64()
    );

    // 3. The spec it serves.
    let (status, spec) = http_get(port, spec_path, auth.as_deref())?;
    if status != 200 {
        bail!("GET {spec_path} answered {status}");
    }
    let ext = if spec_path.ends_with(".yaml") {
        "yaml"
    } else {
        "json"
    };
    let spec_file = dir.join(format!("openapi.{ext}"));
    fs::write(&spec_file, &spec)?;
    let spec_version = openapi_version(&spec);
    eprintln!("spec: {} (openapi {spec_version})", spec_file.display());
    if !spec_version.starts_with("3.0.") {
        bail!("{service} serves OpenAPI {spec_version}; the generator reads 3.0.x only");
    }

    // 4. Generate the crate.
    let t = Instant::now();
    let crate_name = format!("{service}-api");
    let out = work.join(&crate_name);
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["run", "--quiet", "-p", "openapi-forge", "--", "generate"])
        .arg(&spec_file)
        .arg("--out")
        .arg(&out)
        .args(["--crate-name", &crate_name])
        .status()?;
    if !status.success() {
        bail!("generating {crate_name} failed ({status})");
    }
    let generate = t.elapsed();

    // 5. Build and run the driver.
    let driver = root.join("tests/realworld").join(service);
    let target = work.join("target");
    let t = Instant::now();
    let status = Command::new(env!("CARGO"))
        .current_dir(&driver)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--quiet"])
        .status()?;
    if !status.success() {
        bail!("building the driver {} failed ({status})", driver.display());
    }
    let build = t.elapsed();
    let result_file = dir.join("result.json");
    let _ = fs::remove_file(&result_file);
    let (base_url, user, password) = match service {
        // An origin only: the client adds the spec's base path (/api/v1).
        "airflow" => (
            format!("http://127.0.0.1:{port}"),
            AIRFLOW_USER,
            AIRFLOW_PASSWORD,
        ),
        _ => (
            format!("http://127.0.0.1:{port}"),
            DIRECTUS_EMAIL,
            DIRECTUS_PASSWORD,
        ),
    };
    let t = Instant::now();
    let status = Command::new(target.join("debug").join(format!("realworld-{service}")))
        .current_dir(&driver)
        .env("REALWORLD_BASE_URL", &base_url)
        .env("REALWORLD_USER", user)
        .env("REALWORLD_PASSWORD", password)
        .env("REALWORLD_RESULT", &result_file)
        .status()?;
    let drive = t.elapsed();
    drop(server);
    let result = fs::read_to_string(&result_file)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    Ok(Outcome {
        service,
        version,
        spec_version,
        install,
        installed_now,
        start,
        generate,
        build,
        drive,
        result,
        driver_ok: status.success(),
    })
}

fn install_airflow(dir: &Path) -> anyhow::Result<()> {
    let venv = dir.join("venv");
    if venv.exists() {
        fs::remove_dir_all(&venv)?;
    }
    // Airflow 2.10 supports Python 3.8 to 3.12.
    let python = std::env::var("REALWORLD_PYTHON").unwrap_or_else(|_| "python3".into());
    run_logged(
        Command::new(&python).args(["-m", "venv"]).arg(&venv),
        &dir.join("install.log"),
    )?;
    // Airflow's constraint files are not on PyPI; `apache-airflow` pins the packages that
    // matter (SQLAlchemy 1.4, Flask 2.2, connexion 2.14) itself.
    run_logged(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            &format!("apache-airflow=={AIRFLOW_VERSION}"),
        ]),
        &dir.join("install.log"),
    )
}

fn install_directus(dir: &Path) -> anyhow::Result<()> {
    let modules = dir.join("node_modules");
    if modules.exists() {
        fs::remove_dir_all(&modules)?;
    }
    // Directus 10 runs on Node 18+; 11 and later need Node 22.
    run_logged(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(dir)
            .arg(format!("directus@{DIRECTUS_VERSION}"))
            .arg(format!("sqlite3@{NODE_SQLITE3_VERSION}")),
        &dir.join("install.log"),
    )
}

fn airflow_env(dir: &Path, cmd: &mut Command) {
    let home = dir.join("home");
    cmd.env("AIRFLOW_HOME", &home)
        .env("AIRFLOW__CORE__DAGS_FOLDER", home.join("dags"))
        .env("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        .env(
            "AIRFLOW__API__AUTH_BACKENDS",
            "airflow.api.auth.backend.basic_auth",
        )
        .env("AIRFLOW__WEBSERVER__SECRET_KEY", "forge-realworld")
        .env("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING");
}

fn start_airflow(root: &Path, dir: &Path, port: u16) -> anyhow::Result<Server> {
    let home = dir.join("home");
    if home.exists() {
        fs::remove_dir_all(&home)?;
    }
    fs::create_dir_all(home.join("dags"))?;
    fs::copy(
        root.join("tests/realworld/airflow/dags/forge_demo.py"),
        home.join("dags/forge_demo.py"),
    )?;
    let airflow = dir.join("venv/bin/airflow");
    let log = dir.join("setup.log");
    let _ = fs::remove_file(&log);
    for args in [
        vec!["db", "migrate"],
        vec![
            "users",
            "create",
            "--username",
            AIRFLOW_USER,
            "--password",
            AIRFLOW_PASSWORD,
            "--role",
            "Admin",
            "--firstname",
            "Forge",
            "--lastname",
            "Driver",
            "--email",
            "admin@example.com",
        ],
        // Writes the DAG to the database, where the webserver reads it (no scheduler runs).
        vec!["dags", "reserialize"],
    ] {
        let mut cmd = Command::new(&airflow);
        cmd.args(&args);
        airflow_env(dir, &mut cmd);
        run_logged(&mut cmd, &log)?;
    }
    let mut cmd = Command::new(&airflow);
    cmd.args([
        "webserver",
        "--hostname",
        "127.0.0.1",
        "--workers",
        "1",
        "--port",
    ])
    .arg(port.to_string());
    airflow_env(dir, &mut cmd);
    Server::spawn(cmd, &dir.join("server.log"))
}

fn directus_env(dir: &Path, port: u16, cmd: &mut Command) {
    cmd.env("DB_CLIENT", "sqlite3")
        .env("DB_FILENAME", dir.join("data/data.db"))
        .env("KEY", "forge-realworld-key")
        .env("SECRET", "forge-realworld-secret")
        .env("ADMIN_EMAIL", DIRECTUS_EMAIL)
        .env("ADMIN_PASSWORD", DIRECTUS_PASSWORD)
        .env("ADMIN_TOKEN", DIRECTUS_TOKEN)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("STORAGE_LOCAL_ROOT", dir.join("data/uploads"))
        .env("EXTENSIONS_PATH", dir.join("data/extensions"))
        .env("TELEMETRY", "false")
        .env("CACHE_ENABLED", "false")
        .env("RATE_LIMITER_ENABLED", "false")
        .env("LOG_LEVEL", "warn");
}

fn start_directus(root: &Path, dir: &Path, port: u16) -> anyhow::Result<Server> {
    let data = dir.join("data");
    if data.exists() {
        fs::remove_dir_all(&data)?;
    }
    fs::create_dir_all(data.join("uploads"))?;
    fs::create_dir_all(data.join("extensions"))?;
    let directus = dir.join("node_modules/.bin/directus");
    let log = dir.join("setup.log");
    let _ = fs::remove_file(&log);
    let schema = root.join("tests/realworld/directus/schema.yaml");
    for args in [
        vec!["bootstrap".to_string()],
        // The collection `articles`, so that the served spec has typed /items/articles.
        vec![
            "schema".into(),
            "apply".into(),
            "--yes".into(),
            schema.display().to_string(),
        ],
    ] {
        let mut cmd = Command::new(&directus);
        cmd.args(&args).current_dir(dir);
        directus_env(dir, port, &mut cmd);
        run_logged(&mut cmd, &log)?;
    }
    let mut cmd = Command::new(&directus);
    cmd.arg("start").current_dir(dir);
    directus_env(dir, port, &mut cmd);
    Server::spawn(cmd, &dir.join("server.log"))
}

/// A service's process group, stopped when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn spawn(mut cmd: Command, log: &Path) -> anyhow::Result<Server> {
        use std::os::unix::process::CommandExt as _;
        let file = fs::File::create(log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            // Its own process group: Airflow's webserver runs gunicorn workers.
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {cmd:?}"))?;
        Ok(Server {
            child,
            log: log.to_path_buf(),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

fn wait_until_up(server: &Server, port: u16, path: &str, limit: Duration) -> anyhow::Result<()> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if let Ok((200, _)) = http_get(port, path, None) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let log = fs::read_to_string(&server.log).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(20).collect();
    bail!(
        "no 200 from GET {path} on port {port} within {} s; the end of {}:\n{}",
        limit.as_secs(),
        server.log.display(),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    )
}

/// A plain HTTP/1.0 GET on 127.0.0.1 (no chunked encoding to undo): status and body.
fn http_get(port: u16, path: &str, authorization: Option<&str>) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    if let Some(a) = authorization {
        request.push_str(&format!("Authorization: {a}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = String::from_utf8_lossy(&response[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    Ok((status, response[split + 4..].to_vec()))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// The `openapi` field of a JSON or YAML document.
fn openapi_version(spec: &[u8]) -> String {
    let text = String::from_utf8_lossy(spec);
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
        return json["openapi"].as_str().unwrap_or("?").to_owned();
    }
    text.lines()
        .find_map(|l| l.strip_prefix("openapi:"))
        .map(|v| v.trim().trim_matches(|c| c == '\'' || c == '"').to_owned())
        .unwrap_or_else(|| "?".into())
}

/// Runs a set-up command, appending its output to `log`; fails with the log's end.
fn run_logged(cmd: &mut Command, log: &Path) -> anyhow::Result<()> {
    let file = fs::OpenOptions::new().create(true).append(true).open(log)?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .status()
        .with_context(|| format!("running {cmd:?}"))?;
    if !status.success() {
        let text = fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(20).collect();
        bail!(
            "{cmd:?} failed ({status}); the end of {}:\n{}",
            log.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok(())
}

fn summary(outcomes: &[Outcome]) -> String {
    let secs = |d: Duration| format!("{:.0} s", d.as_secs_f64());
    let mut out = String::from(
        "| service | version | spec | operations | checks passed | failed | known failures | decode failures | install | start | generate | build driver | run driver |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for o in outcomes {
        let r = o.result.as_ref();
        let num = |key: &str| {
            r.map(|r| match &r[key] {
                serde_json::Value::Array(a) => a.len().to_string(),
                v => v.to_string(),
            })
            .unwrap_or_else(|| "–".into())
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            o.service,
            o.version,
            o.spec_version,
            num("operations"),
            num("passed"),
            num("failed"),
            num("known_failures"),
            num("decode_failures"),
            if o.installed_now {
                secs(o.install)
            } else {
                "(installed)".into()
            },
            secs(o.start),
            secs(o.generate),
            secs(o.build),
            secs(o.drive),
        ));
    }
    out
}
