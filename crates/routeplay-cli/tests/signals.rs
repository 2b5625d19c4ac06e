//! The `routeplay signals` command, run as a real process.

use std::process::Command;

fn routeplay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_routeplay"))
}

#[test]
fn prints_signals_as_json() {
    let out = routeplay()
        .args(["signals", "--compact", "Write a Rust function that adds two numbers:\n```rust\nfn add(a: i32, b: i32) -> i32 { a + b }\n```"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["has_code"], true);
    assert_eq!(v["lines"], 4);
    assert_eq!(v["language"]["code"], "eng");
    assert!(v["tokens"].as_u64().unwrap() > 20);
}

#[test]
fn reads_stdin_and_survives_invalid_utf8() {
    use std::io::Write;
    let mut child = routeplay()
        .arg("signals")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"caf\xff\xfe au lait, email bob@example.org")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pii"], serde_json::json!(["email"]));
}
