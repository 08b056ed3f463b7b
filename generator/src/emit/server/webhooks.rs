//! `server::webhooks`: the receiver of the webhooks a 3.1 spec declares, the requests the
//! API's provider sends to its users.
//!
//! ```text
//! struct Hooks;
//! impl webhooks::Receiver for Hooks {
//!     async fn pet_adopted(&self, request: PetAdoptedRequest) -> Result<PetAdoptedResponse, ApiError> {
//!         record(request.body);
//!         Ok(PetAdoptedResponse::Ok)
//!     }
//! }
//! let app = Router::new().nest("/hooks", webhooks::router(Hooks)); // POST /hooks/petAdopted
//! ```
//!
//! A webhook has a name, not a path: the router serves each at `/` and its name, to be nested
//! wherever the provider was told to send it. Requests are extracted, validated and answered as
//! the server's operations are (the same extractors, rejections and settings), so a receiver
//! gets typed, checked payloads and the provider a JSON error naming the field it got wrong.

use proc_macro2::TokenStream;
use quote::quote;

use super::router::{handler, method_chain, routes};
use super::{operation_items, trait_method, Role};
use crate::ir::{Api, Operation};

/// The `webhooks` module: the `Receiver` trait, each webhook's request and response types and
/// extractor, the router and its handlers.
pub(super) fn module(api: &Api) -> TokenStream {
    let methods = api.webhooks.iter().map(trait_method);
    let items = api
        .webhooks
        .iter()
        .map(|op| operation_items(api, op, true, Role::Webhooks));
    let hooks: Vec<&Operation> = api.webhooks.iter().collect();
    let route_calls = routes(&hooks).into_iter().map(|(route, ops)| {
        let chain = method_chain(&ops);
        quote!(let routes = routes.route(#route, #chain);)
    });
    let handlers = api
        .webhooks
        .iter()
        .map(|op| handler(api, op, Role::Webhooks));
    let names: Vec<String> = api
        .webhooks
        .iter()
        .map(|op| format!(" - `{} {}`", op.method.as_str(), op.path))
        .collect();
    quote! {
        #[doc = " The webhooks of the spec: requests the API's provider sends to its users, received"]
        #[doc = " by an implementation of [`Receiver`](webhooks::Receiver) served by"]
        #[doc = " [`webhooks::router`]."]
        pub mod webhooks {
            #[allow(unused_imports)]
            use super::*;

            #[doc = " The webhooks to receive: one method per webhook. Each takes the request already"]
            #[doc = " extracted and validated and returns one of the responses the spec declares."]
            #[doc = " Methods left out answer 501 Not Implemented."]
            pub trait Receiver: Send + Sync + 'static {
                #[doc = " Checks the credentials of a webhook whose spec requires some (its own `security`),"]
                #[doc = " after their presence was checked. The default accepts them all; answer"]
                #[doc = " `Err(ApiError::unauthorized(..))` (401) or a 403 to refuse."]
                fn authenticate(&self, credentials: &Credentials, context: &mut Context) -> impl Future<Output = Result<(), ApiError>> + Send {
                    let _ = (credentials, context);
                    async { Ok(()) }
                }

                #(#methods)*
            }

            #(#items)*

            #[doc = " Serves each webhook at `/` and its name, to be nested where the provider sends"]
            #[doc = " them (`Router::new().nest(\"/hooks\", router(receiver))`):"]
            #[doc = ""]
            #(#[doc = #names])*
            pub fn router<A: Receiver>(receiver: A) -> ::axum::Router {
                router_with_config(receiver, ServerConfig::default())
            }

            #[doc = " [`router`] with settings."]
            pub fn router_with_config<A: Receiver>(receiver: A, config: ServerConfig) -> ::axum::Router {
                let state = Arc::new(State { api: receiver, config });
                let routes = ::axum::Router::new();
                #(#route_calls)*
                routes
                    .with_state(state)
                    .fallback(not_found)
                    .method_not_allowed_fallback(method_not_allowed)
            }

            #(#handlers)*
        }
    }
}
