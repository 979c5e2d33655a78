//! The one CSV writer: quoting (RFC 4180) and the defence against formula injection, for every
//! CSV the site serves (*Mine sager* and the public statistics).
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, also when a tab
//! or carriage return comes first; a case title such as `=HYPERLINK("https://…")` would run on
//! the caseworker's or the applicant's machine. Text cells that could be read so are prefixed
//! with `'`, which the spreadsheet shows as text, as OWASP advises. Values the site itself
//! formats (numbers, dates) are written as they are, so `-3` stays a number.

/// One cell of a row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Text that came from a user, a case system or the reference data: neutralised and quoted
    /// as needed.
    Text(&'a str),
    /// A number or date the site formatted itself.
    Value(&'a str),
}

/// How a table is written: the separator, whether text is always in quotes, the line ending.
#[derive(Debug, Clone, Copy)]
pub struct CsvFormat {
    pub separator: char,
    pub quote_all_text: bool,
    pub line_end: &'static str,
}

/// A CSV document being written row by row.
#[derive(Debug)]
pub struct CsvWriter {
    format: CsvFormat,
    out: String,
}

impl CsvWriter {
    /// An empty document; `prefix` is written first (e.g. a byte order mark).
    pub fn new(format: CsvFormat, prefix: &str) -> CsvWriter {
        CsvWriter {
            format,
            out: prefix.to_string(),
        }
    }

    /// Appends one row.
    pub fn row(&mut self, cells: &[Cell<'_>]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(self.format.separator);
            }
            match *cell {
                Cell::Value(value) => self.push_field(value, false),
                Cell::Text(text) => {
                    let neutralised = neutralise_formula(text);
                    self.push_field(&neutralised, self.format.quote_all_text);
                }
            }
        }
        self.out.push_str(self.format.line_end);
    }

    /// The header row: the site's own column names, never quoted unless they must be.
    pub fn header(&mut self, names: &[&str]) {
        let cells: Vec<Cell<'_>> = names.iter().map(|name| Cell::Value(name)).collect();
        self.row(&cells);
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }

    fn push_field(&mut self, value: &str, always_quote: bool) {
        let needs_quotes = value.contains([self.format.separator, '"', '\n', '\r']);
        if always_quote || needs_quotes {
            self.out.push('"');
            self.out.push_str(&value.replace('"', "\"\""));
            self.out.push('"');
        } else {
            self.out.push_str(value);
        }
    }
}

/// Prefixes `'` to text a spreadsheet would run as a formula: text whose first character, or
/// first after leading spaces, is `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    let first = text.trim_start_matches(' ').chars().next();
    match first {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEMICOLONS: CsvFormat = CsvFormat {
        separator: ';',
        quote_all_text: false,
        line_end: "\r\n",
    };

    fn one_row(cells: &[Cell<'_>]) -> String {
        let mut writer = CsvWriter::new(SEMICOLONS, "");
        writer.row(cells);
        writer.finish()
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(one_row(&[Cell::Text("Carport")]), "Carport\r\n");
        assert_eq!(one_row(&[Cell::Text("a;b")]), "\"a;b\"\r\n");
        assert_eq!(
            one_row(&[Cell::Text("say \"hi\"")]),
            "\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(one_row(&[Cell::Text("two\nlines")]), "\"two\nlines\"\r\n");
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_neutralised() {
        for formula in [
            "=HYPERLINK(\"https://evil.example\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
            "  =1+1",
        ] {
            let row = one_row(&[Cell::Text(formula)]);
            assert!(
                row.starts_with('\'') || row.starts_with("\"'"),
                "{formula:?} became {row:?}"
            );
        }
        assert_eq!(
            one_row(&[Cell::Text("Carport = 18 m²")]),
            "Carport = 18 m²\r\n"
        );
        assert_eq!(
            one_row(&[Cell::Value("-3"), Cell::Value("2026-12-02")]),
            "-3;2026-12-02\r\n"
        );
    }

    #[test]
    fn text_can_always_be_quoted() {
        let format = CsvFormat {
            separator: ',',
            quote_all_text: true,
            line_end: "\n",
        };
        let mut writer = CsvWriter::new(format, "");
        writer.row(&[Cell::Text("851"), Cell::Text("=cmd"), Cell::Value("4")]);
        assert_eq!(writer.finish(), "\"851\",\"'=cmd\",4\n");
    }
}
