//! Parsing tests for every format, mixed files, bad lines and the signals.

use super::*;
use crate::simulate::input::{read_prompt_set, ParsedSet, ReadOptions, SetFormat};

fn read(t: &str) -> ParsedSet {
    read_prompt_set(t, &ReadOptions::default()).unwrap()
}

fn conv(set: &ParsedSet, i: usize) -> &Conversation {
    set.prompts[i]
        .1
        .conversation
        .as_deref()
        .expect("a conversation")
}

const OPENAI: &str = r#"{"model": "gpt-5-mini", "messages": [{"role": "system", "content": "You are a coding agent."}, {"role": "user", "content": [{"type": "text", "text": "Why does this test fail?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "run_tests", "arguments": "{\"path\": \"tests/\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "1 failed: test_parse"}], "tools": [{"type": "function", "function": {"name": "run_tests", "description": "Run the test suite", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}}, {"type": "function", "function": {"name": "read_file", "parameters": {"type": "object"}}}], "temperature": 0.2}"#;

#[test]
fn openai_chat_body_with_parts_tool_calls_and_results() {
    let p = read(OPENAI);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let c = conv(&p, 0);
    assert_eq!(c.format, Some(SourceFormat::OpenAiChat));
    assert_eq!(c.model.as_deref(), Some("gpt-5-mini"));
    assert_eq!(c.system, "You are a coding agent.");
    assert_eq!(c.messages.len(), 3);
    assert_eq!(c.messages[0].images(), 1);
    assert_eq!(
        c.messages[0].parts[1],
        Part::Image {
            source: "image/png".into()
        }
    );
    let call = c.messages[1].tool_calls().next().unwrap();
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("call_1", "run_tests")
    );
    assert_eq!(call.arguments, "{\"path\": \"tests/\"}");
    assert_eq!(c.messages[2].role, Role::Tool);
    assert!(c.is_agent_step());
    let names: Vec<&str> = c.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["run_tests", "read_file"]);
    assert!(c.tools[0].schema.contains("\"path\""));
    // The prompt text is the last user message; images are not text.
    assert_eq!(p.prompts[0].1.text, "Why does this test fail?");
    assert_eq!(p.prompts[0].1.id.as_deref(), Some("line-1"));
}

#[test]
fn openai_batch_lines_take_the_custom_id() {
    let t = r#"{"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-5", "messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Summarise this memo."}]}}
{"custom_id": "req-2", "method": "POST", "url": "/v1/chat/completions", "body": {"messages": [{"role": "user", "content": 7}]}}
{"custom_id": "req-3", "body": "not an object"}"#;
    let p = read(t);
    assert_eq!(p.prompts.len(), 1);
    let c = conv(&p, 0);
    assert_eq!(c.id, "req-1");
    assert_eq!(c.format, Some(SourceFormat::OpenAiBatch));
    assert_eq!(c.system, "Be brief.");
    assert_eq!(p.prompts[0].1.id.as_deref(), Some("req-1"));
    let msgs: Vec<(usize, &str)> = p
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        msgs,
        [
            (
                2,
                "body.messages[0].content: expected a string or a list of parts, found a number"
            ),
            (3, "body: expected an object, found a string"),
        ]
    );
}

const ANTHROPIC: &str = r#"{"model": "claude-sonnet-5", "max_tokens": 1024, "system": [{"type": "text", "text": "You are a support agent."}], "messages": [{"role": "user", "content": "Where is my order 1234?"}, {"role": "assistant", "content": [{"type": "text", "text": "Let me look."}, {"type": "tool_use", "id": "toolu_1", "name": "lookup_order", "input": {"id": 1234}}]}, {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "shipped"}]}]}], "tools": [{"name": "lookup_order", "description": "Find an order", "input_schema": {"type": "object"}}]}"#;

#[test]
fn anthropic_messages_with_blocks_tool_use_and_results() {
    let p = read(ANTHROPIC);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let c = conv(&p, 0);
    assert_eq!(c.format, Some(SourceFormat::AnthropicMessages));
    assert_eq!(c.system, "You are a support agent.");
    assert_eq!(
        c.messages[1].plain_text(),
        "Let me look.\n\nlookup_order({\"id\":1234})"
    );
    assert_eq!(c.messages[2].role, Role::Tool);
    assert_eq!(
        c.messages[2].parts[0],
        Part::ToolResult {
            call_id: "toolu_1".into(),
            text: "shipped".into(),
            is_error: false
        }
    );
    assert!(c.is_agent_step());
    assert_eq!(c.tools[0].name, "lookup_order");
    assert_eq!(p.prompts[0].1.text, "Where is my order 1234?");
    // An image block counts as an image, from a URL or inline data (the data is not kept).
    let img = r#"{"messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "AAAA"}}, {"type": "text", "text": "What is this?"}]}]}"#;
    let p = read(img);
    assert_eq!(conv(&p, 0).format, Some(SourceFormat::AnthropicMessages));
    assert_eq!(
        conv(&p, 0).messages[0].parts[0],
        Part::Image {
            source: "image/jpeg".into()
        }
    );
    // A role Anthropic does not have is a clear error.
    let bad = read(r#"{"system": "x", "messages": [{"role": "tool", "content": "y"}]}"#);
    assert_eq!(bad.errors[0].line, 1);
    assert!(bad.errors[0]
        .message
        .starts_with("messages[0].role: \"tool\" is not a role"));
}

#[test]
fn sharegpt_conversations_with_function_calls() {
    let t = r#"{"id": "sg-1", "conversations": [{"from": "system", "value": "You help with travel."}, {"from": "human", "value": "Plan two days in Oslo."}, {"from": "gpt", "value": "Day 1: ..."}, {"from": "human", "value": "Now translate it to French."}]}
{"conversations": [{"from": "human", "value": "Weather in Paris?"}, {"from": "function_call", "value": "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"}, {"from": "observation", "value": "{\"temp\": 18}"}], "tools": "[{\"name\": \"get_weather\", \"description\": \"Weather now\", \"parameters\": {}}]"}
{"conversations": [{"from": "narrator", "value": "?"}]}"#;
    let p = read(t);
    assert_eq!(p.prompts.len(), 2);
    let c = conv(&p, 0);
    assert_eq!(c.id, "sg-1");
    assert_eq!(c.system, "You help with travel.");
    assert_eq!(c.turn_ends(), [1, 3]);
    assert_eq!(p.prompts[0].1.text, "Now translate it to French.");
    let c = conv(&p, 1);
    assert_eq!(
        c.messages[1].tool_calls().next().unwrap().name,
        "get_weather"
    );
    assert!(c.is_agent_step());
    assert_eq!(c.tools[0].name, "get_weather");
    assert_eq!(p.errors[0].line, 3);
    assert!(p.errors[0]
        .message
        .contains("\"narrator\" is not a speaker"));
}

#[test]
fn a_mixed_file_keeps_every_good_line_and_reports_the_bad_ones() {
    let t = format!(
        "# a mixed file\n{OPENAI}\n{{\"text\": \"plain prompt\", \"id\": \"p1\"}}\n{{broken\n{ANTHROPIC}\n{{\"messages\": []}}\n{{\"conversations\": [{{\"from\": \"human\", \"value\": \"hi\"}}]}}\n{{\"messages\": [{{\"role\": \"user\"}}], \"tools\": 3}}\n"
    );
    let p = read(&t);
    assert_eq!(p.format, SetFormat::Jsonl);
    let formats: Vec<Option<SourceFormat>> = p
        .prompts
        .iter()
        .map(|(_, r)| r.conversation.as_ref().and_then(|c| c.format))
        .collect();
    assert_eq!(
        formats,
        [
            Some(SourceFormat::OpenAiChat),
            None,
            Some(SourceFormat::AnthropicMessages),
            Some(SourceFormat::ShareGpt)
        ]
    );
    let lines: Vec<usize> = p.prompts.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 3, 5, 7]);
    let errs: Vec<(usize, &str)> = p
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(errs[0].0, 4);
    assert!(errs[0].1.starts_with("invalid JSON"));
    assert_eq!(errs[1], (6, "the conversation has no messages"));
    assert_eq!(errs[2], (8, "tools: expected a list, found a number"));
}

#[test]
fn a_pasted_pretty_printed_body_is_one_record() {
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(OPENAI).unwrap())
            .unwrap();
    let p = read(&format!("\n{pretty}\n"));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.prompts.len(), 1);
    assert_eq!(p.prompts[0].0, 2);
    assert_eq!(conv(&p, 0).tools.len(), 2);
    // A list of bodies: each item on the line it starts on; a non-object item is a bad line.
    let list = format!("[\n  {OPENAI},\n  {ANTHROPIC},\n  3\n]");
    let p = read(&list);
    let lines: Vec<usize> = p.prompts.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 3]);
    assert_eq!(p.errors[0].line, 4);
    assert_eq!(
        p.errors[0].message,
        "item 3 of the list is not a JSON object"
    );
}

#[test]
fn existing_prompt_formats_are_one_turn_conversations() {
    for t in [
        "{\"text\": \"hello there\"}\n",
        "text\nhello there\n",
        "hello there\n",
    ] {
        let p = read(t);
        assert_eq!(p.prompts.len(), 1, "{t}");
        assert!(p.prompts[0].1.conversation.is_none());
    }
    let c = Conversation::from_prompt("x", "hello there");
    assert_eq!(c.turn_ends(), [1]);
    assert!(!c.is_agent_step());
    let (facts, ..) = signals::measure(&c);
    assert_eq!(facts.turns, 1);
    assert_eq!(
        facts.context_tokens,
        crate::signals::estimate_tokens("hello there")
    );
}

#[test]
fn signals_count_turns_tools_system_images_and_context() {
    let p = read(OPENAI);
    let c = conv(&p, 0);
    let s = ConversationSignals::compute(c, None, |_| None);
    let f = &s.facts;
    assert_eq!(f.turns, 1);
    assert!(f.agent_step);
    assert_eq!(f.tool_names, ["run_tests", "read_file"]);
    assert_eq!(f.images, 1);
    assert_eq!(
        f.system_tokens,
        crate::signals::estimate_tokens("You are a coding agent.")
    );
    assert!(s.tool_tokens > 10);
    assert_eq!(
        f.context_tokens,
        f.system_tokens + s.history_tokens + s.tool_tokens + s.turn_tokens
    );
    assert_eq!(
        s.turn_tokens,
        crate::signals::estimate_tokens("1 failed: test_parse")
    );
}
