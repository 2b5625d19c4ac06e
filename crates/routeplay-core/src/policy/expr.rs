//! CEL conditions: the variables a condition sees, a static type check over the parsed
//! expression (the `cel` crate only checks at run time), and the per-prompt facts that
//! conditions are evaluated against.

use super::cost::{
    self, MAX_CONDITION_COST, MAX_CONDITION_STEPS, MAX_META_FIELDS, MAX_META_VALUE_BYTES, TICK,
};
use crate::catalog::TASK_TYPES;
use crate::signals::{CheapSignals, PiiKind, PromptSignals, TaskPrediction};
use cel::common::ast::{Expr, LiteralValue};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::objects::Key;
use cel::{Context, Env, IdedExpr, Program, Value};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Request metadata supplied by the caller (e.g. `{"tier": "pro"}`), read in CEL as `meta.KEY`.
pub type Metadata = BTreeMap<String, serde_json::Value>;

/// The longest condition accepted, in bytes (keeps parsing and evaluation bounded).
pub const MAX_CONDITION_BYTES: usize = 2000;
/// The deepest bracket nesting accepted in a condition.
pub const MAX_CONDITION_NESTING: usize = 24;
/// The deepest expression tree accepted (e.g. `a + b + c + ...` nests one level per `+`). The
/// `cel` evaluator recurses once per level; this keeps it far from the stack limit, in wasm too.
pub const MAX_CONDITION_DEPTH: usize = 32;

/// A CEL type, as far as the static check can tell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Bool,
    Int,
    UInt,
    Double,
    String,
    Bytes,
    Null,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// The `meta` object: fields declared under `[metadata]`.
    Meta,
    /// Unknown until run time.
    Dyn,
}

impl Ty {
    fn name(&self) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Int => "int".into(),
            Ty::UInt => "uint".into(),
            Ty::Double => "double".into(),
            Ty::String => "string".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Null => "null".into(),
            Ty::List(t) => format!("list of {}", t.name()),
            Ty::Map(t) => format!("map of {}", t.name()),
            Ty::Meta => "the metadata object".into(),
            Ty::Dyn => "dyn".into(),
        }
    }
    fn numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::UInt | Ty::Double)
    }
    /// Whether values of the two types can ever be equal or compared.
    fn compatible(&self, other: &Ty) -> bool {
        match (self, other) {
            (Ty::Dyn, _) | (_, Ty::Dyn) | (Ty::Null, _) | (_, Ty::Null) => true,
            (a, b) if a.numeric() && b.numeric() => true,
            (Ty::List(a), Ty::List(b)) => a.compatible(b),
            (Ty::Map(_), Ty::Map(_)) => true,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

/// One variable a condition can read.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    /// Its name in CEL.
    pub name: &'static str,
    /// Its CEL type, in words.
    pub type_name: &'static str,
    /// What it holds.
    pub doc: &'static str,
}

/// Every variable a condition can read, in the order [`Facts`] stores them.
pub const VARIABLES: [Variable; 25] = [
    Variable { name: "task", type_name: "string", doc: "the most probable task type; \"unknown\" while no classifier is loaded" },
    Variable { name: "scores", type_name: "map(string, double)", doc: "probability per task type (scores.code, scores.planning, ...); all 0 without a classifier" },
    Variable { name: "complexity", type_name: "double", doc: "0..1 from the classifier's complexity head, trained on an earlier target (not every model right; a low AlpacaEval win rate); a weak signal that mostly knows which subjects (math, code) are hard, not how hard a prompt is (see docs/model-card.md, Complexity; a form-based difficulty head was measured and not shipped); without a classifier a size/code heuristic (see heuristic_complexity)" },
    Variable { name: "tokens", type_name: "int", doc: "estimated input tokens" },
    Variable { name: "chars", type_name: "int", doc: "characters in the prompt" },
    Variable { name: "words", type_name: "int", doc: "whitespace-separated words" },
    Variable { name: "lines", type_name: "int", doc: "lines in the prompt" },
    Variable { name: "language", type_name: "string", doc: "ISO 639-3 code of the detected language (\"eng\", \"fra\", ...); \"\" when unknown" },
    Variable { name: "has_code", type_name: "bool", doc: "the prompt contains source code" },
    Variable { name: "has_pii", type_name: "bool", doc: "the prompt contains personal data" },
    Variable { name: "pii", type_name: "list(string)", doc: "kinds of personal data found (\"email\", \"phone\", ...)" },
    Variable { name: "classified", type_name: "bool", doc: "whether a classifier prediction is present" },
    Variable { name: "confidence", type_name: "double", doc: "0..1, the top task probability (calibrated); 0 without a classifier" },
    Variable { name: "margin", type_name: "double", doc: "0..1, the top task probability minus the second; 0 without a classifier" },
    Variable { name: "meta", type_name: "object", doc: "request metadata; fields declared under [metadata] with their defaults" },
    Variable { name: "turns", type_name: "int", doc: "user messages in the conversation so far, this turn's included; 1 for a single prompt" },
    Variable { name: "agent_step", type_name: "bool", doc: "the request's last message is a tool result: the model is asked to go on after a tool ran" },
    Variable { name: "tool_count", type_name: "int", doc: "tools the request offers; 0 for a single prompt" },
    Variable { name: "tool_names", type_name: "list(string)", doc: "names of the tools offered (the first 128, each cut to 64 bytes)" },
    Variable { name: "system_tokens", type_name: "int", doc: "estimated tokens of the system prompt; 0 when none" },
    Variable { name: "context_tokens", type_name: "int", doc: "estimated input tokens of the whole request: system + earlier messages + tool schemas + this turn; equals tokens for a single prompt. Costs and the context-window check use it" },
    Variable { name: "has_images", type_name: "bool", doc: "some message holds an image (images are counted, not read as text)" },
    Variable { name: "conversation_task", type_name: "string", doc: "the classifier's task type for the conversation as a whole (every user message, joined); equals task for a single prompt" },
    Variable { name: "conversation_complexity", type_name: "double", doc: "the classifier's complexity for the conversation as a whole; equals complexity for a single prompt" },
    Variable { name: "conversation_confidence", type_name: "double", doc: "the top task probability for the conversation as a whole; equals confidence for a single prompt" },
];

/// The most tool names `tool_names` holds (the rest are counted in `tool_count` only).
pub const MAX_TOOL_NAMES: usize = 128;
/// The longest tool name `tool_names` holds, in bytes (longer names are cut).
pub const MAX_TOOL_NAME_BYTES: usize = 64;

const META_INDEX: usize = 14;

fn var_index(name: &str) -> Option<usize> {
    VARIABLES.iter().position(|v| v.name == name)
}

fn var_ty(index: usize) -> Ty {
    match index {
        0 | 7 | 22 => Ty::String,
        1 => Ty::Map(Box::new(Ty::Double)),
        2 | 12 | 13 | 23 | 24 => Ty::Double,
        3..=6 | 15 | 17 | 19 | 20 => Ty::Int,
        8 | 9 | 11 | 16 | 21 => Ty::Bool,
        10 | 18 => Ty::List(Box::new(Ty::String)),
        _ => Ty::Meta,
    }
}

/// The functions conditions may call (besides operators and the `has`, `all`, `exists`,
/// `exists_one`, `map`, `filter` macros).
pub const FUNCTIONS: [&str; 8] = [
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "int",
    "uint",
    "double",
    "string",
];

/// The shared CEL environment (standard library and macros).
pub(crate) fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| Arc::new(Env::stdlib()))
}

/// A problem in a condition, located by character range inside the condition text.
#[derive(Debug, Clone)]
pub(crate) struct CondIssue {
    pub chars: Range<usize>,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub warning: bool,
    /// A known fix: replace the first `.0` inside the issue's span with `.1`.
    pub suggest: Option<(String, String)>,
}

impl CondIssue {
    fn suggest(mut self, wrong: &str, right: Option<&str>) -> CondIssue {
        self.suggest = right.map(|r| (wrong.to_string(), r.to_string()));
        self
    }
}

fn issue(
    chars: Range<usize>,
    code: &'static str,
    message: String,
    help: Option<String>,
) -> CondIssue {
    CondIssue {
        chars,
        code,
        message,
        help,
        warning: false,
        suggest: None,
    }
}

/// A compiled, type-checked condition.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub source: String,
    pub program: Arc<Program>,
    /// Set when the condition reads no variable: its value is known before any prompt.
    pub constant: Option<bool>,
    /// The variables (names from [`VARIABLES`]) it reads, in that order; see [`read_vars`].
    pub reads: Vec<&'static str>,
    /// The expression that is evaluated: the program with a step counter in every loop
    /// (see [`cost::guarded`]).
    pub guarded: Arc<IdedExpr>,
    /// The static cost estimate (see [`cost::estimate`]).
    pub cost: cost::Estimate,
    /// The metadata fields it reads, when it reads `meta` only as `meta.FIELD`.
    pub meta_fields: Option<Vec<String>>,
}

/// The declared metadata fields and their defaults.
#[derive(Debug, Clone, Default)]
pub(crate) struct MetaSchema {
    pub fields: BTreeMap<String, (Ty, serde_json::Value)>,
}

impl MetaSchema {
    pub(crate) fn ty_of_json(v: &serde_json::Value) -> Option<Ty> {
        Some(match v {
            serde_json::Value::Bool(_) => Ty::Bool,
            serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Ty::Int,
            serde_json::Value::Number(_) => Ty::Double,
            serde_json::Value::String(_) => Ty::String,
            serde_json::Value::Array(a) => {
                let inner = a.first().and_then(Self::ty_of_json).unwrap_or(Ty::Dyn);
                Ty::List(Box::new(inner))
            }
            _ => return None,
        })
    }
}

/// Compiles and type-checks one condition. Errors are located inside `src`.
pub(crate) fn compile(
    src: &str,
    meta: &MetaSchema,
    labels: Option<&[String]>,
) -> Result<(Condition, Vec<CondIssue>), Vec<CondIssue>> {
    let n_chars = src.chars().count();
    let all = 0..n_chars.max(1);
    if src.trim().is_empty() {
        return Err(vec![issue(all, "cel-syntax", "the condition is empty".into(), Some("write a CEL expression such as `task == \"code\"`, or remove `when` to use the rule as [default]".into()))]);
    }
    if src.len() > MAX_CONDITION_BYTES {
        return Err(vec![issue(
            all,
            "cel-syntax",
            format!(
                "the condition is {} bytes long; the limit is {MAX_CONDITION_BYTES}",
                src.len()
            ),
            Some("split it into several rules".into()),
        )]);
    }
    let mut depth = 0usize;
    for (i, c) in src.chars().enumerate() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_CONDITION_NESTING {
                    return Err(vec![issue(
                        i..i + 1,
                        "cel-syntax",
                        format!("brackets nest deeper than {MAX_CONDITION_NESTING} levels"),
                        None,
                    )]);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let program = match env().compile(src) {
        Ok(p) => p,
        Err(errors) => {
            let line_starts: Vec<usize> = std::iter::once(0)
                .chain(
                    src.chars()
                        .enumerate()
                        .filter(|(_, c)| *c == '\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            let mut out = Vec::new();
            for e in errors.errors.iter().take(3) {
                let line = (e.pos.0.max(1) as usize).min(line_starts.len());
                let col = e.pos.1.max(1) as usize;
                let start = (line_starts[line - 1] + col - 1).min(n_chars);
                let (message, help) = explain_parse_error(&e.msg);
                out.push(issue(start..start + 1, "cel-syntax", message, help));
            }
            if out.is_empty() {
                out.push(issue(
                    all,
                    "cel-syntax",
                    "the condition is not valid CEL".into(),
                    None,
                ));
            }
            return Err(out);
        }
    };
    let depth = tree_depth(program.expression());
    if depth > MAX_CONDITION_DEPTH {
        return Err(vec![issue(
            all,
            "cel-syntax",
            format!("the condition nests {depth} levels deep; the limit is {MAX_CONDITION_DEPTH}"),
            Some("split it into several rules, or use `x in [...]` instead of long chains".into()),
        )]);
    }
    let mut checker = Checker {
        program: &program,
        meta,
        labels,
        scope: Vec::new(),
        issues: Vec::new(),
        n_chars,
    };
    let ty = checker.check(program.expression(), 0);
    let mut issues = checker.issues;
    if !matches!(ty, Ty::Bool | Ty::Dyn) && !issues.iter().any(|i| !i.warning) {
        issues.push(issue(
            all.clone(),
            "type",
            format!(
                "a condition must be true or false, but this one gives a {}",
                ty.name()
            ),
            Some("compare it with something, e.g. `complexity > 0.7`".into()),
        ));
    }
    if issues.iter().any(|i| !i.warning) {
        return Err(issues);
    }
    // Bounded work: estimate before anything evaluates the condition (constant folding below
    // runs it).
    let estimate = cost::estimate(program.expression(), meta);
    if estimate.cost > MAX_CONDITION_COST {
        let chars = estimate
            .worst_loop
            .and_then(|id| find_node(program.expression(), id))
            .map(|e| subtree_span(&program, e, src))
            .unwrap_or(all.clone());
        let what = if estimate.worst_loop.is_some() {
            "this loop"
        } else {
            "this condition"
        };
        return Err(vec![issue(
            chars,
            "cel-cost",
            format!(
                "{what} may take too long: its estimated cost is {} units, the budget is {} (up to {} loop iterations)",
                thousands(estimate.cost),
                thousands(MAX_CONDITION_COST),
                thousands(estimate.loop_steps),
            ),
            Some("each all/exists/exists_one/map/filter multiplies the cost of its body by the length of its list, and `+` in a loop can double a string or list each time; avoid nesting loops over literal or metadata lists, or split the test across rules (docs/policy.md, \"Bounded work\")".into()),
        )]);
    }
    let guarded = Arc::new(cost::guarded(program.expression()));
    let constant = if program.references().variables().is_empty() {
        let scope = Scope::constant();
        let mut ctx = Context::with_env(env().clone());
        ctx.set_variable_resolver(&scope);
        scope.eval(&guarded, &ctx).ok()
    } else {
        None
    };
    let reads = read_vars(program.expression());
    let meta_fields = meta_fields(program.expression());
    Ok((
        Condition {
            source: src.to_string(),
            program: Arc::new(program),
            constant,
            reads,
            guarded,
            cost: estimate,
            meta_fields,
        },
        issues,
    ))
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    crate::format::thousands(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Every child of a node (comprehension parts included).
fn children(e: &IdedExpr) -> Vec<&IdedExpr> {
    match &e.expr {
        Expr::Call(c) => c
            .target
            .as_deref()
            .into_iter()
            .chain(c.args.iter())
            .collect(),
        Expr::Select(s) => vec![&s.operand],
        Expr::List(l) => l.elements.iter().collect(),
        Expr::Map(m) => m
            .entries
            .iter()
            .flat_map(|entry| match &entry.expr {
                cel::common::ast::EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                cel::common::ast::EntryExpr::StructField(f) => vec![&f.value],
            })
            .collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        _ => Vec::new(),
    }
}

fn find_node(root: &IdedExpr, id: u64) -> Option<&IdedExpr> {
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        if e.id == id {
            return Some(e);
        }
        stack.extend(children(e));
    }
    None
}

/// The characters a whole sub-expression covers, from its leftmost to its rightmost node, and
/// over the `)` that close its loops (the tree does not record them).
fn subtree_span(program: &Program, e: &IdedExpr, src: &str) -> Range<usize> {
    let n_chars = src.chars().count();
    let mut lo = usize::MAX;
    let mut hi = 0;
    let mut loops = 0;
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        if let Some((a, b)) = program.source_info().offset_for(x.id) {
            lo = lo.min(a as usize);
            hi = hi.max(b as usize + 1);
        }
        loops += usize::from(matches!(x.expr, Expr::Comprehension(_)));
        stack.extend(children(x));
    }
    if lo >= hi || lo >= n_chars {
        return 0..n_chars.max(1);
    }
    for c in src.chars().skip(hi) {
        match c {
            ')' if loops > 0 => loops -= 1,
            c if c.is_whitespace() => {}
            _ => break,
        }
        hi += 1;
    }
    lo..hi.min(n_chars).max(lo + 1)
}

/// The variables of [`VARIABLES`] an expression reads, in that order, found by walking the
/// parsed tree: a comprehension's own variables (`pii.exists(language, ...)`) shadow the
/// variable of the same name inside its loop, as they do at run time.
pub(crate) fn read_vars(root: &IdedExpr) -> Vec<&'static str> {
    let mut seen = [false; VARIABLES.len()];
    // (node, comprehension variables in scope there)
    let mut stack: Vec<(&IdedExpr, Vec<&str>)> = vec![(root, Vec::new())];
    while let Some((e, scope)) = stack.pop() {
        match &e.expr {
            Expr::Ident(name) if !scope.contains(&name.as_str()) => {
                if let Some(i) = var_index(name) {
                    seen[i] = true;
                }
            }
            Expr::Select(s) => stack.push((&s.operand, scope)),
            Expr::Call(c) => {
                for a in c.target.as_deref().into_iter().chain(c.args.iter()) {
                    stack.push((a, scope.clone()));
                }
            }
            Expr::List(l) => stack.extend(l.elements.iter().map(|x| (x, scope.clone()))),
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                        stack.push((&me.key, scope.clone()));
                        stack.push((&me.value, scope.clone()));
                    }
                }
            }
            Expr::Comprehension(c) => {
                // The range and the initial accumulator are outside the loop's scope.
                stack.push((&c.iter_range, scope.clone()));
                stack.push((&c.accu_init, scope.clone()));
                let mut inner = scope;
                inner.push(&c.iter_var);
                inner.push(&c.accu_var);
                if let Some(v) = &c.iter_var2 {
                    inner.push(v);
                }
                for x in [&c.loop_cond, &c.loop_step, &c.result] {
                    stack.push((x, inner.clone()));
                }
            }
            _ => {}
        }
    }
    VARIABLES
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(v, _)| v.name)
        .collect()
}

/// The `scores.X` and `meta.X` fields an expression reads, in order of first use, deduplicated.
pub(crate) fn field_refs(root: &IdedExpr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        match &e.expr {
            Expr::Select(s) => {
                if let Expr::Ident(v) = &s.operand.expr {
                    if v == "scores" || v == "meta" {
                        let f = format!("{v}.{}", s.field);
                        if !out.contains(&f) {
                            out.push(f);
                        }
                    }
                }
                stack.push(&s.operand);
            }
            Expr::Call(c) => {
                stack.extend(c.args.iter().rev());
                stack.extend(c.target.as_deref());
            }
            Expr::List(l) => stack.extend(l.elements.iter()),
            Expr::Comprehension(c) => {
                stack.extend([
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ]);
            }
            _ => {}
        }
    }
    out
}

/// The depth of an expression tree, computed without recursion.
fn tree_depth(root: &IdedExpr) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        if d > MAX_CONDITION_DEPTH {
            continue;
        }
        match &e.expr {
            Expr::Call(c) => {
                stack.extend(c.target.as_deref().map(|t| (t, d + 1)));
                stack.extend(c.args.iter().map(|a| (a, d + 1)));
            }
            Expr::Select(s) => stack.push((&s.operand, d + 1)),
            Expr::List(l) => stack.extend(l.elements.iter().map(|x| (x, d + 1))),
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                        stack.push((&me.key, d + 1));
                        stack.push((&me.value, d + 1));
                    }
                }
            }
            Expr::Comprehension(c) => {
                for x in [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ] {
                    stack.push((x, d + 1));
                }
            }
            _ => {}
        }
    }
    max
}

fn explain_parse_error(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim_start_matches("Syntax error: ");
    if msg.contains("'<EOF>'") {
        return (
            "the condition ends too early: an operand is missing".into(),
            Some("finish the expression, e.g. `tokens > 1000`".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("token recognition error at: ") {
        return (
            format!("unexpected character {rest}"),
            Some(
                "CEL strings use quotes: \"...\" or '...'; `and`/`or` are written && and ||".into(),
            ),
        );
    }
    let short = match msg.find(" expecting ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    let help = if msg.contains(" expecting ") {
        Some(
            "CEL expects an operand here: a signal such as `tokens`, a literal, `(`, `!` or `-`"
                .to_string(),
        )
    } else {
        None
    };
    (format!("CEL syntax error: {short}"), help)
}

struct Checker<'a> {
    program: &'a Program,
    meta: &'a MetaSchema,
    /// The classifier's own labels, when not the shipped task types.
    labels: Option<&'a [String]>,
    scope: Vec<String>,
    issues: Vec<CondIssue>,
    n_chars: usize,
}

impl Checker<'_> {
    fn span(&self, e: &IdedExpr) -> Range<usize> {
        match self.program.source_info().offset_for(e.id) {
            Some((a, b)) => {
                let a = (a as usize).min(self.n_chars);
                let b = (b as usize).max(a).min(self.n_chars);
                a..(b + 1).max(a + 1)
            }
            None => 0..self.n_chars.max(1),
        }
    }

    /// The span of a whole sub-expression: from its leftmost to its rightmost node.
    fn full_span(&self, e: &IdedExpr) -> Range<usize> {
        let mut r = self.span(e);
        let mut stack = vec![e];
        let mut seen = 0;
        while let Some(x) = stack.pop() {
            seen += 1;
            if seen > 500 {
                break;
            }
            let s = self.span(x);
            r.start = r.start.min(s.start);
            r.end = r.end.max(s.end);
            match &x.expr {
                Expr::Call(c) => {
                    stack.extend(c.target.as_deref());
                    stack.extend(c.args.iter());
                }
                Expr::Select(s) => stack.push(&s.operand),
                Expr::List(l) => stack.extend(l.elements.iter()),
                _ => {}
            }
        }
        r
    }

    fn err(
        &mut self,
        e: &IdedExpr,
        code: &'static str,
        message: String,
        help: Option<String>,
    ) -> Ty {
        let chars = self.span(e);
        self.issues.push(issue(chars, code, message, help));
        Ty::Dyn
    }

    fn check(&mut self, e: &IdedExpr, depth: usize) -> Ty {
        if depth > 400 {
            return Ty::Dyn;
        }
        match &e.expr {
            Expr::Unspecified => Ty::Dyn,
            Expr::Literal(l) => match l {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Bytes(_) => Ty::Bytes,
                LiteralValue::Double(_) => Ty::Double,
                LiteralValue::Int(_) => Ty::Int,
                LiteralValue::Null => Ty::Null,
                LiteralValue::String(_) => Ty::String,
                LiteralValue::UInt(_) => Ty::UInt,
            },
            Expr::Ident(name) => {
                if self.scope.iter().any(|s| s == name) {
                    return Ty::Dyn;
                }
                match var_index(name) {
                    Some(i) => var_ty(i),
                    None => {
                        let names = VARIABLES.iter().map(|v| v.name);
                        let near = crate::catalog::closest(name, names);
                        let help = match near {
                            Some(s) => format!("did you mean `{s}`? Signals: {}", variable_list()),
                            None => format!(
                                "signals: {}; request metadata is read as meta.FIELD",
                                variable_list()
                            ),
                        };
                        let chars = self.span(e);
                        self.issues.push(
                            issue(
                                chars,
                                "unknown-signal",
                                format!("unknown signal `{name}`"),
                                Some(help),
                            )
                            .suggest(name, near),
                        );
                        Ty::Dyn
                    }
                }
            }
            Expr::Select(sel) => {
                let operand = self.check(&sel.operand, depth + 1);
                if sel.test {
                    return Ty::Bool;
                }
                match operand {
                    Ty::Meta => {
                        match self.meta.fields.get(&sel.field) {
                            Some((t, _)) => t.clone(),
                            None => {
                                let declared: Vec<&str> =
                                    self.meta.fields.keys().map(|s| s.as_str()).collect();
                                let near =
                                    crate::catalog::closest(&sel.field, declared.iter().copied());
                                let help = if declared.is_empty() {
                                    format!("declare it with a default under [metadata], e.g. `{} = \"free\"`", sel.field)
                                } else {
                                    match near {
                                    Some(s) => format!("did you mean `meta.{s}`? Or declare it under [metadata]"),
                                    None => format!("declared fields: {}; add it under [metadata]", declared.join(", ")),
                                }
                                };
                                let chars = self.full_span(e);
                                self.issues.push(
                                    issue(
                                        chars,
                                        "unknown-field",
                                        format!("unknown metadata field `meta.{}`", sel.field),
                                        Some(help),
                                    )
                                    .suggest(&sel.field, near),
                                );
                                Ty::Dyn
                            }
                        }
                    }
                    Ty::Map(v) => {
                        // `scores` always has the shipped task types (0 under a custom
                        // model) and, under a custom model, its labels too.
                        let custom = self.labels.unwrap_or_default();
                        if is_scores(&sel.operand)
                            && !TASK_TYPES.contains(&sel.field.as_str())
                            && !custom.contains(&sel.field)
                        {
                            let near = crate::catalog::closest(
                                &sel.field,
                                TASK_TYPES
                                    .iter()
                                    .copied()
                                    .chain(custom.iter().map(String::as_str)),
                            );
                            let help = match (near, self.labels) {
                                (Some(s), _) => format!("did you mean `scores.{s}`?"),
                                (None, Some(l)) => {
                                    format!("labels of the classifier in use: {}", l.join(", "))
                                }
                                (None, None) => format!("task types: {}", TASK_TYPES.join(", ")),
                            };
                            let chars = self.full_span(e);
                            self.issues.push(
                                issue(
                                    chars,
                                    "unknown-field",
                                    format!("`{}` is not a task type", sel.field),
                                    Some(help),
                                )
                                .suggest(&sel.field, near),
                            );
                            return Ty::Dyn;
                        }
                        *v
                    }
                    Ty::Dyn => Ty::Dyn,
                    other => self.err(
                        e,
                        "type",
                        format!("cannot read field `{}` of a {}", sel.field, other.name()),
                        None,
                    ),
                }
            }
            Expr::List(l) => {
                let mut elem: Option<Ty> = None;
                for x in &l.elements {
                    let t = self.check(x, depth + 1);
                    elem = Some(match elem {
                        None => t,
                        Some(prev) if prev == t => prev,
                        Some(_) => Ty::Dyn,
                    });
                }
                Ty::List(Box::new(elem.unwrap_or(Ty::Dyn)))
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                        self.check(&me.key, depth + 1);
                        self.check(&me.value, depth + 1);
                    }
                }
                Ty::Map(Box::new(Ty::Dyn))
            }
            Expr::Struct(_) => self.err(
                e,
                "type",
                "message construction is not supported in conditions".into(),
                None,
            ),
            Expr::Comprehension(c) => {
                let range = self.check(&c.iter_range, depth + 1);
                if !matches!(range, Ty::List(_) | Ty::Map(_) | Ty::Dyn) {
                    return self.err(
                        &c.iter_range,
                        "type",
                        format!("cannot iterate over a {}", range.name()),
                        None,
                    );
                }
                self.check(&c.accu_init, depth + 1);
                let pushed = 2 + usize::from(c.iter_var2.is_some());
                self.scope.push(c.iter_var.clone());
                self.scope.push(c.accu_var.clone());
                if let Some(v) = &c.iter_var2 {
                    self.scope.push(v.clone());
                }
                self.check(&c.loop_cond, depth + 1);
                self.check(&c.loop_step, depth + 1);
                let t = self.check(&c.result, depth + 1);
                for _ in 0..pushed {
                    self.scope.pop();
                }
                t
            }
            Expr::Call(call) => self.check_call(e, call, depth),
        }
    }

    fn check_call(&mut self, e: &IdedExpr, call: &cel::common::ast::CallExpr, depth: usize) -> Ty {
        let f = call.func_name.as_str();
        let target = call.target.as_deref().map(|t| self.check(t, depth + 1));
        let args: Vec<Ty> = call.args.iter().map(|a| self.check(a, depth + 1)).collect();
        let side = |i: usize| if i == 0 { "left" } else { "right" };
        match f {
            "_&&_" | "_||_" => {
                let op = if f == "_&&_" { "&&" } else { "||" };
                for (i, t) in args.iter().enumerate() {
                    if !matches!(t, Ty::Bool | Ty::Dyn) {
                        let a = &call.args[i];
                        let chars = self.full_span(a);
                        self.issues.push(issue(
                            chars,
                            "type",
                            format!(
                                "`{op}` needs true/false on both sides, but the {} side is a {}",
                                side(i),
                                t.name()
                            ),
                            Some("compare the value, e.g. `complexity > 0.5`".into()),
                        ));
                    }
                }
                Ty::Bool
            }
            "!_" => {
                if !matches!(args.first(), Some(Ty::Bool | Ty::Dyn)) {
                    let t = args.first().map(|t| t.name()).unwrap_or_default();
                    return self.err(e, "type", format!("`!` needs true/false, not a {t}"), None);
                }
                Ty::Bool
            }
            "-_" => match args.first() {
                Some(t) if t.numeric() || *t == Ty::Dyn => t.clone(),
                Some(t) => self.err(e, "type", format!("cannot negate a {}", t.name()), None),
                None => Ty::Dyn,
            },
            "_==_" | "_!=_" => {
                if args.len() == 2 && !args[0].compatible(&args[1]) {
                    let chars = self.full_span(e);
                    self.issues.push(issue(
                        chars,
                        "type",
                        format!(
                            "comparing a {} with a {} is never true",
                            args[0].name(),
                            args[1].name()
                        ),
                        Some(type_help(&args[0], &args[1])),
                    ));
                    return Ty::Bool;
                }
                self.check_task_literal(call);
                Ty::Bool
            }
            "_<_" | "_<=_" | "_>_" | "_>=_" => {
                if args.len() == 2 {
                    let (a, b) = (&args[0], &args[1]);
                    let ok = (a.numeric() && b.numeric())
                        || *a == Ty::Dyn
                        || *b == Ty::Dyn
                        || (a == b && matches!(a, Ty::String | Ty::Bytes | Ty::Bool));
                    if !ok {
                        let chars = self.full_span(e);
                        self.issues.push(issue(
                            chars,
                            "type",
                            format!("cannot order a {} against a {}", a.name(), b.name()),
                            Some(type_help(a, b)),
                        ));
                    }
                }
                Ty::Bool
            }
            "_+_" | "_-_" | "_*_" | "_/_" | "_%_" => {
                if args.len() != 2 {
                    return Ty::Dyn;
                }
                let (a, b) = (&args[0], &args[1]);
                if *a == Ty::Dyn || *b == Ty::Dyn {
                    return Ty::Dyn;
                }
                if a.numeric() && b.numeric() {
                    if a == b {
                        return a.clone();
                    }
                    let chars = self.full_span(e);
                    self.issues.push(issue(
                        chars,
                        "type",
                        format!(
                            "CEL does not mix {} and {} in arithmetic",
                            a.name(),
                            b.name()
                        ),
                        Some("convert one side, e.g. `double(tokens) * 0.5`".into()),
                    ));
                    return Ty::Dyn;
                }
                if f == "_+_" && a == b && matches!(a, Ty::String | Ty::List(_) | Ty::Bytes) {
                    return a.clone();
                }
                let op = &f[1..f.len() - 1];
                let chars = self.full_span(e);
                self.issues.push(issue(
                    chars,
                    "type",
                    format!("`{op}` cannot combine a {} and a {}", a.name(), b.name()),
                    None,
                ));
                Ty::Dyn
            }
            "_?_:_" => {
                if let Some(c) = args.first() {
                    if !matches!(c, Ty::Bool | Ty::Dyn) {
                        self.err(
                            &call.args[0],
                            "type",
                            format!("the test of `? :` must be true/false, not a {}", c.name()),
                            None,
                        );
                    }
                }
                match (args.get(1), args.get(2)) {
                    (Some(a), Some(b)) if a == b => a.clone(),
                    _ => Ty::Dyn,
                }
            }
            "_[_]" => match (args.first(), args.get(1)) {
                (Some(Ty::List(el)), Some(i)) => {
                    if !matches!(i, Ty::Int | Ty::UInt | Ty::Dyn) {
                        return self.err(
                            e,
                            "type",
                            format!("a list index must be an int, not a {}", i.name()),
                            None,
                        );
                    }
                    (**el).clone()
                }
                (Some(Ty::Map(v)), _) => (**v).clone(),
                (Some(Ty::Meta | Ty::Dyn), _) => Ty::Dyn,
                (Some(t), _) => {
                    self.err(e, "type", format!("cannot index into a {}", t.name()), None)
                }
                _ => Ty::Dyn,
            },
            "@in" => {
                if let (Some(x), Some(coll)) = (args.first(), args.get(1)) {
                    match coll {
                        Ty::List(el) if !x.compatible(el) => {
                            let chars = self.full_span(e);
                            self.issues.push(issue(
                                chars,
                                "type",
                                format!("a {} is never in a {}", x.name(), coll.name()),
                                None,
                            ));
                        }
                        Ty::List(_) | Ty::Map(_) | Ty::Dyn | Ty::Meta => {}
                        other => {
                            let chars = self.full_span(e);
                            self.issues.push(issue(
                                chars,
                                "type",
                                format!(
                                    "`in` needs a list or map on its right, not a {}",
                                    other.name()
                                ),
                                None,
                            ));
                        }
                    }
                }
                Ty::Bool
            }
            "@not_strictly_false" => Ty::Bool,
            "size" => {
                let t = target.as_ref().or(args.first());
                match t {
                    Some(Ty::String | Ty::Bytes | Ty::List(_) | Ty::Map(_) | Ty::Dyn) => Ty::Int,
                    Some(t) => self.err(
                        e,
                        "type",
                        format!("`size` needs a string, list or map, not a {}", t.name()),
                        None,
                    ),
                    None => Ty::Int,
                }
            }
            "contains" | "startsWith" | "endsWith" => {
                match (&target, args.first()) {
                    (Some(Ty::String | Ty::Dyn), Some(Ty::String | Ty::Dyn)) => {}
                    (Some(t), Some(a)) => {
                        return self.err(e, "type", format!("`{f}` works on strings, here it is called on a {} with a {}", t.name(), a.name()), Some(format!("write it as `text.{f}(\"word\")`; to test list membership use `x in list`")));
                    }
                    _ => {
                        return self.err(
                            e,
                            "type",
                            format!("`{f}` is called as `string.{f}(string)`"),
                            None,
                        );
                    }
                }
                Ty::Bool
            }
            "int" => Ty::Int,
            "uint" => Ty::UInt,
            "double" => Ty::Double,
            "string" => Ty::String,
            _ => {
                let help = if f == "matches" {
                    "regular expressions are not enabled in Routeplay (they would double the app's size); use contains/startsWith/endsWith".to_string()
                } else {
                    format!("available functions: {}", FUNCTIONS.join(", "))
                };
                // The node sits at the `(`; the name is just before it.
                let paren = self.span(e).start;
                let n = f.chars().count();
                let chars = if paren >= n {
                    paren - n..paren
                } else {
                    self.span(e)
                };
                self.issues.push(issue(
                    chars,
                    "unknown-function",
                    format!("unknown function `{f}`"),
                    Some(help),
                ));
                Ty::Dyn
            }
        }
    }

    /// Warns on `task == "cod"`: a task type that does not exist never matches.
    fn check_task_literal(&mut self, call: &cel::common::ast::CallExpr) {
        if call.args.len() != 2 {
            return;
        }
        for (a, b) in [
            (&call.args[0], &call.args[1]),
            (&call.args[1], &call.args[0]),
        ] {
            if matches!(&a.expr, Expr::Ident(n) if n == "task" && !self.scope.iter().any(|s| s == "task"))
            {
                if let Expr::Literal(LiteralValue::String(s)) = &b.expr {
                    let s = s.inner();
                    let known: Vec<&str> = match self.labels {
                        Some(l) => l.iter().map(String::as_str).collect(),
                        None => TASK_TYPES.to_vec(),
                    };
                    if s != "unknown" && !known.contains(&s) {
                        let near = crate::catalog::closest(s, known.iter().copied());
                        let help = match (near, self.labels) {
                            (Some(t), _) => format!("did you mean \"{t}\"?"),
                            (None, Some(_)) => {
                                format!("labels of the classifier in use: {}", known.join(", "))
                            }
                            (None, None) => format!("task types: {}", TASK_TYPES.join(", ")),
                        };
                        let message = match self.labels {
                            Some(_) => format!("\"{s}\" is not a label of the classifier in use (your own model), so this never matches"),
                            None => format!("\"{s}\" is not a task type, so this never matches"),
                        };
                        let chars = self.span(b);
                        self.issues.push(CondIssue {
                            chars,
                            code: "unknown-task",
                            message,
                            help: Some(help),
                            warning: true,
                            suggest: near.map(|t| (s.to_string(), t.to_string())),
                        });
                    }
                }
            }
        }
    }
}

fn is_scores(e: &IdedExpr) -> bool {
    matches!(&e.expr, Expr::Ident(n) if n == "scores")
}

fn type_help(a: &Ty, b: &Ty) -> String {
    if matches!((a, b), (Ty::String, t) | (t, Ty::String) if t.numeric()) {
        "numbers and strings never compare; quote both or neither (e.g. `complexity > 0.7`, `task == \"code\"`)".into()
    } else {
        "both sides must have the same kind of value".into()
    }
}

fn variable_list() -> String {
    VARIABLES
        .iter()
        .map(|v| v.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The complexity used when no classifier prediction is present: 0.2, plus up to 0.4 for
/// length (full at 2,000 tokens), plus 0.2 when the prompt has code, plus 0.1 for more than 20
/// lines. Clamped to 0..1. A rough stand-in, documented so policies can be written against it.
pub fn heuristic_complexity(cheap: &CheapSignals) -> f64 {
    let len = (cheap.tokens as f64 / 2000.0).min(1.0) * 0.4;
    let code = if cheap.has_code { 0.2 } else { 0.0 };
    let lines = if cheap.lines > 20 { 0.1 } else { 0.0 };
    (0.2 + len + code + lines).clamp(0.0, 1.0)
}

/// FNV-1a hash of a prompt's text: the key that makes weighted splits deterministic per prompt.
pub fn split_key(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub(crate) fn json_to_cel(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(a) => Value::List(Arc::new(a.iter().map(json_to_cel).collect())),
        serde_json::Value::Object(o) => {
            let m: HashMap<Key, Value> = o
                .iter()
                .map(|(k, v)| (Key::from(k.clone()), json_to_cel(v)))
                .collect();
            Value::Map(m.into())
        }
    }
}

pub(crate) fn boxed(v: Value) -> Box<dyn Val> {
    match v.try_into() {
        Ok(b) => b,
        Err(_) => Box::new(cel::common::types::CelNull),
    }
}

/// A PII kind's name in `pii`: its serde name (`card_number`, ...).
fn pii_name(k: PiiKind) -> &'static str {
    match k {
        PiiKind::Email => "email",
        PiiKind::Phone => "phone",
        PiiKind::CardNumber => "card_number",
        PiiKind::Ssn => "ssn",
        PiiKind::Iban => "iban",
        PiiKind::IpAddress => "ip_address",
    }
}

/// Everything a policy needs to know about one prompt, prepared once and reused by every
/// policy (no per-decision rebuild of the CEL values).
#[derive(Debug)]
pub struct Facts {
    pub(crate) split_key: u64,
    pub(crate) task: String,
    pub(crate) classified: bool,
    pub(crate) complexity: f64,
    pub(crate) input_tokens: f64,
    pub(crate) metadata: Metadata,
    /// Request metadata over the limits conditions may read (see [`MetaLimits`]).
    pub(crate) meta_limits: MetaLimits,
    vars: Vec<Box<dyn Val>>,
}

impl Facts {
    /// Prepares the facts of a prompt: `text` only feeds the split key (see [`split_key`]).
    pub fn new(text: &str, signals: &PromptSignals, metadata: &Metadata) -> Facts {
        Facts::with_key(split_key(text), signals, metadata)
    }

    /// Like [`Facts::new`] with a precomputed split key.
    pub fn with_key(key: u64, signals: &PromptSignals, metadata: &Metadata) -> Facts {
        // The CEL values are built directly in the form conditions read them (`Box<dyn Val>`),
        // borrowing the static task-type and PII names: building them through `Value` made
        // three hash maps and a string per entry for `scores` alone (issue 14).
        let cheap = &signals.cheap;
        let mut scores: HashMap<CelMapKey<'static>, Box<dyn Val>> =
            HashMap::with_capacity(TASK_TYPES.len() + 1);
        let (task, complexity) = match &signals.task {
            Some(p) => {
                let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
                for t in TASK_TYPES {
                    let v = p.scores.get(t).map_or(0.0, |v| finite(*v));
                    scores.insert(CelMapKey::from(t), Box::new(CelDouble::from(v)));
                }
                for (k, v) in &p.scores {
                    if !TASK_TYPES.contains(&k.as_str()) {
                        scores.insert(
                            CelMapKey::from(k.clone()),
                            Box::new(CelDouble::from(finite(*v))),
                        );
                    }
                }
                let c = if p.complexity.is_finite() {
                    p.complexity.clamp(0.0, 1.0)
                } else {
                    0.5
                };
                (p.label.clone(), c)
            }
            None => {
                for t in TASK_TYPES {
                    scores.insert(CelMapKey::from(t), Box::new(CelDouble::from(0.0)));
                }
                ("unknown".to_string(), heuristic_complexity(cheap))
            }
        };
        let lang = cheap.language.as_ref().map(|l| l.code.clone());
        let mut kinds = cheap.pii.clone();
        kinds.sort();
        kinds.dedup();
        let pii: Vec<Box<dyn Val>> = kinds
            .iter()
            .map(|k| Box::new(CelString::from(pii_name(*k))) as Box<dyn Val>)
            .collect();
        let (confidence, margin) = signals
            .task
            .as_ref()
            .map_or((0.0, 0.0), |p| (p.confidence(), p.margin()));
        let string = |s: &str| -> Box<dyn Val> {
            match TASK_TYPES.iter().find(|t| **t == s) {
                Some(t) => Box::new(CelString::from(*t)),
                None => Box::new(CelString::from(s.to_string())),
            }
        };
        let int = |i: usize| -> Box<dyn Val> { Box::new(CelInt::from(i as i64)) };
        let float = |f: f64| -> Box<dyn Val> { Box::new(CelDouble::from(f)) };
        let bool = |b: bool| -> Box<dyn Val> { Box::new(CelBool::from(b)) };
        let mut vars: Vec<Box<dyn Val>> = Vec::with_capacity(VARIABLES.len());
        vars.extend([
            string(&task),
            Box::new(CelMap::from(scores)),
            float(complexity),
            int(cheap.tokens),
            int(cheap.chars),
            int(cheap.words),
            int(cheap.lines),
            match lang {
                Some(l) => Box::new(CelString::from(l)),
                None => Box::new(CelString::from("")),
            },
            bool(cheap.has_code),
            bool(cheap.has_pii()),
            Box::new(CelList::from(pii)),
            bool(signals.task.is_some()),
            float(confidence),
            float(margin),
            // `meta` is bound per policy (see `Scope`); this slot keeps the indices aligned.
            Box::new(CelNull),
        ]);
        // A single prompt is a one-turn conversation (see `Facts::set_conversation`).
        vars.extend([
            int(1),
            bool(false),
            int(0),
            Box::new(CelList::from(Vec::new())) as Box<dyn Val>,
            int(0),
            int(cheap.tokens),
            bool(false),
            string(&task),
            float(complexity),
            float(confidence),
        ]);
        Facts {
            split_key: key,
            task,
            classified: signals.task.is_some(),
            complexity,
            input_tokens: cheap.tokens as f64,
            metadata: metadata.clone(),
            meta_limits: MetaLimits::of(metadata),
            vars,
        }
    }

    /// The task type conditions see (`"unknown"` without a classifier).
    pub fn task(&self) -> &str {
        &self.task
    }

    /// The complexity conditions see.
    pub fn complexity(&self) -> f64 {
        self.complexity
    }

    /// Estimated input tokens.
    pub fn input_tokens(&self) -> f64 {
        self.input_tokens
    }

    /// Whether a classifier prediction was present.
    pub fn classified(&self) -> bool {
        self.classified
    }

    /// How many variables a condition sees for these facts: one value per fact, `meta`
    /// included (its slot is bound per policy).
    #[cfg(test)]
    pub(crate) fn bound_count(&self) -> usize {
        self.vars.len()
    }

    /// Makes these facts describe a whole conversation: the conversation variables (`turns`,
    /// `agent_step`, `tool_count`, `tool_names`, `system_tokens`, `context_tokens`,
    /// `has_images`, `conversation_task`, `conversation_complexity`,
    /// `conversation_confidence`) take the given values, and the input tokens that costs and
    /// the context-window check use become `context_tokens`. The other variables describe the
    /// last user message. `whole` is the classifier's view of the conversation as a whole;
    /// `None` keeps this turn's.
    pub fn set_conversation(&mut self, c: &ConversationFacts, whole: Option<&TaskPrediction>) {
        let names: Vec<Value> = c
            .tool_names
            .iter()
            .take(MAX_TOOL_NAMES)
            .map(|n| {
                let mut end = n.len().min(MAX_TOOL_NAME_BYTES);
                while !n.is_char_boundary(end) {
                    end -= 1;
                }
                Value::String(Arc::new(n[..end].to_string()))
            })
            .collect();
        let at = META_INDEX + 1;
        self.vars[at] = boxed(Value::Int(c.turns as i64));
        self.vars[at + 1] = boxed(Value::Bool(c.agent_step));
        self.vars[at + 2] = boxed(Value::Int(c.tool_names.len() as i64));
        self.vars[at + 3] = boxed(Value::List(Arc::new(names)));
        self.vars[at + 4] = boxed(Value::Int(c.system_tokens as i64));
        self.vars[at + 5] = boxed(Value::Int(c.context_tokens as i64));
        self.vars[at + 6] = boxed(Value::Bool(c.images > 0));
        if let Some(w) = whole {
            let complexity = if w.complexity.is_finite() {
                w.complexity.clamp(0.0, 1.0)
            } else {
                0.5
            };
            self.vars[at + 7] = boxed(Value::String(Arc::new(w.label.clone())));
            self.vars[at + 8] = boxed(Value::Float(complexity));
            self.vars[at + 9] = boxed(Value::Float(w.confidence()));
        }
        self.input_tokens = c.context_tokens as f64;
    }
}

/// The size and shape of a conversation, as [`Facts::set_conversation`] reads it (made by
/// `crate::conversation::signals`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ConversationFacts {
    /// User messages so far, this turn's included.
    pub turns: usize,
    /// The last message is a tool result.
    pub agent_step: bool,
    /// Names of the tools offered, in order.
    pub tool_names: Vec<String>,
    /// Estimated tokens of the system prompt.
    pub system_tokens: usize,
    /// Estimated input tokens of the whole request.
    pub context_tokens: usize,
    /// Images in the request.
    pub images: usize,
}

/// Where request metadata is over the limits the cost estimate assumes: more than
/// [`MAX_META_FIELDS`] fields, or values over [`MAX_META_VALUE_BYTES`] bytes of JSON.
#[derive(Debug, Default)]
pub(crate) struct MetaLimits {
    too_many: Option<String>,
    /// (field, why) for each oversized value.
    too_big: Vec<(String, String)>,
}

impl MetaLimits {
    fn of(metadata: &Metadata) -> MetaLimits {
        let mut out = MetaLimits::default();
        if metadata.len() > MAX_META_FIELDS {
            out.too_many = Some(format!(
                "the request metadata has {} fields; a condition that reads `meta` as a whole reads at most {MAX_META_FIELDS}",
                metadata.len()
            ));
        }
        for (k, v) in metadata {
            let n = serde_json::to_string(v).map_or(usize::MAX, |s| s.len());
            if n > MAX_META_VALUE_BYTES {
                out.too_big.push((
                    k.clone(),
                    format!("request metadata `{k}` is {n} bytes of JSON; conditions read values of at most {MAX_META_VALUE_BYTES}"),
                ));
            }
        }
        out
    }

    /// Why `cond` may not run on this metadata, if it may not: it reads an oversized field,
    /// or reads `meta` as a whole (iterates it, indexes it) while any limit is exceeded.
    pub(crate) fn check(&self, cond: &Condition) -> Option<&str> {
        if !cond.reads.contains(&"meta") {
            return None;
        }
        match &cond.meta_fields {
            None => self
                .too_many
                .as_deref()
                .or(self.too_big.first().map(|(_, why)| why.as_str())),
            Some(fields) => self
                .too_big
                .iter()
                .find(|(k, _)| fields.contains(k))
                .map(|(_, why)| why.as_str()),
        }
    }
}

/// The `meta.FIELD` names an expression reads when it reads `meta` only that way; `None` when
/// it uses `meta` otherwise (`meta["x"]`, `meta.all(...)`, `"x" in meta`).
fn meta_fields(root: &IdedExpr) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut stack: Vec<(&IdedExpr, bool)> = vec![(root, false)];
    while let Some((e, shadowed)) = stack.pop() {
        match &e.expr {
            Expr::Ident(n) if n == "meta" && !shadowed => return None,
            Expr::Select(sel) => match &sel.operand.expr {
                Expr::Ident(n) if n == "meta" && !shadowed => {
                    if !fields.contains(&sel.field) {
                        fields.push(sel.field.clone());
                    }
                }
                _ => stack.push((&sel.operand, shadowed)),
            },
            Expr::Comprehension(c) => {
                stack.push((&c.iter_range, shadowed));
                stack.push((&c.accu_init, shadowed));
                let inner = shadowed
                    || c.iter_var == "meta"
                    || c.accu_var == "meta"
                    || c.iter_var2.as_deref() == Some("meta");
                for x in [&c.loop_cond, &c.loop_step, &c.result] {
                    stack.push((x, inner));
                }
            }
            _ => stack.extend(children(e).into_iter().map(|x| (x, shadowed))),
        }
    }
    Some(fields)
}

/// What one policy's conditions see for one prompt: the shared facts plus this policy's
/// metadata (declared defaults overlaid with the request's values).
pub(crate) struct Scope<'a> {
    pub facts: Option<&'a Facts>,
    pub meta: CowMeta<'a>,
    /// Loop iterations run by the condition being evaluated (see [`cost::guarded`]).
    steps: AtomicU64,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(facts: &'a Facts, meta: CowMeta<'a>) -> Scope<'a> {
        Scope {
            facts: Some(facts),
            meta,
            steps: AtomicU64::new(0),
        }
    }

    /// A scope with no variables, for conditions that read none.
    pub(crate) fn constant() -> Scope<'static> {
        Scope {
            facts: None,
            meta: CowMeta::Owned(boxed(Value::Null)),
            steps: AtomicU64::new(0),
        }
    }

    /// Loop iterations counted since the last evaluation started.
    pub(crate) fn steps(&self) -> u64 {
        self.steps.load(Ordering::Relaxed)
    }

    /// Evaluates a guarded condition (see [`cost::guarded`]) with a fresh step budget.
    pub(crate) fn eval(&self, guarded: &IdedExpr, ctx: &Context) -> Result<bool, String> {
        Ok(self.eval_counted(guarded, ctx)?.0)
    }

    /// Like [`Scope::eval`], also returning the loop iterations it ran.
    pub(crate) fn eval_counted(
        &self,
        guarded: &IdedExpr,
        ctx: &Context,
    ) -> Result<(bool, u64), String> {
        self.steps.store(0, Ordering::Relaxed);
        let r = Value::resolve(guarded, ctx);
        let steps = self.steps.load(Ordering::Relaxed);
        if steps > MAX_CONDITION_STEPS {
            return Err(format!(
                "the condition ran over its step budget ({MAX_CONDITION_STEPS} loop iterations) and was stopped"
            ));
        }
        match r {
            Ok(Value::Bool(b)) => Ok((b, steps)),
            Ok(other) => Err(format!(
                "the condition gave {} instead of true/false",
                super::decide::short_value(&other)
            )),
            Err(e) => Err(e.to_string()),
        }
    }
}

pub(crate) enum CowMeta<'a> {
    Borrowed(&'a dyn Val),
    Owned(Box<dyn Val>),
}

impl VariableResolver for Scope<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        if variable == TICK {
            // One loop iteration; past the budget the name stops resolving, an error that
            // ends the evaluation.
            let n = self.steps.fetch_add(1, Ordering::Relaxed) + 1;
            return (n <= MAX_CONDITION_STEPS).then_some(CowVal::Borrowed(&CelBool::TRUE));
        }
        let i = var_index(variable)?;
        if i == META_INDEX {
            return Some(match &self.meta {
                CowMeta::Borrowed(v) => CowVal::Borrowed(*v),
                CowMeta::Owned(v) => CowVal::Borrowed(v.as_ref()),
            });
        }
        self.facts?
            .vars
            .get(i)
            .map(|v| CowVal::Borrowed(v.as_ref()))
    }
}

/// Builds the `meta` value for a policy: declared defaults overlaid with `given`.
pub(crate) fn meta_value(schema: &MetaSchema, given: &Metadata) -> Box<dyn Val> {
    let mut m: HashMap<Key, Value> = HashMap::with_capacity(schema.fields.len() + given.len());
    for (k, (_, default)) in &schema.fields {
        m.insert(Key::from(k.clone()), json_to_cel(default));
    }
    for (k, v) in given {
        m.insert(Key::from(k.clone()), json_to_cel(v));
    }
    boxed(Value::Map(m.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pii` holds each kind's serde name, as it did when the list was built through JSON.
    #[test]
    fn pii_names_are_the_serde_names() {
        for k in [
            PiiKind::Email,
            PiiKind::Phone,
            PiiKind::CardNumber,
            PiiKind::Ssn,
            PiiKind::Iban,
            PiiKind::IpAddress,
        ] {
            assert_eq!(serde_json::to_value(k).unwrap(), pii_name(k), "{k:?}");
        }
    }

    fn schema() -> MetaSchema {
        let mut s = MetaSchema::default();
        s.fields
            .insert("tier".into(), (Ty::String, serde_json::json!("free")));
        s
    }

    fn errs(src: &str) -> Vec<CondIssue> {
        match compile(src, &schema(), None) {
            Ok((_, w)) => w,
            Err(e) => e,
        }
    }

    #[test]
    fn accepts_good_conditions() {
        for src in [
            "task == \"code\" && complexity > 0.6",
            "tokens > 1000 || has_code",
            "scores.planning + scores.math_reasoning > 0.5",
            "meta.tier in [\"pro\", \"team\"]",
            "\"email\" in pii",
            "size(pii) > 0 && language != \"eng\"",
            "pii.exists(p, p == \"card\")",
            "has(meta.tier)",
            "complexity > 1",
            "double(tokens) / 1000.0 > 0.5",
        ] {
            let r = compile(src, &schema(), None);
            assert!(r.is_ok(), "{src}: {:?}", r.err());
        }
    }

    #[test]
    fn finds_type_and_name_errors() {
        let cases = [
            ("complexity > \"high\"", "type", 0),
            ("task == 3", "type", 0),
            ("tokens && has_code", "type", 0),
            ("tokenz > 10", "unknown-signal", 0),
            ("meta.plan == \"pro\"", "unknown-field", 0),
            ("scores.coding > 0.5", "unknown-field", 0),
            ("task.matches(\"c.*\")", "unknown-function", 5),
            ("complexity", "type", 0),
            ("tokens > ", "cel-syntax", 9),
        ];
        for (src, code, col) in cases {
            let e = errs(src);
            assert!(!e.is_empty(), "{src}");
            assert_eq!(e[0].code, code, "{src}: {e:?}");
            assert_eq!(e[0].chars.start, col, "{src}: {e:?}");
        }
    }

    #[test]
    fn warns_on_unknown_task_literal_and_folds_constants() {
        let (_, w) = compile("task == \"cod\"", &schema(), None).unwrap();
        assert_eq!(w[0].code, "unknown-task");
        assert_eq!(w[0].chars.start, 8);
        let (c, _) = compile("true", &schema(), None).unwrap();
        assert_eq!(c.constant, Some(true));
        let (c, _) = compile("1 > 2", &schema(), None).unwrap();
        assert_eq!(c.constant, Some(false));
    }

    #[test]
    fn allowed_functions_exist_at_run_time() {
        let p = env()
            .compile("size('ab') == 2 && 'ab'.contains('a') && 'ab'.startsWith('a') && 'ab'.endsWith('b') && int(1.5) == 1 && uint(1) == 1u && double(1) == 1.0 && string(1) == '1'")
            .unwrap();
        let ctx = Context::with_env(env().clone());
        assert_eq!(p.execute(&ctx), Ok(Value::Bool(true)));
    }
}
