//! The command-line tool: output formats, and one clear line with exit status 2 on bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-consent"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run policy-consent")
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-consent-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn assert_bad_input(output: &Output, expected: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout on failure");
    assert!(stderr.starts_with("policy-consent: "), "{stderr}");
    for part in expected {
        assert!(stderr.contains(part), "`{part}` not in: {stderr}");
    }
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

#[test]
fn renders_html_json_and_text() {
    let html = run(&["render", "policy/privacy-policy.txt", "--format", "html"]);
    assert!(html.status.success());
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(html.starts_with("<article class=\"pc-policy\">"));
    assert!(html.contains("<section id=\"s-2-5\""));
    assert!(html.contains("<nav class=\"pc-toc\""));

    let page = run(&["render", "policy/privacy-policy.txt", "--standalone"]);
    let page = String::from_utf8(page.stdout).unwrap();
    assert!(page.starts_with("<!doctype html>") && page.contains("<html lang=\"en\">"));
    assert!(page.contains("@media (prefers-color-scheme:dark)"));

    let json = run(&["render", "policy/privacy-policy.txt", "--format", "json"]);
    let model: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(model["title"], "Privacy Policy");
    assert_eq!(model["sections"].as_array().unwrap().len(), 12);

    let text = run(&[
        "render",
        "tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md",
        "--format",
        "text",
    ]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("Firefox 隐私声明\n"), "{text}");
}

#[test]
fn reads_stdin_and_honours_format_in() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-consent"))
        .args(["render", "-", "--format-in", "markdown", "--format", "text"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"# Title\n\n## One\n\ntext\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "Title\n  One  #one\n"
    );
}

#[test]
fn bad_inputs_exit_2_with_one_clear_line() {
    assert_bad_input(
        &run(&["render", "no/such/policy.txt"]),
        &["no/such/policy.txt", "no such file"],
    );
    let latin1 = scratch("latin1.txt", b"Politique de confidentialit\xe9\n");
    assert_bad_input(
        &run(&["render", latin1.to_str().unwrap()]),
        &["latin1.txt", "not UTF-8", "offset 27"],
    );
    let empty = scratch("empty.txt", b"");
    assert_bad_input(
        &run(&["render", empty.to_str().unwrap()]),
        &["empty.txt", "empty"],
    );
    let blank = scratch("blank.md", b"  \n\n---\n");
    assert_bad_input(
        &run(&["render", blank.to_str().unwrap()]),
        &["blank.md", "empty"],
    );
    let dir = std::env::temp_dir();
    assert_bad_input(
        &run(&["render", dir.to_str().unwrap()]),
        &[dir.to_str().unwrap()],
    );
    assert_bad_input(
        &run(&["render", "policy/privacy-policy.txt", "--format", "pdf"]),
        &["unknown format `pdf`"],
    );
    assert_bad_input(
        &run(&["render", "policy/privacy-policy.txt", "--format-in", "rtf"]),
        &["rtf"],
    );
    assert_bad_input(
        &run(&["render", "policy/privacy-policy.txt", "--bogus"]),
        &["--bogus"],
    );
    assert_bad_input(&run(&["render"]), &["render: expected FILE"]);
    assert_bad_input(
        &run(&["diff", "policy/privacy-policy.txt"]),
        &["diff: expected OLD and NEW"],
    );
    assert_bad_input(
        &run(&["render", "a.txt", "b.txt"]),
        &["unexpected argument `b.txt`"],
    );
    assert_bad_input(&run(&["frobnicate"]), &["unknown command `frobnicate`"]);
    assert_bad_input(&run(&[]), &["no command"]);
}

#[test]
fn help_and_version_succeed() {
    assert!(run(&["--help"]).status.success());
    let version = run(&["--version"]);
    assert!(
        String::from_utf8(version.stdout)
            .unwrap()
            .starts_with("policy-consent ")
    );
}

#[test]
fn diff_reports_levels_reasons_and_purposes() {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policy/privacy-policy.txt"
    ))
    .unwrap();
    let new = scratch(
        "new.txt",
        seed.replace("under the age of 18", "under the age of 16")
            .as_bytes(),
    );
    let text = run(&["diff", "policy/privacy-policy.txt", new.to_str().unwrap()]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with(
            "level: material
"
        ),
        "{text}"
    );
    assert!(
        text.contains("modified  material  #protection-of-minors  Protection of Minors"),
        "{text}"
    );
    assert!(text.contains("[-18-]{+16+}"), "{text}");

    let json = run(&[
        "diff",
        "policy/privacy-policy.txt",
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["level"], "material");

    let html = run(&[
        "diff",
        "policy/privacy-policy.txt",
        new.to_str().unwrap(),
        "--format",
        "html",
    ]);
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(html.contains("<del>18</del><ins>16</ins>"), "{html}");
    policy_consent::render::html::audit(&html).unwrap();

    let marked = run(&[
        "render",
        new.to_str().unwrap(),
        "--changed-since",
        "policy/privacy-policy.txt",
    ]);
    let marked = String::from_utf8(marked.stdout).unwrap();
    assert!(marked.contains("<section id=\"protection-of-minors\" class=\"pc-section pc-changed\" data-pc-change=\"material\">"), "{marked}");
    assert_eq!(marked.matches("pc-changed").count(), 1);

    assert_bad_input(
        &run(&["diff", "policy/privacy-policy.txt", "missing.txt"]),
        &["missing.txt", "no such file"],
    );
}
