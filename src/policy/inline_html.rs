//! A small, total HTML tokenizer for the raw HTML that Markdown policies embed (tables,
//! `<br/>`, anchors). It never produces markup: the Markdown builder maps the few tags it
//! knows to model content and keeps the text of everything else as text.

/// One piece of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `<name attr="v">`, name lowercased.
    Open {
        /// Tag name, lowercase.
        name: String,
        /// Attributes, names lowercase, values entity-decoded.
        attrs: Vec<(String, String)>,
    },
    /// `</name>`, name lowercased.
    Close {
        /// Tag name, lowercase.
        name: String,
    },
    /// Text between tags, entity-decoded, whitespace as written.
    Text(String),
}

const MAX_TAG_BYTES: usize = 4096;

/// Splits HTML into tokens. Comments, doctypes and processing instructions are dropped;
/// a `<` that does not start a tag is text; the content of `<script>` and `<style>` is text.
pub fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = html;
    let mut text = String::new();
    // Where the next `>` is (at or after the current position), or `None` when none is
    // left: a `<` with no `>` within a tag's reach cannot start a tag, so it is text without
    // trying to parse one. Without this, a megabyte of `<a href="x ` costs a tag-sized scan
    // per `<`.
    let mut next_gt = html.find('>');
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            text.push_str(rest);
            break;
        };
        text.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = crate::search::find(after, "-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        // A tag longer than this is not markup a policy needs; bounding it keeps a stream
        // of unclosed `<a href="` linear.
        let mut window = rest.len().min(MAX_TAG_BYTES);
        while !rest.is_char_boundary(window) {
            window -= 1;
        }
        let here = html.len() - rest.len();
        if next_gt.is_some_and(|gt| gt < here) {
            next_gt = rest.find('>').map(|i| here + i);
        }
        let reachable = next_gt.is_some_and(|gt| gt < here + window);
        let parsed = if reachable {
            parse_tag(&rest[..window])
        } else {
            None
        };
        match parsed {
            Some((token, used)) => {
                flush(&mut text, &mut tokens);
                rest = &rest[used..];
                let raw_text = match &token {
                    Token::Open { name, .. } if name == "script" || name == "style" => {
                        Some(name.clone())
                    }
                    _ => None,
                };
                tokens.push(token);
                if let Some(name) = raw_text {
                    let close = format!("</{name}");
                    let end = find_ascii_ci(rest, &close).unwrap_or(rest.len());
                    tokens.push(Token::Text(rest[..end].to_string()));
                    rest = &rest[end..];
                }
            }
            None => {
                text.push('<');
                rest = &rest[1..];
            }
        }
    }
    flush(&mut text, &mut tokens);
    tokens
}

fn flush(text: &mut String, tokens: &mut Vec<Token>) {
    if !text.is_empty() {
        tokens.push(Token::Text(decode_entities(text)));
        text.clear();
    }
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Parses a tag at the start of `s` (which starts with `<`); returns it and its length.
fn parse_tag(s: &str) -> Option<(Token, usize)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'>') => {
                i += 1;
                break;
            }
            Some(_) => {}
        }
        let attr_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let attr = s[attr_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = s[i + 1..].find(q as char)? + i + 1;
                    value = decode_entities(&s[i + 1..end]);
                    i = end + 1;
                }
                Some(_) => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode_entities(&s[start..i]);
                }
                None => return None,
            }
        }
        if !attr.is_empty() {
            attrs.push((attr, value));
        }
    }
    let token = if closing {
        Token::Close { name }
    } else {
        Token::Open { name, attrs }
    };
    Some((token, i))
}

/// Decodes the character references in `s` ([`char_reference`]); unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    if !crate::search::contains_char(s, '&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // A reference to no character stays as written.
        match char_reference(rest).and_then(|(c, used)| Some((c?, used))) {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The named entities documents use; others stay as written.
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("hellip", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("bull", '•'),
    ("middot", '·'),
    ("sect", '§'),
    ("para", '¶'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("euro", '€'),
    ("pound", '£'),
    ("yen", '¥'),
    ("cent", '¢'),
    ("curren", '¤'),
    ("shy", '\u{ad}'),
    ("zwj", '\u{200d}'),
    ("zwnj", '\u{200c}'),
    ("lrm", '\u{200e}'),
    ("rlm", '\u{200f}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("prime", '′'),
    ("Prime", '″'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("ordf", 'ª'),
    ("ordm", 'º'),
    ("micro", 'µ'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("sup1", '¹'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("check", '✓'),
    ("star", '☆'),
];

/// A character reference at the start of `s` (`&amp;`, `&#38;`, `&#x26;`) and the bytes it
/// takes: the one table for Markdown text and the HTML policies embed. `None` as the
/// character: a numeric reference to no character (0, a surrogate, past U+10FFFF), which
/// each caller treats by its own rule.
pub(super) fn char_reference(s: &str) -> Option<(Option<char>, usize)> {
    let body = s.get(1..)?;
    let end = body.bytes().take(33).position(|b| b == b';')?;
    let name = &body[..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex)
                if (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                u32::from_str_radix(hex, 16).ok()?
            }
            None if (1..=7).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit()) => {
                num.parse().ok()?
            }
            _ => return None,
        };
        char::from_u32(code).filter(|&c| c != '\0')
    } else {
        Some(ENTITIES.iter().find(|(n, _)| *n == name)?.1)
    };
    Some((c, end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(name: &str, attrs: &[(&str, &str)]) -> Token {
        Token::Open {
            name: name.into(),
            attrs: attrs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn tags_text_and_entities() {
        let tokens = tokenize("<td><a id=\"x\"></a>A &amp; B<br/></TD><!-- c -->");
        assert_eq!(
            tokens,
            vec![
                open("td", &[]),
                open("a", &[("id", "x")]),
                Token::Close { name: "a".into() },
                Token::Text("A & B".into()),
                open("br", &[]),
                Token::Close { name: "td".into() },
            ]
        );
    }

    #[test]
    fn embedded_html_knows_the_entities_markdown_text_knows() {
        assert_eq!(
            tokenize("<td>Acme&trade; &sect;2 &#x2014; &#65;</td>")[1],
            Token::Text("Acme™ §2 — A".into())
        );
    }

    #[test]
    fn broken_markup_is_text() {
        assert_eq!(tokenize("a < b"), vec![Token::Text("a < b".into())]);
        assert_eq!(
            tokenize("<a href=\"x"),
            vec![Token::Text("<a href=\"x".into())]
        );
        assert_eq!(
            tokenize("&#0; &#xZZ; &bogus;"),
            vec![Token::Text("&#0; &#xZZ; &bogus;".into())]
        );
    }

    #[test]
    fn a_lone_angle_bracket_far_from_any_close_is_text() {
        let far = format!("<a href=\"x {}<b>bold</b>", "y".repeat(MAX_TAG_BYTES));
        let tokens = tokenize(&far);
        assert_eq!(
            tokens[0],
            Token::Text(format!("<a href=\"x {}", "y".repeat(MAX_TAG_BYTES)))
        );
        assert_eq!(tokens[1], open("b", &[]));
        assert_eq!(tokenize("<a <a <a"), vec![Token::Text("<a <a <a".into())]);
        assert_eq!(tokenize("<a <b>"), vec![open("a", &[("<b", "")])]);
    }

    #[test]
    fn script_content_is_text() {
        let tokens = tokenize("<script>if (a<b) x()</script>");
        assert_eq!(tokens[1], Token::Text("if (a<b) x()".into()));
    }
}
