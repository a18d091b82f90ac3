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

/// A copy of `policy/` in a scratch directory with the manifest edited by `edit`.
fn policy_dir(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!(
        "policy-consent-check-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    for file in [
        "privacy-policy.txt",
        "versions/2026-05.txt",
        "versions/2027-01.txt",
    ] {
        std::fs::copy(root.join("policy").join(file), dir.join(file)).unwrap();
    }
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("policy/consent.json")).unwrap())
            .unwrap();
    edit(&mut manifest);
    std::fs::write(
        dir.join("consent.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    dir
}

fn check(dir: &std::path::Path) -> (Option<i32>, String, String) {
    let out = run(&["check", dir.to_str().unwrap()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn check_passes_on_the_sample_and_names_each_problem() {
    let out = run(&["check", "policy/"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("compared with version 2026-05")
            && stdout.contains("ok: policy/consent.json (8 purposes"),
        "{stdout}"
    );

    type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "missing-section",
            Box::new(|m| m["purposes"][1]["sections"][0] = "2.9".into()),
            "purposes[1].sections[0]: purpose `personalization` cites section `2.9`, which the policy does not have",
        ),
        (
            "duplicate-id",
            Box::new(|m| m["purposes"][2]["id"] = "analytics".into()),
            "purposes[3].id: duplicate purpose id `analytics`",
        ),
        (
            "required-forbidden",
            Box::new(|m| m["purposes"][0]["minors"] = "forbidden".into()),
            "purposes[0].minors: purpose `necessary` is required (strictly necessary) but forbidden for minors",
        ),
        (
            "bad-date",
            Box::new(|m| m["policy"]["effective"] = "2026-02-30".into()),
            "policy.effective: `2026-02-30` is not a date",
        ),
        (
            "notice-after-effective",
            Box::new(|m| m["policy"]["upcoming"]["notice_from"] = "2027-02-01".into()),
            "policy.upcoming.notice_from: 2027-02-01 is after the upcoming version takes effect",
        ),
        (
            "pre-ticked",
            Box::new(|m| m["purposes"][3]["default"] = true.into()),
            "purposes[3].default: optional purpose `analytics` is on by default",
        ),
        (
            "under-declared",
            Box::new(|m| m["changelog"][1]["level"] = "cosmetic".into()),
            "changelog for 2026-11: declared cosmetic, but the comparison finds minor",
        ),
        (
            "bad-consent-mode",
            Box::new(|m| m["purposes"][4]["consent_mode"][0] = "ads".into()),
            "purposes[4].consent_mode[0]: `ads` is not a Consent Mode v2 type",
        ),
        (
            "every-cookie",
            Box::new(|m| m["purposes"][4]["cookies"][0] = "*".into()),
            "purposes[4].cookies[0]: `*` matches every cookie",
        ),
    ];
    for (name, edit, expected) in cases {
        let (code, _, stderr) = check(&policy_dir(name, edit));
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("policy-consent: manifest: {expected}"))
                || stderr.contains(expected),
            "{name}: `{expected}` not in:\n{stderr}"
        );
    }
    // Not a manifest at all: exit 2 with the JSON error's position.
    let dir = policy_dir("not-json", |_| {});
    std::fs::write(dir.join("consent.json"), "{ \"policy\": ").unwrap();
    let (code, _, stderr) = check(&dir);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("consent.json") && stderr.contains("line 1"),
        "{stderr}"
    );
    let dir = policy_dir("unknown-field", |m| {
        m["purposes"][0]["colour"] = "blue".into()
    });
    let (code, _, stderr) = check(&dir);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown field `colour`"), "{stderr}");
}

#[test]
fn init_proposes_a_manifest_that_checks() {
    let out = run(&["init", "policy/privacy-policy.txt"]);
    assert!(out.status.success());
    let proposed: policy_consent::policy::manifest::Manifest =
        serde_json::from_slice(&out.stdout).unwrap();
    let cited: Vec<&str> = proposed
        .purposes
        .iter()
        .map(|p| p.sections[0].as_str())
        .collect();
    assert_eq!(
        cited,
        ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8"]
    );
    let policy = policy_consent::policy::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policy/privacy-policy.txt"
        ))
        .unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(proposed.validate(Some(&policy)), vec![]);
}

#[test]
fn view_is_stamped_from_the_manifest_and_the_published_one_is_current() {
    let missing = run(&["render", "policy/privacy-policy.txt", "--format", "view"]);
    assert_bad_input(&missing, &["--format view needs --manifest"]);
    let view = run(&[
        "render",
        "policy/privacy-policy.txt",
        "--format",
        "view",
        "--manifest",
        "policy/consent.json",
    ]);
    assert!(view.status.success());
    let json: serde_json::Value = serde_json::from_slice(&view.stdout).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("policy/consent.json").unwrap()).unwrap();
    assert_eq!(json["policy"]["id"], manifest["policy"]["id"]);
    assert_eq!(json["policy"]["version"], manifest["policy"]["version"]);
    assert_eq!(json["policy"]["file"], "privacy-policy.txt");
    assert_eq!(json["title"], "Privacy Policy");
    // The demo publishes it beside the policy: regenerate it when the policy changes, with
    // the command above (> policy/privacy-policy.view.json).
    let published = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/privacy-policy.view.json"),
    )
    .unwrap();
    assert!(
        published == view.stdout,
        "policy/privacy-policy.view.json is stale: regenerate it"
    );
}
