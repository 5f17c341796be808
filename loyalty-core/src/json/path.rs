//! The JSON path of a parse error, found from where the parser stopped.
//!
//! serde_json reports the line and column where it stopped, not where that
//! is in the document's structure. Rather than wrap every `Deserialize` in a
//! path-tracking deserializer (which doubles the code of each one and slows
//! every parse), the path is found after the fact by reading the text up to
//! that point: the members and elements it is inside, and whether the last
//! byte read finished a value.
//!
//! The parser's position is past the last byte it read, so:
//! - a value that is wrong (a bad decimal, a number out of range, a string
//!   where a number belongs) has just been read: the path is the value's;
//! - a missing field is noticed at the object's closing brace, which the
//!   parser then reads: the path is the object's, the value just finished;
//! - an unknown or duplicate field is noticed at its key: the path is the
//!   object's (the caller names the unknown field);
//! - a syntax error is at the byte that is wrong: the path is the value
//!   being read there, or the object or array when between values;
//! - at the end of the input, the innermost value still open.

/// How the parser stopped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// After reading a value or object it then refused (wrong type or
    /// value, missing, unknown or duplicate field): the last byte read.
    Refused,
    /// At a byte that is not valid JSON there (its last byte read).
    Syntax,
    /// At the end of the input.
    Eof,
}

impl Stop {
    /// How serde_json's error says it stopped.
    pub(super) fn of(e: &serde_json::Error) -> Stop {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax => Stop::Syntax,
            Category::Eof => Stop::Eof,
            Category::Data | Category::Io => Stop::Refused,
        }
    }
}

/// The JSON path (`rules[2].earn.rate`; `""` for the root) where a parser
/// that read `json` up to byte `end` (exclusive) stopped, as `stop` says.
pub(super) fn path_at(json: &str, end: usize, stop: Stop) -> String {
    // A syntax error is about the byte the parser stopped at, not about
    // what that byte would have closed or started.
    let end = match stop {
        Stop::Syntax => end.saturating_sub(1),
        Stop::Refused | Stop::Eof => end,
    };
    let mut scan = Scan::default();
    for (at, &b) in json.as_bytes().iter().take(end).enumerate() {
        scan.byte(json, at, b);
    }
    // A wrong byte where an element starts is that element's; so is an
    // array or object refused there, which the parser only peeked at.
    if let (Some(top), Some(b)) = (scan.stack.last_mut(), json.as_bytes().get(end)) {
        let element = match stop {
            Stop::Syntax => !b"], \t\n\r".contains(b),
            Stop::Refused => b"[{".contains(b),
            Stop::Eof => false,
        };
        if element && !top.is_object && top.phase == Phase::Expect {
            top.phase = Phase::Value;
        }
    }
    scan.path(stop)
}

/// The byte offset just past serde_json's `line` and `column` (1-based;
/// columns count bytes; line 0 means no position).
pub(super) fn offset(json: &str, line: usize, column: usize) -> usize {
    let start = match line {
        0 => return 0,
        1 => 0,
        _ => json
            .match_indices('\n')
            .nth(line - 2)
            .map_or(json.len(), |(i, _)| i + 1),
    };
    start.saturating_add(column).min(json.len())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Object: expecting a key (after `{` or `,`). Array: expecting an
    /// element (after `[` or `,`).
    Expect,
    /// Object only: inside a key, or after it before the `:`.
    Key,
    /// Object only: after the `:`, before the value.
    Colon,
    /// Inside the current member's or element's value.
    Value,
    /// The current value is complete.
    Done,
}

struct Frame<'a> {
    /// `Some` for an object: the current member's key (raw text between
    /// the quotes); `None` for an array.
    key: Option<&'a str>,
    is_object: bool,
    index: usize,
    phase: Phase,
}

#[derive(Default)]
struct Scan<'a> {
    stack: Vec<Frame<'a>>,
    in_string: bool,
    escaped: bool,
    /// Where the key being read starts, while reading one.
    key_start: Option<usize>,
    in_token: bool,
    /// The last byte finished the current value of the innermost frame.
    just_done: bool,
}

impl<'a> Scan<'a> {
    fn byte(&mut self, json: &'a str, at: usize, b: u8) {
        self.just_done = false;
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => {
                    self.in_string = false;
                    match self.key_start.take() {
                        Some(start) => {
                            if let Some(top) = self.stack.last_mut() {
                                top.key = json.get(start..at);
                            }
                        }
                        None => self.value_done(),
                    }
                }
                _ => {}
            }
            return;
        }
        if self.in_token {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'}' | b']') {
                return;
            }
            self.in_token = false;
            self.value_done();
            self.just_done = false;
        }
        let phase = self.stack.last().map(|f| f.phase);
        let expects_value = match self.stack.last() {
            Some(f) => {
                (f.is_object && f.phase == Phase::Colon)
                    || (!f.is_object && f.phase == Phase::Expect)
            }
            None => true,
        };
        match b {
            b'{' | b'[' if expects_value => {
                self.set_phase(Phase::Value);
                self.stack.push(Frame {
                    key: None,
                    is_object: b == b'{',
                    index: 0,
                    phase: Phase::Expect,
                });
            }
            b'}' | b']' => {
                self.stack.pop();
                self.value_done();
            }
            b'"' if expects_value => {
                self.set_phase(Phase::Value);
                self.in_string = true;
            }
            b'"' if phase == Some(Phase::Expect) => {
                self.set_phase(Phase::Key);
                self.in_string = true;
                self.key_start = Some(at + 1);
            }
            b':' if phase == Some(Phase::Key) => self.set_phase(Phase::Colon),
            b',' if phase == Some(Phase::Done) => {
                if let Some(top) = self.stack.last_mut() {
                    top.phase = Phase::Expect;
                    top.key = None;
                    if !top.is_object {
                        top.index += 1;
                    }
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ if expects_value => {
                self.set_phase(Phase::Value);
                self.in_token = true;
            }
            // A byte that is wrong here: the parser stopped at it.
            _ => {}
        }
    }

    fn set_phase(&mut self, phase: Phase) {
        if let Some(top) = self.stack.last_mut() {
            top.phase = phase;
        }
    }

    fn value_done(&mut self) {
        self.set_phase(Phase::Done);
        self.just_done = true;
    }

    fn path(&self, stop: Stop) -> String {
        let mut path = String::new();
        let last = self.stack.len().saturating_sub(1);
        for (depth, frame) in self.stack.iter().enumerate() {
            let inner = depth < last;
            let current = match frame.phase {
                _ if inner => true,
                Phase::Colon => true,
                // A number or literal cut by the end of the input is whole.
                Phase::Value => !(stop == Stop::Eof && self.in_token),
                // What follows a value is wrong: the value is not.
                Phase::Done => self.just_done && stop == Stop::Refused,
                Phase::Expect | Phase::Key => false,
            };
            if !current {
                break;
            }
            match (frame.is_object, frame.key) {
                (true, Some(key)) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&unescape(key));
                }
                (true, None) => break,
                (false, _) => path.push_str(&format!("[{}]", frame.index)),
            }
        }
        path
    }
}

/// A key as the document means it (`\u00e9` is `é`).
fn unescape(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('\\') {
        return raw.into();
    }
    serde_json::from_str::<String>(&format!("\"{raw}\""))
        .map_or_else(|_| raw.into(), std::borrow::Cow::Owned)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: Vec<Inner>,
        #[serde(default)]
        b: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
        #[serde(default)]
        s: Option<String>,
    }

    /// The path of serde_json's error for `json` read as a `Doc`.
    fn path(json: &str) -> String {
        let e = serde_json::from_str::<Doc>(json).unwrap_err();
        let end = super::offset(json, e.line(), e.column());
        super::path_at(json, end, super::Stop::of(&e))
    }

    #[test]
    fn wrong_values_point_at_the_value() {
        assert_eq!(path(r#"{"a":[{"n":1},{"n":"x"}]}"#), "a[1].n");
        assert_eq!(path(r#"{"a":[{"n":1},{"n":4294967296}]}"#), "a[1].n");
        assert_eq!(path(r#"{"a":[{"n":1}],"b":{"n":1,"s":5}}"#), "b.s");
        assert_eq!(path(r#"{"a":[{"n":true}]}"#), "a[0].n");
        assert_eq!(path(r#"{"a":[{"n":1},7]}"#), "a[1]");
        assert_eq!(
            path("{\n  \"a\": [\n    {\"n\": 1},\n    {\"n\": null}\n  ]\n}"),
            "a[1].n"
        );
        assert_eq!(path(r#"{"a":[],"b":{"\u006e":"x"}}"#), "b.n");
    }

    #[test]
    fn object_errors_point_at_the_object() {
        // Missing: noticed at the closing brace, also after a nested object.
        assert_eq!(path(r#"{"a":[{"n":1},{"s":"x"}]}"#), "a[1]");
        assert_eq!(path(r#"{"b":{"n":1}}"#), "");
        assert_eq!(path("{\"a\":[{\"s\":\"x\"}\n]}"), "a[0]");
        // Unknown and duplicate: noticed at the key.
        assert_eq!(path(r#"{"a":[{"n":1}],"b":{"n":1,"z":2}}"#), "b");
        assert_eq!(path(r#"{"a":[{"n":1,"n":2}]}"#), "a[0]");
    }

    #[test]
    fn syntax_errors_and_the_end_of_input() {
        assert_eq!(path(r#"{"a" 1}"#), "");
        assert_eq!(path(r#"{"a":[{"n":1} {"n":2}]}"#), "a");
        assert_eq!(path(r#"{"a":[{"n":1}{"n":2}]}"#), "a");
        assert_eq!(path(r#"{"a":[{"n":1}],"b":{"n":1}"c":1}"#), "");
        assert_eq!(path(r#"{"a":[{"n":"\q"}]}"#), "a[0].n");
        assert_eq!(path(r#"{"a":[{"\q":1}]}"#), "a[0]");
        assert_eq!(path(r#"{"a":[{"n":1},]}"#), "a");
        assert_eq!(path(r#"{"a":[{"n":1},}"#), "a[1]");
        assert_eq!(path(r#"{"a":[{"n":1,}]}"#), "a[0]");
        assert_eq!(path(r#"{"a":[{"n":tru}]}"#), "a[0].n");
        assert_eq!(path(r#"{"a":[{"n":1}"#), "a");
        assert_eq!(path(r#"{"a":[{"n":1},"#), "a");
        assert_eq!(path(r#"{"a":[{"n":"#), "a[0].n");
        assert_eq!(path(r#"{"a":[{"n":12"#), "a[0]");
        assert_eq!(path(r#"{"a":[{"s":"x"#), "a[0].s");
        assert_eq!(path(r#"{"a":[{"s"#), "a[0]");
        assert_eq!(path("{"), "");
    }

    #[test]
    fn offsets_count_bytes_per_line() {
        let json = "{\n  \"é\": 1\n}";
        assert_eq!(super::offset(json, 1, 1), 1);
        assert_eq!(super::offset(json, 2, 0), 2);
        assert_eq!(super::offset(json, 2, 7), 9);
        assert_eq!(super::offset(json, 9, 9), json.len());
        assert_eq!(super::offset(json, 0, 5), 0);
    }
}
