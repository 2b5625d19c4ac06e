//! One prompt end to end, natively (issue 14's goal: ≤ 20 µs for a 1 KB prompt): cheap signals,
//! the shipped classifier and one traced decision, with and without language detection; and
//! language detection alone on 1 KB prompts in several languages and scripts. The totals are
//! followed by their parts, each timed on inputs prepared beforehand (cheap signals, classifier,
//! `Facts::new`, traced and lean decision), so the figures explain themselves.
//! Run: `cargo bench -p routeplay-core --bench pipeline` or `./x bench`; add `-- hot` for the
//! figures without language detection only (e.g. under `perf record`). Figures printed only.

use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::policy::{Facts, Metadata, Policy};
use routeplay_core::shipped::{CATALOG, CLASSIFIER, PRESETS, SAMPLES};
use routeplay_core::signals::{detect_language, CheapSignals, PromptSignals};
use routeplay_core::simulate::parse_prompt_set;
use std::hint::black_box;
use std::time::Instant;

/// CPU time of this thread in ns (Linux), so that other processes on the machine do not
/// inflate the figures; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// µs per call over 7 rounds: on-CPU time where measured (summed over the rounds: the kernel
/// updates it coarsely), else the best round's wall clock.
fn time<F: FnMut()>(mut f: F) -> f64 {
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
    let mut best_wall = f64::INFINITY;
    let c0 = cpu_ns();
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        best_wall = best_wall.min(t.elapsed().as_secs_f64() * 1e6 / iters as f64);
    }
    match (c0, cpu_ns()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e3 / (7 * iters) as f64,
        _ => best_wall,
    }
}

/// A prompt of about `bytes` bytes made of `parts` in turn, cut at a char boundary.
fn fill(parts: &[&str], bytes: usize) -> String {
    let mut s = String::new();
    for i in 0.. {
        if s.len() >= bytes {
            break;
        }
        s.push_str(parts[i % parts.len()]);
        s.push('\n');
    }
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn main() {
    let catalog = Catalog::from_json(CATALOG).unwrap();
    let policy = Policy::load(PRESETS[0].1, &catalog).unwrap().0;
    let model = Model::from_bytes(CLASSIFIER).unwrap();
    let meta = Metadata::new();
    let set = parse_prompt_set(SAMPLES);
    let texts: Vec<&str> = set.prompts.iter().map(|(_, r)| r.text.as_str()).collect();
    // Eight different 1 KB prompts from the sample set.
    let prompts: Vec<String> = (0..8)
        .map(|k| {
            let parts: Vec<&str> = (0..texts.len())
                .map(|i| texts[(i * 37 + k * 11) % texts.len()])
                .collect();
            fill(&parts, 1024)
        })
        .collect();
    // `cargo bench -p routeplay-core --bench pipeline -- hot`: the figures without language
    // detection only (for profiling the rest of the hot path).
    let hot = std::env::args().any(|a| a == "hot");
    let mut k = 0;
    let mut one = |language: bool, trace: bool| {
        let text = &prompts[k % prompts.len()];
        k += 1;
        let signals = PromptSignals {
            cheap: CheapSignals::compute_with_language(text, language),
            task: Some(model.predict(text)),
        };
        let facts = Facts::new(text, &signals, &meta);
        if trace {
            black_box(policy.decide(&facts, &catalog));
        } else {
            let mut fb = Vec::new();
            black_box(policy.decide_lean(&facts, &catalog, &mut fb));
        }
    };
    println!(
        "one 1 KB prompt (8 sample-set prompts in turn; on-CPU µs, mean of 7 rounds), cost-saver:"
    );
    for (language, trace, what) in [
        (
            true,
            true,
            "with language detection, traced decision (the Prompt view)",
        ),
        (false, true, "without language detection, traced decision"),
        (
            true,
            false,
            "with language detection, lean decision (a prompt-set run)",
        ),
        (false, false, "without language detection, lean decision"),
    ] {
        if language && hot {
            continue;
        }
        println!(
            "  signals + classifier + one decision, {what}: {:.2} µs",
            time(|| one(language, trace))
        );
    }
    // The parts, each on inputs prepared beforehand, so the sum explains the totals above.
    let signals: Vec<PromptSignals> = prompts
        .iter()
        .map(|t| PromptSignals {
            cheap: CheapSignals::compute_with_language(t, false),
            task: Some(model.predict(t)),
        })
        .collect();
    let facts: Vec<Facts> = prompts
        .iter()
        .zip(&signals)
        .map(|(t, s)| Facts::new(t, s, &meta))
        .collect();
    let n = prompts.len();
    let mut k = 0;
    let mut next = || {
        k += 1;
        k % n
    };
    let classifier = time(|| {
        black_box(model.predict(&prompts[next()]));
    });
    let cheap = time(|| {
        black_box(CheapSignals::compute_with_language(&prompts[next()], false));
    });
    let make_facts = time(|| {
        let i = next();
        black_box(Facts::new(&prompts[i], &signals[i], &meta));
    });
    let traced = time(|| {
        black_box(policy.decide(&facts[next()], &catalog));
    });
    let mut fb = Vec::new();
    let lean = time(|| {
        black_box(policy.decide_lean(&facts[next()], &catalog, &mut fb));
    });
    println!("  of which (each on prepared inputs):");
    println!("    cheap signals without language: {cheap:.2} µs");
    println!("    classifier (Model::predict):    {classifier:.2} µs");
    println!("    facts (Facts::new):             {make_facts:.2} µs");
    println!("    traced decision (decide):       {traced:.2} µs");
    println!("    lean decision (decide_lean):    {lean:.2} µs");
    println!(
        "    sum without language: traced {:.2} µs, lean {:.2} µs",
        cheap + classifier + make_facts + traced,
        cheap + classifier + make_facts + lean
    );
    if hot {
        return;
    }
    println!(
        "language detection alone, 1 KB (the port in signals/language/; whatlang::detect, the reference it replaced, on the same sample):"
    );
    for (what, parts) in [
        ("English (sample set)", prompts[0].as_str()),
        ("French", "Bonjour, pourriez-vous résumer ce texte sur les énergies renouvelables et proposer trois idées pour la suite du projet ?"),
        ("German", "Kannst du mir bitte diesen Artikel über erneuerbare Energien zusammenfassen und drei Vorschläge machen?"),
        ("Russian", "Не могли бы вы кратко изложить эту статью о возобновляемой энергии и предложить три идеи?"),
        ("Japanese", "再生可能エネルギーに関するこの記事を要約して、次のステップを三つ提案してください。"),
        ("Chinese", "请总结这篇关于可再生能源的文章，并提出三个下一步的建议。"),
        ("Korean", "재생 에너지에 관한 이 기사를 요약하고 다음 단계를 세 가지 제안해 주세요."),
        ("Arabic", "هل يمكنك تلخيص هذه المقالة عن الطاقة المتجددة واقتراح ثلاث خطوات تالية للمشروع؟"),
        ("Hindi", "क्या आप नवीकरणीय ऊर्जा पर इस लेख का सारांश दे सकते हैं और तीन अगले कदम सुझा सकते हैं?"),
        ("Greek", "Μπορείτε να συνοψίσετε αυτό το άρθρο για τις ανανεώσιμες πηγές ενέργειας;"),
        ("code only", "fn main() { let xs = vec![1, 2, 3]; println!(\"{}\", xs.iter().sum::<i32>()); }"),
    ] {
        let text = fill(&[parts], 1024);
        // 1 KB: the whole text is the detector's sample.
        let sample = text.as_str();
        println!(
            "  {what:<22} {:>8.2} µs  → {}   (whatlang: {:.2} µs → {})",
            time(|| {
                black_box(detect_language(black_box(&text)));
            }),
            detect_language(&text).map_or("none".to_string(), |l| l.code),
            time(|| {
                black_box(whatlang::detect(black_box(sample)));
            }),
            whatlang::detect(sample).map_or("none", |i| i.lang().code())
        );
    }

    // A bounded prefix (a lever of issue 14): how many detected languages would change, and
    // what it saves, over a prompt set (target/bench/prompts-10k.jsonl when `./x bench` wrote
    // it, else the sample set).
    let file = std::fs::read_to_string("../../target/bench/prompts-10k.jsonl").ok();
    let set = parse_prompt_set(file.as_deref().unwrap_or(SAMPLES));
    let texts: Vec<&str> = set.prompts.iter().map(|(_, r)| r.text.as_str()).collect();
    let full: Vec<Option<String>> = texts
        .iter()
        .map(|t| detect_language(t).map(|l| l.code))
        .collect();
    let t = Instant::now();
    for t in &texts {
        black_box(detect_language(t));
    }
    println!(
        "language detection over {} prompts ({}): {:.1} µs a prompt with the {}-byte sample",
        texts.len(),
        if file.is_some() {
            "target/bench/prompts-10k.jsonl"
        } else {
            "the sample set"
        },
        t.elapsed().as_secs_f64() * 1e6 / texts.len() as f64,
        routeplay_core::signals::LANGUAGE_SAMPLE_BYTES
    );
    for max in [256usize, 512, 1024, 2048] {
        let cut = |t: &str| {
            let mut end = max.min(t.len());
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t[..end].to_string()
        };
        let cuts: Vec<String> = texts.iter().map(|t| cut(t)).collect();
        let t = Instant::now();
        let got: Vec<Option<String>> = cuts
            .iter()
            .map(|t| detect_language(t).map(|l| l.code))
            .collect();
        let us = t.elapsed().as_secs_f64() * 1e6 / texts.len() as f64;
        let changed = got.iter().zip(&full).filter(|(a, b)| a != b).count();
        println!(
            "  on the first {max} bytes only: {us:.1} µs a prompt; {changed} of {} detected languages would change",
            texts.len()
        );
    }
}
