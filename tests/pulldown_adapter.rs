//! pulldown-cmark's events as ours, and the policy model built from them: the reference for
//! the differential tests (`tests/markdown_parser.rs`) and the differential fuzz target
//! (`fuzz/fuzz_targets/markdown_differential.rs`).

use policy_consent::policy::Policy;
use policy_consent::policy::commonmark::{Event, Tag, TagEnd};
use policy_consent::policy::markdown;
use pulldown_cmark as pd;
use std::ops::Range;

/// The options the product used with pulldown-cmark.
pub fn options() -> pd::Options {
    pd::Options::ENABLE_TABLES
        | pd::Options::ENABLE_STRIKETHROUGH
        | pd::Options::ENABLE_HEADING_ATTRIBUTES
}

fn level(level: pd::HeadingLevel) -> u8 {
    level as u8
}

/// pulldown-cmark's events as ours (what the builder matches on).
pub fn convert<'a>(event: &'a pd::Event<'_>) -> Option<Event<'a>> {
    Some(match event {
        pd::Event::Start(tag) => Event::Start(match tag {
            pd::Tag::Paragraph => Tag::Paragraph,
            pd::Tag::Heading { level: l, id, .. } => Tag::Heading {
                level: level(*l),
                id: id.as_deref(),
            },
            pd::Tag::BlockQuote(_) => Tag::BlockQuote,
            pd::Tag::CodeBlock(_) => Tag::CodeBlock,
            pd::Tag::HtmlBlock => Tag::HtmlBlock,
            pd::Tag::List(start) => Tag::List(*start),
            pd::Tag::Item => Tag::Item,
            pd::Tag::Table(_) => Tag::Table,
            pd::Tag::TableHead => Tag::TableHead,
            pd::Tag::TableRow => Tag::TableRow,
            pd::Tag::TableCell => Tag::TableCell,
            pd::Tag::Emphasis => Tag::Emphasis,
            pd::Tag::Strong => Tag::Strong,
            pd::Tag::Strikethrough => Tag::Strikethrough,
            pd::Tag::Link { dest_url, .. } => Tag::Link { dest_url },
            pd::Tag::Image { .. } => Tag::Image,
            _ => return None,
        }),
        pd::Event::End(tag) => Event::End(match tag {
            pd::TagEnd::Paragraph => TagEnd::Paragraph,
            pd::TagEnd::Heading(_) => TagEnd::Heading,
            pd::TagEnd::BlockQuote(_) => TagEnd::BlockQuote,
            pd::TagEnd::CodeBlock => TagEnd::CodeBlock,
            pd::TagEnd::HtmlBlock => TagEnd::HtmlBlock,
            pd::TagEnd::List(_) => TagEnd::List,
            pd::TagEnd::Item => TagEnd::Item,
            pd::TagEnd::Table => TagEnd::Table,
            pd::TagEnd::TableHead => TagEnd::TableHead,
            pd::TagEnd::TableRow => TagEnd::TableRow,
            pd::TagEnd::TableCell => TagEnd::TableCell,
            pd::TagEnd::Emphasis => TagEnd::Emphasis,
            pd::TagEnd::Strong => TagEnd::Strong,
            pd::TagEnd::Strikethrough => TagEnd::Strikethrough,
            pd::TagEnd::Link => TagEnd::Link,
            pd::TagEnd::Image => TagEnd::Image,
            _ => return None,
        }),
        pd::Event::Text(t) => Event::Text(t),
        pd::Event::Code(t) => Event::Code(t),
        pd::Event::Html(t) => Event::Html(t),
        pd::Event::InlineHtml(t) => Event::InlineHtml(t),
        pd::Event::SoftBreak => Event::SoftBreak,
        pd::Event::HardBreak => Event::HardBreak,
        pd::Event::Rule => Event::Rule,
        _ => return None,
    })
}

/// The model built from pulldown-cmark's events (the options the product used).
pub fn reference(source: &str) -> Policy {
    markdown::parse_with(
        source,
        |clean, sink: &mut dyn FnMut(Event<'_>, Range<usize>)| {
            let options = pd::Options::ENABLE_TABLES
                | pd::Options::ENABLE_STRIKETHROUGH
                | pd::Options::ENABLE_HEADING_ATTRIBUTES;
            for (event, range) in pd::Parser::new_ext(clean, options).into_offset_iter() {
                if let Some(event) = convert(&event) {
                    sink(event, range);
                }
            }
        },
    )
}
