//! A rustls server certificate verifier that keeps rustls' verdict and explains its refusals
//! (feature `rustls`).
//!
//! An HTTP client built on rustls reports a bad chain as `invalid peer certificate:
//! UnknownIssuer`, several wrappers deep, with the chain gone. [`ExplainingVerifier`] sits
//! where rustls' own `WebPkiServerVerifier` sits, delegates every decision to one built on
//! the same anchors and CRLs, and only when it refuses a chain runs
//! [`Verifier::check`](crate::Verifier::check) on what the server presented. The refusal
//! then carries a [`Failure`] holding the whole [`Report`](crate::Report), which
//! [`report_of`](crate::report_of) finds again in whatever error the application holds.
//!
//! The verdict is rustls' and nothing else: certdeps' stricter leaf-key rule (a key no
//! handshake signature can be verified with) does not refuse a chain here; rustls refuses such
//! a server at its handshake signature instead.
//!
//! ```
//! use certdeps::{TrustStore, Verifier};
//!
//! let root = include_str!("../tests/data/contoso/root.pem");
//! let verifier = Verifier::builder(TrustStore::from_pem(root.as_bytes())?).build()?;
//! let config = certdeps::rustls::client_config(verifier)?;
//! // Hand `config` to reqwest (`tls_backend_preconfigured`), hyper-rustls, tokio-rustls, ...
//! # let _ = config;
//! # Ok::<(), certdeps::Error>(())
//! ```

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use ::rustls::client::WebPkiServerVerifier;
use ::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use ::rustls::crypto::CryptoProvider;
use ::rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, DistinguishedName, OtherError,
    RootCertStore, SignatureScheme,
};
use pki_types::{CertificateDer, ServerName, UnixTime};

use crate::endpoint::Endpoint;
use crate::error::{ConfigError, Error};
use crate::provider::default_provider;
use crate::store::{StoreKind, TrustStore};
use crate::verifier::Verifier;

mod failure;

pub use failure::Failure;
pub(crate) use failure::failure_in;

/// A rustls `ServerCertVerifier` whose verdicts are exactly those of rustls'
/// `WebPkiServerVerifier` on the same anchors and CRLs, and whose certificate refusals carry
/// certdeps' diagnosis: `rustls::Error::InvalidCertificate(CertificateError::Other(..))`
/// holding a [`Failure`].
///
/// A chain rustls accepts costs what it costs rustls, plus one branch: no report is made
/// unless verification fails. Install it with [`ExplainingVerifier::client_config`] (or
/// [`client_config`]), or in a `ClientConfig` of your own through
/// `dangerous().with_custom_certificate_verifier`.
///
/// ```
/// use std::sync::Arc;
///
/// let verifier = certdeps::rustls::ExplainingVerifier::mozilla()?
///     .on_failure(|failure| eprintln!("TLS refused: {failure}"))
///     .keep_last_chains();
/// let verifier = Arc::new(verifier);
/// let config = verifier.clone().client_config()?;
/// # let _ = config;
/// // Once a client with `config` has met example.com, what it presented is kept:
/// let name = pki_types::ServerName::try_from("example.com").unwrap();
/// assert!(verifier.last_chain(&name).is_none()); // no handshake yet
/// # Ok::<(), certdeps::Error>(())
/// ```
pub struct ExplainingVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    verifier: Verifier,
    provider: Arc<CryptoProvider>,
    on_failure: Option<Box<OnFailure>>,
    /// The last chain each server presented ([`ExplainingVerifier::keep_last_chains`]).
    chains: Option<Mutex<Kept>>,
}

/// The last chain of each of the most recently first-met server names, at most
/// [`ExplainingVerifier::MAX_KEPT_CHAINS`] of them.
#[derive(Default)]
struct Kept {
    chains: HashMap<ServerName<'static>, Chain>,
    /// The names in `chains`, in the order they were first met.
    order: VecDeque<ServerName<'static>>,
}

impl Kept {
    fn insert(&mut self, name: ServerName<'static>, chain: Chain) {
        if self.chains.insert(name.clone(), chain).is_none() {
            self.order.push_back(name);
            if self.order.len() > ExplainingVerifier::MAX_KEPT_CHAINS {
                if let Some(oldest) = self.order.pop_front() {
                    self.chains.remove(&oldest);
                }
            }
        }
    }
}

/// What [`ExplainingVerifier::on_failure`] runs.
type OnFailure = dyn Fn(&Failure) + Send + Sync;

/// A presented chain, leaf first, shared with whoever asks for it.
type Chain = Arc<[CertificateDer<'static>]>;

impl ExplainingVerifier {
    /// A verifier trusting `verifier`'s stores and checking its CRLs, explaining refusals
    /// with it (its intermediate pool, expiry horizon and budgets included).
    ///
    /// The CRLs are read as rustls reads them, with unknown revocation status allowed as
    /// certdeps allows it; a CRL rustls cannot read is [`ConfigError::Rustls`] here, where
    /// certdeps alone would report `crl-unusable` on every check.
    pub fn new(verifier: Verifier) -> Result<Self, Error> {
        let provider = Arc::new(default_provider());
        let config = verifier.config();
        let roots = RootCertStore {
            roots: config.anchors().to_vec(),
        };
        let mut builder =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone());
        if !config.crls().is_empty() {
            builder = builder
                .with_crls(config.crls().der().iter().cloned())
                .allow_unknown_revocation_status();
        }
        let webpki = builder.build().map_err(|e| ConfigError::Rustls {
            reason: format!("{e:?}"),
        })?;
        Ok(Self {
            webpki,
            verifier,
            provider,
            on_failure: None,
            chains: None,
        })
    }

    /// A verifier trusting the anchors of a rustls `RootCertStore`, as
    /// `ClientConfig::builder().with_root_certificates(roots)` does; reports name the store
    /// `custom`.
    pub fn with_root_certificates(roots: impl Into<Arc<RootCertStore>>) -> Result<Self, Error> {
        let roots = roots.into();
        let store =
            TrustStore::from_trust_anchors("custom", StoreKind::Custom, roots.roots.clone());
        Self::new(Verifier::builder(store).build()?)
    }

    /// A verifier trusting the Mozilla root program, as rustls with `webpki-roots` does.
    pub fn mozilla() -> Result<Self, Error> {
        Self::new(Verifier::builder(TrustStore::mozilla()).build()?)
    }

    /// A verifier trusting the operating system's store, as rustls with
    /// `rustls-native-certs` does (feature `native-roots`).
    #[cfg(feature = "native-roots")]
    pub fn native() -> Result<Self, Error> {
        Self::new(Verifier::builder(TrustStore::native()?).build()?)
    }

    /// Runs `callback` on every refusal, with the failure the handshake returns: for logs and
    /// metrics. It runs inside the handshake, so it should be quick.
    pub fn on_failure(mut self, callback: impl Fn(&Failure) + Send + Sync + 'static) -> Self {
        self.on_failure = Some(Box::new(callback));
        self
    }

    /// The most server names whose last chain [`ExplainingVerifier::keep_last_chains`]
    /// keeps: past it, the name met first is forgotten, so a client that meets endless
    /// names (a crawler, a server chosen by its users) holds bounded memory.
    pub const MAX_KEPT_CHAINS: usize = 256;

    /// Keeps the last chain each server name presented, trusted or not, for
    /// [`ExplainingVerifier::last_chain`]. Off by default, because it copies every chain;
    /// one entry per server name the client connects to, for the
    /// [`MAX_KEPT_CHAINS`](ExplainingVerifier::MAX_KEPT_CHAINS) names met most recently
    /// for the first time.
    pub fn keep_last_chains(mut self) -> Self {
        self.chains = Some(Mutex::new(Kept::default()));
        self
    }

    /// The last chain `server_name` presented, leaf first, when
    /// [`ExplainingVerifier::keep_last_chains`] is on and it has presented one.
    pub fn last_chain(
        &self,
        server_name: &ServerName<'_>,
    ) -> Option<Arc<[CertificateDer<'static>]>> {
        let chains = self.chains.as_ref()?;
        let chains = chains.lock().unwrap_or_else(PoisonError::into_inner);
        chains.chains.get(&server_name.to_owned()).cloned()
    }

    /// The certdeps verifier that explains refusals.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// A client configuration using this verifier: certdeps' crypto provider (aws-lc-rs, or
    /// ring with only the `ring` feature), rustls' safe default protocol versions and no
    /// client authentication. Ready for reqwest's `ClientBuilder::tls_backend_preconfigured`,
    /// hyper-rustls, tokio-rustls or a `rustls::ClientConnection`.
    pub fn client_config(self: Arc<Self>) -> Result<ClientConfig, Error> {
        let builder = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::Rustls {
                reason: e.to_string(),
            })?;
        Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(self)
            .with_no_client_auth())
    }

    /// The refusal rustls' verifier made, with certdeps' report on what was presented.
    #[cold]
    #[inline(never)]
    fn explain(
        &self,
        refusal: CertificateError,
        presented: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> ::rustls::Error {
        let report = match Endpoint::parse(&server_name.to_str()) {
            Ok(endpoint) => self.verifier.check(&endpoint, presented, now),
            // A name rustls takes but no URL can hold: the chain is still explained.
            Err(_) => self.verifier.check_chain(presented, now),
        };
        let failure = Failure::new(report, refusal, server_name.to_owned());
        if let Some(callback) = &self.on_failure {
            callback(&failure);
        }
        CertificateError::Other(OtherError(Arc::new(failure))).into()
    }
}

impl ServerCertVerifier for ExplainingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, ::rustls::Error> {
        let presented = || std::iter::once(end_entity).chain(intermediates);
        if let Some(chains) = &self.chains {
            let chain = presented().map(|cert| cert.clone().into_owned()).collect();
            let mut chains = chains.lock().unwrap_or_else(PoisonError::into_inner);
            chains.insert(server_name.to_owned(), chain);
        }
        match (self.webpki).verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(::rustls::Error::InvalidCertificate(refusal)) => {
                // Borrowed: the report makes its own copy.
                let presented: Vec<CertificateDer<'_>> = presented()
                    .map(|cert| CertificateDer::from(cert.as_ref()))
                    .collect();
                Err(self.explain(refusal, &presented, server_name, now))
            }
            verdict => verdict,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, ::rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, ::rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.webpki.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.webpki.root_hint_subjects()
    }
}

impl fmt::Debug for ExplainingVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExplainingVerifier")
            .field("stores", &self.verifier.stores().len())
            .field("on_failure", &self.on_failure.is_some())
            .field("keeps_last_chains", &self.chains.is_some())
            .finish_non_exhaustive()
    }
}

/// A ready client configuration whose server verifier is an [`ExplainingVerifier`] on
/// `verifier`: see [`ExplainingVerifier::client_config`].
///
/// ```
/// use certdeps::{TrustStore, Verifier};
///
/// let config = certdeps::rustls::client_config(Verifier::builder(TrustStore::mozilla()).build()?)?;
/// assert!(config.alpn_protocols.is_empty());
/// # Ok::<(), certdeps::Error>(())
/// ```
pub fn client_config(verifier: Verifier) -> Result<ClientConfig, Error> {
    Arc::new(ExplainingVerifier::new(verifier)?).client_config()
}
