//! Instruction/passage recombination: pasted passages and dialogue transcripts found in the
//! training rows are re-wrapped in instructions written for this project, one label per
//! instruction, in varied placements. The model then sees the *same* passage under different
//! labels and must learn that the instruction decides the task, not the passage topic or the
//! dataset's template wording (the cause of extraction→summarization and dialogue→chat errors).

use super::clean::Row;
use super::train::Rng;

const SUMMARIZE: &[&str] = &[
    "Summarize this:",
    "tl;dr",
    "Can you give me a short summary of the text below?",
    "Sum this up in two sentences.",
    "what's the gist of this?",
    "Write a one-line summary.",
    "Give me the key points in 3 bullets.",
    "condense this into a short paragraph for my boss",
    "Summarise the following for our newsletter.",
    "Write a headline for this.",
    "Give this text a title.",
    "summarize pls",
    "Résume ce texte en quelques phrases.",
    "Fasse den folgenden Text kurz zusammen.",
    "Resume este texto en pocas palabras.",
    "Boil this down to the essentials.",
    "Can you shorten this to 50 words?",
    "Write an abstract for this.",
    "I don't have time to read all this, what does it say?",
    "Recap the main points of the following.",
    "give me a quick summary",
    "Summarize the text below in plain language for a 10 year old.",
    "Résumez le texte suivant.",
    "Fais-moi un résumé de ce texte.",
    "Fasse das bitte in drei Sätzen zusammen.",
    "Hazme un resumen de esto.",
    "Riassumi questo testo.",
    "Resuma este texto em poucas linhas.",
    "Kannst du mir eine Zusammenfassung davon geben?",
    "Puedes resumir el siguiente artículo?",
    "Key takeaways?",
    "Summarize for a slide: 3 bullet points max.",
    "TL;DR this for me",
];

const SUMMARIZE_DIALOGUE: &[&str] = &[
    "Summarize this conversation.",
    "what's the tl;dr of this chat?",
    "Write short meeting notes from this transcript.",
    "Sum up what they discussed.",
    "Summarize the dialogue below in one sentence.",
    "Give me a brief summary of this chat log.",
    "Can you summarise this call transcript for the CRM?",
    "recap this thread for me",
    "Write a two-sentence summary of what happened in this exchange.",
    "Summarize the customer's issue and how it was resolved.",
];

const EXTRACT: &[&str] = &[
    "List every person mentioned in the text below.",
    "Pull out all the dates and what happened on each.",
    "Extract the names of all organizations as a JSON array.",
    "Based on the passage, what reason is given for the decision?",
    "Which numbers appear in this text? List each with what it refers to.",
    "Find all locations mentioned and return them as a comma-separated list.",
    "Extract the key facts (who, what, when, where) into a table.",
    "According to the text, who is responsible?",
    "Using only the text below, answer: when did this happen?",
    "Pull the quotes out of this and say who said each one.",
    "From this text, extract the product names and prices.",
    "Get me the main entities in this passage as JSON with fields name and type.",
    "What does the passage say about the cost? Answer only from the text.",
    "Answer from the passage: what happened first?",
    "Identify all the people and their job titles in the following.",
    "Extract any email addresses, phone numbers or URLs from this.",
    "Extrae todas las fechas y cantidades de este texto.",
    "Extrais les noms des personnes mentionnées.",
    "Liste alle Orte auf, die im Text vorkommen.",
    "Estrai i nomi delle aziende da questo testo.",
    "Extraia os valores numéricos deste texto.",
    "Who is mentioned first in the text, and in what role?",
    "Make a table of every figure and percentage mentioned below.",
    "What's the deadline mentioned here?",
];

const EXTRACT_DIALOGUE: &[&str] = &[
    "What time did they agree to meet?",
    "List the action items and who owns each one.",
    "What is the customer's order number?",
    "From this chat, extract the names of everyone involved.",
    "What did B ask for? Answer using only the conversation.",
    "Extract the delivery address mentioned in this chat.",
    "Which dates are mentioned in the conversation?",
];

const CLASSIFY: &[&str] = &[
    "Is the tone of this text positive, negative or neutral?",
    "Classify this as politics, sports, business or technology.",
    "Which category fits this best: complaint, praise, question, other?",
    "Is this spam or not spam?",
    "Label the sentiment: positive / negative.",
    "What genre is this text? Answer with one word.",
    "Tag this with one of: billing, technical, account, other.",
    "Is this text formal or informal?",
    "Is this fact or opinion?",
    "Rate the urgency of this message: low, medium or high.",
    "Would you say the author is for or against the idea? Answer for/against.",
    "Ce texte est-il positif ou négatif ?",
    "Ist dieser Text positiv oder negativ?",
    "¿Este texto es positivo, negativo o neutral?",
    "Which label fits best: news, opinion, advertisement?",
];

const CLASSIFY_DIALOGUE: &[&str] = &[
    "Is the customer satisfied at the end? yes/no",
    "Classify the intent of the caller.",
    "Was this conversation friendly or hostile?",
    "Label this chat: sales, support or spam.",
];

const TRANSLATE: &[&str] = &[
    "Translate this into French:",
    "Can you translate the following to Spanish",
    "Put this into German please",
    "translate to japanese",
    "Translate into Italian:",
    "Please translate the text below into Portuguese.",
    "Переведи на русский:",
    "Übersetze ins Englische:",
    "Traduce al inglés:",
    "Translate to Chinese (simplified).",
];

/// Question templates about one entity of the passage (`{}`), for extraction rows.
const ENTITY_QUESTIONS: &[&str] = &[
    "What does the passage say about {}?",
    "According to the text, who or what is {}?",
    "When is {} mentioned, and in what context?",
    "What is {} according to this paragraph?",
    "Based on the text, what happened to {}?",
    "How is {} described?",
    "Where is {} according to the passage?",
    "What role does {} play in the text?",
    "Which facts are given about {}?",
    "how many times is {} mentioned?",
];

/// Layouts for a passage and a question about it.
fn qa_layout(rng: &mut Rng, passage: &str, q: &str, entity: &str) -> String {
    match rng.below(7) {
        0 => format!("Passage: {passage}\nQuestion: {q}"),
        1 => format!("Context: {passage}\n\nQ: {q}"),
        2 => format!("{passage}\n\nBased on this paragraph, {}", lower_first(q)),
        3 => format!(
            "Given this reference text about {entity}, {}\n\n{passage}",
            lower_first(q)
        ),
        4 => format!("{q}\n\n{passage}"),
        5 => format!("Read the text and answer the question.\n\n{passage}\n\n{q}"),
        _ => format!("{passage}\n{q}"),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A capitalised word or number from the middle of the passage (not the first word).
fn pick_entity(rng: &mut Rng, passage: &str) -> Option<String> {
    let words: Vec<&str> = passage
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| {
            w.len() >= 3
                && (w.chars().next().is_some_and(char::is_uppercase)
                    || w.chars().all(|c| c.is_ascii_digit()))
        })
        .collect();
    (!words.is_empty()).then(|| words[rng.below(words.len())].to_string())
}

/// A text used as the pasted part: paragraph or dialogue.
struct Piece {
    text: String,
    dialogue: bool,
}

fn dialogue_block(t: &str) -> Option<String> {
    let lines: Vec<&str> = t
        .lines()
        .filter(|l| {
            let l = l.trim();
            match l.find(':') {
                Some(i) if (1..=20).contains(&i) => l[..i].split_whitespace().count() <= 2,
                _ => false,
            }
        })
        .collect();
    (lines.len() >= 3).then(|| lines.join("\n"))
}

fn longest_paragraph(t: &str) -> Option<&str> {
    t.split('\n')
        .map(str::trim)
        .max_by_key(|p| p.split_whitespace().count())
        .filter(|p| p.split_whitespace().count() >= 40)
}

fn truncate_words(t: &str, max_words: usize) -> String {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() <= max_words {
        return t.to_string();
    }
    let mut s = words[..max_words].join(" ");
    if let Some(i) = s.rfind(". ") {
        if i > s.len() / 2 {
            s.truncate(i + 1);
        }
    }
    s
}

fn wrap(rng: &mut Rng, instr: &str, piece: &str) -> String {
    match rng.below(6) {
        0 => format!("{instr}\n\n{piece}"),
        1 => format!("{piece}\n\n{instr}"),
        2 => format!("{instr}\n\"\"\"\n{piece}\n\"\"\""),
        3 => format!("{instr} {piece}"),
        4 => format!("{piece}\n\n---\n{instr}"),
        _ => format!("{instr}\n\n```\n{piece}\n```"),
    }
}

/// Makes up to `per_label` new rows for each of summarization, extraction, classification and
/// translation by re-wrapping passages and dialogues found in `rows`. Only labels present in
/// `rows` are produced (a custom label set is left alone). Deterministic for a given `seed`.
pub fn augment(rows: &[Row], per_label: usize, seed: u64) -> Vec<Row> {
    let has = |l: &str| rows.iter().any(|r| r.label.as_deref() == Some(l));
    let mut pieces = Vec::new();
    for r in rows {
        if let Some(d) = dialogue_block(&r.text) {
            pieces.push(Piece {
                text: d,
                dialogue: true,
            });
        } else if r.source.starts_with("p3/")
            || r.source.starts_with("routeplay")
            || r.source.starts_with("dolly15k")
            || r.source.starts_with("coqa")
        {
            if let Some(p) = longest_paragraph(&r.text) {
                pieces.push(Piece {
                    text: p.to_string(),
                    dialogue: false,
                });
            }
        }
    }
    let mut out = Vec::new();
    if pieces.is_empty() {
        return out;
    }
    let dialogues: Vec<usize> = (0..pieces.len()).filter(|&i| pieces[i].dialogue).collect();
    let mut rng = Rng::new(seed ^ 0xa11c_e5ed);
    let plans: [(&str, &[&str], &[&str]); 4] = [
        ("summarization", SUMMARIZE, SUMMARIZE_DIALOGUE),
        ("extraction", EXTRACT, EXTRACT_DIALOGUE),
        ("classification", CLASSIFY, CLASSIFY_DIALOGUE),
        ("translation", TRANSLATE, &[]),
    ];
    for (label, instrs, dinstrs) in plans {
        if !has(label) {
            continue;
        }
        let n = if label == "translation" {
            per_label / 3
        } else {
            per_label
        };
        for _ in 0..n {
            if label == "extraction" && rng.below(2) == 0 {
                // A passage (often short) with a question about one of its entities.
                let p = &pieces[rng.below(pieces.len())];
                if !p.dialogue {
                    let words = 12 + rng.below(120);
                    let passage = truncate_words(&p.text, words);
                    if let Some(e) = pick_entity(&mut rng, &passage) {
                        let q =
                            ENTITY_QUESTIONS[rng.below(ENTITY_QUESTIONS.len())].replace("{}", &e);
                        out.push(Row {
                            text: qa_layout(&mut rng, &passage, &q, &e),
                            label: Some(label.to_string()),
                            source: format!("augment/{label}"),
                            hard: None,
                        });
                        continue;
                    }
                }
            }
            let use_dialogue = !dialogues.is_empty() && !dinstrs.is_empty() && rng.below(3) == 0;
            let (instr, piece) = if use_dialogue {
                let p = &pieces[dialogues[rng.below(dialogues.len())]];
                (dinstrs[rng.below(dinstrs.len())], p.text.clone())
            } else {
                let p = &pieces[rng.below(pieces.len())];
                let words = 15 + rng.below(200);
                (
                    instrs[rng.below(instrs.len())],
                    truncate_words(&p.text, words),
                )
            };
            out.push(Row {
                text: wrap(&mut rng, instr, &piece),
                label: Some(label.to_string()),
                source: format!("augment/{label}"),
                hard: None,
            });
        }
    }
    out
}
