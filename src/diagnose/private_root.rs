//! Whose fix comes first when the server did not send an issuer and nothing configured
//! supplies it: a public or enterprise intermediate the server must serve, or the
//! organisation's private root, which [RFC 8446 section 4.4.2] lets the server leave out and
//! the client owner must import.
//!
//! Neither is certain without the certificate itself, so the chain is read for what tells
//! them apart, strongest first, and the finding names the evidence it went by.
//!
//! [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2

use crate::cert::{Skim, attribute_values, organisations};
use crate::config::Config;
use crate::finding::Actor;

/// What the chain shows about a missing issuer, and so who most likely acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Lean {
    /// The intermediate pool holds a CA certificate with the missing issuer's name or key
    /// id: it is an intermediate.
    PoolIntermediate,
    /// The certificate whose issuer is missing says where to download it (AIA caIssuers,
    /// [RFC 5280 section 4.2.2.1]), as publicly trusted CAs' certificates do.
    ///
    /// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
    Aia,
    /// A configured store trusts roots of the missing issuer's organisation (`.0`): it is
    /// most likely one of that CA's intermediates.
    KnownOrganisation(String),
    /// The missing issuer is named as a root, and no configured store holds it.
    NamedRoot,
    /// The certificate whose issuer is missing is the leaf: nearly every PKI, public or
    /// private, issues leaves from an intermediate.
    LeafIssuer,
    /// The certificate whose issuer is missing is itself a CA, with no download URL, and its
    /// issuer's organisation is no trusted CA's: the signs of a private root.
    PrivateCa,
}

impl Lean {
    /// Reads the evidence for the issuer of `child` (which is the leaf when `is_leaf`, and
    /// carries an AIA caIssuers URL when `has_aia`), in order of strength: the pool, the
    /// AIA URL, the organisation, then the names.
    pub(super) fn weigh(config: &Config, child: &Skim<'_>, has_aia: bool, is_leaf: bool) -> Self {
        let in_pool = config.pool().is_some_and(|pool| {
            pool.by_subject(child.issuer).next().is_some()
                || child
                    .authority_key_id()
                    .is_some_and(|id| pool.by_key_id(id).next().is_some())
        });
        if in_pool {
            return Self::PoolIntermediate;
        }
        if has_aia {
            return Self::Aia;
        }
        let trusted = organisations(child.issuer).find(|o| config.anchors_name_organisation(o));
        if let Some(organisation) = trusted {
            return Self::KnownOrganisation(String::from_utf8_lossy(organisation).into_owned());
        }
        if names_a_root(child.issuer) {
            return Self::NamedRoot;
        }
        match is_leaf {
            true => Self::LeafIssuer,
            false => Self::PrivateCa,
        }
    }

    /// Who acts first on this evidence: the server operator serves an intermediate, the
    /// client owner imports a private root.
    pub(super) fn actor(&self) -> Actor {
        match self {
            Self::PoolIntermediate | Self::Aia | Self::KnownOrganisation(_) | Self::LeafIssuer => {
                Actor::ServerOperator
            }
            Self::NamedRoot | Self::PrivateCa => Actor::ClientOwner,
        }
    }

    /// Why: the evidence, about `child` (how the message names it) and `issuer`.
    pub(super) fn reason(&self, child: &str, issuer: &str) -> String {
        match self {
            Self::PoolIntermediate => format!(
                "the intermediate pool holds a CA certificate with the name or key id of \
                 \"{issuer}\", so it is an intermediate"
            ),
            Self::Aia => format!(
                "{child} carries an AIA caIssuers URL, as the certificates of publicly trusted \
                 CAs do, so \"{issuer}\" is most likely an intermediate"
            ),
            Self::KnownOrganisation(organisation) => format!(
                "a configured trust store holds roots of \"{organisation}\", the organisation \
                 of \"{issuer}\", so it is most likely one of that CA's intermediates"
            ),
            Self::NamedRoot => format!(
                "{child} carries no AIA caIssuers URL, and \"{issuer}\" is named as a root \
                 that no configured trust store holds nor shares an organisation with, so it \
                 is most likely the organisation's private root"
            ),
            Self::LeafIssuer => format!(
                "{child} is the leaf, and nearly every PKI issues leaves from an \
                 intermediate, so \"{issuer}\" is most likely one"
            ),
            Self::PrivateCa => format!(
                "{child} is itself a CA and carries no AIA caIssuers URL, and \"{issuer}\" \
                 shares an organisation with no root a configured trust store holds, so it is \
                 most likely the organisation's private root"
            ),
        }
    }
}

/// Whether a Name's contents read as a root's: a word `root` in it, as in "Contoso Root CA".
fn names_a_root(contents: &[u8]) -> bool {
    attribute_values(contents).any(|(_, value)| {
        (value.split(|c| !c.is_ascii_alphanumeric())).any(|word| word.eq_ignore_ascii_case(b"root"))
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pki_types::CertificateDer;
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

    use super::*;
    use crate::chain::Budget;
    use crate::store::TrustStore;

    fn ca(cn: &str, organisation: &str) -> CertificateParams {
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params
            .distinguished_name
            .push(DnType::OrganizationName, organisation);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
    }

    fn root(cn: &str, organisation: &str) -> CertifiedIssuer<'static, KeyPair> {
        CertifiedIssuer::self_signed(ca(cn, organisation), KeyPair::generate().unwrap()).unwrap()
    }

    fn config(anchor: &CertifiedIssuer<'static, KeyPair>) -> Config {
        let der = CertificateDer::from(anchor.der().to_vec());
        let store = TrustStore::from_certificates("custom", [der]).unwrap();
        Config::new(
            vec![store],
            None,
            Vec::new(),
            Duration::ZERO,
            Budget::default(),
        )
        .unwrap()
    }

    /// A sub-CA of "Example Trust" whose issuer, an "Example Trust" intermediate, was not
    /// sent: no AIA, not the leaf, so only the organisation can tell.
    fn orphan() -> Vec<u8> {
        let missing = root("Example Issuing CA 2", "Example Trust");
        let child = CertifiedIssuer::signed_by(
            ca("Example Sub CA", "Example Trust"),
            KeyPair::generate().unwrap(),
            &missing,
        )
        .unwrap();
        child.der().to_vec()
    }

    #[test]
    fn an_organisation_the_stores_trust_makes_it_the_servers_intermediate() {
        let der = orphan();
        let child = Skim::new(&der).unwrap();
        let config = config(&root("Example Trust Root", "Example Trust"));
        let lean = Lean::weigh(&config, &child, !child.ca_issuers().is_empty(), false);
        assert_eq!(lean, Lean::KnownOrganisation("Example Trust".to_owned()));
        assert_eq!(lean.actor(), Actor::ServerOperator);
        assert!(
            lean.reason("[1]", "CN=x")
                .contains("roots of \"Example Trust\"")
        );
    }

    #[test]
    fn a_ca_without_aia_from_an_unknown_organisation_is_a_private_root() {
        let der = orphan();
        let child = Skim::new(&der).unwrap();
        let config = config(&root("Other Root", "Other Trust"));
        let lean = Lean::weigh(&config, &child, !child.ca_issuers().is_empty(), false);
        assert_eq!(lean, Lean::PrivateCa);
        assert_eq!(lean.actor(), Actor::ClientOwner);
        // The leaf's issuer is an intermediate in nearly every PKI.
        assert_eq!(
            Lean::weigh(&config, &child, !child.ca_issuers().is_empty(), true),
            Lean::LeafIssuer
        );
    }

    #[test]
    fn a_root_is_named_by_the_word() {
        let named = |cn: &str| {
            let der = root(cn, "Contoso").der().to_vec();
            names_a_root(Skim::new(&der).unwrap().subject)
        };
        assert!(named("Contoso Root CA"));
        assert!(named("contoso-root"));
        assert!(!named("Contoso Rootless Issuing CA"));
    }
}
