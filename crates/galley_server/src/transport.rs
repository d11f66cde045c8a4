//! The wire: LSP's `Content-Length` framing over stdin and stdout, read by a reader of our own
//! rather than lsp-server's, which allocates whatever length a header names and ends the
//! connection on the first malformed message. This one bounds every allocation, answers a bad
//! message with a JSON-RPC error, and reads on: only the end of the input ends it.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::thread;

use crossbeam_channel::{select, Receiver};
use lsp_server::{Connection, ErrorCode, Message};
use serde_json::{json, Value};

/// The largest message read: a 10 MB buffer sent whole is about 11 MB of JSON; a declared
/// length over this is refused before anything is allocated.
pub const MAX_MESSAGE: usize = 64 << 20;
/// The longest header line kept; a longer one is read through and dropped.
const MAX_HEADER_LINE: usize = 1024;

/// What the reader found in one frame.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that could not be read as a message: the error to answer it with.
    Malformed(Value),
}

/// The connection over a byte stream each way (stdin and stdout for an editor), and the
/// thread that writes the output (it ends once every sender of the connection is dropped).
/// The reader thread is not joined: it may be blocked on stdin when the editor says `exit`.
pub fn connect(
    input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
) -> (Connection, thread::JoinHandle<io::Result<()>>) {
    let (to_editor, outgoing) = crossbeam_channel::unbounded::<Message>();
    let (to_server, incoming) = crossbeam_channel::bounded::<Message>(0);
    let (errors, error_out) = crossbeam_channel::unbounded::<Value>();
    thread::spawn(move || {
        let mut input = BufReader::new(input);
        while let Some(frame) = read_frame(&mut input) {
            let sent = match frame {
                Frame::Message(message) => to_server.send(message).is_ok(),
                Frame::Malformed(error) => errors.send(error).is_ok(),
            };
            if !sent {
                break;
            }
        }
    });
    let writer = thread::spawn(move || write_all(output, &outgoing, &error_out));
    let connection = Connection {
        sender: to_editor,
        receiver: incoming,
    };
    (connection, writer)
}

fn write_all(
    output: impl Write,
    messages: &Receiver<Message>,
    errors: &Receiver<Value>,
) -> io::Result<()> {
    // Each message is flushed whole.
    let mut output = BufWriter::new(output);
    loop {
        select! {
            recv(messages) -> message => match message {
                Ok(message) => message.write(&mut output)?,
                Err(_) => return Ok(()),
            },
            recv(errors) -> error => {
                // The reader is gone at the end of the input; the server may still answer.
                if let Ok(error) = error {
                    write_raw(&mut output, &error)?;
                }
            }
        }
    }
}

fn write_raw(output: &mut impl Write, message: &Value) -> io::Result<()> {
    let text = message.to_string();
    write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    output.flush()
}

/// Reads the next frame; `None` at the end of the input. A frame without a usable
/// `Content-Length` is skipped: the reader looks for the next header that names one, so a
/// stray body is read through as junk header lines.
pub fn read_frame(input: &mut impl BufRead) -> Option<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    loop {
        if !read_line(input, &mut line)? {
            return None;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            match length.take() {
                Some(length) => break read_body(input, length),
                None => {
                    eprintln!("galley: a message without a Content-Length header; skipped");
                    continue;
                }
            }
        }
        // Found anywhere in the line: the header may follow a body that had none.
        if let Some(at) = text.to_ascii_lowercase().rfind("content-length:") {
            let value = text[at + "content-length:".len()..].trim();
            length = Some(
                value
                    .parse::<u64>()
                    .map_err(|_| value.to_string())
                    .and_then(|length| {
                        usize::try_from(length)
                            .ok()
                            .filter(|&length| length <= MAX_MESSAGE)
                            .ok_or_else(|| value.to_string())
                    }),
            );
        }
    }
}

fn read_body(input: &mut impl BufRead, length: Result<usize, String>) -> Option<Frame> {
    let length = match length {
        Ok(length) => length,
        Err(declared) => {
            // Not read: the reader looks for the next header, which skips the body (or, for
            // a length that lied, finds the message after it).
            let message = format!(
                "Content-Length `{declared}` refused: galley reads messages of at most {} MiB; \
                 the message is skipped",
                MAX_MESSAGE >> 20
            );
            eprintln!("galley: {message}");
            return Some(Frame::Malformed(error(
                Value::Null,
                ErrorCode::InvalidRequest,
                &message,
            )));
        }
    };
    let mut body = Vec::with_capacity(length.min(1 << 20));
    let read = (&mut *input)
        .take(length as u64)
        .read_to_end(&mut body)
        .ok()?;
    if read < length {
        return None;
    }
    Some(parse(&body))
}

/// A body as a message, or the error that answers it: a parse error for bad JSON, an invalid
/// request for JSON that is not JSON-RPC (answered to its `id` when it has a usable one).
pub fn parse(body: &[u8]) -> Frame {
    // Read straight into a message: a 5 MB buffer is not read twice.
    let problem = match serde_json::from_slice::<Message>(body) {
        Ok(message) => return Frame::Message(message),
        Err(problem) => problem,
    };
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(problem) => {
            let message = format!("not JSON: {problem}; the message is skipped");
            eprintln!("galley: {message}");
            return Frame::Malformed(error(Value::Null, ErrorCode::ParseError, &message));
        }
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    let message = format!("not a JSON-RPC message: {problem}; skipped");
    eprintln!("galley: {message}");
    Frame::Malformed(error(id, ErrorCode::InvalidRequest, &message))
}

fn error(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } })
}

/// Reads one line (up to and including `\n`) into `line`, keeping at most
/// [`MAX_HEADER_LINE`] bytes of it; `false` at the end of the input.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> Option<bool> {
    line.clear();
    let mut any = false;
    loop {
        let buffer = input.fill_buf().ok()?;
        if buffer.is_empty() {
            return Some(any);
        }
        any = true;
        let (taken, done) = match newline(buffer) {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        line.extend_from_slice(&buffer[..taken.min(room)]);
        input.consume(taken);
        if done {
            return Some(true);
        }
    }
}

fn newline(buffer: &[u8]) -> Option<usize> {
    buffer.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut input = input;
        std::iter::from_fn(|| read_frame(&mut input)).collect()
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#;

    fn is_ping(frame: &Frame) -> bool {
        matches!(frame, Frame::Message(Message::Request(r)) if r.method == "ping")
    }

    fn code(frame: &Frame) -> i64 {
        match frame {
            Frame::Malformed(error) => error["error"]["code"].as_i64().unwrap(),
            Frame::Message(message) => panic!("a message: {message:?}"),
        }
    }

    #[test]
    fn huge_lengths_are_refused_without_allocating() {
        for length in ["1000000000000", "3000000000", "99999999999999999999999"] {
            let input = format!("Content-Length: {length}\r\n\r\n{{}}{}", framed(PING));
            let found = frames(input.as_bytes());
            assert_eq!(found.len(), 2, "{found:?}");
            assert_eq!(code(&found[0]), ErrorCode::InvalidRequest as i64);
            assert!(is_ping(&found[1]));
        }
    }

    #[test]
    fn malformed_messages_are_answered_and_skipped() {
        let input = [
            framed("{not json"),
            framed(r#"{"id": 3, "hello": "world"}"#),
            framed("[1, 2]"),
            // No Content-Length: the body runs into the next header, which is still found.
            format!("Content-Type: x\r\n\r\n{PING}"),
            framed(PING),
        ]
        .concat();
        let found = frames(input.as_bytes());
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(code(&found[0]), ErrorCode::ParseError as i64);
        assert_eq!(code(&found[1]), ErrorCode::InvalidRequest as i64);
        let Frame::Malformed(error) = &found[1] else {
            unreachable!()
        };
        assert_eq!(error["id"], 3);
        assert_eq!(code(&found[2]), ErrorCode::InvalidRequest as i64);
        assert!(is_ping(&found[3]));
    }

    #[test]
    fn a_long_header_line_is_cut_not_kept() {
        let junk = "x".repeat(10 * MAX_HEADER_LINE);
        let input = format!("{junk}\r\n{}", framed(PING));
        let found = frames(input.as_bytes());
        assert!(is_ping(&found[0]), "{found:?}");
    }
}
