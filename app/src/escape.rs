//! Escaping of text for the places it lands: HTML (element content, attribute values and the
//! document head) and percent-encoded addresses. One function per target, so every page, e-mail
//! and head tag escapes the same way.

/// Escapes text for HTML element content and attribute values.
///
/// Also the one escape for text that goes into `<title>`: leptos_meta's `<Title>` writes its text
/// into the head as it is, so a case title like `</title><meta http-equiv="refresh" …>` would
/// otherwise become markup.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Decodes `%XX` sequences (a malformed one is kept as it is); bytes that are not UTF-8 become
/// U+FFFD. Used to look at an address as a browser would before deciding whether it is local.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) if hex(high).is_some() && hex(low).is_some() => {
                let value = hex(high).unwrap_or(0) * 16 + hex(low).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"</title><a href='x'>&"#),
            "&lt;/title&gt;&lt;a href=&#39;x&#39;&gt;&amp;"
        );
        assert_eq!(escape_html("Carport på Ålvej"), "Carport på Ålvej");
    }

    #[test]
    fn percent_decoding_keeps_malformed_sequences() {
        assert_eq!(percent_decode("/%09/x"), "/\t/x");
        assert_eq!(percent_decode("/%2F%2fevil"), "///evil");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz"), "/%zz");
        assert_eq!(percent_decode("/s%C3%B8"), "/sø");
    }
}
