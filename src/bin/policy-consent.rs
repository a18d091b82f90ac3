//! The `policy-consent` command: argument parsing, files and exit codes over the library.

use policy_consent::policy::manifest::Manifest;
use policy_consent::policy::{self, Format, Policy};
use policy_consent::render;
use policy_consent::revision::{self, Level, Revision};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  policy-consent render FILE [--format html|json|text|view] [--standalone] [--changed-since OLD]
  policy-consent diff OLD NEW [--format text|json|html] [--manifest MANIFEST] [--all]
  policy-consent check DIR|MANIFEST
  policy-consent init POLICY > consent.json

  render   parse a policy (plain text or Markdown; FILE may be - for stdin) and print it:
             html   an <article> with a table of contents and anchored sections (default)
             json   the parsed model: title, sections with ids, numbers, digests, blocks
             text   the outline: one line per section with its id
             view   the consent UI viewer's rendering, for data-policy-view (JSON; needs
                    --manifest, whose policy id and version it is stamped with)
           --standalone      with html: a complete page with a small stylesheet
           --changed-since   mark the sections that changed (minor or material) since OLD
  diff     compare two versions: per section added/removed/moved/modified/unchanged, the
           level (cosmetic, minor, material), the reasons and a word diff, and a verdict;
           --manifest names the purposes to ask again and checks the declared level;
           text lists changed sections only unless --all
  check    validate a manifest (DIR/consent.json) against its policy and, when the
           previous version is in DIR/versions/, the level its changelog declares
  init     propose a manifest from the policy's list of purposes, for you to edit

  --format-in text|markdown   the input format (default: from the extension, else sniffed)
  --lang LANG                 html language and labels (default: guessed from the text)

Exit status: 0 on success (check: no problems); 1 when check finds problems; 2 on bad
input or usage.";

/// A failure to report: one line on stderr, and the exit status.
struct Failure(String, u8);

fn bad(message: impl Into<String>) -> Failure {
    Failure(message.into(), 2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message, code)) => {
            eprintln!("policy-consent: {message}");
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some(command) = args.first() else {
        return Err(bad(format!("no command given\n{USAGE}")));
    };
    if matches!(command.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(());
    }
    if matches!(command.as_str(), "-V" | "--version") {
        println!("policy-consent {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    let options = Options::parse(&args[1..])?;
    if options.help {
        println!("{USAGE}");
        return Ok(());
    }
    match command.as_str() {
        "render" => render_command(&options),
        "diff" => diff_command(&options),
        "check" => check_command(&options),
        "init" => init_command(&options),
        other => Err(bad(format!("unknown command `{other}`\n{USAGE}"))),
    }
}

#[derive(Default)]
struct Options {
    files: Vec<String>,
    format: Option<String>,
    format_in: Option<Format>,
    standalone: bool,
    all: bool,
    help: bool,
    lang: Option<String>,
    manifest: Option<String>,
    changed_since: Option<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, Failure> {
        let mut options = Options::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let mut value = |name: &str| {
                iter.next()
                    .cloned()
                    .ok_or_else(|| bad(format!("{name} needs a value")))
            };
            match arg.as_str() {
                "--format" => options.format = Some(value("--format")?),
                "--format-in" => {
                    let name = value("--format-in")?;
                    options.format_in = Some(Format::from_name(&name).ok_or_else(|| {
                        bad(format!(
                            "--format-in: unknown input format `{name}` (text or markdown)"
                        ))
                    })?);
                }
                "--lang" => options.lang = Some(value("--lang")?),
                "--manifest" => options.manifest = Some(value("--manifest")?),
                "--changed-since" => options.changed_since = Some(value("--changed-since")?),
                "--standalone" => options.standalone = true,
                "--all" => options.all = true,
                "-h" | "--help" => options.help = true,
                flag if flag.starts_with("--") => {
                    return Err(bad(format!("unknown option `{flag}`")));
                }
                file => options.files.push(file.to_string()),
            }
        }
        Ok(options)
    }

    fn files<const N: usize>(&self, command: &str, names: &str) -> Result<[&str; N], Failure> {
        let files: Vec<&str> = self.files.iter().map(String::as_str).collect();
        files.try_into().map_err(|files: Vec<&str>| {
            if files.len() < N {
                bad(format!("{command}: expected {names}\n{USAGE}"))
            } else {
                bad(format!("{command}: unexpected argument `{}`", files[N]))
            }
        })
    }
}

fn render_command(options: &Options) -> Result<(), Failure> {
    let [file] = options.files("render", "FILE")?;
    let policy = read_policy(file, options.format_in)?;
    let lang = options
        .lang
        .clone()
        .unwrap_or_else(|| render::html::guess_lang(&policy).to_string());
    let mut render_options = render::Options::for_lang(&lang);
    if let Some(old) = &options.changed_since {
        let old_policy = read_policy(old, options.format_in)?;
        let revision = revision::compare(&old_policy, &policy);
        for section in revision.changed(Level::Minor) {
            render_options.changed.insert(
                section.id.clone(),
                render::tree::ChangeMark {
                    level: section.level.to_string(),
                    label: if lang.starts_with("zh") {
                        "已更改"
                    } else {
                        "Changed"
                    }
                    .to_string(),
                },
            );
        }
    }
    let output = match options.format.as_deref().unwrap_or("html") {
        "html" if options.standalone => render::html::standalone(&policy, &render_options, &lang),
        "html" => render::html::fragment(&policy, &render_options),
        "json" => json(&policy)?,
        "text" => render::outline(&policy),
        "view" => view(&policy, file, options)?,
        other => {
            return Err(bad(format!(
                "--format: unknown format `{other}` (html, json, text or view)"
            )));
        }
    };
    write_stdout(&output)
}

fn diff_command(options: &Options) -> Result<(), Failure> {
    let [old_file, new_file] = options.files("diff", "OLD and NEW policy files")?;
    let old = read_policy(old_file, options.format_in)?;
    let new = read_policy(new_file, options.format_in)?;
    let mut revision = revision::compare(&old, &new);
    let mut warning = None;
    if let Some(path) = &options.manifest {
        let manifest = read_manifest(Path::new(path))?;
        revision = revision.with_purposes(manifest.citations());
        // The newest changelog entry (the manifest's current version) declares this revision.
        if let Some(entry) = manifest.changelog_entry(&manifest.policy.version) {
            warning = revision.under_declared(entry.level);
        }
    }
    if let Some(warning) = &warning {
        eprintln!("policy-consent: WARNING: {warning}");
    }
    let output = match options.format.as_deref().unwrap_or("text") {
        "text" => diff_text(&revision, options.all, warning.as_deref()),
        "json" => {
            let mut value = serde_json::to_value(&revision).map_err(|e| bad(e.to_string()))?;
            if let (Some(w), Some(map)) = (&warning, value.as_object_mut()) {
                map.insert("warning".into(), serde_json::Value::String(w.clone()));
            }
            serde_json::to_string_pretty(&value).map_err(|e| bad(e.to_string()))? + "\n"
        }
        "html" => render::html::revision_fragment(
            &revision,
            if options.all {
                Level::Cosmetic
            } else {
                Level::Minor
            },
        ),
        other => {
            return Err(bad(format!(
                "--format: unknown format `{other}` (text, json or html)"
            )));
        }
    };
    write_stdout(&output)
}

fn diff_text(revision: &Revision, all: bool, warning: Option<&str>) -> String {
    let mut out = format!("level: {}\n", revision.level);
    if !revision.purposes.is_empty() {
        out.push_str(&format!(
            "purposes to ask again: {}\n",
            revision.purposes.join(", ")
        ));
    }
    if let Some(warning) = warning {
        out.push_str(&format!("WARNING: {warning}\n"));
    }
    for section in &revision.sections {
        if !all && section.level == Level::Unchanged {
            continue;
        }
        let change = serde_json::to_value(section.change)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n{change:<9} {:<9} #{}  {}\n",
            section.level.as_str(),
            section.id,
            section.label()
        ));
        for reason in &section.reasons {
            out.push_str(&format!("    - {reason}\n"));
        }
        if matches!(section.change, revision::Change::Modified) {
            let mut line = String::new();
            for part in &section.diff {
                let text = part.text.replace("\n\n", " ¶ ");
                match part.op {
                    revision::Op::Equal => line.push_str(&ellipsize(&text)),
                    revision::Op::Insert => line.push_str(&format!("{{+{text}+}}")),
                    revision::Op::Delete => line.push_str(&format!("[-{text}-]")),
                }
            }
            out.push_str(&format!("    {}\n", line.trim()));
        }
    }
    out
}

/// Long unchanged text shortened to its ends, so the edits stand out.
fn ellipsize(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 80 {
        return text.to_string();
    }
    let head: String = chars[..30].iter().collect();
    let tail: String = chars[chars.len() - 30..].iter().collect();
    format!("{head} … {tail}")
}

fn init_command(options: &Options) -> Result<(), Failure> {
    let [file] = options.files("init", "POLICY")?;
    let policy = read_policy(file, options.format_in)?;
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = policy_consent::consent::record::civil_from_days(days);
    let manifest = policy::manifest::propose(&policy, file, &format!("{y:04}-{m:02}-{d:02}"));
    if manifest.purposes.is_empty() {
        eprintln!(
            "policy-consent: {file}: no list of purposes found (a section on how information is used, with numbered items); add purposes by hand"
        );
    }
    write_stdout(&json(&manifest)?)
}

fn check_command(options: &Options) -> Result<(), Failure> {
    let [target] = options.files("check", "a directory or manifest file")?;
    let target = Path::new(target);
    let manifest_path = if target.is_dir() {
        target.join("consent.json")
    } else {
        target.to_path_buf()
    };
    let dir = manifest_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let manifest = read_manifest(&manifest_path)?;
    let source = dir.join(&manifest.policy.source);
    let policy = read_policy(&source.to_string_lossy(), options.format_in)?;
    let mut problems: Vec<String> = manifest
        .validate(Some(&policy))
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut notes = Vec::new();
    if let Some(upcoming) = &manifest.policy.upcoming {
        if let Some(source) = &upcoming.source {
            if let Err(Failure(message, _)) =
                read_policy(&dir.join(source).to_string_lossy(), options.format_in)
            {
                problems.push(format!("manifest: policy.upcoming.source: {message}"));
            }
        }
    }
    // The previous version, if kept, lets check verify the level the changelog declares.
    if let Some((previous, path)) = previous_version(&manifest, &dir) {
        let old = read_policy(&path.to_string_lossy(), options.format_in)?;
        let revision = revision::compare(&old, &policy).with_purposes(manifest.citations());
        notes.push(format!(
            "compared with version {previous} ({}): {}",
            path.display(),
            revision.level
        ));
        match manifest.changelog_entry(&manifest.policy.version) {
            Some(entry) => {
                if let Some(warning) = revision.under_declared(entry.level) {
                    problems.push(format!("changelog for {}: {warning}", manifest.policy.version));
                }
            }
            None if revision.level > Level::Cosmetic => problems.push(format!(
                "changelog: no entry for the current version {} although it changed ({}) since {previous}",
                manifest.policy.version, revision.level
            )),
            None => {}
        }
    }
    // Bidi controls let a policy display other text than it holds: say where they are (the
    // renderer shows them escaped, so a right-to-left policy that needs them can keep them).
    let bidi = policy.bidi_controls();
    for (place, c) in bidi.iter().take(10) {
        let code = *c as u32;
        let shown = if render::tree::is_hidden_control(*c, render::tree::Place::Body) {
            format!("shown as ⟨U+{code:04X}⟩")
        } else {
            format!("shown as ⟨U+{code:04X}⟩ in headings")
        };
        eprintln!(
            "policy-consent: WARNING: {}: bidi control U+{code:04X} in `{place}` can make text display in another order than written ({shown}); remove it unless the text needs it",
            source.display()
        );
    }
    if bidi.len() > 10 {
        eprintln!(
            "policy-consent: WARNING: {}: {} more bidi controls",
            source.display(),
            bidi.len() - 10
        );
    }
    let mut out = String::new();
    for note in &notes {
        out.push_str(&format!("{note}\n"));
    }
    if problems.is_empty() {
        out.push_str(&format!(
            "ok: {} ({} purposes, policy {} with {} sections)\n",
            manifest_path.display(),
            manifest.purposes.len(),
            manifest.policy.version,
            policy.walk().len()
        ));
        write_stdout(&out)
    } else {
        write_stdout(&out)?;
        for problem in &problems {
            eprintln!("policy-consent: {problem}");
        }
        Err(Failure(
            format!("{}: {} problem(s)", manifest_path.display(), problems.len()),
            1,
        ))
    }
}

/// The newest changelog version before the current one whose text is in `versions/`.
fn previous_version(manifest: &Manifest, dir: &Path) -> Option<(String, PathBuf)> {
    let current = policy::manifest::parse_date(&manifest.policy.effective)?;
    let mut entries: Vec<_> = manifest
        .changelog
        .iter()
        .filter(|e| e.version != manifest.policy.version)
        .filter_map(|e| Some((policy::manifest::parse_date(&e.date)?, e)))
        .filter(|(date, _)| *date <= current)
        .collect();
    entries.sort_by_key(|(date, _)| std::cmp::Reverse(*date));
    entries.into_iter().find_map(|(_, e)| {
        ["txt", "md"].iter().find_map(|ext| {
            let path = dir.join("versions").join(format!("{}.{ext}", e.version));
            path.is_file().then(|| (e.version.clone(), path))
        })
    })
}

/// The consent UI viewer's rendering, stamped with the manifest's policy id and version.
fn view(policy: &Policy, file: &str, options: &Options) -> Result<String, Failure> {
    let path = options.manifest.as_deref().ok_or_else(|| {
        bad("--format view needs --manifest MANIFEST (the rendering is stamped with its policy id and version)")
    })?;
    let manifest = read_manifest(Path::new(path))?;
    let lang = options
        .lang
        .clone()
        .unwrap_or_else(|| manifest.policy.locale.clone());
    let stamp = render::view::Stamp {
        id: manifest.policy.id.clone(),
        version: manifest.policy.version.clone(),
        file: render::view::file_name(file).to_string(),
    };
    let rendering = render::view::Rendering::new(policy, stamp, &lang);
    Ok(serde_json::to_string(&rendering).map_err(|e| bad(e.to_string()))? + "\n")
}

fn read_manifest(path: &Path) -> Result<Manifest, Failure> {
    let text = read_text(&path.to_string_lossy())?;
    serde_json::from_str(&text).map_err(|e| bad(format!("{}: {e}", path.display())))
}

/// Reads a UTF-8 file (or stdin for `-`), naming the file in every error.
fn read_text(file: &str) -> Result<String, Failure> {
    let bytes = if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("stdin: cannot read: {e}")))?;
        bytes
    } else {
        std::fs::read(file).map_err(|e| {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ if Path::new(file).is_dir() => "is a directory, not a file".to_string(),
                _ => e.to_string(),
            };
            bad(format!("{file}: {reason}"))
        })?
    };
    String::from_utf8(bytes).map_err(|e| {
        let name = if file == "-" { "stdin" } else { file };
        bad(format!(
            "{name}: not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn read_policy(file: &str, format: Option<Format>) -> Result<Policy, Failure> {
    let text = read_text(file)?;
    let format = format.or_else(|| Format::from_path(file));
    policy::parse(&text, format).map_err(|e| bad(format!("{file}: {e}")))
}

fn json(value: &impl serde::Serialize) -> Result<String, Failure> {
    Ok(serde_json::to_string_pretty(value).map_err(|e| bad(e.to_string()))? + "\n")
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(bad(format!("cannot write output: {e}"))),
    }
}
