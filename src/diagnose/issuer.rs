//! How the path ends, when webpki found none: the three everyday causes of `UnknownIssuer`
//! (missing intermediate, self-signed leaf, private root), with the exact fix from the pool;
//! and webpki's own path limits.

use std::borrow::Cow;
use std::sync::Arc;

use pki_types::CertificateDer;

use crate::anchor::{AnchorMatch, key_ids_fit};
use crate::cert::{hex, pem_text, sha256_hex};
use crate::chain::{Assembly, Path, Source, assemble_skims};
use crate::endpoint::Endpoint;
use crate::finding::{Actor, Code, Evidence, Text};
use crate::report::{AnchorEntry, name_to_string};
use crate::verdict::{self, Cause, Rejection};

use super::Diagnosis;
use super::borrowed::Supplier;
use super::private_root::Lean;
use super::words::{Label, Named, counted};

impl<'p> Diagnosis<'p> {
    /// How assembly's best path ends, when it does not end at an anchor: the three everyday
    /// causes of webpki's `UnknownIssuer` (missing intermediate, self-signed, private root),
    /// or a chain too long to follow. `primary` is set when webpki said `UnknownIssuer`;
    /// then an anchored path contradicts webpki, and that is reported too.
    ///
    /// Returns the path to show instead, when the pool completes it.
    #[inline(never)]
    pub(super) fn chain_end(
        &mut self,
        assembly: &Assembly<'p>,
        primary: bool,
    ) -> Option<(Path<'p>, Option<AnchorEntry>)> {
        let path = &assembly.best;
        let source_at = |at: usize| {
            path.links
                .get(at)
                .map_or(Source::Presented(0), |l| l.source)
        };
        match path.end {
            AnchorMatch::SelfSignedLeaf => {
                self.self_signed();
                None
            }
            AnchorMatch::UntrustedRoot { at } => {
                self.untrusted_root(source_at(at), path, None);
                None
            }
            AnchorMatch::MissingIssuer { at } => self.missing_issuer(source_at(at), path),
            AnchorMatch::TooDeep => {
                let leaf = self.label(0);
                self.push(
                    Code::BudgetExceeded,
                    Some(0),
                    Actor::ClientOwner,
                    format!(
                        "the chain from {leaf} was followed for {} certificates (the assembly \
                         budget) without reaching a root; the explanation may be incomplete",
                        self.config.budget().max_depth
                    ),
                    "client owner: raise the assembly budget (Budget::max_depth) to see the \
                     whole explanation; if the chain really is this long, the server operator \
                     must serve a shorter one"
                        .to_owned(),
                    Evidence::None,
                );
                None
            }
            AnchorMatch::Anchored { .. } => {
                if primary {
                    let top = path.links.last().map(|l| l.skim);
                    let issuer = top.map(|s| name_to_string(s.issuer)).unwrap_or_default();
                    self.push(
                        Code::VerifierDisagreement,
                        None,
                        Actor::ClientOwner,
                        format!(
                            "webpki found no issuer (UnknownIssuer), yet certdeps' assembly \
                             reaches the trust anchor \"{issuer}\" by name"
                        ),
                        "client owner: the verdict stays webpki's; compare the anchor's key \
                         with the chain's issuer, and report this case to certdeps if they \
                         match"
                            .to_owned(),
                        Evidence::None,
                    );
                }
                if assembly.exhausted {
                    self.push(
                        Code::BudgetExceeded,
                        None,
                        Actor::ServerOperator,
                        format!(
                            "chain assembly stopped after {} operations (the work budget); the \
                             explanation may be incomplete",
                            assembly.work
                        ),
                        "server operator: serve a short, direct chain".to_owned(),
                        Evidence::None,
                    );
                }
                None
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn self_signed(&mut self) {
        let sha = self.sha(0);
        let leaf = self.label(0);
        let quoted_sha = sha.clone();
        let [message, remediation] = Text::lazy_pair(move || {
            [
                format!("{leaf} is self-signed: no CA vouches for it, and no trust store holds it"),
                format!(
                    "server operator: install a certificate issued by a CA the clients trust; \
                     or, for a private service only, client owner: trust this exact \
                     certificate (sha256 {quoted_sha}) as an anchor"
                ),
            ]
        });
        self.push(
            Code::SelfSigned,
            Some(0),
            Actor::ServerOperator,
            message,
            remediation,
            Evidence::Root {
                subject: self.subject(0),
                sha256: sha,
            },
        );
    }

    /// A path that ends in a self-signed root no configured store holds: the client owner
    /// imports it when it is a private root meant to be trusted, after comparing its
    /// fingerprint with its owner's.
    #[cold]
    #[inline(never)]
    fn untrusted_root(&mut self, source: Source, path: &Path<'p>, via: Option<String>) {
        let Some(root) = path.links.last().map(|l| l.skim) else {
            return;
        };
        let index = match source {
            Source::Presented(i) => Some(i),
            Source::Pool(_) => None,
        };
        let subject = name_to_string(root.subject);
        let sha = sha256_hex(root.der);
        let stores: Vec<String> = self
            .config
            .stores()
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        let (quoted_subject, quoted_sha) = (subject.clone(), sha.clone());
        let role = index.map(|i| self.role(i));
        let [message, remediation] = Text::lazy_pair(move || {
            let whence = match role {
                Some(role) => format!("the chain ends in root {role} \"{quoted_subject}\""),
                None => match &via {
                    Some(via) => format!(
                        "{via} completes the chain to the self-signed root \
                         \"{quoted_subject}\" (sha256 {quoted_sha})"
                    ),
                    None => format!("the chain ends in root \"{quoted_subject}\""),
                },
            };
            [
                format!(
                    "{whence}, which no configured trust store ({}) holds",
                    stores.join(", ")
                ),
                format!(
                    "client owner: if \"{quoted_subject}\" is a private root meant to be \
                     trusted, compare its SHA-256 fingerprint {quoted_sha} with its owner's and \
                     import it into the client's trust store; otherwise server operator: use a \
                     certificate from a publicly trusted CA"
                ),
            ]
        });
        self.push(
            Code::UntrustedRoot,
            index,
            Actor::ClientOwner,
            message,
            remediation,
            Evidence::Root {
                subject,
                sha256: sha,
            },
        );
    }

    /// [RFC 8446 section 4.4.2]: the server sends "the sender's certificate followed by any
    /// certificates that support it", and may leave out the root; the issuer of the last one
    /// it sent is missing.
    ///
    /// When the pool supplies what is missing, that decides: intermediates are the server
    /// operator's to serve (`incomplete-chain`), a self-signed root no store holds is the
    /// client owner's to import (`untrusted-root`). Otherwise [`Lean::weigh`] reads the chain
    /// for which is more likely, and the remediation names that fix first, with its reason.
    ///
    /// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    #[inline(never)]
    fn missing_issuer(
        &mut self,
        source: Source,
        path: &Path<'p>,
    ) -> Option<(Path<'p>, Option<AnchorEntry>)> {
        let child = path.links.last()?.skim;
        let index = match source {
            Source::Presented(i) => Some(i),
            Source::Pool(_) => None,
        };
        let child_label = match index {
            Some(i) => Named::Label(self.label(i)),
            None => Named::Text(format!(
                "pool certificate \"{}\"",
                name_to_string(child.subject)
            )),
        };
        let issuer = name_to_string(child.issuer);
        let aki = child.authority_key_id();
        let key_id = aki.map(hex);
        let ca_issuers = child.ca_issuers();
        // The issuer by name and key id may be a presented certificate already on the path:
        // same-name CAs that certify each other, with none reaching a root. Then nothing is
        // missing from what was sent; the chain loops, and saying "not sent" would mislead.
        let looped = path
            .links
            .iter()
            .rev()
            .skip(1)
            .find_map(|l| match l.source {
                Source::Presented(j)
                    if l.skim.subject == child.issuer && key_ids_fit(aki, &l.skim) =>
                {
                    Some(self.label(j))
                }
                _ => None,
            });
        let mut add = Vec::new();
        let mut bundle = None;
        let mut completed = None;
        let mut pool_note = String::new();
        // Decided by the pool: it supplies the missing issuer(s).
        let mut decided = false;
        if let Some(pool) = self.pool() {
            let with_pool = assemble_skims(
                self.skims,
                Some(pool),
                self.config.stores(),
                self.config.budget(),
            );
            let best = with_pool.map(|a| a.best);
            let from_pool = |best: &Path<'p>| -> Vec<&'p [u8]> {
                best.links
                    .iter()
                    .filter(|l| matches!(l.source, Source::Pool(_)))
                    .map(|l| l.skim.der)
                    .collect()
            };
            match best.as_ref().map(|b| (b.end, b)) {
                Some((AnchorMatch::Anchored { store, anchor }, best))
                    if !from_pool(best).is_empty() =>
                {
                    let extra = from_pool(best);
                    add = extra.iter().map(|d| sha256_hex(d)).collect();
                    bundle = Some(pem_text(extra.iter().copied()));
                    pool_note =
                        self.confirm_fix(best, extra.len(), &self.supplier(best).to_string());
                    completed = Some((best.clone(), self.anchor_entry((store, anchor))));
                    decided = true;
                }
                Some((AnchorMatch::UntrustedRoot { .. }, best)) if !from_pool(best).is_empty() => {
                    let via = self.supplier(best).to_string();
                    self.untrusted_root(Source::Pool(0), best, Some(via));
                    completed = Some((best.clone(), None));
                    // The root is the client owner's to import, and the server may leave it
                    // out; only intermediates between are the server's to add.
                    let mut extra = from_pool(best);
                    if best
                        .links
                        .last()
                        .is_some_and(|l| matches!(l.source, Source::Pool(_)))
                    {
                        extra.pop();
                    }
                    if extra.is_empty() {
                        return completed;
                    }
                    add = extra.iter().map(|d| sha256_hex(d)).collect();
                    bundle = Some(pem_text(extra.iter().copied()));
                    pool_note = format!(
                        "; {} has the missing {}, which lead to a root no store trusts (see \
                         `untrusted-root`)",
                        self.supplier(best),
                        counted(extra.len(), "intermediate")
                    );
                    decided = true;
                }
                Some((_, best)) if !from_pool(best).is_empty() => {
                    pool_note = format!(
                        "; {} has it, but not every issuer above it",
                        self.supplier(best)
                    );
                }
                _ if self.config.pool().is_some() => {
                    pool_note = "; the intermediate pool does not have it either".to_owned();
                }
                _ => {}
            }
            if !decided {
                pool_note.push_str(&self.aia_failures());
            }
        }
        let lean = match decided {
            true => Lean::PoolIntermediate,
            false => Lean::weigh(
                self.config,
                &child,
                !ca_issuers.is_empty(),
                index == Some(0),
            ),
        };
        let actor = lean.actor();
        // The words are written when read: from the presented certificate itself, which the
        // report keeps, or from copies for a pool certificate, which it does not.
        let quote = match child_label {
            Named::Label(label) => Quote::Presented(label),
            Named::Text(label) => Quote::Copied(Arc::new(Quoted {
                label,
                issuer: issuer.clone(),
                key_id: key_id.clone(),
                urls: ca_issuers.clone(),
            })),
        };
        let added = add.clone();
        let supplied = match completed.as_ref().map(|(p, _)| self.supplier(p)) {
            Some(Supplier::Aia(Some(url))) => Cow::Owned(format!("fetched from {url}")),
            Some(Supplier::Aia(None)) => Cow::Borrowed("AIA fetching found"),
            _ => Cow::Borrowed("the pool completes it with"),
        };
        let [message, remediation] = Text::lazy_pair(move || {
            let Some(q) = quote.read() else {
                return [String::new(), String::new()];
            };
            let mut about: Vec<String> = q.key_id.iter().map(|k| format!("key id {k}")).collect();
            about.extend(q.urls.iter().map(|url| format!("AIA caIssuers {url}")));
            let key = match about.is_empty() {
                true => String::new(),
                false => format!(" ({})", about.join(", ")),
            };
            let message = match &looped {
                Some(on_path) => format!(
                    "{} is issued by \"{}\"{key}: that is {on_path}, already on this path, so \
                     the presented chain loops back on itself and never reaches a certificate a \
                     trust store holds{pool_note}",
                    q.label, q.issuer
                ),
                None => format!(
                    "{} is issued by \"{}\"{key}, which the server did not send and no trust \
                     store holds{pool_note}",
                    q.label, q.issuer
                ),
            };
            let sent = if looped.is_some() {
                format!(
                    "the \"{}\" certificates sent only certify each other, so ",
                    q.issuer
                )
            } else {
                String::new()
            };
            let fetch = if !added.is_empty() {
                format!(
                    "append the {} {supplied} (sha256 {})",
                    counted(added.len(), "certificate"),
                    added.join(", ")
                )
            } else if q.urls.is_empty() {
                "it carries no AIA caIssuers URL; ask the issuing CA for its intermediate"
                    .to_owned()
            } else {
                format!("download it from {}", q.urls.join(" or "))
            };
            let serve = format!(
                "server operator: {sent}serve the full chain (leaf, then each intermediate up to \
                 the root) — {fetch}; browsers may fetch missing intermediates, strict clients \
                 do not"
            );
            let import = format!(
                "client owner: import \"{}\" into the client's trust store, after comparing its \
                 fingerprint with its owner's",
                q.issuer
            );
            let why = lean.reason(&q.label, &q.issuer);
            let remediation = match (decided, actor) {
                (true, _) => serve,
                (false, Actor::ClientOwner) => format!(
                    "{import}: {why}, which the server may leave out (RFC 8446 section 4.4.2). \
                     If it is an intermediate instead, {serve}"
                ),
                (false, _) => format!(
                    "{serve}: {why}. If \"{}\" is a private root instead, {import}",
                    q.issuer
                ),
            };
            [message, remediation]
        });
        self.push(
            Code::IncompleteChain,
            index,
            actor,
            message,
            remediation,
            Evidence::MissingIssuer {
                subject: issuer,
                key_id,
                ca_issuers,
                add,
                bundle,
            },
        );
        completed
    }

    /// Confirms with webpki that the path the pool completes, `extra` certificates longer,
    /// is trusted, and says so in the words of an `incomplete-chain` finding.
    ///
    /// webpki's first run already spent its budget when it gave up on one: a second run on
    /// more certificates would spend it again, for a server that chooses the input. Then the
    /// fix is offered unconfirmed. Otherwise webpki is given exactly the path, leaf first,
    /// so that its budget bounds this run as it bounds the first, whatever else was sent.
    fn confirm_fix(&self, path: &Path<'p>, extra: usize, by: &str) -> String {
        if self
            .verdict
            .rejection()
            .is_some_and(Rejection::exhausted_budget)
        {
            return format!(
                "; {by} completes the path by name with {}, but webpki gave up on the \
                 presented list within its budget, so the fix could not be confirmed",
                counted(extra, "certificate")
            );
        }
        let fixed: Vec<CertificateDer<'_>> = path
            .links
            .iter()
            .map(|l| CertificateDer::from(l.skim.der))
            .collect();
        let check = verdict::judge(
            &fixed,
            self.config.anchors(),
            self.endpoint.map(Endpoint::server_name_ref),
            self.config.crls().webpki(),
            self.now,
        );
        match check.rejection() {
            None => format!(
                "; {by} has it: adding {} makes the chain trusted",
                counted(extra, "certificate")
            ),
            Some(r) => format!(
                "; {by} completes the path, but webpki still refuses it ({})",
                r.code
            ),
        }
    }

    /// webpki's own path limits: at most 6 intermediates (`MAX_SUB_CA_COUNT`), and budgets
    /// on path-building calls and signature checks (after CVE-2018-16875).
    #[cold]
    #[inline(never)]
    pub(super) fn path_budget(&mut self, path: Option<&Path<'p>>, rejection: &Rejection) {
        let leaf = self.label(0);
        let message = match (path, rejection.cause()) {
            (Some(p), Cause::Webpki(webpki::Error::MaximumPathDepthExceeded)) => format!(
                "the chain from {leaf} has {} intermediates; webpki (like most clients) follows \
                 at most 6",
                p.links.len().saturating_sub(1)
            ),
            // verify() refused the list before webpki ran.
            (_, Cause::Oversized(list)) => {
                format!("the certificates presented with {leaf} were not checked: {list}")
            }
            _ => format!(
                "webpki gave up building a path from {leaf}: too many candidate issuers or \
                 signatures ({})",
                rejection.webpki()
            ),
        };
        self.push(
            Code::BudgetExceeded,
            Some(0),
            Actor::ServerOperator,
            message,
            "server operator: serve a short, direct chain: the leaf, then only the \
             intermediates up to one root"
                .to_owned(),
            Evidence::Webpki {
                error: rejection.webpki().to_owned(),
            },
        );
    }
}

/// What an `incomplete-chain` message quotes of the certificate whose issuer is missing.
#[derive(Clone, Debug)]
enum Quote {
    /// A presented certificate: read again from the report's copy when the words are written.
    Presented(Label),
    /// A pool certificate, which the report does not keep: copied.
    Copied(Arc<Quoted>),
}

#[derive(Clone, Debug)]
struct Quoted {
    label: String,
    issuer: String,
    key_id: Option<String>,
    urls: Vec<String>,
}

impl Quote {
    fn read(&self) -> Option<Quoted> {
        match self {
            Self::Presented(label) => {
                let skim = label.skim()?;
                Some(Quoted {
                    label: label.to_string(),
                    issuer: name_to_string(skim.issuer),
                    key_id: skim.authority_key_id().map(hex),
                    urls: skim.ca_issuers(),
                })
            }
            Self::Copied(quoted) => Some(Quoted::clone(quoted)),
        }
    }
}
