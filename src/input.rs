//! placeholder until the input module lands
use pki_types::{CertificateDer, CertificateRevocationListDer};
/// e
#[derive(Debug, thiserror::Error)]
#[error("x")]
pub enum InputError { /** x */ X }
/// d
pub fn decode_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, InputError> { Ok(pem::parse_many(bytes).map_err(|_| InputError::X)?.into_iter().map(|p| CertificateDer::from(p.into_contents())).collect()) }
/// d
pub fn decode_pem_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, InputError> { decode_certificates(bytes) }
/// d
pub fn decode_crls(_b: &[u8]) -> Result<Vec<CertificateRevocationListDer<'static>>, InputError> { Ok(vec![]) }
