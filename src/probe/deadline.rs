//! The probe's one deadline, and the connection whose every read and write it bounds.
//!
//! A socket timeout bounds one system call, not a dialogue: a server that sends one byte
//! just before each timeout would hold a reader forever. So before each read and each write
//! the socket's timeout is set to the time left until the deadline, and no server can hold
//! the probe past it.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::error::{Phase, ProbeError};

/// When the probe must be done.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deadline {
    start: Instant,
    end: Instant,
}

impl Deadline {
    /// A deadline `budget` from now.
    pub(super) fn new(budget: Duration) -> Self {
        let start = Instant::now();
        // An absurd budget (Duration::MAX) saturates to a far future instead of overflowing.
        let end = start
            .checked_add(budget)
            .unwrap_or_else(|| start + Duration::from_secs(365 * 86_400));
        Self { start, end }
    }

    /// The time left, or the timeout error for `phase` when there is none.
    pub(super) fn remaining(&self, phase: Phase) -> Result<Duration, ProbeError> {
        let left = self.end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(self.timed_out(phase))
        } else {
            Ok(left)
        }
    }

    /// The error for running out of time in `phase`.
    pub(super) fn timed_out(&self, phase: Phase) -> ProbeError {
        ProbeError::TimedOut {
            phase,
            after: self.start.elapsed(),
        }
    }
}

/// A TCP connection whose reads and writes all end by the deadline.
#[derive(Debug)]
pub(super) struct Conn {
    stream: TcpStream,
    deadline: Deadline,
}

impl Conn {
    pub(super) fn new(stream: TcpStream, deadline: Deadline) -> Self {
        Self { stream, deadline }
    }

    pub(super) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Reads what the server has sent, at least one byte; a closed connection is an error,
    /// as every caller is waiting for something.
    pub(super) fn read(&mut self, buf: &mut [u8], phase: Phase) -> Result<usize, ProbeError> {
        loop {
            let left = self.deadline.remaining(phase)?;
            self.stream
                .set_read_timeout(Some(left))
                .map_err(|source| ProbeError::Io { phase, source })?;
            match self.stream.read(buf) {
                Ok(0) => return Err(ProbeError::Closed { phase }),
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e, phase)),
            }
        }
    }

    /// Writes all of `bytes`.
    pub(super) fn write_all(&mut self, mut bytes: &[u8], phase: Phase) -> Result<(), ProbeError> {
        while !bytes.is_empty() {
            let left = self.deadline.remaining(phase)?;
            self.stream
                .set_write_timeout(Some(left))
                .map_err(|source| ProbeError::Io { phase, source })?;
            match self.stream.write(bytes) {
                Ok(0) => return Err(ProbeError::Closed { phase }),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e, phase)),
            }
        }
        Ok(())
    }

    /// The probe's error for a failed read or write.
    fn io_error(&self, error: io::Error, phase: Phase) -> ProbeError {
        match error.kind() {
            // A socket timeout shows as either, depending on the platform.
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => self.deadline.timed_out(phase),
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof => ProbeError::Closed { phase },
            _ => ProbeError::Io {
                phase,
                source: error,
            },
        }
    }
}
