//! A small HTTP/1.1 server on 127.0.0.1 for the tests that fetch over HTTP (AIA caIssuers
//! URLs): each path answers as told, it counts what it served, and it plays an HTTP proxy
//! (`CONNECT` to itself) when asked to. One thread per connection; every read has a
//! deadline.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use pki_types::CertificateDer;

use crate::hostile::tlv;

/// How a path answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this body.
    Ok(Vec<u8>),
    /// This status, no body.
    Status(u16),
    /// 200 with this body, after this delay.
    Slow(Duration, Vec<u8>),
    /// 302 to this location.
    Redirect(String),
}

impl Reply {
    /// 200 with `body`.
    pub fn body(body: Vec<u8>) -> Self {
        Self::Ok(body)
    }
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Reply>>,
    hits: AtomicUsize,
    proxied: AtomicUsize,
}

/// The server; it serves until the process ends.
pub struct Server {
    port: u16,
    state: Arc<State>,
}

impl Server {
    /// Listens on 127.0.0.1 and a port of its own; every path answers 404 until served.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                thread::spawn(move || answer(stream, &state));
            }
        });
        Self { port, state }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Answers `path` with `reply` from now on.
    pub fn serve(&self, path: &str, reply: Reply) {
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), reply);
    }

    /// Requests answered with a 200.
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// Tunnels asked for, as of a proxy (`CONNECT`).
    pub fn proxied(&self) -> usize {
        self.state.proxied.load(Ordering::SeqCst)
    }
}

fn answer(stream: TcpStream, state: &State) {
    stream
        .set_read_timeout(Some(crate::server::SERVER_PATIENCE))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let path = loop {
        let Some(request) = read_head(&mut reader) else {
            return;
        };
        let target = request.split(' ').nth(1).unwrap_or("/").to_owned();
        // As a proxy: a tunnel to itself, then the request through it.
        if request.starts_with("CONNECT ") {
            state.proxied.fetch_add(1, Ordering::SeqCst);
            let tunnel = b"HTTP/1.1 200 Connection established\r\n\r\n";
            if reader.get_mut().write_all(tunnel).is_err() {
                return;
            }
            continue;
        }
        break target;
    };
    let reply = state.routes.lock().unwrap().get(&path).cloned();
    let mut stream = reader.into_inner();
    let (head, body) = match reply {
        Some(Reply::Ok(body)) => ("200 OK".to_owned(), body),
        Some(Reply::Slow(delay, body)) => {
            thread::sleep(delay);
            ("200 OK".to_owned(), body)
        }
        Some(Reply::Status(status)) => (format!("{status} Status"), Vec::new()),
        Some(Reply::Redirect(location)) => {
            let head =
                format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n");
            let _ = stream.write_all(head.as_bytes());
            return;
        }
        None => ("404 Not Found".to_owned(), Vec::new()),
    };
    if head.starts_with("200") {
        state.hits.fetch_add(1, Ordering::SeqCst);
    }
    let head = format!(
        "HTTP/1.1 {head}\r\nContent-Type: application/pkix-cert\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// The request line, once the whole head is read.
fn read_head(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut request = String::new();
    reader.read_line(&mut request).ok()?;
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return None,
            Ok(_) if header == "\r\n" => return Some(request),
            Ok(_) => {}
        }
    }
}

/// A certs-only PKCS #7 bundle ([RFC 5652 section 5.1]), what a `.p7c` caIssuers URL
/// serves ([RFC 5280 section 4.2.2.1]).
pub fn p7c(certs: &[&CertificateDer<'_>]) -> Vec<u8> {
    const ID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
    const ID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    let set: Vec<u8> = certs.iter().flat_map(|c| c.iter().copied()).collect();
    let mut signed_data = tlv(0x02, &[1]);
    signed_data.extend(tlv(0x31, &[]));
    signed_data.extend(tlv(0x30, &tlv(0x06, ID_DATA)));
    signed_data.extend(tlv(0xA0, &set));
    signed_data.extend(tlv(0x31, &[]));
    let mut content_info = tlv(0x06, ID_SIGNED_DATA);
    content_info.extend(tlv(0xA0, &tlv(0x30, &signed_data)));
    tlv(0x30, &content_info)
}
