//! Reading prompt sets: one reader with one set of rules, used by the app's batch view and by
//! every CLI command that reads prompts (`simulate`, `diff`, `route --file`, `classify`,
//! `eval`, `train`, `test`).
//!
//! # Rules
//!
//! - **Limits** ([`Limits::DEFAULT`]): a set of at most [`MAX_SET_BYTES`] bytes and
//!   [`MAX_SET_ENTRIES`] entries (prompts and bad lines together) is read; a larger one is
//!   refused whole with a [`SetError`] that says how big it is and what the limit is. A prompt
//!   over [`MAX_PROMPT_BYTES`] is a bad line.
//! - **Text**: a leading UTF-8 byte-order mark is dropped; lines end in `\n` or `\r\n`;
//!   [`read_prompt_set_bytes`] replaces invalid UTF-8 with U+FFFD so such prompts can still be
//!   looked at.
//! - **Format** ([`SetFormat`]): given by the caller, or detected from the first meaningful
//!   line (not blank, not starting with `//` or `#`): `{` means JSONL; a CSV header naming a
//!   `text` or `prompt` column means CSV; anything else is plain text, one prompt per line.
//! - **JSONL**: blank lines and lines starting with `//` or `#` are skipped; every other line
//!   must be one JSON object.
//! - **CSV** (RFC 4180): quoted fields may hold commas, doubled quotes and newlines (line
//!   numbers count those newlines); the first record is the header (names trimmed and
//!   lower-cased); blank records are skipped; every record must have as many fields as the
//!   header. Fields are strings; an empty field counts as absent.
//! - **Plain lines**: every non-blank line, trimmed, is one prompt.
//! - **Bad lines** are reported with their 1-based line number and what is wrong
//!   ([`LineError`]); every other line is kept.
//!
//! A line becomes a [`Record`] (its fields by name). A prompt set ([`read_prompt_set`]) turns
//! each record into a [`PromptRecord`]: see [`PromptRecord::from_record`] for the fields.
//! Commands with a schema of their own (test cases, training rows) read [`Record`]s with
//! [`read_records`] and convert them themselves, so lines, comments, formats and limits are the
//! same everywhere.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The longest prompt accepted from a set, in bytes (a longer one is a bad line).
pub const MAX_PROMPT_BYTES: usize = 2 * 1024 * 1024;
/// The largest prompt set read, in bytes (a larger one is refused whole).
pub const MAX_SET_BYTES: usize = 64 * 1024 * 1024;
/// The most entries (prompts and bad lines together) a prompt set may have.
pub const MAX_SET_ENTRIES: usize = 200_000;

/// Size limits for reading a prompt set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest set, in bytes.
    pub max_bytes: usize,
    /// Most entries (prompts and bad lines).
    pub max_entries: usize,
    /// Longest prompt, in bytes.
    pub max_prompt_bytes: usize,
}

impl Limits {
    /// The limits the app and the CLI use.
    pub const DEFAULT: Limits = Limits {
        max_bytes: MAX_SET_BYTES,
        max_entries: MAX_SET_ENTRIES,
        max_prompt_bytes: MAX_PROMPT_BYTES,
    };

    /// Whether a set of `bytes` bytes may be read at all; callers check a file's size with
    /// this before reading it into memory.
    pub fn check_size(&self, bytes: u64) -> Result<(), SetError> {
        if bytes > self.max_bytes as u64 {
            Err(SetError::TooLarge {
                bytes,
                limit: self.max_bytes,
            })
        } else {
            Ok(())
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Why a whole prompt set was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetError {
    /// More bytes than [`Limits::max_bytes`].
    TooLarge {
        /// Size of the set.
        bytes: u64,
        /// The limit.
        limit: usize,
    },
    /// More entries than [`Limits::max_entries`].
    TooManyEntries {
        /// The limit.
        limit: usize,
        /// The line of the first entry over the limit.
        line: usize,
    },
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

impl std::fmt::Display for SetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetError::TooLarge { bytes, limit } => write!(
                f,
                "the prompt set is {}; the limit is {}: split it into smaller files",
                mb(*bytes),
                mb(*limit as u64)
            ),
            SetError::TooManyEntries { limit, line } => write!(
                f,
                "the prompt set has more than {} prompts and bad lines (line {line} is one too \
                 many); the limit is {}: split it into smaller files",
                crate::format::thousands(*limit),
                crate::format::thousands(*limit)
            ),
        }
    }
}

impl std::error::Error for SetError {}

/// The format a prompt set was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header naming a `text` column.
    Csv,
    /// One prompt per line.
    Lines,
}

impl SetFormat {
    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            SetFormat::Jsonl => "JSONL",
            SetFormat::Csv => "CSV",
            SetFormat::Lines => "plain text, one prompt per line",
        }
    }

    /// The format named `jsonl`, `csv` or `lines` (as the CLI's `--format` takes it).
    pub fn from_name(name: &str) -> Option<SetFormat> {
        match name.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(SetFormat::Jsonl),
            "csv" => Some(SetFormat::Csv),
            "lines" | "text" | "txt" => Some(SetFormat::Lines),
            _ => None,
        }
    }
}

/// How to read a set: its format (detected when `None`) and the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadOptions {
    /// The format, or `None` to detect it.
    pub format: Option<SetFormat>,
    /// Size limits.
    pub limits: Limits,
}

/// A line of a prompt set that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One entry of a set, before it is read as a prompt: its fields by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line it starts on.
    pub line: usize,
    /// Its fields: a JSONL line's object; a CSV record's columns (strings) by header name; a
    /// plain line as `text`.
    pub fields: Map<String, Value>,
}

/// Every record of a set and every bad line, each in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSet {
    /// The format read.
    pub format: SetFormat,
    /// Good records.
    pub records: Vec<Record>,
    /// Bad lines.
    pub errors: Vec<LineError>,
}

impl RecordSet {
    /// Records and bad lines merged in file order (for commands that answer every line).
    pub fn in_order(self) -> impl Iterator<Item = Result<Record, LineError>> {
        let mut records = self.records.into_iter().peekable();
        let mut errors = self.errors.into_iter().peekable();
        std::iter::from_fn(move || match (records.peek(), errors.peek()) {
            (Some(r), Some(e)) if e.line < r.line => errors.next().map(Err),
            (Some(_), _) => records.next().map(Ok),
            (None, Some(_)) => errors.next().map(Err),
            (None, None) => None,
        })
    }
}

fn is_comment(t: &str) -> bool {
    t.starts_with("//") || t.starts_with('#')
}

fn detect(text: &str) -> SetFormat {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !is_comment(l))
        .unwrap_or("");
    if first.starts_with('{') {
        SetFormat::Jsonl
    } else if csv_header(first).is_some() {
        SetFormat::Csv
    } else {
        SetFormat::Lines
    }
}

/// Counts entries against the limit.
struct Budget {
    left: usize,
    limit: usize,
}

impl Budget {
    fn take(&mut self, line: usize) -> Result<(), SetError> {
        if self.left == 0 {
            return Err(SetError::TooManyEntries {
                limit: self.limit,
                line,
            });
        }
        self.left -= 1;
        Ok(())
    }
}

/// Reads the records of a set (see the module's rules).
pub fn read_records(text: &str, opts: &ReadOptions) -> Result<RecordSet, SetError> {
    opts.limits.check_size(text.len() as u64)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = opts.format.unwrap_or_else(|| detect(text));
    let mut budget = Budget {
        left: opts.limits.max_entries,
        limit: opts.limits.max_entries,
    };
    let mut set = RecordSet {
        format,
        records: Vec::new(),
        errors: Vec::new(),
    };
    match format {
        // A given plain-lines format is not second-guessed.
        SetFormat::Jsonl | SetFormat::Lines
            if (format == SetFormat::Jsonl || opts.format.is_none())
                && whole_json(text, &mut set, &mut budget)? =>
        {
            set.format = SetFormat::Jsonl;
        }
        SetFormat::Jsonl => read_jsonl(text, &mut set, &mut budget)?,
        SetFormat::Csv => read_csv(text, &mut set, &mut budget)?,
        SetFormat::Lines => {
            for (i, line) in text.lines().enumerate() {
                plain_line(i, line, &mut set, &mut budget)?;
            }
        }
    }
    Ok(set)
}

/// Line `i` (0-based) of a plain-lines set.
fn plain_line(
    i: usize,
    line: &str,
    set: &mut RecordSet,
    budget: &mut Budget,
) -> Result<(), SetError> {
    let t = line.trim();
    if t.is_empty() {
        return Ok(());
    }
    budget.take(i + 1)?;
    let mut fields = Map::new();
    fields.insert("text".into(), Value::String(t.to_string()));
    set.records.push(Record {
        line: i + 1,
        fields,
    });
    Ok(())
}

/// A set written as one JSON document: a pretty-printed object over several lines (a request
/// body pasted whole) or a list holding objects. Each object is a record on the line it starts
/// on (items of a list may share a line); an item of a list that is not an object is a bad
/// line. Returns `false` (and reads nothing)
/// when the text is not one such document, so it is read line by line instead.
fn whole_json(text: &str, set: &mut RecordSet, budget: &mut Budget) -> Result<bool, SetError> {
    let t = text.trim_start();
    let start = text.len() - t.len();
    // One object on one line is JSONL already; a list may be on one line.
    if !(t.starts_with('[') || (t.starts_with('{') && t.trim_end().contains('\n'))) {
        return Ok(false);
    }
    let Ok(doc) = serde_json::from_str::<Value>(t) else {
        return Ok(false);
    };
    // A list counts only when it holds an object: `[1, 2]` alone is a plain line.
    if let Value::Array(items) = &doc {
        if !items.iter().any(Value::is_object) {
            return Ok(false);
        }
    }
    let line_at = |offset: usize| text[..offset].matches('\n').count() + 1;
    match doc {
        Value::Object(fields) => {
            budget.take(line_at(start))?;
            set.records.push(Record {
                line: line_at(start),
                fields,
            });
        }
        Value::Array(items) => {
            let offsets = array_item_offsets(t);
            for (i, item) in items.into_iter().enumerate() {
                let line = line_at(start + offsets.get(i).copied().unwrap_or(0));
                budget.take(line)?;
                match item {
                    Value::Object(fields) => set.records.push(Record { line, fields }),
                    _ => set.errors.push(LineError {
                        line,
                        message: format!("item {} of the list is not a JSON object", i + 1),
                    }),
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Byte offsets (in `t`, which starts with `[`) where each top-level item of a JSON list
/// starts.
fn array_item_offsets(t: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut esc, mut expect) = (0usize, false, false, false);
    for (i, c) in t.char_indices() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        if expect && !c.is_whitespace() && c != ']' {
            out.push(i);
            expect = false;
        }
        match c {
            '"' => in_str = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expect = true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expect = true,
            _ => {}
        }
    }
    out
}

fn read_jsonl(text: &str, set: &mut RecordSet, budget: &mut Budget) -> Result<(), SetError> {
    for (i, line) in text.lines().enumerate() {
        jsonl_line(i, line, set, budget)?;
    }
    Ok(())
}

/// Line `i` (0-based) of a JSONL set.
fn jsonl_line(
    i: usize,
    line: &str,
    set: &mut RecordSet,
    budget: &mut Budget,
) -> Result<(), SetError> {
    let t = line.trim();
    if t.is_empty() || is_comment(t) {
        return Ok(());
    }
    budget.take(i + 1)?;
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(fields)) => set.records.push(Record {
            line: i + 1,
            fields,
        }),
        Ok(_) => set.errors.push(LineError {
            line: i + 1,
            message: "not a JSON object".into(),
        }),
        Err(e) => set.errors.push(LineError {
            line: i + 1,
            message: format!("invalid JSON: {e}"),
        }),
    }
    Ok(())
}

/// Column names of a CSV header line that names a `text` or `prompt` column (lower-cased,
/// trimmed).
fn csv_header(line: &str) -> Option<Vec<String>> {
    if !line.contains(',')
        && !line.eq_ignore_ascii_case("text")
        && !line.eq_ignore_ascii_case("prompt")
    {
        return None;
    }
    let mut rec = CsvReader::new(line);
    let (_, fields) = rec.next_record()?.ok()?;
    let cols: Vec<String> = fields.iter().map(|f| f.trim().to_lowercase()).collect();
    cols.iter()
        .any(|c| c == "text" || c == "prompt")
        .then_some(cols)
}

fn read_csv(text: &str, set: &mut RecordSet, budget: &mut Budget) -> Result<(), SetError> {
    let mut reader = CsvReader::new(text);
    let mut cols: Option<Vec<String>> = None;
    while let Some(rec) = reader.next_record() {
        csv_record(rec, &mut cols, set, budget)?;
    }
    Ok(())
}

/// One CSV record (the first non-blank one is the header, kept in `cols`).
fn csv_record(
    rec: Result<(usize, Vec<String>), LineError>,
    cols: &mut Option<Vec<String>>,
    set: &mut RecordSet,
    budget: &mut Budget,
) -> Result<(), SetError> {
    let (line, fields) = match rec {
        Ok(r) => r,
        Err(e) => {
            budget.take(e.line)?;
            set.errors.push(e);
            return Ok(());
        }
    };
    if fields.len() == 1 && fields[0].trim().is_empty() {
        return Ok(());
    }
    let Some(cols) = cols.as_ref() else {
        *cols = Some(fields.iter().map(|f| f.trim().to_lowercase()).collect());
        return Ok(());
    };
    budget.take(line)?;
    if fields.len() != cols.len() {
        set.errors.push(LineError {
            line,
            message: format!(
                "expected {} fields as in the header, found {}",
                cols.len(),
                fields.len()
            ),
        });
        return Ok(());
    }
    let fields = cols
        .iter()
        .cloned()
        .zip(fields)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    set.records.push(Record { line, fields });
    Ok(())
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines.
struct CsvReader<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    /// Bytes consumed.
    pos: usize,
}

impl<'a> CsvReader<'a> {
    fn new(text: &'a str) -> Self {
        CsvReader {
            chars: text.chars().peekable(),
            line: 1,
            pos: 0,
        }
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// The next record with the line it starts on, or the error that spoilt it.
    fn next_record(&mut self) -> Option<Result<(usize, Vec<String>), LineError>> {
        self.chars.peek()?;
        let start = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut error: Option<String> = None;
        loop {
            let Some(c) = self.next_char() else {
                if quoted {
                    error.get_or_insert_with(|| "a quoted field is never closed".into());
                }
                break;
            };
            if quoted {
                match c {
                    '"' if self.chars.peek() == Some(&'"') => {
                        self.next_char();
                        field.push('"');
                    }
                    '"' => {
                        quoted = false;
                        // Only a separator or the end of the record may follow.
                        match self.chars.peek() {
                            None | Some(',') | Some('\n') | Some('\r') => {}
                            Some(_) => {
                                error.get_or_insert_with(|| {
                                    "text after a closing quote (double a quote inside a quoted field)"
                                        .into()
                                });
                            }
                        }
                    }
                    '\n' => {
                        self.line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                ',' => fields.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    self.line += 1;
                    break;
                }
                '"' if field.trim().is_empty() => {
                    field.clear();
                    quoted = true;
                }
                _ => field.push(c),
            }
        }
        fields.push(field);
        Some(match error {
            Some(message) => Err(LineError {
                line: start,
                message,
            }),
            None => Ok((start, fields)),
        })
    }
}

/// One prompt of a set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptRecord {
    /// The id given in the set, else `line-N` (N its 1-based line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The prompt.
    pub text: String,
    /// The task type the author meant (for evaluation), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Request metadata for the prompt.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, Value>,
    /// Realized score (0-100) per model id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<BTreeMap<String, f64>>,
    /// The whole conversation, when the record is a chat request (OpenAI, Anthropic, Batch,
    /// ShareGPT; see [`crate::conversation::detect`]); `text` is then its last user message.
    /// `None` for a plain prompt, which routes as a one-turn conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Box<crate::conversation::Conversation>>,
}

impl Record {
    /// Removes the first of `keys` present (an empty string counts as absent) and returns it
    /// as a string; a number is taken as its decimal form.
    pub fn take_string(&mut self, keys: &[&str]) -> Result<Option<String>, String> {
        for k in keys {
            match self.fields.remove(*k) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) if s.trim().is_empty() => continue,
                Some(Value::String(s)) => return Ok(Some(s)),
                Some(Value::Number(n)) => return Ok(Some(n.to_string())),
                Some(_) => return Err(format!("\"{k}\" must be a string")),
            }
        }
        Ok(None)
    }

    /// Removes `key` and returns it as a number (a CSV field holding a number counts).
    pub fn take_number(&mut self, key: &str) -> Result<Option<f64>, String> {
        let bad = || format!("\"{key}\" must be a number");
        match self.fields.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(bad),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse::<f64>().map(Some).map_err(|_| bad()),
            Some(_) => Err(bad()),
        }
    }

    /// Removes `key` and returns it as a JSON object (a CSV field holding a JSON object
    /// counts).
    pub fn take_object(&mut self, key: &str) -> Result<Option<Map<String, Value>>, String> {
        let bad = || format!("\"{key}\" must be a JSON object");
        match self.fields.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(&s) {
                Ok(Value::Object(m)) => Ok(Some(m)),
                _ => Err(bad()),
            },
            Some(_) => Err(bad()),
        }
    }
}

impl Record {
    fn take_outcomes(&mut self) -> Result<Option<BTreeMap<String, f64>>, String> {
        Ok(match self.take_object("outcomes")? {
            None => None,
            Some(m) => {
                let mut o = BTreeMap::new();
                for (k, v) in m {
                    match v.as_f64() {
                        Some(x) => {
                            o.insert(k, x);
                        }
                        None => return Err(format!("outcome for \"{k}\" must be a number")),
                    }
                }
                Some(o)
            }
        })
    }
}

impl PromptRecord {
    /// Reads a prompt from a record. A record in a conversation format (OpenAI Chat
    /// Completions or Batch, Anthropic Messages, ShareGPT; see
    /// [`crate::conversation::detect`]) is read as its conversation, with `text` its last user
    /// message. Otherwise the fields are (any others are ignored):
    ///
    /// - `text` (or `prompt`): the prompt, a string; required.
    /// - `id`: a string or number; `line-N` when absent.
    /// - `label` (or `task`, `task_type`): the task type the author meant.
    /// - `metadata`: a JSON object (in CSV, a field holding one): request metadata.
    /// - `outcomes`: a JSON object of model id → realized score (0-100).
    pub fn from_record(mut r: Record) -> Result<PromptRecord, String> {
        if let Some(conv) = crate::conversation::read_conversation(&r.fields) {
            return PromptRecord::from_conversation(r, conv?);
        }
        let text = match r
            .fields
            .remove("text")
            .or_else(|| r.fields.remove("prompt"))
        {
            Some(Value::String(s)) => s,
            Some(_) => return Err("\"text\" must be a string".into()),
            None => return Err("missing \"text\"".into()),
        };
        let id = r
            .take_string(&["id"])?
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| format!("line-{}", r.line));
        let label = r
            .take_string(&["label", "task", "task_type"])?
            .map(|s| s.trim().to_string());
        let metadata = r
            .take_object("metadata")?
            .map(|m| m.into_iter().collect())
            .unwrap_or_default();
        Ok(PromptRecord {
            id: Some(id),
            text,
            label,
            metadata,
            outcomes: r.take_outcomes()?,
            conversation: None,
        })
    }

    /// A record in a conversation format: `text` is the last user message; `label`,
    /// `metadata` (a JSON object; OpenAI bodies carry one) and `outcomes` are read as for a
    /// prompt; the id is the conversation's (`id`, `custom_id`) or `line-N`.
    fn from_conversation(
        mut r: Record,
        mut conv: crate::conversation::Conversation,
    ) -> Result<PromptRecord, String> {
        if conv.id.is_empty() {
            conv.id = format!("line-{}", r.line);
        }
        if conv.messages.is_empty() {
            return Err("the conversation has no messages".into());
        }
        let label = r
            .take_string(&["label", "task", "task_type"])?
            .map(|s| s.trim().to_string());
        let metadata = r
            .take_object("metadata")?
            .map(|m| m.into_iter().collect())
            .unwrap_or_default();
        Ok(PromptRecord {
            id: Some(conv.id.clone()),
            text: conv.last_user_text(),
            label,
            metadata,
            outcomes: r.take_outcomes()?,
            conversation: Some(Box::new(conv)),
        })
    }
}

/// A prompt set read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSet {
    /// The format read.
    pub format: SetFormat,
    /// Good prompts with their 1-based line number, in file order.
    pub prompts: Vec<(usize, PromptRecord)>,
    /// Bad lines, in file order.
    pub errors: Vec<LineError>,
}

/// Reads a prompt set (see the module's rules and [`PromptRecord::from_record`]). A prompt
/// with empty text or over the prompt limit is a bad line.
pub fn read_prompt_set(text: &str, opts: &ReadOptions) -> Result<ParsedSet, SetError> {
    let set = read_records(text, opts)?;
    let mut errors = set.errors;
    let mut prompts = Vec::with_capacity(set.records.len());
    for rec in set.records {
        push_prompt(rec, &opts.limits, &mut prompts, &mut errors);
    }
    errors.sort_by_key(|e| e.line);
    Ok(ParsedSet {
        format: set.format,
        prompts,
        errors,
    })
}

/// A record read as a prompt, or the bad line it is.
fn push_prompt(
    rec: Record,
    limits: &Limits,
    prompts: &mut Vec<(usize, PromptRecord)>,
    errors: &mut Vec<LineError>,
) {
    let line = rec.line;
    let fail = |message: String| LineError { line, message };
    match PromptRecord::from_record(rec) {
        Err(m) => errors.push(fail(m)),
        Ok(r) if r.text.trim().is_empty() => errors.push(fail("empty prompt text".into())),
        Ok(r) if r.text.len() > limits.max_prompt_bytes => errors.push(fail(format!(
            "prompt is {} bytes; the limit is {} bytes",
            r.text.len(),
            limits.max_prompt_bytes
        ))),
        Ok(r) => prompts.push((line, r)),
    }
}

/// Where a [`SetReader`] is.
enum Stage<'a> {
    /// JSONL or plain lines, line by line.
    Lines(std::iter::Enumerate<std::str::Lines<'a>>),
    /// CSV, record by record, with the header once read.
    Csv(CsvReader<'a>, Option<Vec<String>>),
    /// Everything read.
    Done,
}

/// [`read_prompt_set`] in steps, for a caller that must not stop for the whole read (the
/// page reads a 100,000-line file between frames): [`SetReader::step`] reads a few lines at a
/// time, and [`SetReader::finish`] gives the same [`ParsedSet`] (or the same [`SetError`]) as
/// the one-shot reader.
///
/// ```
/// use routeplay_core::simulate::{read_prompt_set, ReadOptions, SetReader};
/// let text = "{\"text\": \"a\"}\nbad\n{\"text\": \"b\"}\n";
/// let mut r = SetReader::new(text, &ReadOptions::default()).unwrap();
/// while !r.is_done() {
///     r.step(1).unwrap(); // a caller yields to its event loop here
/// }
/// assert_eq!(r.finish().unwrap(), read_prompt_set(text, &ReadOptions::default()).unwrap());
/// ```
///
/// A set written as one JSON document (a list of objects) is parsed whole by
/// [`SetReader::new`]: JSON has no line boundaries to stop at.
pub struct SetReader<'a> {
    text: &'a str,
    limits: Limits,
    format: SetFormat,
    budget: Budget,
    stage: Stage<'a>,
    /// Records and read errors of the current step (converted at its end).
    pending: RecordSet,
    prompts: Vec<(usize, PromptRecord)>,
    errors: Vec<LineError>,
    /// Lines (CSV: physical lines) read so far.
    lines: usize,
    /// Bytes of `text` read so far.
    pos: usize,
    /// The error that refused the set.
    failed: Option<SetError>,
}

impl<'a> SetReader<'a> {
    /// Checks the size and detects the format (a whole JSON document is read here).
    pub fn new(text: &'a str, opts: &ReadOptions) -> Result<SetReader<'a>, SetError> {
        opts.limits.check_size(text.len() as u64)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let format = opts.format.unwrap_or_else(|| detect(text));
        let mut r = SetReader {
            text,
            limits: opts.limits,
            format,
            budget: Budget {
                left: opts.limits.max_entries,
                limit: opts.limits.max_entries,
            },
            stage: Stage::Done,
            pending: RecordSet {
                format,
                records: Vec::new(),
                errors: Vec::new(),
            },
            prompts: Vec::new(),
            errors: Vec::new(),
            lines: 0,
            pos: 0,
            failed: None,
        };
        let whole = matches!(format, SetFormat::Jsonl | SetFormat::Lines)
            && (format == SetFormat::Jsonl || opts.format.is_none())
            && whole_json(text, &mut r.pending, &mut r.budget)?;
        if whole {
            r.format = SetFormat::Jsonl;
            r.lines = text.lines().count();
            r.pos = text.len();
            r.convert();
        } else {
            r.stage = match format {
                SetFormat::Csv => Stage::Csv(CsvReader::new(text), None),
                SetFormat::Jsonl | SetFormat::Lines => Stage::Lines(text.lines().enumerate()),
            };
        }
        Ok(r)
    }

    /// Reads up to `n` more lines (CSV: records). An error refuses the whole set, as
    /// [`read_prompt_set`] does; the reader is then done.
    pub fn step(&mut self, n: usize) -> Result<(), SetError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let out = self.read(n);
        if let Err(e) = &out {
            self.stage = Stage::Done;
            self.failed = Some(e.clone());
        }
        self.convert();
        out
    }

    fn read(&mut self, n: usize) -> Result<(), SetError> {
        let base = self.text.as_ptr() as usize;
        for _ in 0..n {
            match &mut self.stage {
                Stage::Lines(lines) => {
                    let Some((i, line)) = lines.next() else {
                        self.stage = Stage::Done;
                        self.pos = self.text.len();
                        break;
                    };
                    self.lines = i + 1;
                    self.pos = line.as_ptr() as usize - base + line.len();
                    if self.format == SetFormat::Jsonl {
                        jsonl_line(i, line, &mut self.pending, &mut self.budget)?;
                    } else {
                        plain_line(i, line, &mut self.pending, &mut self.budget)?;
                    }
                }
                Stage::Csv(reader, cols) => {
                    let Some(rec) = reader.next_record() else {
                        self.stage = Stage::Done;
                        self.pos = self.text.len();
                        break;
                    };
                    self.lines = reader.line - 1;
                    self.pos = reader.pos;
                    csv_record(rec, cols, &mut self.pending, &mut self.budget)?;
                }
                Stage::Done => break,
            }
        }
        Ok(())
    }

    /// The records read so far, as prompts or bad lines.
    fn convert(&mut self) {
        self.errors.append(&mut self.pending.errors);
        for rec in std::mem::take(&mut self.pending.records) {
            push_prompt(rec, &self.limits, &mut self.prompts, &mut self.errors);
        }
    }

    /// Whether every line is read.
    pub fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done)
    }

    /// The format being read.
    pub fn format(&self) -> SetFormat {
        self.format
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> usize {
        self.lines
    }

    /// Bytes read so far, and the size of the text (without a byte-order mark).
    pub fn bytes_read(&self) -> (usize, usize) {
        (self.pos, self.text.len())
    }

    /// Prompts and bad lines found so far.
    pub fn found(&self) -> (usize, usize) {
        (self.prompts.len(), self.errors.len())
    }

    /// Reads whatever is left and gives the set.
    pub fn finish(mut self) -> Result<ParsedSet, SetError> {
        while !self.is_done() {
            self.step(usize::MAX)?;
        }
        if let Some(e) = self.failed {
            return Err(e);
        }
        let mut errors = self.errors;
        errors.sort_by_key(|e| e.line);
        Ok(ParsedSet {
            format: self.format,
            prompts: self.prompts,
            errors,
        })
    }
}

/// [`read_prompt_set`] over bytes: checks the size before decoding, then replaces invalid
/// UTF-8 with U+FFFD.
pub fn read_prompt_set_bytes(bytes: &[u8], opts: &ReadOptions) -> Result<ParsedSet, SetError> {
    opts.limits.check_size(bytes.len() as u64)?;
    read_prompt_set(&String::from_utf8_lossy(bytes), &size_checked(opts))
}

/// The options for text decoded from bytes whose size was already checked: each invalid byte
/// becomes a 3-byte U+FFFD, so checking the decoded text again would refuse a file within the
/// limit, with an inflated size.
fn size_checked(opts: &ReadOptions) -> ReadOptions {
    ReadOptions {
        limits: Limits {
            max_bytes: usize::MAX,
            ..opts.limits
        },
        ..*opts
    }
}

/// [`read_records`] over bytes: checks the size before decoding, then replaces invalid UTF-8
/// with U+FFFD.
pub fn read_records_bytes(bytes: &[u8], opts: &ReadOptions) -> Result<RecordSet, SetError> {
    opts.limits.check_size(bytes.len() as u64)?;
    read_records(&String::from_utf8_lossy(bytes), &size_checked(opts))
}

/// Reads a prompt set of any size with the default per-prompt limit and a detected format
/// (for trusted text: tests, the shipped samples, benchmarks). Input from people goes through
/// [`read_prompt_set`], which enforces the set limits.
pub fn parse_prompt_set(text: &str) -> ParsedSet {
    let opts = ReadOptions {
        format: None,
        limits: Limits {
            max_bytes: usize::MAX,
            max_entries: usize::MAX,
            max_prompt_bytes: MAX_PROMPT_BYTES,
        },
    };
    match read_prompt_set(text, &opts) {
        Ok(set) => set,
        // Unreachable with unlimited limits; an empty set is the honest answer anyway.
        Err(_) => ParsedSet {
            format: SetFormat::Lines,
            prompts: Vec::new(),
            errors: Vec::new(),
        },
    }
}

/// Parses `--meta` style set-wide metadata: a JSON object (`{"tier": "free"}`), or
/// `KEY=VALUE` where a VALUE that is valid JSON (a number, `true`, a quoted string, a list) is
/// taken as JSON and anything else as a plain string. Later items override earlier keys.
pub fn parse_metadata_items<S: AsRef<str>>(items: &[S]) -> Result<BTreeMap<String, Value>, String> {
    let mut m = BTreeMap::new();
    for it in items {
        let it = it.as_ref().trim();
        if it.starts_with('{') {
            match serde_json::from_str::<Value>(it) {
                Ok(Value::Object(o)) => m.extend(o),
                Ok(_) => return Err(format!("metadata {it}: not a JSON object")),
                Err(e) => return Err(format!("metadata {it}: invalid JSON: {e}")),
            }
            continue;
        }
        let Some((k, v)) = it.split_once('=') else {
            return Err(format!(
                "metadata {it}: expected a JSON object or KEY=VALUE"
            ));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(format!("metadata {it}: empty key"));
        }
        let value = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string()));
        m.insert(k.to_string(), value);
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    /// Found by fuzzing (fuzz/regressions/prompt_set): 700 invalid bytes under a 2,048-byte
    /// limit were refused as 2,100 bytes once each became a 3-byte U+FFFD.
    #[test]
    fn invalid_utf8_within_the_size_limit_is_read_not_refused() {
        use super::*;
        let opts = ReadOptions {
            format: Some(SetFormat::Lines),
            limits: Limits {
                max_bytes: 2048,
                ..Limits::DEFAULT
            },
        };
        let bytes = vec![0xFF; 700];
        let set = read_prompt_set_bytes(&bytes, &opts).expect("within the limit");
        assert_eq!(set.prompts.len(), 1);
        assert!(set.prompts[0].1.text.starts_with('\u{fffd}'));
        let records = read_records_bytes(&bytes, &opts).expect("within the limit");
        assert_eq!(records.records.len(), 1);
        // Over the limit as given, it is still refused, with its own size.
        let err = read_prompt_set_bytes(&vec![0xFF; 2049], &opts).unwrap_err();
        assert!(
            matches!(err, SetError::TooLarge { bytes: 2049, .. }),
            "{err:?}"
        );
    }

    use super::*;

    fn read(t: &str) -> ParsedSet {
        read_prompt_set(t, &ReadOptions::default()).unwrap()
    }

    fn lines(errors: &[LineError]) -> Vec<usize> {
        errors.iter().map(|e| e.line).collect()
    }

    #[test]
    fn detects_jsonl_and_reports_bad_lines() {
        let t = "{\"text\": \"a\"}\nnot json\n\n{\"text\": \"b\", \"id\": \"x\"}\n{\"text\": \"  \"}\n# comment\n[1]\n{\"id\": 7, \"text\": \"c\", \"task\": \"qa\", \"metadata\": {\"tier\": \"free\"}}\n{\"text\": 3}\n{\"text\": \"d\", \"outcomes\": {\"m\": \"x\"}}\n";
        let p = read(t);
        assert_eq!(p.format, SetFormat::Jsonl);
        let ids: Vec<&str> = p
            .prompts
            .iter()
            .map(|(_, r)| r.id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["line-1", "x", "7"]);
        assert_eq!(p.prompts[2].1.label.as_deref(), Some("qa"));
        assert_eq!(p.prompts[2].1.metadata["tier"], "free");
        assert_eq!(lines(&p.errors), vec![2, 5, 7, 9, 10]);
        assert!(p.errors[0].message.starts_with("invalid JSON"));
        assert_eq!(p.errors[1].message, "empty prompt text");
        assert_eq!(p.errors[2].message, "not a JSON object");
        assert_eq!(p.errors[3].message, "\"text\" must be a string");
    }

    #[test]
    fn reads_csv_with_quotes_commas_and_newlines() {
        let t = "id,text,label\n1,\"Hello, world\",qa\n2,\"Say \"\"hi\"\"\nthen stop\",chat\n3,plain,\n4,too,many,fields\n5,\"open\n";
        let p = read(t);
        assert_eq!(p.format, SetFormat::Csv);
        let texts: Vec<&str> = p.prompts.iter().map(|(_, r)| r.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["Hello, world", "Say \"hi\"\nthen stop", "plain"]
        );
        assert_eq!(p.prompts[0].1.label.as_deref(), Some("qa"));
        assert_eq!(p.prompts[2].0, 5); // line numbers count the newline inside the quoted field
        assert_eq!(p.prompts[2].1.label, None);
        assert_eq!(lines(&p.errors), vec![6, 7]);
    }

    #[test]
    fn csv_metadata_and_outcomes_columns_hold_json() {
        let t = "prompt,metadata,outcomes\n\"Hi\",\"{\"\"tier\"\": \"\"pro\"\"}\",\"{\"\"m\"\": 80}\"\nyo,not json,\n";
        let p = read(t);
        assert_eq!(p.prompts.len(), 1);
        assert_eq!(p.prompts[0].1.metadata["tier"], "pro");
        assert_eq!(p.prompts[0].1.outcomes.as_ref().unwrap()["m"], 80.0);
        assert_eq!(p.errors[0].line, 3);
        assert_eq!(p.errors[0].message, "\"metadata\" must be a JSON object");
    }

    #[test]
    fn csv_with_only_a_text_column_and_crlf() {
        let p = read("text\r\nfirst\r\nsecond\r\n");
        assert_eq!(p.format, SetFormat::Csv);
        assert_eq!(p.prompts.len(), 2);
        assert_eq!(p.prompts[1].1.text, "second");
        assert_eq!(p.prompts[1].1.id.as_deref(), Some("line-3"));
    }

    #[test]
    fn plain_lines_otherwise_and_a_bom_is_dropped() {
        let p = read("\u{feff}Translate this, please\n\nWrite a poem\n");
        assert_eq!(p.format, SetFormat::Lines);
        assert_eq!(p.prompts.len(), 2);
        assert_eq!(p.prompts[0].1.text, "Translate this, please");
        assert_eq!(p.prompts[1].0, 3);
        assert!(p.errors.is_empty());
        assert!(read("").prompts.is_empty());
    }

    #[test]
    fn a_given_format_is_not_second_guessed() {
        let opts = ReadOptions {
            format: Some(SetFormat::Lines),
            ..Default::default()
        };
        let p = read_prompt_set("{\"text\": \"a\"}\n", &opts).unwrap();
        assert_eq!(p.prompts[0].1.text, "{\"text\": \"a\"}");
        assert_eq!(SetFormat::from_name("CSV"), Some(SetFormat::Csv));
        assert_eq!(SetFormat::from_name("xml"), None);
    }

    #[test]
    fn bytes_with_invalid_utf8_are_replaced_not_rejected() {
        let p = read_prompt_set_bytes(
            b"{\"text\": \"caf\xff au lait\"}\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(p.prompts[0].1.text, "caf\u{fffd} au lait");
    }

    #[test]
    fn limits_refuse_a_set_too_large_or_with_too_many_entries() {
        let limits = Limits {
            max_bytes: 100,
            max_entries: 3,
            max_prompt_bytes: 10,
        };
        let opts = ReadOptions {
            format: None,
            limits,
        };
        let e = read_prompt_set(&"x".repeat(101), &opts).unwrap_err();
        assert_eq!(
            e,
            SetError::TooLarge {
                bytes: 101,
                limit: 100
            }
        );
        assert!(e.to_string().contains("the limit is 0.0 MB"), "{e}");
        assert!(limits.check_size(100).is_ok());
        // Bad lines count as entries too; blank lines and comments do not.
        let e = read_prompt_set(
            "{\"text\": \"a\"}\n\n// c\n{bad\n{\"text\": \"b\"}\n{\"text\": \"c\"}\n",
            &opts,
        )
        .unwrap_err();
        assert_eq!(e, SetError::TooManyEntries { limit: 3, line: 6 });
        assert!(e.to_string().contains("line 6 is one too many"), "{e}");
        let p = read_prompt_set("short\nthis prompt is too long\n", &opts).unwrap();
        assert_eq!(p.prompts.len(), 1);
        assert_eq!(p.errors[0].line, 2);
        assert!(p.errors[0].message.contains("limit is 10 bytes"));
        // The shipped defaults.
        assert_eq!(Limits::default(), Limits::DEFAULT);
        assert!(Limits::DEFAULT
            .check_size(MAX_SET_BYTES as u64 + 1)
            .is_err());
    }

    #[test]
    fn records_in_file_order_keep_every_line() {
        let set = read_records("{\"a\": 1}\nbad\n{\"b\": 2}\n", &ReadOptions::default()).unwrap();
        let order: Vec<(usize, bool)> = set
            .in_order()
            .map(|r| match r {
                Ok(r) => (r.line, true),
                Err(e) => (e.line, false),
            })
            .collect();
        assert_eq!(order, vec![(1, true), (2, false), (3, true)]);
    }

    #[test]
    fn metadata_items_as_json_or_key_value() {
        let m =
            parse_metadata_items(&["{\"tier\": \"free\", \"n\": 1}", "n=2", "name=Ann"]).unwrap();
        assert_eq!(m["tier"], "free");
        assert_eq!(m["n"], 2);
        assert_eq!(m["name"], "Ann");
        assert!(parse_metadata_items(&["[1]"]).is_err());
        assert!(parse_metadata_items(&["{oops"]).is_err());
        assert!(parse_metadata_items(&["novalue"]).is_err());
        assert!(parse_metadata_items(&["=1"]).is_err());
    }

    #[test]
    fn a_hundred_thousand_lines_parse() {
        let mut t = String::new();
        for i in 0..100_000 {
            if i % 1000 == 7 {
                t.push_str("{broken\n");
            } else {
                t.push_str(&format!("{{\"text\": \"prompt number {i}\"}}\n"));
            }
        }
        let p = read(&t);
        assert_eq!(p.prompts.len() + p.errors.len(), 100_000);
        assert_eq!(p.errors.len(), 100);
        assert_eq!(p.errors[0].line, 8);
    }

    /// [`SetReader`] read in steps of `n` lines, to the end.
    fn stepped(t: &str, opts: &ReadOptions, n: usize) -> Result<ParsedSet, SetError> {
        let mut r = SetReader::new(t, opts)?;
        while !r.is_done() {
            r.step(n)?;
            let (read, total) = r.bytes_read();
            assert!(read <= total);
        }
        assert_eq!(r.bytes_read().0, r.bytes_read().1);
        r.finish()
    }

    #[test]
    fn the_stepped_reader_gives_what_the_one_shot_reader_gives() {
        use crate::shipped::SAMPLES;
        let conversations = include_str!("../../../../public/samples/conversations.jsonl");
        let mut big = String::new();
        for i in 0..3000 {
            match i % 500 {
                7 => big.push_str("{broken\n"),
                8 => big.push_str("[1, 2]\n"),
                9 => big.push_str("{\"text\": \"   \"}\n"),
                10 => big.push_str("\n# comment\n"),
                _ => big.push_str(&format!("{{\"text\": \"prompt {i} é\", \"id\": {i}}}\r\n")),
            }
        }
        let texts: Vec<(&str, String)> = vec![
            ("samples", SAMPLES.to_string()),
            ("conversations", conversations.to_string()),
            ("bad lines", big),
            ("bom and plain lines", "\u{feff}Translate this\n\n  Write a poem  \nlast".into()),
            ("csv", "id,text,label\n1,\"Hello, world\",qa\n2,\"Say \"\"hi\"\"\nthen stop\",chat\n\n3,plain,\n4,too,many,fields\n5,\"open\n".into()),
            ("csv crlf", "text\r\nfirst\r\nsecond\r\n".into()),
            ("json list", "[{\"text\": \"a\"},\n 3,\n {\"text\": \"b\"}, {\"text\": 1}]".into()),
            ("pretty object", "{\n  \"text\": \"a\"\n}\n".into()),
            ("empty", String::new()),
        ];
        let default = ReadOptions::default();
        let as_lines = ReadOptions {
            format: Some(SetFormat::Lines),
            ..default
        };
        let tight = ReadOptions {
            format: None,
            limits: Limits {
                max_bytes: 1 << 20,
                max_entries: 40,
                max_prompt_bytes: 12,
            },
        };
        for (name, t) in &texts {
            for opts in [&default, &as_lines, &tight] {
                let one = read_prompt_set(t, opts);
                for n in [1, 3, 64, usize::MAX] {
                    assert_eq!(stepped(t, opts, n), one, "{name}, {opts:?}, steps of {n}");
                }
            }
        }
        // The bad lines are there to compare, and the conversations are read as such.
        let bad = read_prompt_set(&texts[2].1, &default).unwrap();
        assert_eq!(bad.errors.len(), 18);
        assert_eq!(bad.prompts.len(), 2976);
        let conv = read_prompt_set(&texts[1].1, &default).unwrap();
        assert!(conv.prompts.iter().any(|(_, p)| p.conversation.is_some()));
        assert!(matches!(
            read_prompt_set(&texts[2].1, &tight),
            Err(SetError::TooManyEntries { .. })
        ));
    }

    #[test]
    fn the_stepped_reader_reports_how_far_it_is() {
        let t = "a\nb\nc\nd\n";
        let mut r = SetReader::new(t, &ReadOptions::default()).unwrap();
        r.step(2).unwrap();
        assert_eq!(r.lines_read(), 2);
        assert_eq!(r.bytes_read(), (3, 8));
        assert_eq!(r.found(), (2, 0));
        assert!(!r.is_done());
        r.step(10).unwrap();
        assert!(r.is_done());
        assert_eq!(r.finish().unwrap().prompts.len(), 4);
    }
}
