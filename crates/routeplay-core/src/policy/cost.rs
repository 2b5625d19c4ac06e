//! Bounded work for conditions: a static cost estimate at parse time, and a step budget at
//! evaluation time as a second guard.
//!
//! # The estimate
//!
//! [`estimate`] walks the parsed condition once and computes an upper bound on the work of
//! evaluating it, in *cost units*: one unit per expression node evaluated, plus one per byte
//! or element that an operation handles (comparing, concatenating, searching or converting a
//! string or list). Alongside the cost it tracks an upper bound on the *shape* of each value
//! (length and total size of strings, lists and maps), starting from what the engine already
//! bounds: literals, the prompt's variables (a task label, a handful of PII kinds, ...) and
//! request metadata (at most [`MAX_META_FIELDS`] fields of at most [`MAX_META_VALUE_BYTES`]
//! bytes of JSON each, enforced when a prompt's [`Facts`](super::Facts) are built).
//!
//! A comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) costs its range, plus
//! *N* × its body, where *N* is the most elements its range can have; nested loops multiply.
//! `map` / `filter` build lists as long as their range; `+` adds lengths, so doubling a
//! string or list in a chain of `map`s is priced as the exponential it is.
//!
//! A condition over [`MAX_CONDITION_COST`] is rejected with the `cel-cost` diagnostic.
//!
//! # The step budget
//!
//! [`guarded`] rewrites a compiled condition so that every loop iteration first reads the
//! hidden variable [`TICK`] (a name CEL source cannot spell). The resolver counts those reads
//! and refuses the one after [`MAX_CONDITION_STEPS`], which ends the evaluation with an error.
//! Every iteration costs at least one unit, so a condition that passed the estimate never
//! reaches the budget; it guards against an estimate that is wrong.

use super::expr::{MetaSchema, VARIABLES};
use crate::catalog::TASK_TYPES;
use cel::common::ast::{CallExpr, EntryExpr, Expr, ListExpr, LiteralValue};
use cel::IdedExpr;

/// The largest estimated cost of one condition, in cost units (see the module docs). About
/// 100 ms of evaluation at the measured worst rate; reasonable conditions cost under 1,000.
pub const MAX_CONDITION_COST: u64 = 100_000;

/// The largest sum of the estimates of a policy's conditions: every rule can be evaluated
/// for one prompt.
pub const MAX_POLICY_COST: u64 = 10 * MAX_CONDITION_COST;

/// The most loop iterations one evaluation of a condition may run: the run-time guard.
pub const MAX_CONDITION_STEPS: u64 = MAX_CONDITION_COST;

/// The longest request metadata value a condition may read, as JSON bytes.
pub const MAX_META_VALUE_BYTES: usize = 1024;

/// The most request metadata fields a condition may read.
pub const MAX_META_FIELDS: usize = 64;

/// The hidden variable each loop iteration reads in a [`guarded`] condition.
pub(crate) const TICK: &str = "@step";

/// Costs saturate here, far above any budget, so no arithmetic overflows or makes NaN.
const CAP: f64 = 1e30;

/// Longest task label, language code, PII kind or score key assumed.
const LABEL_BYTES: f64 = 64.0;
/// The most entries the `scores` map can have (task types plus a loaded model's labels).
const SCORE_KEYS: f64 = (TASK_TYPES.len() + crate::classifier::model::MAX_LABELS) as f64;
/// The most entries `pii` can have (each kind at most once).
const PII_KINDS: f64 = 8.0;

fn add(a: f64, b: f64) -> f64 {
    (a + b).min(CAP)
}
fn mul(a: f64, b: f64) -> f64 {
    (a * b).min(CAP)
}

/// An upper bound on a value's size.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    /// A number, bool or null: constant size.
    scalar: bool,
    /// Bytes of a string, elements of a list, entries of a map.
    len: f64,
    /// Total size: bytes and elements, all levels down.
    weight: f64,
    /// Elements of a list, keys and values of a map; `None`: anything up to `weight`.
    elem: Option<Box<Shape>>,
}

impl Shape {
    fn scalar() -> Shape {
        Shape {
            scalar: true,
            len: 1.0,
            weight: 1.0,
            elem: None,
        }
    }
    fn string(len: f64) -> Shape {
        Shape {
            scalar: false,
            len,
            weight: len.max(1.0),
            elem: None,
        }
    }
    fn list(len: f64, elem: Shape) -> Shape {
        Shape {
            scalar: false,
            len,
            weight: add(len, mul(len, elem.weight)).max(1.0),
            elem: Some(Box::new(elem)),
        }
    }
    /// Anything whose total size is at most `weight`.
    fn any(weight: f64) -> Shape {
        Shape {
            scalar: false,
            len: weight,
            weight,
            elem: None,
        }
    }
    fn elem(&self) -> Shape {
        match &self.elem {
            Some(e) => (**e).clone(),
            None if self.scalar => Shape::scalar(),
            None => Shape::any(self.weight),
        }
    }
    /// The smallest shape bounding both.
    fn join(&self, o: &Shape) -> Shape {
        if self.scalar && o.scalar {
            return Shape::scalar();
        }
        let elem = match (&self.elem, &o.elem) {
            (Some(a), Some(b)) => Some(Box::new(a.join(b))),
            (Some(a), None) if o.scalar => Some(a.clone()),
            (None, Some(b)) if self.scalar => Some(b.clone()),
            _ => None,
        };
        Shape {
            scalar: false,
            len: self.len.max(o.len),
            weight: self.weight.max(o.weight),
            elem,
        }
    }
    /// `a + b` for strings and lists.
    fn concat(&self, o: &Shape) -> Shape {
        if self.scalar && o.scalar {
            return Shape::scalar();
        }
        let elem = match (&self.elem, &o.elem) {
            (Some(a), Some(b)) => Some(Box::new(a.join(b))),
            (Some(a), None) if o.len == 0.0 => Some(a.clone()),
            (None, Some(b)) if self.len == 0.0 => Some(b.clone()),
            _ => None,
        };
        Shape {
            scalar: false,
            len: add(self.len, o.len),
            weight: add(self.weight, o.weight),
            elem,
        }
    }
}

/// The shape of a JSON value (a declared metadata default).
fn json_shape(v: &serde_json::Value) -> Shape {
    match v {
        serde_json::Value::String(s) => Shape::string(s.len() as f64),
        serde_json::Value::Array(a) => {
            let elem = a
                .iter()
                .map(json_shape)
                .reduce(|x, y| x.join(&y))
                .unwrap_or_else(Shape::scalar);
            Shape::list(a.len() as f64, elem)
        }
        serde_json::Value::Object(o) => {
            Shape::any(serde_json::to_string(o).map_or(1, |s| s.len()) as f64)
        }
        _ => Shape::scalar(),
    }
}

/// What [`estimate`] found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Estimate {
    /// The estimated cost, in cost units (saturating).
    pub cost: u64,
    /// The outermost comprehension whose own cost is over the budget: its node id.
    pub worst_loop: Option<u64>,
    /// The most iterations the condition's loops can run in total.
    pub loop_steps: u64,
}

struct Walker<'a> {
    meta: &'a MetaSchema,
    /// Comprehension variables in scope, innermost last.
    scope: Vec<(String, Shape)>,
    worst_loop: Option<(u64, f64)>,
    steps: f64,
    /// How many times the enclosing loops run their body (product of their ranges).
    repeat: f64,
}

/// Estimates the cost of evaluating a parsed condition once (see the module docs).
pub(crate) fn estimate(root: &IdedExpr, meta: &MetaSchema) -> Estimate {
    let mut w = Walker {
        meta,
        scope: Vec::new(),
        worst_loop: None,
        steps: 0.0,
        repeat: 1.0,
    };
    let (cost, _) = w.walk(root, 0);
    Estimate {
        cost: cost.min(u64::MAX as f64) as u64,
        worst_loop: w.worst_loop.map(|(id, _)| id),
        loop_steps: w.steps.min(u64::MAX as f64) as u64,
    }
}

impl Walker<'_> {
    fn var(&self, name: &str) -> Shape {
        if let Some((_, s)) = self.scope.iter().rev().find(|(n, _)| n == name) {
            return s.clone();
        }
        match name {
            "task" | "language" => Shape::string(LABEL_BYTES),
            "scores" => Shape::list(SCORE_KEYS, Shape::string(LABEL_BYTES)),
            "pii" => Shape::list(PII_KINDS, Shape::string(LABEL_BYTES)),
            "conversation_task" => Shape::string(LABEL_BYTES),
            "tool_names" => Shape::list(
                super::expr::MAX_TOOL_NAMES as f64,
                Shape::string(super::expr::MAX_TOOL_NAME_BYTES as f64),
            ),
            "meta" => {
                let fields = self.meta.fields.len() as f64 + MAX_META_FIELDS as f64;
                let key = self
                    .meta
                    .fields
                    .keys()
                    .map(|k| k.len() as f64)
                    .fold(MAX_META_VALUE_BYTES as f64, f64::max);
                Shape::list(fields, self.meta_value().join(&Shape::string(key)))
            }
            n if VARIABLES.iter().any(|v| v.name == n) => Shape::scalar(),
            _ => Shape::any(MAX_META_VALUE_BYTES as f64),
        }
    }

    /// Any request metadata value: at most [`MAX_META_VALUE_BYTES`] of JSON.
    fn meta_value(&self) -> Shape {
        Shape::any(MAX_META_VALUE_BYTES as f64)
    }

    fn meta_field(&self, field: &str) -> Shape {
        let given = self.meta_value();
        match self.meta.fields.get(field) {
            Some((_, default)) => json_shape(default).join(&given),
            None => given,
        }
    }

    fn shadowed(&self, name: &str) -> bool {
        self.scope.iter().any(|(n, _)| n == name)
    }

    /// (cost, shape) of one node.
    fn walk(&mut self, e: &IdedExpr, depth: usize) -> (f64, Shape) {
        if depth > 200 {
            return (CAP, Shape::any(CAP));
        }
        match &e.expr {
            Expr::Unspecified => (1.0, Shape::scalar()),
            Expr::Literal(l) => (
                1.0,
                match l {
                    LiteralValue::String(s) => Shape::string(s.inner().len() as f64),
                    LiteralValue::Bytes(b) => Shape::string(b.inner().len() as f64),
                    _ => Shape::scalar(),
                },
            ),
            Expr::Ident(name) => (1.0, self.var(name)),
            Expr::Select(sel) => {
                if sel.test {
                    let (c, _) = self.walk(&sel.operand, depth + 1);
                    return (add(c, 1.0), Shape::scalar());
                }
                let (c, s) = self.walk(&sel.operand, depth + 1);
                let shape = match &sel.operand.expr {
                    Expr::Ident(n) if n == "meta" && !self.shadowed(n) => {
                        self.meta_field(&sel.field)
                    }
                    Expr::Ident(n) if n == "scores" && !self.shadowed(n) => Shape::scalar(),
                    _ => s.elem(),
                };
                (add(c, add(1.0, sel.field.len() as f64)), shape)
            }
            Expr::List(ListExpr { elements, .. }) => {
                let mut cost = 1.0;
                let mut elem: Option<Shape> = None;
                for x in elements {
                    let (c, s) = self.walk(x, depth + 1);
                    cost = add(cost, add(c, 1.0));
                    elem = Some(match elem {
                        None => s,
                        Some(p) => p.join(&s),
                    });
                }
                let shape = match elem {
                    Some(elem) => Shape::list(elements.len() as f64, elem),
                    // `[]`, the start of a `map` / `filter`: takes its elements' shape when
                    // concatenated.
                    None => Shape {
                        scalar: false,
                        len: 0.0,
                        weight: 1.0,
                        elem: None,
                    },
                };
                (cost, shape)
            }
            Expr::Map(m) => {
                let mut cost = 1.0;
                let mut elem: Option<Shape> = None;
                for entry in &m.entries {
                    let parts: Vec<&IdedExpr> = match &entry.expr {
                        EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                        EntryExpr::StructField(f) => vec![&f.value],
                    };
                    for x in parts {
                        let (c, s) = self.walk(x, depth + 1);
                        // Hashing the key / storing the value.
                        cost = add(cost, add(c, s.weight));
                        elem = Some(match elem {
                            None => s,
                            Some(p) => p.join(&s),
                        });
                    }
                }
                let n = m.entries.len() as f64;
                (cost, Shape::list(n, elem.unwrap_or_else(Shape::scalar)))
            }
            Expr::Struct(_) => (CAP, Shape::any(CAP)),
            Expr::Comprehension(c) => {
                let (c_range, range) = self.walk(&c.iter_range, depth + 1);
                let (c_init, init) = self.walk(&c.accu_init, depth + 1);
                let n = range.len;
                let item = range.elem();
                let pushed = 2 + usize::from(c.iter_var2.is_some());
                self.scope.push((c.iter_var.clone(), item.clone()));
                if let Some(v) = &c.iter_var2 {
                    self.scope.push((v.clone(), item.clone()));
                }
                self.scope.push((c.accu_var.clone(), init.clone()));
                let outer_repeat = self.repeat;
                self.repeat = mul(self.repeat, n);
                self.steps = add(self.steps, self.repeat);
                let (c_cond, _) = self.walk(&c.loop_cond, depth + 1);
                let (c_step, step) = self.walk(&c.loop_step, depth + 1);
                self.repeat = outer_repeat;
                // `map` / `filter` append to a list (in place, see `AppendStep` in the `cel`
                // crate): with the accumulator bound to its empty start, `step` is what one
                // iteration adds. Other accumulators (bool, int) keep their size.
                let accu = if init.scalar {
                    init.join(&step)
                } else {
                    let grown = Shape {
                        scalar: false,
                        len: mul(n, step.len),
                        weight: mul(n, step.weight),
                        elem: step.elem.clone(),
                    };
                    init.concat(&grown)
                };
                if let Some(slot) = self.scope.last_mut() {
                    slot.1 = accu;
                }
                let (c_result, result) = self.walk(&c.result, depth + 1);
                for _ in 0..pushed {
                    self.scope.pop();
                }
                // Each iteration also binds the item: one unit.
                let body = add(add(c_cond, c_step), 1.0);
                let cost = add(add(add(c_range, c_init), mul(n, body)), add(c_result, 1.0));
                if cost > MAX_CONDITION_COST as f64 {
                    // Walked inside out: the last one recorded is the outermost.
                    self.worst_loop = Some((e.id, cost));
                }
                (cost, result)
            }
            Expr::Call(call) => self.call(call, depth),
        }
    }

    fn call(&mut self, call: &CallExpr, depth: usize) -> (f64, Shape) {
        let mut cost = 1.0;
        let mut shapes = Vec::with_capacity(call.args.len() + 1);
        let f = call.func_name.as_str();
        if f == "_?_:_" && call.args.len() == 3 {
            let (c0, _) = self.walk(&call.args[0], depth + 1);
            let (c1, s1) = self.walk(&call.args[1], depth + 1);
            let (c2, s2) = self.walk(&call.args[2], depth + 1);
            return (add(add(cost, c0), c1.max(c2)), s1.join(&s2));
        }
        for x in call.target.as_deref().into_iter().chain(call.args.iter()) {
            let (c, s) = self.walk(x, depth + 1);
            cost = add(cost, c);
            shapes.push(s);
        }
        let w = |i: usize| shapes.get(i).map_or(1.0, |s: &Shape| s.weight);
        match f {
            "_&&_" | "_||_" | "!_" | "-_" | "@not_strictly_false" => (cost, Shape::scalar()),
            "_+_" | "_-_" | "_*_" | "_/_" | "_%_" => {
                let (a, b) = match (shapes.first(), shapes.get(1)) {
                    (Some(a), Some(b)) => (a.clone(), b.clone()),
                    _ => return (cost, Shape::scalar()),
                };
                if a.scalar && b.scalar {
                    return (cost, Shape::scalar());
                }
                // Building the result copies both sides.
                let out = a.concat(&b);
                (add(cost, out.weight), out)
            }
            "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_" => {
                (add(cost, w(0).min(w(1))), Shape::scalar())
            }
            "@in" => {
                let coll = shapes.get(1).cloned().unwrap_or_else(Shape::scalar);
                let each = w(0).min(coll.elem().weight);
                (add(cost, mul(coll.len, add(each, 1.0))), Shape::scalar())
            }
            "_[_]" => {
                let coll = shapes.first().cloned().unwrap_or_else(Shape::scalar);
                (add(cost, w(1)), coll.elem())
            }
            "size" | "int" | "uint" | "double" | "contains" | "startsWith" | "endsWith" => {
                // One pass over each operand (str::contains is linear).
                let all = shapes.iter().fold(0.0, |acc, s| add(acc, s.weight));
                (add(cost, all), Shape::scalar())
            }
            "string" => {
                let s = shapes.first().cloned().unwrap_or_else(Shape::scalar);
                let out = if s.scalar { Shape::string(32.0) } else { s };
                (add(cost, out.weight), out)
            }
            _ => {
                // Not allowed by the checker; priced as a pass over everything.
                let all = shapes.iter().fold(0.0, |acc, s| add(acc, s.weight));
                let out = shapes.iter().fold(Shape::scalar(), |acc, s| acc.concat(s));
                (add(cost, all), out)
            }
        }
    }
}

/// A copy of `root` where every loop iteration first reads [`TICK`] (see the module docs).
/// `map` / `filter` keep the shape the `cel` crate recognises to append in place.
pub(crate) fn guarded(root: &IdedExpr) -> IdedExpr {
    let mut out = root.clone();
    let mut stack: Vec<&mut IdedExpr> = vec![&mut out];
    while let Some(e) = stack.pop() {
        match &mut e.expr {
            Expr::Comprehension(c) => {
                let c = &mut **c;
                if matches!(c.loop_cond.expr, Expr::Literal(_)) {
                    // map / filter: tick in the guard of `cond ? @result + [x] : @result`,
                    // else in `x` of `@result + [x]`.
                    match &mut c.loop_step.expr {
                        Expr::Call(call) if call.func_name == "_?_:_" && call.args.len() == 3 => {
                            tick(&mut call.args[0], false);
                        }
                        Expr::Call(call) if call.func_name == "_+_" && call.args.len() == 2 => {
                            if let Expr::List(l) = &mut call.args[1].expr {
                                if let Some(x) = l.elements.first_mut() {
                                    tick(x, true);
                                }
                            }
                        }
                        _ => tick(&mut c.loop_step, true),
                    }
                } else {
                    tick(&mut c.loop_cond, false);
                }
                stack.extend([
                    &mut c.iter_range,
                    &mut c.accu_init,
                    &mut c.loop_cond,
                    &mut c.loop_step,
                    &mut c.result,
                ]);
            }
            Expr::Call(call) => {
                if let Some(t) = call.target.as_deref_mut() {
                    stack.push(t);
                }
                stack.extend(call.args.iter_mut());
            }
            Expr::Select(s) => stack.push(&mut s.operand),
            Expr::List(l) => stack.extend(l.elements.iter_mut()),
            Expr::Map(m) => {
                for entry in &mut m.entries {
                    if let EntryExpr::MapEntry(me) = &mut entry.expr {
                        stack.push(&mut me.key);
                        stack.push(&mut me.value);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Rewrites `x` as `@step ? x : null` (`: false` for a boolean). `@step` is true until the
/// budget is spent, then unresolvable, which is an error that ends the evaluation.
fn tick(x: &mut IdedExpr, value: bool) {
    let id = x.id;
    let inner = std::mem::replace(
        x,
        IdedExpr {
            id,
            expr: Expr::Unspecified,
        },
    );
    let other = if value {
        LiteralValue::Null
    } else {
        LiteralValue::Boolean(false.into())
    };
    x.expr = Expr::Call(CallExpr {
        func_name: "_?_:_".into(),
        target: None,
        args: vec![
            IdedExpr {
                id,
                expr: Expr::Ident(TICK.into()),
            },
            inner,
            IdedExpr {
                id,
                expr: Expr::Literal(other),
            },
        ],
    });
}
