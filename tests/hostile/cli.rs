//! Hostile files through the command-line tool: text that is not UTF-8 gives one line naming
//! the file and the byte offset, exit status 2, no panic; `check` warns about bidi controls.

use std::process::{Command, Output};

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-consent"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run policy-consent");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn assert_one_clear_line(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr, format!("policy-consent: {expected}\n"));
}

#[test]
fn invalid_utf8_names_the_file_and_the_offset() {
    let cases = [
        ("invalid-utf8-latin1.txt", 40),
        ("invalid-utf8-surrogate.md", 30),
        ("invalid-utf8-overlong.txt", 23),
        ("invalid-utf8-truncated.txt", 35),
        ("invalid-utf16.txt", 0),
    ];
    for (file, offset) in cases {
        let path = format!("tests/hostile/{file}");
        let expected =
            format!("{path}: not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8");
        for command in [
            vec!["render", path.as_str()],
            vec!["render", path.as_str(), "--format", "json"],
            vec!["diff", "policy/privacy-policy.txt", path.as_str()],
            vec!["init", path.as_str()],
        ] {
            assert_one_clear_line(&run(&command, None), &expected);
        }
        let bytes = std::fs::read(crate::root().join(&path)).unwrap();
        assert_one_clear_line(
            &run(&["render", "-"], Some(&bytes)),
            &format!("stdin: not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8"),
        );
    }
}

/// A policy directory for `check`: the sample manifest and policy, the policy edited.
fn policy_dir(name: &str, edit: impl FnOnce(String) -> String) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "policy-consent-hostile-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    let root = crate::root();
    let manifest = std::fs::read_to_string(root.join("policy/consent.json")).unwrap();
    std::fs::write(dir.join("consent.json"), manifest).unwrap();
    let policy = std::fs::read_to_string(root.join("policy/privacy-policy.txt")).unwrap();
    std::fs::write(dir.join("privacy-policy.txt"), edit(policy)).unwrap();
    for version in ["2027-01", "2026-05"] {
        let from = root.join(format!("policy/versions/{version}.txt"));
        std::fs::copy(from, dir.join(format!("versions/{version}.txt"))).unwrap();
    }
    dir
}

#[test]
fn check_warns_about_bidi_controls() {
    let clean = policy_dir("clean", |p| p);
    let output = run(&["check", clean.to_str().unwrap()], None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("bidi"));

    let reversed = policy_dir("bidi", |p| {
        p.replacen("Introduction\n", "Intro\u{202E}duction\n", 1)
            .replacen("information", "in\u{2067}formation\u{2069}", 1)
    });
    let output = run(&["check", reversed.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A warning, not a problem: a right-to-left policy may need them.
    assert!(output.status.success(), "{stderr}");
    let file = reversed.join("privacy-policy.txt");
    assert!(
        stderr.contains(&format!(
            "policy-consent: WARNING: {}: bidi control U+202E in `introduction` can make text display in another order than written (shown as ⟨U+202E⟩); remove it unless the text needs it",
            file.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("bidi control U+2067 in"), "{stderr}");
    assert!(
        stderr.contains("(shown as ⟨U+2067⟩ in headings)"),
        "{stderr}"
    );
}
