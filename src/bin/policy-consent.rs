//! The `policy-consent` command: argument parsing, files and exit codes over the library.

use policy_consent::policy::{self, Format, Policy};
use policy_consent::render;
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
usage: policy-consent render FILE [--format html|json|text] [--standalone] [--format-in text|markdown] [--lang LANG]

  render      parse a policy (plain text or Markdown; FILE may be - for stdin) and print it:
              html   an <article> with a table of contents and anchored sections (default)
              json   the parsed model: title, sections with ids, numbers, digests, blocks
              text   the outline: one line per section with its id
  --standalone  with html: a complete page with a small stylesheet
  --format-in   the input format (default: from the extension, else sniffed)
  --lang        with html: the page language and labels (default: guessed from the text)

Exit status: 0 on success, 2 on bad input or usage.";

/// A failure to report: one line on stderr, exit status 2.
struct Failure(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("policy-consent: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        Some("render") => render_command(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("-V" | "--version") => {
            println!("policy-consent {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(other) => Err(Failure(format!("unknown command `{other}`\n{USAGE}"))),
        None => Err(Failure(format!("no command given\n{USAGE}"))),
    }
}

#[derive(Default)]
struct RenderArgs {
    file: Option<String>,
    format: Option<String>,
    format_in: Option<Format>,
    standalone: bool,
    lang: Option<String>,
}

fn render_command(args: &[String]) -> Result<(), Failure> {
    let mut parsed = RenderArgs::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| Failure(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--format" => parsed.format = Some(value("--format")?),
            "--format-in" => {
                let name = value("--format-in")?;
                parsed.format_in = Some(Format::from_name(&name).ok_or_else(|| {
                    Failure(format!(
                        "--format-in: unknown input format `{name}` (text or markdown)"
                    ))
                })?);
            }
            "--lang" => parsed.lang = Some(value("--lang")?),
            "--standalone" => parsed.standalone = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with("--") => {
                return Err(Failure(format!("unknown option `{flag}`")));
            }
            file if parsed.file.is_none() => parsed.file = Some(file.to_string()),
            extra => return Err(Failure(format!("unexpected argument `{extra}`"))),
        }
    }
    let file = parsed
        .file
        .ok_or_else(|| Failure(format!("render: no FILE given\n{USAGE}")))?;
    let policy = read_policy(&file, parsed.format_in)?;
    let lang = parsed
        .lang
        .unwrap_or_else(|| render::html::guess_lang(&policy).to_string());
    let options = render::Options::for_lang(&lang);
    let output = match parsed.format.as_deref().unwrap_or("html") {
        "html" if parsed.standalone => render::html::standalone(&policy, &options, &lang),
        "html" => render::html::fragment(&policy, &options),
        "json" => {
            serde_json::to_string_pretty(&policy).map_err(|e| Failure(format!("{file}: {e}")))?
                + "\n"
        }
        "text" => render::outline(&policy),
        other => {
            return Err(Failure(format!(
                "--format: unknown format `{other}` (html, json or text)"
            )));
        }
    };
    write_stdout(&output)
}

/// Reads and parses a policy file, naming the file in every error.
fn read_policy(file: &str, format: Option<Format>) -> Result<Policy, Failure> {
    let bytes = if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure(format!("stdin: cannot read: {e}")))?;
        bytes
    } else {
        std::fs::read(file).map_err(|e| {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ if std::path::Path::new(file).is_dir() => {
                    "is a directory, not a policy file".to_string()
                }
                _ => e.to_string(),
            };
            Failure(format!("{file}: {reason}"))
        })?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure(format!(
            "{file}: not UTF-8 text (invalid byte at offset {}); save the policy as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let format = format.or_else(|| Format::from_path(file));
    policy::parse(&text, format).map_err(|e| Failure(format!("{file}: {e}")))
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
        Err(e) => Err(Failure(format!("cannot write output: {e}"))),
    }
}
