//! SVG charts of the batch view, drawn by the app (no chart library): model share per policy,
//! the flow prompts → task type → model, cost vs quality with the frontier, rule coverage.
//!
//! Colours come from the categorical palette in `style/batch.css` (`.cat-N`, N < [`PALETTE`]),
//! so every chart reads in light and dark mode. Tooltips are SVG `<title>` elements.

use leptos::prelude::*;
use routeplay_core::format::{plural, plural_with};
use routeplay_core::simulate::{pareto_frontier, Flow, RuleCoverage};
use std::collections::HashMap;

/// Colours in the categorical palette.
pub const PALETTE: usize = 16;

/// The CSS class of categorical colour `i`.
pub fn cat(i: usize) -> String {
    format!("cat-{}", i % PALETTE)
}

/// Percent with one decimal below 10 %.
pub fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p > 0.0 && p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// One policy's bar: (model, prompts, share of routed) segments, largest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    /// Policy name.
    pub policy: String,
    /// Segments: model id, prompts, share 0..1.
    pub segments: Vec<(String, usize, f64)>,
    /// Prompts with no model.
    pub unrouted: usize,
}

/// A legend of model colours.
#[component]
pub fn Legend(items: Vec<(String, usize)>, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <ul class="legend" aria-label=label>
            {items
                .into_iter()
                .map(|(name, c)| {
                    let key = name.clone();
                    view! {
                        <li data-legend=key>
                            <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">
                                <rect width="10" height="10" rx="2" class=cat(c)></rect>
                            </svg>
                            <span>{name}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Stacked horizontal bars: the share of each model (or provider, or maker) per policy.
#[component]
pub fn ShareBars(
    rows: Vec<ShareRow>,
    colors: HashMap<String, usize>,
    legend: Vec<(String, usize)>,
    /// What the segments are: "Model", "Provider" or "Maker".
    #[prop(into)]
    noun: String,
) -> impl IntoView {
    let bars = rows
        .into_iter()
        .map(|row| {
            let mut x = 0.0;
            let top = row.segments.first().map(|(m, _, s)| format!("{m} {}", pct(*s))).unwrap_or_else(|| "no model".into());
            let label = format!("{}: {}", row.policy, row.segments.iter().map(|(m, _, s)| format!("{m} {}", pct(*s))).collect::<Vec<_>>().join(", "));
            let segs = row
                .segments
                .iter()
                .map(|(model, n, share)| {
                    let w = share * 1000.0;
                    let x0 = x;
                    x += w;
                    let c = colors.get(model).copied().unwrap_or(0);
                    let tip = format!("{}: {model} — {} ({})", row.policy, pct(*share), plural(*n, "prompt"));
                    view! {
                        <rect x=f1(x0) y="0" width=f1(w) height="24" class=cat(c) data-key=model.clone()>
                            <title>{tip}</title>
                        </rect>
                    }
                })
                .collect_view();
            let unrouted = (row.unrouted > 0).then(|| format!(" · {} unrouted", row.unrouted));
            view! {
                <div class="share-row" data-policy=row.policy.clone()>
                    <div class="share-label">
                        <strong>{row.policy.clone()}</strong>
                        <span class="muted small">{format!("top: {top}")}{unrouted}</span>
                    </div>
                    <svg class="share-bar" viewBox="0 0 1000 24" preserveAspectRatio="none" role="img" aria-label=label>
                        {segs}
                    </svg>
                </div>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-chart="share">
            <figcaption>{format!("{noun} share per policy")}<span class="muted small">" — share of routed prompts; hover a segment for counts"</span></figcaption>
            <div class="share-rows">{bars}</div>
            <Legend items=legend label=format!("{noun}s") />
        </figure>
    }
}

fn band(x0: f64, y0a: f64, y0b: f64, x1: f64, y1a: f64, y1b: f64) -> String {
    let xm = (x0 + x1) / 2.0;
    format!(
        "M{x0:.1} {y0a:.1} C{xm:.1} {y0a:.1} {xm:.1} {y1a:.1} {x1:.1} {y1a:.1} L{x1:.1} {y1b:.1} C{xm:.1} {y1b:.1} {xm:.1} {y0b:.1} {x0:.1} {y0b:.1} Z"
    )
}

/// Stacks nodes in a column: each gets `min_h` plus its share of the rest, with `gap` between.
fn stack(
    counts: &[usize],
    total: usize,
    top: f64,
    height: f64,
    gap: f64,
    min_h: f64,
) -> Vec<(f64, f64)> {
    let k = counts.len() as f64;
    let free = (height - gap * (k - 1.0).max(0.0) - min_h * k).max(0.0);
    let mut y = top;
    counts
        .iter()
        .map(|&c| {
            let h = min_h + free * c as f64 / total.max(1) as f64;
            let r = (y, h);
            y += h + gap;
            r
        })
        .collect()
}

/// A sankey-style flow: all prompts → task type → model, for one policy.
#[component]
pub fn FlowChart(
    #[prop(into)] policy: String,
    flow: Flow,
    colors: HashMap<String, usize>,
) -> impl IntoView {
    const W: f64 = 760.0;
    const TOP: f64 = 28.0;
    const NODE: f64 = 12.0;
    let (x0, x1, x2) = (0.0, 250.0, 520.0);
    let rows = flow.stage1.len().max(flow.stage2.len()).max(1) as f64;
    let inner = (rows * 26.0).max(260.0);
    let h = TOP + inner + 8.0;
    let total = flow.total.max(1);
    let c1: Vec<usize> = flow.stage1.iter().map(|s| s.1).collect();
    let c2: Vec<usize> = flow.stage2.iter().map(|s| s.1).collect();
    let n1 = stack(&c1, total, TOP, inner, 6.0, 14.0);
    let n2 = stack(&c2, total, TOP, inner, 6.0, 14.0);
    let pos1: HashMap<&str, usize> = flow
        .stage1
        .iter()
        .enumerate()
        .map(|(i, s)| (s.0.as_str(), i))
        .collect();
    let pos2: HashMap<&str, usize> = flow
        .stage2
        .iter()
        .enumerate()
        .map(|(i, s)| (s.0.as_str(), i))
        .collect();

    // Prompts → task: the source column is one node split by task share, in task order.
    let mut y = TOP;
    let first = flow
        .stage1
        .iter()
        .zip(&n1)
        .map(|((task, n), (ty, th))| {
            let hh = inner * *n as f64 / total as f64;
            let d = band(x0 + NODE, y, y + hh, x1, *ty, ty + th);
            y += hh;
            let tip = format!(
                "{} classified as {}",
                plural(*n, "prompt"),
                task.replace('_', " ")
            );
            view! {
                <path d=d class="band band-task"><title>{tip}</title></path>
            }
        })
        .collect_view();

    // Task → model: bands leave each task node and arrive at each model node in link order.
    let mut out_off = vec![0.0; n1.len()];
    let mut in_off = vec![0.0; n2.len()];
    let mut links = flow.links.clone();
    links.sort_by(|a, b| {
        let ka = (pos1.get(a.0.as_str()), pos2.get(a.1.as_str()));
        let kb = (pos1.get(b.0.as_str()), pos2.get(b.1.as_str()));
        ka.cmp(&kb)
    });
    let second = links
        .iter()
        .filter_map(|(task, model, n)| {
            let i = *pos1.get(task.as_str())?;
            let j = *pos2.get(model.as_str())?;
            let (ty, th) = n1[i];
            let (my, mh) = n2[j];
            let a = th * *n as f64 / c1[i].max(1) as f64;
            let b = mh * *n as f64 / c2[j].max(1) as f64;
            let d = band(x1 + NODE, ty + out_off[i], ty + out_off[i] + a, x2, my + in_off[j], my + in_off[j] + b);
            out_off[i] += a;
            in_off[j] += b;
            let c = colors.get(model).copied().unwrap_or(0);
            let tip = format!("{} → {model}: {}", task.replace('_', " "), plural(*n, "prompt"));
            Some(view! {
                <path d=d class=format!("band band-model {}", cat(c)) data-link=format!("{task}>{model}")><title>{tip}</title></path>
            })
        })
        .collect_view();

    let tasks = flow
        .stage1
        .iter()
        .zip(&n1)
        .map(|((task, n), (ty, th))| {
            let label = format!("{} ({n})", task.replace('_', " "));
            view! {
                <g class="node" data-task=task.clone()>
                    <rect x=f1(x1) y=f1(*ty) width=f1(NODE) height=f1(*th) class="node-task"><title>{label.clone()}</title></rect>
                    <text x=f1(x1 + NODE + 6.0) y=f1(ty + th / 2.0) dy="0.35em" class="node-label">{label}</text>
                </g>
            }
        })
        .collect_view();
    let models = flow
        .stage2
        .iter()
        .zip(&n2)
        .map(|((model, n), (my, mh))| {
            let c = colors.get(model).copied().unwrap_or(0);
            let label = format!("{model} ({n})");
            view! {
                <g class="node" data-model=model.clone()>
                    <rect x=f1(x2) y=f1(*my) width=f1(NODE) height=f1(*mh) class=cat(c)><title>{label.clone()}</title></rect>
                    <text x=f1(x2 + NODE + 6.0) y=f1(my + mh / 2.0) dy="0.35em" class="node-label">{label}</text>
                </g>
            }
        })
        .collect_view();
    let aria = format!(
        "Flow of {} to task types and models under {policy}",
        plural(flow.total, "prompt")
    );
    view! {
        <figure class="chart" data-chart="flow">
            <figcaption>{format!("Prompts → task type → model, under {policy}")}</figcaption>
            <div class="chart-scroll" tabindex="0" role="region" aria-label="Flow chart (scrolls sideways)">
                <svg class="flow" viewBox=format!("0 0 {W} {h:.0}") role="img" aria-label=aria>
                    <text x="0" y="14" class="axis-title">{plural(flow.total, "prompt")}</text>
                    <text x=f1(x1) y="14" class="axis-title">"Task type"</text>
                    <text x=f1(x2) y="14" class="axis-title">"Model"</text>
                    <rect x=f1(x0) y=f1(TOP) width=f1(NODE) height=f1(inner) class="node-all">
                        <title>{plural(flow.total, "prompt")}</title>
                    </rect>
                    {first}
                    {second}
                    {tasks}
                    {models}
                </svg>
            </div>
        </figure>
    }
}

/// One policy in the cost-quality scatter.
#[derive(Debug, Clone, PartialEq)]
pub struct CostQuality {
    /// Policy name.
    pub policy: String,
    /// Mean estimated USD per prompt.
    pub mean_cost_usd: f64,
    /// Mean estimated quality (0-100).
    pub mean_quality: f64,
}

/// A "nice" step for about `n` ticks over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(1e-12);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

fn fmt_tick(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{v:.decimals$}")
}

/// Places point labels (x, y, characters) so they overlap neither each other nor the points:
/// the first free spot of right-above, right-below, left-above, left-below, then further out.
/// Returns (x, baseline y, text-anchor) per label.
fn place_labels(pts: &[(f64, f64, usize)], xbounds: (f64, f64)) -> Vec<(f64, f64, &'static str)> {
    const CH: f64 = 6.6; // average glyph width at 12 px
    const LH: f64 = 13.0;
    let mut boxes: Vec<(f64, f64, f64, f64)> = pts
        .iter()
        .map(|&(x, y, _)| (x - 7.0, y - 7.0, x + 7.0, y + 7.0))
        .collect();
    let overlaps = |a: (f64, f64, f64, f64), b: &(f64, f64, f64, f64)| {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    };
    let mut out = Vec::with_capacity(pts.len());
    for &(x, y, n) in pts {
        let w = n as f64 * CH;
        let mut chosen = None;
        'search: for step in 0..4 {
            let far = step as f64 * LH;
            for (dx, dy, anchor) in [
                (9.0, -8.0 - far, "start"),
                (9.0, 16.0 + far, "start"),
                (-9.0, -8.0 - far, "end"),
                (-9.0, 16.0 + far, "end"),
            ] {
                let lx = x + dx;
                let x0 = if anchor == "start" { lx } else { lx - w };
                let bx = (x0, y + dy - LH + 3.0, x0 + w, y + dy + 3.0);
                if bx.0 < xbounds.0 || bx.2 > xbounds.1 {
                    continue;
                }
                if boxes.iter().all(|b| !overlaps(bx, b)) {
                    chosen = Some((lx, y + dy, anchor, bx));
                    break 'search;
                }
            }
        }
        let (lx, ly, anchor, bx) = chosen.unwrap_or((
            x + 9.0,
            y - 8.0,
            "start",
            (x + 9.0, y - 18.0, x + 9.0 + w, y - 5.0),
        ));
        boxes.push(bx);
        out.push((lx, ly, anchor));
    }
    out
}

/// Mean cost per 1,000 prompts against mean estimated quality, one point per policy, with the
/// cost-quality frontier (no policy is both cheaper and better than a point on it).
#[component]
pub fn CostQualityScatter(points: Vec<CostQuality>) -> impl IntoView {
    view! {
        <figure class="chart" data-chart="scatter">
            <figcaption>"Cost vs quality per policy"<span class="muted small">" — up and left is better; the dashed line joins the policies no other beats on both"</span></figcaption>
            // Two drawings of the same data: a phone gets one laid out for its width (readable
            // type, no sideways scroll) instead of the wide one scaled down.
            <div class="scatter-wide">{scatter_svg(&points, false)}</div>
            <div class="scatter-narrow">{scatter_svg(&points, true)}</div>
        </figure>
    }
}

/// The scatter drawn for a wide (640 units) or a narrow (340 units) box.
fn scatter_svg(points: &[CostQuality], narrow: bool) -> impl IntoView {
    let (cw, ch) = if narrow {
        (340.0, 300.0)
    } else {
        (640.0, 340.0)
    };
    let (ml, mr, mt, mb) = if narrow {
        (46.0, 12.0, 16.0, 48.0)
    } else {
        (64.0, 130.0, 16.0, 52.0)
    };
    let (pw, ph) = (cw - ml - mr, ch - mt - mb);
    let xs: Vec<f64> = points.iter().map(|p| p.mean_cost_usd * 1000.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.mean_quality).collect();
    let xmax_raw = xs.iter().cloned().fold(0.0, f64::max).max(1e-6);
    let xstep = nice_step(xmax_raw, 5.0);
    let xmax = (xmax_raw / xstep).ceil() * xstep;
    let (ylo, yhi) = ys
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| {
            (a.min(y), b.max(y))
        });
    let (ylo, yhi) = if ylo.is_finite() {
        (ylo, yhi)
    } else {
        (0.0, 100.0)
    };
    let ystep = nice_step((yhi - ylo).max(5.0), 5.0);
    let ymin = ((ylo - ystep * 0.5) / ystep).floor() * ystep;
    let ymax = ((yhi + ystep * 0.5) / ystep).ceil() * ystep;
    let ymin = ymin.max(0.0);
    let ymax = ymax.min(100.0).max(ymin + ystep);
    let sx = move |x: f64| ml + x / xmax * pw;
    let sy = move |y: f64| mt + ph - (y - ymin) / (ymax - ymin) * ph;

    let mut xticks = Vec::new();
    let mut t = 0.0;
    while t <= xmax + xstep * 0.01 {
        xticks.push(t);
        t += xstep;
    }
    let mut yticks = Vec::new();
    let mut t = ymin;
    while t <= ymax + ystep * 0.01 {
        yticks.push(t);
        t += ystep;
    }
    let grid_x = xticks
        .into_iter()
        .map(|t| {
            let x = sx(t);
            view! {
                <line x1=f1(x) x2=f1(x) y1=f1(mt) y2=f1(mt + ph) class="grid"></line>
                <text x=f1(x) y=f1(mt + ph + 16.0) class="tick" text-anchor="middle">{fmt_tick(t, xstep)}</text>
            }
        })
        .collect_view();
    let grid_y = yticks
        .into_iter()
        .map(|t| {
            let y = sy(t);
            view! {
                <line x1=f1(ml) x2=f1(ml + pw) y1=f1(y) y2=f1(y) class="grid"></line>
                <text x=f1(ml - 8.0) y=f1(y) dy="0.35em" class="tick" text-anchor="end">{fmt_tick(t, ystep)}</text>
            }
        })
        .collect_view();

    let pairs: Vec<(f64, f64)> = xs.iter().zip(&ys).map(|(x, y)| (*x, *y)).collect();
    let front = pareto_frontier(&pairs);
    let front_pts = front
        .iter()
        .map(|&i| format!("{:.1},{:.1}", sx(xs[i]), sy(ys[i])))
        .collect::<Vec<_>>()
        .join(" ");
    let front_label = front.last().map(|&i| (sx(xs[i]), sy(ys[i])));
    let on_front: Vec<bool> = (0..points.len()).map(|i| front.contains(&i)).collect();

    let labels = place_labels(
        &points
            .iter()
            .enumerate()
            .map(|(i, p)| (sx(xs[i]), sy(ys[i]), p.policy.chars().count()))
            .collect::<Vec<_>>(),
        (ml, ml + pw + mr - 4.0),
    );
    let dots = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = (sx(xs[i]), sy(ys[i]));
            let tip = format!(
                "{}: ${:.4} per 1,000 prompts, quality {:.1}{}",
                p.policy,
                xs[i],
                ys[i],
                if on_front[i] {
                    " — on the frontier"
                } else {
                    " — dominated"
                }
            );
            let (lx, ly, anchor) = labels[i];
            view! {
                <g class="dot" class:front=on_front[i] data-policy=p.policy.clone()>
                    <circle cx=f1(x) cy=f1(y) r="6" class=cat(i)><title>{tip}</title></circle>
                    <text x=f1(lx) y=f1(ly) text-anchor=anchor class="point-label">{p.policy.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let n = points.len();
    let x_title = if narrow {
        "Cost per 1,000 prompts (USD)"
    } else {
        "Estimated cost per 1,000 prompts (USD)"
    };
    let y_title = if narrow {
        "Mean quality (0–100)"
    } else {
        "Mean estimated quality (0–100)"
    };
    view! {
                <svg class="scatter" class:narrow=narrow viewBox=format!("0 0 {cw} {ch}") role="img" aria-label=format!("Scatter of mean cost against mean quality for {}", plural_with(n, "policy", "policies"))>
                    {grid_x}
                    {grid_y}
                    <line x1=f1(ml) x2=f1(ml + pw) y1=f1(mt + ph) y2=f1(mt + ph) class="axis"></line>
                    <line x1=f1(ml) x2=f1(ml) y1=f1(mt) y2=f1(mt + ph) class="axis"></line>
                    <text x=f1(ml + pw / 2.0) y=f1(ch - 8.0) class="axis-title" text-anchor="middle">{x_title}</text>
                    <text x="14" y=f1(mt + ph / 2.0) class="axis-title" text-anchor="middle" transform=format!("rotate(-90 14 {:.1})", mt + ph / 2.0)>{y_title}</text>
                    <polyline points=front_pts class="frontier"><title>"Cost-quality frontier"</title></polyline>
                    {front_label.map(|(x, y)| view! { <text x=f1(x + 9.0) y=f1(y + 30.0) class="frontier-label">"frontier"</text> })}
                    {dots}
                </svg>
    }
}

/// Rule coverage of one policy: how often each rule chose; rules that never fired stand out.
#[component]
pub fn CoverageBars(#[prop(into)] policy: String, rows: Vec<RuleCoverage>) -> impl IntoView {
    let never = rows.iter().filter(|r| r.fired == 0).count();
    let items = rows
        .into_iter()
        .map(|r| {
            let is_never = r.fired == 0;
            let w = (r.share * 100.0).clamp(0.0, 100.0);
            let tip = format!("{} (line {}): {}, {}", r.rule, r.line, plural(r.fired, "prompt"), pct(r.share));
            view! {
                <li class="cov-row" class:never=is_never data-rule=r.rule.clone() data-never=is_never.to_string()>
                    <span class="cov-rule" title=format!("{} (line {})", r.rule, r.line)>{r.rule.clone()}</span>
                    <svg class="cov-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                        <rect x="0" y="0" width="100" height="10" class="track"></rect>
                        <rect x="0" y="0" width=format!("{w:.2}") height="10" class="fill"><title>{tip}</title></rect>
                    </svg>
                    <span class="cov-n">
                        {if is_never { "never fired".to_string() } else { format!("{} · {}", r.fired, pct(r.share)) }}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="coverage" data-coverage=policy.clone()>
            <h3 class="coverage-title">
                {policy.clone()}
                {(never > 0).then(|| view! { <span class="badge warn">{format!("{never} never fired")}</span> })}
            </h3>
            <ul class="cov-list" aria-label=format!("Rule coverage of {policy}")>{items}</ul>
        </div>
    }
}
