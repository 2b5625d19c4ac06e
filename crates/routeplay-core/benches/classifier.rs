//! Native classifier speed for 100 B, 1 KB and 10 KB prompts, with the shipped model, and the
//! model's size raw and gzip-compressed (the limits of issue 11: ≤ 20 µs per 1 KB prompt natively,
//! ≤ 512 KB gzip). Run: `cargo bench -p routeplay-core --bench classifier` or `./x bench`.

use routeplay_core::classifier::Model;
use std::hint::black_box;
use std::time::Instant;

use routeplay_core::shipped::CLASSIFIER as SHIPPED;

const BASE: &str = "Summarize the following meeting notes for the team. The quarterly review covered revenue, hiring and the product roadmap; revenue grew 12% while churn stayed flat at 3%. \
A: can we move the launch to May?\nB: only if QA signs off by the 20th.\n```python\ndef total(xs):\n    return sum(x * 1.2 for x in xs)\n```\n\
Les participants ont aussi discuté du budget marketing et des nouveaux marchés en Europe. ";

fn prompt(bytes: usize) -> String {
    let mut s = String::new();
    while s.len() < bytes {
        s.push_str(BASE);
    }
    let mut end = bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// CPU time of this thread in ns (Linux `/proc/thread-self/schedstat`), so that other
/// processes competing for the cores do not inflate the figures; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Best of 7 runs, in µs per call: (wall clock, on-CPU time when available).
fn time<F: FnMut()>(mut f: F) -> (f64, Option<f64>) {
    let mut iters = 1usize;
    loop {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        if t.elapsed().as_secs_f64() > 0.05 {
            break;
        }
        iters *= 2;
    }
    iters *= 2;
    let mut best_wall = f64::INFINITY;
    let mut best_cpu: Option<f64> = None;
    for _ in 0..7 {
        let c0 = cpu_ns();
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        let wall = t.elapsed().as_secs_f64() * 1e6 / iters as f64;
        best_wall = best_wall.min(wall);
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            let cpu = (b - a) as f64 / 1e3 / iters as f64;
            best_cpu = Some(best_cpu.map_or(cpu, |x: f64| x.min(cpu)));
        }
    }
    (best_wall, best_cpu)
}

fn fmt((wall, cpu): (f64, Option<f64>)) -> String {
    match cpu {
        Some(c) => format!("{wall:>8.2} µs wall, {c:>7.2} µs on-CPU"),
        None => format!("{wall:>8.2} µs wall"),
    }
}

fn main() {
    // ROUTEPLAY_BENCH_MODEL=path measures another model file (e.g. the previous one, back to
    // back with the shipped one on a busy machine).
    let other =
        std::env::var_os("ROUTEPLAY_BENCH_MODEL").map(|p| std::fs::read(p).expect("model file"));
    let bytes: &[u8] = other.as_deref().unwrap_or(SHIPPED);
    let t = Instant::now();
    let model = Model::from_bytes(bytes).expect("a valid model");
    println!(
        "model: {} bytes, {} labels, {} buckets; load {:.2} ms",
        bytes.len(),
        model.labels().len(),
        model.buckets(),
        t.elapsed().as_secs_f64() * 1e3
    );
    // gzip = the deflate stream (level 9) + a 10-byte header and an 8-byte trailer.
    let gzip = miniz_oxide::deflate::compress_to_vec(bytes, 9).len() + 18;
    println!(
        "model size: {:.1} KB raw, {:.1} KB gzip -9 (limit 512 KB gzip)",
        bytes.len() as f64 / 1024.0,
        gzip as f64 / 1024.0
    );
    let mut probs = [0f32; 64];
    for size in [100, 1024, 10 * 1024] {
        let p = prompt(size);
        let into = time(|| {
            black_box(model.predict_into(black_box(&p), &mut probs));
        });
        let feats = time(|| {
            let mut n = 0u32;
            routeplay_core::classifier::features::for_each_feature(black_box(&p), |_, h| {
                n = n.wrapping_add(h)
            });
            black_box(n);
        });
        println!("features only  {:>6} B: {}", p.len(), fmt(feats));
        // The difficulty head's dense features (format-2 models add them to every prediction).
        let dfeats = time(|| {
            let mut f = [0f32; routeplay_core::classifier::difficulty::DIFFICULTY_FEATURES];
            routeplay_core::classifier::difficulty::difficulty_features(black_box(&p), &mut f);
            black_box(f);
        });
        println!("difficulty     {:>6} B: {}", p.len(), fmt(dfeats));
        let full = time(|| {
            black_box(model.predict(black_box(&p)));
        });
        println!(
            "predict_into   {:>6} B: {}  (no allocation)",
            p.len(),
            fmt(into)
        );
        println!(
            "predict        {:>6} B: {}  (-> TaskPrediction)",
            p.len(),
            fmt(full)
        );
        if size == 1024 {
            let (wall, cpu) = full;
            println!(
                "per 1 KB prompt: {:.2} µs (on-CPU where measured, else wall; limit 20 µs)",
                cpu.unwrap_or(wall)
            );
        }
    }
}
