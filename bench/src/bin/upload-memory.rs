//! Peak memory of the generated server while it takes a multipart upload.
//!
//! The operation is BeyondInsight's `deprecatedQueueImportFile` (`POST
//! /Imports/QueueImportFile`): a JSON `Details` part and a binary `File` part, decoded into
//! `DeprecatedQueueImportFileBody { details, file: Vec<u8> }`. The request is built in memory
//! and sent through `beyondinsight_api::server::router` with `tower::ServiceExt::oneshot`, so no
//! socket or client adds to the count. The global allocator counts bytes: the peak above what
//! was allocated before the request (the request itself included) is reported, for each upload
//! size, with its ratio to the upload. Output: `key=value` lines that `cargo xtask bench`
//! reads.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use beyondinsight_api::server::{
    self, ApiError, DeprecatedQueueImportFileRequest, DeprecatedQueueImportFileResponse,
};
use beyondinsight_api::QueuedImport;
use peak_alloc::PeakAlloc;
use tower::ServiceExt as _;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// The upload sizes measured, in bytes: the default body limit is 2 MiB for the whole body.
const SIZES: &[usize] = &[256 * 1024, 1024 * 1024, 2 * 1024 * 1024 - 1024];

/// Answers with the file's size, so the decoded bytes are used.
#[derive(Clone)]
struct Importer;

impl server::Api for Importer {
    async fn deprecated_queue_import_file(
        &self,
        request: DeprecatedQueueImportFileRequest,
    ) -> Result<DeprecatedQueueImportFileResponse, ApiError> {
        Ok(DeprecatedQueueImportFileResponse::Ok {
            body: QueuedImport {
                import_id: i32::try_from(request.body.file.len()).ok(),
            },
        })
    }
}

fn upload(size: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(size + 512);
    body.extend_from_slice(
        b"--XX\r\nContent-Disposition: form-data; name=\"Details\"\r\n\
          Content-Type: application/json\r\n\r\n\
          {\"WorkgroupID\": 1, \"FileName\": \"assets.xml\"}\r\n\
          --XX\r\nContent-Disposition: form-data; name=\"File\"; filename=\"assets.xml\"\r\n\
          Content-Type: application/octet-stream\r\n\r\n",
    );
    body.extend((0..size).map(|i| (i % 251) as u8));
    body.extend_from_slice(b"\r\n--XX--\r\n");
    body
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let router = server::router(Importer);
    for &size in SIZES {
        let request = Request::post("/BeyondTrust/api/public/v3/Imports/QueueImportFile")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XX")
            .header(header::AUTHORIZATION, "PS-Auth key=bench; runas=bench;")
            .body(Body::from(upload(size)))
            .expect("a request");
        let before = ALLOCATOR.current_usage();
        ALLOCATOR.reset_peak_usage();
        let response = runtime
            .block_on(router.clone().oneshot(request))
            .expect("the router answers");
        let peak = ALLOCATOR.peak_usage().saturating_sub(before);
        if response.status() != StatusCode::OK {
            eprintln!("upload of {size} bytes answered {}", response.status());
            std::process::exit(1);
        }
        drop(response);
        println!("upload_{size}_peak_bytes={peak}");
        println!("upload_{size}_ratio={:.2}", peak as f64 / size as f64);
    }
}
