//! The JSON form of a report; the README documents its schema, which a test holds it to.

use serde_json::{Value, json};

use super::Report;
use super::connection::{Connection, millis};
use crate::finding::LISTED_NAMES;
use crate::name::San;

/// The contract lists SANs as bare names and addresses; other types keep a prefix.
fn san_value(san: &San) -> String {
    match san {
        San::Dns(name) => name.clone(),
        San::Ip(ip) => ip.to_string(),
        other => other.to_string(),
    }
}

pub(super) fn report(report: &Report) -> Value {
    let endpoint = report
        .endpoint
        .as_ref()
        .map(|e| json!({"input": e.input(), "host": e.host().to_string(), "port": e.port()}));
    let presented: Vec<Value> = (0..report.presented.len())
        .map(|i| match report.description(i).as_deref() {
            Some(d) => json!({
                "index": i,
                "subject": d.subject,
                "issuer": d.issuer,
                "serial": d.serial,
                "not_before": crate::cert::format_time(d.not_before),
                "not_after": crate::cert::format_time(d.not_after),
                "sha256": d.sha256,
                "san": d.san.iter().map(san_value).collect::<Vec<_>>(),
                "is_ca": d.is_ca,
                "self_signed": d.self_signed,
                "key": d.public_key.to_string(),
                "signature_algorithm": d.signature_algorithm,
            }),
            None => json!({"index": i, "malformed": true,
                "sha256": super::sha256_hex(report.presented.get(i).unwrap_or_default())}),
        })
        .collect();
    json!({
        "schema_version": Report::JSON_SCHEMA_VERSION,
        "endpoint": endpoint,
        "at": crate::cert::format_time(report.at),
        "trusted": report.is_trusted(),
        "webpki": report.verdict.rejection().map(|r| r.webpki().to_owned()),
        "rejection": report.verdict.rejection().map(|r| {
            let mismatch = r.name_mismatch();
            json!({
                "code": r.code,
                "error": r.error(),
                "expected": mismatch.as_ref().map(|(expected, _)| expected),
                "presented_names": mismatch.map(|(_, count)| count),
            })
        }),
        "presented": presented,
        "path": report.path(),
        "anchor": report.anchor(),
        "findings": findings(report),
        "fixed_chain": report.fixed_chain().map(|c| c.to_pem()),
        "root_to_import": report.root_to_import().map(|r| json!({
            "subject": r.subject,
            "sha256": r.sha256,
            "pem": r.to_pem(),
        })),
        "connection": report.connection().map(connection),
        "aia": aia_fetches(report),
        "profiles": report.profiles().iter().map(|p| json!({
            "client": p.client,
            "trusted": p.trusted(),
            "outcome": p.outcome.to_string(),
            "reason": p.reason,
        })).collect::<Vec<_>>(),
        "stores": report.store_verdicts().iter().map(|s| json!({
            "name": s.name,
            "trusted": s.verdict.is_trusted(),
            "reason": s.verdict.rejection().map(|r| r.webpki()),
        })).collect::<Vec<_>>(),
    })
}

/// What the probe learnt; times in milliseconds.
fn connection(connection: &Connection) -> Value {
    let timings: serde_json::Map<String, Value> = (connection.timings.phases())
        .map(|(phase, took)| (phase.to_owned(), json!(millis(took))))
        .collect();
    json!({
        "address": connection.address.to_string(),
        "proxied": connection.proxied,
        "protocol_version": connection.protocol_version,
        "cipher_suite": connection.cipher_suite,
        "alpn": connection.alpn,
        "ocsp_stapled": connection.ocsp_stapled,
        "timings_ms": timings,
    })
}

/// What AIA completion tried; the failure in words, as a finding's message says it.
fn aia_fetches(report: &Report) -> Value {
    (report.aia.iter())
        .map(|f| {
            json!({
                "url": f.url,
                "for_subject": f.for_subject,
                "issuer": f.issuer.as_ref().map(|i| json!({
                    "subject": i.subject, "sha256": i.sha256, "self_signed": i.self_signed,
                })),
                "error": f.error.as_ref().map(ToString::to_string),
                "cached": f.cached,
            })
        })
        .collect()
}

/// The findings, with each list of the leaf's names said once: the leaf's entry in
/// `presented` lists every name, so a finding's evidence (`names`, `constraints`) keeps
/// the first [`LISTED_NAMES`] and adds `san_count`, the number of them all. A leaf with
/// 10,000 names otherwise gave every name twice.
fn findings(report: &Report) -> Value {
    let mut findings = json!(&report.findings[..]);
    let evidences = findings
        .as_array_mut()
        .into_iter()
        .flatten()
        .filter_map(|f| f.get_mut("evidence")?.as_object_mut());
    for evidence in evidences {
        let Some(Value::Array(san)) = evidence.get_mut("san") else {
            continue;
        };
        if san.len() > LISTED_NAMES {
            let count = san.len();
            san.truncate(LISTED_NAMES);
            evidence.insert("san_count".to_owned(), json!(count));
        }
    }
    findings
}
