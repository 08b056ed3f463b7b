//! Runtime overhead of generated code, on 127.0.0.1, with a fixed request count and a fixed
//! concurrency (no open-ended load).
//!
//! The operation is Infoworks' `authoriseUser` (`POST /v3/security/authorise/user`, Bearer
//! auth, a JSON body in and out): the smallest vendor operation that exercises credentials,
//! a body, validation and a typed response.
//!
//! - Server: `infoworks_api::server::router` with an implementation that answers from the
//!   request, against a hand-written axum handler doing the same work (check the bearer
//!   token and the content type, decode the body into the same model, encode the same
//!   answer). Both run on a one-worker runtime; the load comes from raw hyper HTTP/1
//!   connections on another thread, so the server gets one core and the load the other.
//! - Client: `infoworks_api::Client` against a hand-written `reqwest` call (bearer header,
//!   JSON body, status check, JSON decode) to the same hand-written server. The client runs
//!   on the main thread (current-thread runtime), whose CPU time is measured besides the wall
//!   time.
//!
//! Rounds alternate generated and hand-written; each ratio is taken within one round. Output:
//! `key=value` lines that `cargo xtask bench` reads.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use infoworks_api::server::{self, ApiError, AuthoriseUserRequest, AuthoriseUserResponse};
use infoworks_api::{AuthorisationRequest, AuthorisationResponse, AuthorisationResult};

const PATH: &str = "/v3/security/authorise/user";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.bench";
const BODY: &str = r#"{"entityType":"pipeline","action":"edit","entityId":"p-17"}"#;

/// Settings, from `--requests N --concurrency C --rounds R`.
#[derive(Clone, Copy, Debug)]
struct Settings {
    requests: usize,
    concurrency: usize,
    rounds: usize,
}

fn settings() -> Result<Settings, String> {
    let mut s = Settings {
        requests: 20_000,
        concurrency: 16,
        rounds: 5,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args
            .get(i + 1)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|v| *v > 0)
            .ok_or_else(|| format!("{} needs a positive number", args[i]))?;
        match args[i].as_str() {
            "--requests" => s.requests = value,
            "--concurrency" => s.concurrency = value,
            "--rounds" => s.rounds = value,
            other => return Err(format!("unknown argument `{other}`")),
        }
        i += 2;
    }
    Ok(s)
}

/// The answer both servers give.
fn answer(request: &AuthorisationRequest) -> AuthorisationResponse {
    AuthorisationResponse {
        message: Some("authorised".to_owned()),
        result: Some(AuthorisationResult {
            delegation_token: None,
            is_authorised: Some(request.action.as_deref() == Some("edit")),
        }),
    }
}

/// The generated server's implementation: only `authoriseUser`.
struct Generated;

impl server::Api for Generated {
    async fn authorise_user(
        &self,
        request: AuthoriseUserRequest,
    ) -> Result<AuthoriseUserResponse, ApiError> {
        Ok(AuthoriseUserResponse::Ok {
            body: answer(&request.body),
        })
    }
}

/// The hand-written handler: the same checks and the same answer, written directly.
async fn handwritten(headers: HeaderMap, body: Bytes) -> Response {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    if !text(header::AUTHORIZATION).starts_with("Bearer ") {
        return (StatusCode::UNAUTHORIZED, "credentials are required").into_response();
    }
    if !text(header::CONTENT_TYPE).starts_with("application/json") {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected application/json",
        )
            .into_response();
    }
    match serde_json::from_slice::<AuthorisationRequest>(&body) {
        Ok(request) => axum::Json(answer(&request)).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

/// Starts `router` on a fresh port of 127.0.0.1, on `runtime`.
fn serve(runtime: &tokio::runtime::Runtime, router: axum::Router) -> std::io::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let _guard = runtime.enter();
    let listener = tokio::net::TcpListener::from_std(listener)?;
    runtime.spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("error: server: {e}");
        }
    });
    Ok(addr)
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Sends `requests` requests over `concurrency` keep-alive connections; returns the wall time.
async fn load(addr: SocketAddr, s: Settings) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..s.concurrency {
        let count = s.requests / s.concurrency + usize::from(i < s.requests % s.concurrency);
        tasks.spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let io = hyper_util::rt::TokioIo::new(stream);
            let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
            tokio::spawn(connection);
            for _ in 0..count {
                sender.ready().await?;
                let bytes = request_once(&mut sender, addr).await?;
                if bytes.is_empty() {
                    return Err::<(), BoxError>("empty response".into());
                }
            }
            Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(start.elapsed())
}

async fn request_once(
    sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    addr: SocketAddr,
) -> Result<Bytes, BoxError> {
    let request = Request::post(PATH)
        .header(header::HOST, addr.to_string())
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(BODY.as_bytes())))?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let bytes = response.into_body().collect().await?.to_bytes();
    if status != StatusCode::OK {
        return Err(format!("status {status}: {}", String::from_utf8_lossy(&bytes)).into());
    }
    Ok(bytes)
}

/// One response of each server, to check they do the same work.
async fn probe(addr: SocketAddr) -> Result<Bytes, BoxError> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
    tokio::spawn(connection);
    request_once(&mut sender, addr).await
}

/// CPU time of the calling thread so far.
fn thread_cpu() -> Duration {
    // `schedstat` gives nanoseconds; `stat` (clock ticks, 10 ms) is the fallback.
    if let Ok(text) = std::fs::read_to_string("/proc/thread-self/schedstat") {
        if let Some(ns) = text
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
        {
            return Duration::from_nanos(ns);
        }
    }
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Which client a round uses.
#[derive(Clone)]
enum Caller {
    Generated(Arc<infoworks_api::Client>),
    Handwritten(reqwest::Client, Arc<str>),
}

impl Caller {
    async fn call(&self) -> Result<AuthorisationResponse, BoxError> {
        let body = AuthorisationRequest {
            entity_type: Some("pipeline".to_owned()),
            action: Some("edit".to_owned()),
            entity_id: Some("p-17".to_owned()),
        };
        match self {
            Caller::Generated(client) => {
                let response = client
                    .security()
                    .authorise_user(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(response.into_inner())
            }
            Caller::Handwritten(http, url) => {
                let response = http
                    .post(&**url)
                    .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                    .json(&body)
                    .send()
                    .await?;
                if response.status() != StatusCode::OK {
                    return Err(format!("status {}", response.status()).into());
                }
                Ok(response.json::<AuthorisationResponse>().await?)
            }
        }
    }
}

/// Runs `requests` calls with `concurrency` tasks; returns (wall, CPU of this thread).
async fn drive(caller: &Caller, s: Settings) -> Result<(Duration, Duration), BoxError> {
    let cpu = thread_cpu();
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..s.concurrency {
        let count = s.requests / s.concurrency + usize::from(i < s.requests % s.concurrency);
        let caller = caller.clone();
        tasks.spawn(async move {
            for _ in 0..count {
                let answer = caller.call().await?;
                if answer.result.is_none() {
                    return Err::<(), BoxError>("no result in the answer".into());
                }
            }
            Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok((start.elapsed(), thread_cpu() - cpu))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.3}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn main() -> Result<(), BoxError> {
    let s = settings()?;
    let servers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let generated = serve(&servers, server::router(Generated))?;
    let handwritten = serve(
        &servers,
        axum::Router::new().route(PATH, axum::routing::post(self::handwritten)),
    )?;
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    local.block_on(async {
        let a = probe(generated).await?;
        let b = probe(handwritten).await?;
        if a != b {
            return Err::<(), BoxError>(
                format!(
                    "the servers answer differently: {} vs {}",
                    String::from_utf8_lossy(&a),
                    String::from_utf8_lossy(&b)
                )
                .into(),
            );
        }
        println!("requests={}", s.requests);
        println!("concurrency={}", s.concurrency);
        println!("rounds={}", s.rounds);

        // Server throughput.
        let warm = Settings {
            requests: s.requests / 10,
            ..s
        };
        load(generated, warm).await?;
        load(handwritten, warm).await?;
        let (mut gen_rps, mut hand_rps, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..s.rounds {
            let g = s.requests as f64 / load(generated, s).await?.as_secs_f64();
            let h = s.requests as f64 / load(handwritten, s).await?.as_secs_f64();
            gen_rps.push(g);
            hand_rps.push(h);
            ratios.push(g / h);
        }
        println!("server_generated_rps_runs={}", list(&gen_rps));
        println!("server_handwritten_rps_runs={}", list(&hand_rps));
        println!("server_generated_rps={:.0}", median(&mut gen_rps));
        println!("server_handwritten_rps={:.0}", median(&mut hand_rps));
        println!("server_ratio={:.4}", median(&mut ratios));

        // Client cost, against the hand-written server.
        let base = format!("http://{handwritten}");
        let generated_client = Caller::Generated(Arc::new(
            infoworks_api::Client::builder()
                .base_url(base.clone())
                .bearer_auth(TOKEN)
                // The hand-written call has no time limit either.
                .timeout(None)
                .build()
                .map_err(|e| e.to_string())?,
        ));
        let handwritten_client =
            Caller::Handwritten(reqwest::Client::new(), format!("{base}{PATH}").into());
        if generated_client.call().await? != handwritten_client.call().await? {
            return Err("the clients decode different answers".into());
        }
        drive(&generated_client, warm).await?;
        drive(&handwritten_client, warm).await?;
        let per = |d: Duration| d.as_secs_f64() * 1e6 / s.requests as f64;
        let (mut gw, mut hw, mut gc, mut hc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut wall_ratio, mut cpu_ratio) = (Vec::new(), Vec::new());
        for _ in 0..s.rounds {
            let (g_wall, g_cpu) = drive(&generated_client, s).await?;
            let (h_wall, h_cpu) = drive(&handwritten_client, s).await?;
            gw.push(per(g_wall));
            hw.push(per(h_wall));
            gc.push(per(g_cpu));
            hc.push(per(h_cpu));
            wall_ratio.push(g_wall.as_secs_f64() / h_wall.as_secs_f64());
            cpu_ratio.push(g_cpu.as_secs_f64() / h_cpu.as_secs_f64());
        }
        println!("client_generated_wall_us_runs={}", list(&gw));
        println!("client_handwritten_wall_us_runs={}", list(&hw));
        println!("client_generated_cpu_us_runs={}", list(&gc));
        println!("client_handwritten_cpu_us_runs={}", list(&hc));
        println!("client_generated_wall_us={:.2}", median(&mut gw));
        println!("client_handwritten_wall_us={:.2}", median(&mut hw));
        println!("client_generated_cpu_us={:.2}", median(&mut gc));
        println!("client_handwritten_cpu_us={:.2}", median(&mut hc));
        println!("client_wall_ratio={:.4}", median(&mut wall_ratio));
        println!("client_cpu_ratio={:.4}", median(&mut cpu_ratio));
        Ok(())
    })?;
    servers.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}
