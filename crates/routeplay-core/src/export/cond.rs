//! A rule's CEL condition as a small tree that gateway formats can express: comparisons of one
//! request-metadata field with literals, combined with and / or / not. Anything else stays
//! [`Cond::Unsupported`] and the exporter reports it.

use cel::common::ast::{CallExpr, Expr, LiteralValue};
use cel::IdedExpr;

/// A field of the request metadata the client sends (see [`super::annotate`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A variable of the policy language (`task`, `complexity`, `tokens`, `has_code`, ...).
    Var(String),
    /// `scores.<task>`: sent as `score_<task>`.
    Score(String),
    /// `meta.<name>`: sent as `meta_<name>`.
    Meta(String),
}

impl Field {
    /// The flat metadata key this field is sent under.
    pub fn key(&self) -> String {
        match self {
            Field::Var(v) => v.clone(),
            Field::Score(t) => format!("score_{t}"),
            Field::Meta(m) => format!("meta_{m}"),
        }
    }

    /// How the policy language writes it.
    pub fn cel(&self) -> String {
        match self {
            Field::Var(v) => v.clone(),
            Field::Score(t) => format!("scores.{t}"),
            Field::Meta(m) => format!("meta.{m}"),
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A double.
    Num(f64),
    /// A boolean.
    Bool(bool),
}

impl Lit {
    /// As JSON.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Lit::Str(s) => serde_json::Value::String(s.clone()),
            Lit::Int(i) => serde_json::json!(i),
            Lit::Num(x) => serde_json::json!(x),
            Lit::Bool(b) => serde_json::Value::Bool(*b),
        }
    }

    /// As CEL source.
    pub fn cel(&self) -> String {
        match self {
            Lit::Str(s) => serde_json::to_string(s).unwrap_or_default(),
            Lit::Int(i) => i.to_string(),
            Lit::Num(x) => {
                if x.fract() == 0.0 {
                    format!("{x:.1}")
                } else {
                    x.to_string()
                }
            }
            Lit::Bool(b) => b.to_string(),
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl Op {
    fn from_fn(f: &str) -> Option<Op> {
        Some(match f {
            "_==_" => Op::Eq,
            "_!=_" => Op::Ne,
            "_>_" => Op::Gt,
            "_>=_" => Op::Ge,
            "_<_" => Op::Lt,
            "_<=_" => Op::Le,
            _ => return None,
        })
    }
    fn flip(self) -> Op {
        match self {
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            o => o,
        }
    }
    fn negate(self) -> Op {
        match self {
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
        }
    }
    /// CEL spelling.
    pub fn cel(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// A condition a gateway can evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Always true.
    True,
    /// Always false.
    False,
    /// All hold.
    And(Vec<Cond>),
    /// Any holds.
    Or(Vec<Cond>),
    /// `field op value`.
    Cmp(Field, Op, Lit),
    /// `field in [values]` (or not in, when `negated`).
    In(Field, Vec<Lit>, bool),
    /// A part with no gateway equivalent: its CEL text.
    Unsupported(String),
}

impl Cond {
    /// Parses a condition's CEL text. Never fails: what it cannot read becomes `Unsupported`.
    pub fn from_cel(text: &str) -> Cond {
        match cel::Program::compile(text) {
            Ok(p) => lower(p.expression(), text),
            Err(_) => Cond::Unsupported(text.to_string()),
        }
    }

    /// The parts with no equivalent, as CEL text.
    pub fn unsupported(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |c| {
            if let Cond::Unsupported(t) = c {
                out.push(t.clone());
            }
        });
        out
    }

    /// The metadata fields it reads.
    pub fn fields(&self) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        self.walk(&mut |c| match c {
            Cond::Cmp(f, _, _) | Cond::In(f, _, _) if !out.contains(f) => out.push(f.clone()),
            _ => {}
        });
        out
    }

    fn walk(&self, f: &mut dyn FnMut(&Cond)) {
        f(self);
        if let Cond::And(v) | Cond::Or(v) = self {
            for c in v {
                c.walk(f);
            }
        }
    }

    /// The negation, pushed down to the comparisons (gateways have no `not`).
    pub fn negate(self) -> Cond {
        match self {
            Cond::True => Cond::False,
            Cond::False => Cond::True,
            Cond::And(v) => Cond::Or(v.into_iter().map(Cond::negate).collect()),
            Cond::Or(v) => Cond::And(v.into_iter().map(Cond::negate).collect()),
            Cond::Cmp(f, Op::Eq, Lit::Bool(b)) => Cond::Cmp(f, Op::Eq, Lit::Bool(!b)),
            Cond::Cmp(f, op, l) => Cond::Cmp(f, op.negate(), l),
            Cond::In(f, v, n) => Cond::In(f, v, !n),
            Cond::Unsupported(t) => Cond::Unsupported(format!("!({t})")),
        }
    }

    /// Back to CEL (what the importers write, and Bifrost's form).
    pub fn to_cel(&self) -> String {
        match self {
            Cond::True => "true".into(),
            Cond::False => "false".into(),
            Cond::And(v) if v.is_empty() => "true".into(),
            Cond::Or(v) if v.is_empty() => "false".into(),
            Cond::And(v) => v.iter().map(|c| c.paren()).collect::<Vec<_>>().join(" && "),
            Cond::Or(v) => v.iter().map(|c| c.paren()).collect::<Vec<_>>().join(" || "),
            Cond::Cmp(f, Op::Eq, Lit::Bool(true)) => f.cel(),
            Cond::Cmp(f, Op::Eq, Lit::Bool(false)) => format!("!{}", f.cel()),
            Cond::Cmp(f, op, l) => format!("{} {} {}", f.cel(), op.cel(), l.cel()),
            Cond::In(f, v, n) => {
                let items: Vec<String> = v.iter().map(Lit::cel).collect();
                let s = format!("{} in [{}]", f.cel(), items.join(", "));
                if *n {
                    format!("!({s})")
                } else {
                    s
                }
            }
            Cond::Unsupported(t) => format!("({t})"),
        }
    }

    fn paren(&self) -> String {
        match self {
            Cond::And(v) | Cond::Or(v) if v.len() > 1 => format!("({})", self.to_cel()),
            _ => self.to_cel(),
        }
    }
}

fn lower(e: &IdedExpr, text: &str) -> Cond {
    let unsupported = || Cond::Unsupported(text.to_string());
    match &e.expr {
        Expr::Literal(LiteralValue::Boolean(b)) => {
            if *b.inner() {
                Cond::True
            } else {
                Cond::False
            }
        }
        Expr::Ident(_) | Expr::Select(_) => match field(e) {
            Some(f) => Cond::Cmp(f, Op::Eq, Lit::Bool(true)),
            None => unsupported(),
        },
        Expr::Call(call) => lower_call(call, text).unwrap_or_else(unsupported),
        _ => unsupported(),
    }
}

fn lower_call(call: &CallExpr, text: &str) -> Option<Cond> {
    let args = &call.args;
    match call.func_name.as_str() {
        "_&&_" | "_||_" if args.len() == 2 => {
            let and = call.func_name == "_&&_";
            let mut parts = Vec::new();
            for a in args {
                match lower(a, text) {
                    Cond::And(v) if and => parts.extend(v),
                    Cond::Or(v) if !and => parts.extend(v),
                    c => parts.push(c),
                }
            }
            Some(if and {
                Cond::And(parts)
            } else {
                Cond::Or(parts)
            })
        }
        "!_" if args.len() == 1 => Some(lower(&args[0], text).negate()),
        "@in" if args.len() == 2 => {
            let f = field(&args[0])?;
            let Expr::List(l) = &args[1].expr else {
                return None;
            };
            let lits: Option<Vec<Lit>> = l.elements.iter().map(literal).collect();
            Some(Cond::In(f, lits?, false))
        }
        f => {
            let op = Op::from_fn(f)?;
            if args.len() != 2 {
                return None;
            }
            if let (Some(fl), Some(l)) = (field(&args[0]), literal(&args[1])) {
                Some(Cond::Cmp(fl, op, l))
            } else if let (Some(l), Some(fl)) = (literal(&args[0]), field(&args[1])) {
                Some(Cond::Cmp(fl, op.flip(), l))
            } else {
                None
            }
        }
    }
}

/// The prompt's signals the client sends as flat request metadata under their own names (the
/// keys exported conditions branch on, and the ones an imported config may read).
pub(crate) const SIGNAL_KEYS: [&str; 10] = [
    "task",
    "complexity",
    "tokens",
    "chars",
    "words",
    "lines",
    "language",
    "has_code",
    "has_pii",
    "classified",
];

fn field(e: &IdedExpr) -> Option<Field> {
    match &e.expr {
        Expr::Ident(n) if SIGNAL_KEYS.contains(&n.as_str()) => Some(Field::Var(n.clone())),
        Expr::Select(s) if !s.test => match &s.operand.expr {
            Expr::Ident(n) if n == "scores" => Some(Field::Score(s.field.clone())),
            Expr::Ident(n) if n == "meta" => Some(Field::Meta(s.field.clone())),
            _ => None,
        },
        Expr::Call(c) if c.func_name == "_[_]" && c.args.len() == 2 => {
            let Expr::Literal(LiteralValue::String(k)) = &c.args[1].expr else {
                return None;
            };
            match &c.args[0].expr {
                Expr::Ident(n) if n == "scores" => Some(Field::Score(k.inner().to_string())),
                Expr::Ident(n) if n == "meta" => Some(Field::Meta(k.inner().to_string())),
                _ => None,
            }
        }
        _ => None,
    }
}

fn literal(e: &IdedExpr) -> Option<Lit> {
    match &e.expr {
        Expr::Literal(LiteralValue::String(s)) => Some(Lit::Str(s.inner().to_string())),
        Expr::Literal(LiteralValue::Int(i)) => Some(Lit::Int(*i.inner())),
        Expr::Literal(LiteralValue::Double(d)) => Some(Lit::Num(*d.inner())),
        Expr::Literal(LiteralValue::Boolean(b)) => Some(Lit::Bool(*b.inner())),
        Expr::Call(c) if c.func_name == "-_" && c.args.len() == 1 => match literal(&c.args[0])? {
            Lit::Int(i) => Some(Lit::Int(-i)),
            Lit::Num(x) => Some(Lit::Num(-x)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_presets_kind_of_conditions() {
        let c = Cond::from_cel(r#"task == "planning" || scores.planning > 0.5"#);
        assert_eq!(
            c,
            Cond::Or(vec![
                Cond::Cmp(
                    Field::Var("task".into()),
                    Op::Eq,
                    Lit::Str("planning".into())
                ),
                Cond::Cmp(Field::Score("planning".into()), Op::Gt, Lit::Num(0.5)),
            ])
        );
        let c = Cond::from_cel(r#"task == "code" || (!classified && has_code)"#);
        assert_eq!(c.to_cel(), r#"task == "code" || (!classified && has_code)"#);
        let c = Cond::from_cel(r#"!(task in ["a", "b"]) && 0.7 < complexity"#);
        assert_eq!(c.to_cel(), r#"!(task in ["a", "b"]) && complexity > 0.7"#);
    }

    #[test]
    fn what_has_no_equivalent_is_kept_as_unsupported() {
        let c = Cond::from_cel(r#"has_code && "email" in pii"#);
        assert_eq!(
            c.unsupported(),
            vec![r#"has_code && "email" in pii"#.to_string()]
        );
        let c = Cond::from_cel("size(pii) > 1");
        assert!(matches!(c, Cond::Unsupported(_)));
    }
}
