//! Lowering of security: the security schemes of the spec, and the schemes each operation uses.

use openapiv3::APIKeyLocation;

use super::Lowerer;
use crate::ir::names::{field_name, variant_name, Namespace};
use crate::ir::{Name, ParamLocation, SecurityKind, SecurityScheme, SecurityUse};
use crate::load::escape;

impl Lowerer<'_> {
    pub(crate) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let spec = self.spec;
        let Some(components) = spec.doc.components.as_ref() else {
            return Vec::new();
        };
        let mut names = Namespace::default();
        let mut variants = Namespace::default();
        let mut out = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = format!("/components/securitySchemes/{}", escape(name));
            let scheme = match spec.security_scheme(scheme) {
                Ok(s) => s,
                Err(e) => {
                    self.error(&pointer, e);
                    continue;
                }
            };
            use openapiv3::SecurityScheme as S;
            let (kind, doc) = match scheme {
                S::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        APIKeyLocation::Query => ParamLocation::Query,
                        APIKeyLocation::Header => ParamLocation::Header,
                        APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (
                        SecurityKind::ApiKey {
                            location,
                            name: name.clone(),
                        },
                        description.clone(),
                    )
                }
                S::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "basic" => (SecurityKind::Basic, description.clone()),
                    "bearer" => (SecurityKind::Bearer, description.clone()),
                    other => {
                        self.warning(
                            &pointer,
                            format!("http scheme `{other}` is not supported; operations that need it get no credentials"),
                        );
                        continue;
                    }
                },
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description.clone())
                }
            };
            out.push(SecurityScheme {
                name: Name {
                    rust: names.claim(&field_name(name)),
                    wire: name.clone(),
                },
                variant: variants.claim(&variant_name(name)),
                kind,
                doc,
                unused: false,
            });
        }
        out
    }

    pub(super) fn security_uses(
        &mut self,
        requirements: &[openapiv3::SecurityRequirement],
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<Vec<SecurityUse>> {
        let mut out = Vec::new();
        for (i, req) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for (name, scopes) in req {
                match schemes.iter().position(|s| s.name.wire == *name) {
                    Some(scheme) => alternative.push(SecurityUse {
                        scheme,
                        scopes: scopes.clone(),
                    }),
                    None => self.warning(
                        &format!("{pointer}/security/{i}"),
                        format!("security scheme `{name}` is not defined (or not supported); it is ignored"),
                    ),
                }
            }
            out.push(alternative);
        }
        out
    }
}
