//! The decision letter (*afgørelse*) as a PDF: letterhead, date, references, applicant,
//! property, decision, conditions (*vilkår*), legal basis (*lovgrundlag*), complaint guidance
//! (*klagevejledning*) with its deadline, contact and the address of the case folder.
//!
//! Pure: everything the letter prints comes in a [`DecisionLetter`], already worded in the
//! letter's language (Danish); nothing is read from the database, the clock or the disk. The only
//! outside input is the typeface, IBM Plex Sans, compiled in from `app/fonts` (SIL Open Font
//! License, `app/fonts/OFL.txt`). It is embedded as a subset with a Unicode map, so Danish
//! letters — and names such as Łukasz or Erdős — come out of the PDF as text that can be searched
//! and copied; the PDF's built-in Helvetica cannot write Ł or ő at all.
//!
//! The layout is done here rather than by a layout engine: words are measured with the glyph
//! advances of the embedded font and wrapped greedily, blocks flow over as many A4 pages as they
//! need, and every page gets "Side X af Y" once the number of pages is known.
//!
//! Rendering is CPU work (a few milliseconds per letter): call it from `spawn_blocking`.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, TimeDelta};
use printpdf::{
    Color, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem, TextMatrix,
};

use crate::i18n::Locale;

/// Everything a decision letter prints, already in the letter's language (Danish).
///
/// Free texts (`decision_text`, `legal_basis`, `complaint_guidance`, `contact`, each condition)
/// are paragraphs separated by blank lines; single line breaks inside a paragraph are reflowed.
/// The one-line fields (names, addresses, numbers) have their whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLetter {
    /// The deciding authority (*myndighed*), printed in bold as the letterhead.
    pub authority_name: String,
    /// The authority's postal address, phone, e-mail, one line each, under its name.
    pub authority_address_lines: Vec<String>,
    /// The date the letter is issued.
    pub letter_date: NaiveDate,
    /// The case's digital reference (*sagsnummer*), e.g. `851-2026-000042-7`.
    pub reference: String,
    /// The authority's own case number in its ESDH system, once registered (*journaliseret*).
    pub esdh_number: Option<String>,
    /// The applicant (*ansøger*) the decision is addressed to.
    pub applicant_name: String,
    /// The address of the property the case concerns.
    pub property_address: String,
    /// The cadastral parcel (*matrikelnummer*), e.g. `12a Vejgaard By, Aalborg Jorder`.
    pub cadastral_number: String,
    /// What is decided, e.g. "Byggetilladelse til carport".
    pub heading: String,
    /// The outcome in a few words, e.g. "Tilladelse", "Tilladelse med vilkår", "Afslag".
    pub outcome_label: String,
    /// The decision and its reasons.
    pub decision_text: String,
    /// Conditions (*vilkår*), printed as a numbered list; none prints no section.
    pub conditions: Vec<String>,
    /// The legal basis (*lovgrundlag*).
    pub legal_basis: String,
    /// The complaint guidance (*klagevejledning*) with the deadline written out; see
    /// [`complaint_guidance`].
    pub complaint_guidance: String,
    /// Who to contact about the decision.
    pub contact: String,
    /// The web address of the applicant's case folder (*sagsmappe*).
    pub case_folder_url: String,
}

/// Why a letter could not be rendered. Neither should happen with the fonts this module is built
/// with; they are errors rather than panics because a request path must never panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionPdfError {
    /// The compiled-in font could not be parsed.
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    /// The PDF writer reported an error while writing the document.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Which body a decision can be appealed to, by the area of law it is made under; the
/// application types' `domain` column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionDomain {
    /// The Building Act (*byggeloven*) and BR18: Nævnenes Hus – Byggeklageenheden.
    Building,
    /// Environmental law (*miljøbeskyttelsesloven* and others): Miljø- og Fødevareklagenævnet.
    Environment,
}

impl DecisionDomain {
    /// The domain with this code (`building`, `environment`), as in the application types.
    pub fn from_code(code: &str) -> Option<DecisionDomain> {
        match code.trim() {
            "building" => Some(DecisionDomain::Building),
            "environment" => Some(DecisionDomain::Environment),
            _ => None,
        }
    }
}

/// The last day to complain (*klagefrist*): four weeks from the day the decision was notified
/// (byggelovens § 24; the same four weeks apply before Miljø- og Fødevareklagenævnet), moved to
/// the next working day when it falls on a Saturday, a Sunday or a day public offices are closed
/// (Justitsministeriets vejledning om beregning af klagefrister; see
/// [`crate::domain::working_days`]).
pub fn complaint_deadline(notified_on: NaiveDate) -> NaiveDate {
    let four_weeks = notified_on
        .checked_add_signed(TimeDelta::weeks(4))
        // Only at the very end of chrono's range; the notification day is then the safe side.
        .unwrap_or(notified_on);
    crate::domain::working_days::on_or_next_working_day(four_weeks)
}

/// The complaint guidance (*klagevejledning*) for a decision in `domain` notified on
/// `notified_on`, in Danish, as paragraphs separated by blank lines, with the deadline written
/// out ("28. december 2026").
///
/// Worded after `shared/reference/decision_letter.md`; it is standard wording, not legal advice,
/// and an authority's lawyer should approve it before letters go out.
pub fn complaint_guidance(domain: DecisionDomain, notified_on: NaiveDate) -> String {
    let deadline = Locale::Da.date_long(complaint_deadline(notified_on));
    match domain {
        DecisionDomain::Building => format!(
            "Afgørelsen kan påklages til Nævnenes Hus – Byggeklageenheden, jf. byggelovens § 23. \
             Der kan kun klages over retlige spørgsmål, fx om byggeloven og bygningsreglementet \
             (BR18) er forstået rigtigt, og om reglerne for sagsbehandlingen – partshøring, \
             begrundelse og klagevejledning – er fulgt. Der kan ikke klages over kommunens skøn.\
             \n\n\
             Klagefristen er 4 uger fra den dag, afgørelsen er meddelt, jf. byggelovens § 24. \
             Klagen skal derfor være modtaget senest den {deadline}.\
             \n\n\
             Du kan klage, hvis afgørelsen er rettet til dig, eller hvis du har en væsentlig, \
             individuel interesse i sagen, fx som nabo. Danske Handicaporganisationer kan klage \
             over spørgsmål om tilgængelighed. En klage har som udgangspunkt ikke opsættende \
             virkning.\
             \n\n\
             Klag helst via Klageportalen. Du kan også klage med Digital Post (e-Boks) eller \
             e-mail til byg@naevneneshus.dk."
        ),
        DecisionDomain::Environment => format!(
            "Afgørelsen kan påklages til Miljø- og Fødevareklagenævnet. Klagen indgives via \
             Klageportalen.\
             \n\n\
             Klagefristen er 4 uger fra den dag, afgørelsen er meddelt. Klagen skal derfor være \
             indgivet senest den {deadline}. Der skal betales et gebyr for at klage; nævnet \
             oplyser det gældende beløb.\
             \n\n\
             Er afgørelsen truffet efter miljøbeskyttelsesloven, har en klage som udgangspunkt \
             ikke opsættende virkning, medmindre klagenævnet bestemmer andet \
             (miljøbeskyttelseslovens § 96), og et søgsmål ved domstolene skal være anlagt \
             inden 6 måneder efter, at afgørelsen er meddelt (miljøbeskyttelseslovens § 101)."
        ),
    }
}

/// Renders the letter as a PDF document: A4, as many pages as the text needs, with the fonts
/// embedded as subsets. The document's title is the heading and the reference.
pub fn render(letter: &DecisionLetter) -> Result<Vec<u8>, DecisionPdfError> {
    let fonts = match &*FONTS {
        Ok(fonts) => fonts,
        Err(error) => return Err(error.clone()),
    };
    let pages = compose(letter, fonts);
    let page_count = pages.len();

    let title = format!(
        "{} – {}",
        one_line(&letter.heading),
        one_line(&letter.reference)
    );
    let mut doc = PdfDocument::new(&title);
    doc.metadata.info.author = one_line(&letter.authority_name);
    doc.metadata.info.subject = one_line(&letter.outcome_label);
    doc.metadata.info.creator = "Sagsspor".to_string();
    doc.metadata.info.producer = "Sagsspor (printpdf)".to_string();
    let issued = pdf_date(letter.letter_date);
    doc.metadata.info.creation_date = issued;
    doc.metadata.info.modification_date = issued;
    doc.metadata.info.metadata_date = issued;

    let ids = FontIds {
        regular: doc.add_font(&fonts.regular.parsed),
        bold: doc.add_font(&fonts.bold.parsed),
    };
    let pdf_pages = pages
        .into_iter()
        .enumerate()
        .map(|(index, mut page)| {
            footer(&mut page, letter, fonts, index + 1, page_count);
            PdfPage::new(Mm(210.0), Mm(297.0), page_ops(&page, &ids))
        })
        .collect();
    doc.with_pages(pdf_pages);

    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    if let Some(error) = warnings
        .iter()
        .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
    {
        return Err(DecisionPdfError::Write(error.msg.clone()));
    }
    finish(&mut pdf)?;
    pdf.compress();
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|error| DecisionPdfError::Write(error.to_string()))?;
    Ok(bytes)
}

/// What printpdf's own `save` would not do: declare the document Danish (screen readers pick
/// their voice by it), and drop the empty `GTS_PDFXVersion`, `Identifier` and `Keywords` it
/// always writes — with an empty PDF/X version present, readers report the letter as PDF/X.
fn finish(pdf: &mut lopdf::Document) -> Result<(), DecisionPdfError> {
    let broken = |error: lopdf::Error| DecisionPdfError::Write(error.to_string());
    // /Lang is a PDF 1.4 entry.
    if pdf.version.as_str() < "1.4" {
        pdf.version = "1.4".to_string();
    }
    pdf.catalog_mut()
        .map_err(broken)?
        .set("Lang", lopdf::Object::string_literal("da"));
    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .map_err(broken)?;
    let info = pdf
        .get_object_mut(info)
        .and_then(lopdf::Object::as_dict_mut)
        .map_err(broken)?;
    info.remove(b"GTS_PDFXVersion");
    info.remove(b"Identifier");
    info.remove(b"Keywords");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Page geometry and text styles. Lengths are in PDF points (1/72 inch), y from the page bottom.

const MM: f32 = 72.0 / 25.4;
const PAGE_WIDTH: f32 = 210.0 * MM;
const PAGE_HEIGHT: f32 = 297.0 * MM;
const MARGIN_LEFT: f32 = 25.0 * MM;
const MARGIN_RIGHT: f32 = 20.0 * MM;
const MARGIN_TOP: f32 = 20.0 * MM;
/// The body ends here; the footer lives below it.
const BODY_BOTTOM: f32 = 25.0 * MM;
const FOOTER_RULE: f32 = 18.0 * MM;
const FOOTER_BASELINE: f32 = 13.0 * MM;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// The hanging indent of the numbered conditions.
const LIST_INDENT: f32 = 8.0 * MM;
/// A tiny allowance so rounding in the PDF's width table can never push a line past the margin.
const WIDTH_SLACK: f32 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ink {
    Text,
    Muted,
}

impl Ink {
    fn color(self) -> Color {
        let grey = match self {
            Ink::Text => 0.1,
            Ink::Muted => 0.35,
        };
        Color::Rgb(Rgb {
            r: grey,
            g: grey,
            b: grey,
            icc_profile: None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    /// Baseline-to-baseline distance.
    leading: f32,
    ink: Ink,
}

const AUTHORITY: Style = Style {
    face: Face::Bold,
    size: 14.0,
    leading: 18.0,
    ink: Ink::Text,
};
const LETTERHEAD: Style = Style {
    face: Face::Regular,
    size: 9.0,
    leading: 12.0,
    ink: Ink::Muted,
};
const TITLE: Style = Style {
    face: Face::Bold,
    size: 16.0,
    leading: 21.0,
    ink: Ink::Text,
};
const OUTCOME: Style = Style {
    face: Face::Bold,
    size: 12.0,
    leading: 16.0,
    ink: Ink::Text,
};
const SECTION: Style = Style {
    face: Face::Bold,
    size: 11.5,
    leading: 16.0,
    ink: Ink::Text,
};
const BODY: Style = Style {
    face: Face::Regular,
    size: 10.5,
    leading: 15.0,
    ink: Ink::Text,
};
const LABEL: Style = Style {
    face: Face::Bold,
    ..BODY
};
const FOOTER: Style = Style {
    face: Face::Regular,
    size: 8.0,
    leading: 10.0,
    ink: Ink::Muted,
};

// ---------------------------------------------------------------------------------------------
// Fonts

/// A parsed face and what measuring needs from it.
struct Font {
    parsed: ParsedFont,
    units_per_em: f32,
}

impl Font {
    fn load(bytes: &[u8], name: &'static str) -> Result<Font, DecisionPdfError> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or(DecisionPdfError::Font(name))?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em);
        if units_per_em <= 0.0 {
            return Err(DecisionPdfError::Font(name));
        }
        Ok(Font {
            parsed,
            units_per_em,
        })
    }

    /// The width of `text` at `size`, as the PDF will set it: the sum of the glyphs' advances
    /// (printpdf maps each character to one glyph, without kerning or ligatures).
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = self.parsed.lookup_glyph_index(u32::from(c)).unwrap_or(0);
                u32::from(self.parsed.get_horizontal_advance(glyph))
            })
            .sum();
        // Font units fit f32 exactly at any length a letter has.
        units as f32 * size / self.units_per_em
    }
}

struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    fn face(&self, face: Face) -> &Font {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    fn width(&self, style: Style, text: &str) -> f32 {
        self.face(style.face).width(text, style.size)
    }
}

/// Parsed once per process: parsing the two faces costs more than laying out a letter.
static FONTS: LazyLock<Result<Fonts, DecisionPdfError>> = LazyLock::new(|| {
    Ok(Fonts {
        regular: Font::load(
            include_bytes!("../fonts/IBMPlexSans-Regular.ttf"),
            "IBM Plex Sans Regular",
        )?,
        bold: Font::load(
            include_bytes!("../fonts/IBMPlexSans-Bold.ttf"),
            "IBM Plex Sans Bold",
        )?,
    })
});

struct FontIds {
    regular: printpdf::FontId,
    bold: printpdf::FontId,
}

// ---------------------------------------------------------------------------------------------
// Text preparation and line breaking

/// A one-line field with its whitespace (line breaks, tabs, runs of spaces) collapsed and any
/// other control character dropped: the font has no glyph for them.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The paragraphs of a free text: separated by blank lines, each reflowed to one line.
fn paragraphs(text: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                result.push(one_line(&current.join(" ")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        result.push(one_line(&current.join(" ")));
    }
    result
}

/// Breaks `text` (one paragraph) into lines no wider than `width`: greedily by words, and a
/// word wider than a whole line (a long web address) by characters.
fn wrap(fonts: &Fonts, style: Style, text: &str, width: f32) -> Vec<String> {
    let width = width - WIDTH_SLACK;
    let space = fonts.width(style, " ");
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split_whitespace() {
        let word_width = fonts.width(style, word);
        if !line.is_empty() && line_width + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line.push_str(word);
            line_width = word_width;
        } else {
            let mut pieces = break_word(fonts, style, word, width);
            let last = pieces.pop().unwrap_or_default();
            lines.extend(pieces);
            line_width = fonts.width(style, &last);
            line = last;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Splits a word wider than `width` into pieces that fit, preferring to break after a `/`, `-`,
/// `.`, `?`, `&`, `=` or `_` in the second half of a piece, so a web address breaks readably.
fn break_word(fonts: &Fonts, style: Style, word: &str, width: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = word.chars().collect();
    while !rest.is_empty() {
        // The longest prefix that fits, at least one character so the loop always ends.
        let mut fit = 0;
        let mut used = 0.0;
        for &c in &rest {
            let mut buffer = [0; 4];
            let w = fonts.width(style, c.encode_utf8(&mut buffer));
            if fit > 0 && used + w > width {
                break;
            }
            used += w;
            fit += 1;
        }
        let cut = if fit < rest.len() {
            rest[..fit]
                .iter()
                .rposition(|c| matches!(c, '/' | '-' | '.' | '?' | '&' | '=' | '_'))
                .map(|i| i + 1)
                .filter(|&i| i > fit / 2)
                .unwrap_or(fit)
        } else {
            fit
        };
        pieces.push(rest.drain(..cut).collect());
    }
    pieces
}

// ---------------------------------------------------------------------------------------------
// Composition: blocks of lines flowed onto pages

/// One run of text placed on a page.
#[derive(Debug, Clone)]
struct Placed {
    face: Face,
    size: f32,
    ink: Ink,
    x: f32,
    baseline: f32,
    text: String,
}

/// A horizontal rule from `x1` to `x2` at height `y`.
#[derive(Debug, Clone, Copy)]
struct Rule {
    x1: f32,
    x2: f32,
    y: f32,
}

#[derive(Debug, Clone, Default)]
struct Page {
    texts: Vec<Placed>,
    rules: Vec<Rule>,
}

/// Flows lines down the body area, starting a new page when the next line does not fit.
struct Composer<'f> {
    fonts: &'f Fonts,
    pages: Vec<Page>,
    /// The top of the next line.
    cursor: f32,
    /// Space to leave before the next line; collapses with other space and vanishes at the top
    /// of a page.
    pending_space: f32,
}

impl<'f> Composer<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Composer {
            fonts,
            pages: vec![Page::default()],
            cursor: PAGE_HEIGHT - MARGIN_TOP,
            pending_space: 0.0,
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn page_is_empty(&self) -> bool {
        self.pages
            .last()
            .is_none_or(|page| page.texts.is_empty() && page.rules.is_empty())
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.cursor = PAGE_HEIGHT - MARGIN_TOP;
        self.pending_space = 0.0;
    }

    fn space(&mut self, points: f32) {
        self.pending_space = self.pending_space.max(points);
    }

    /// Starts a new page unless `height` (plus the pending space) still fits on this one.
    fn keep(&mut self, height: f32) {
        if !self.page_is_empty() && self.cursor - self.pending_space - height < BODY_BOTTOM {
            self.new_page();
        }
    }

    /// Places one line made of `runs` (x offset from the left margin, text) in `styles`; all
    /// runs share one baseline, and the line is as tall as its largest leading.
    fn line(&mut self, runs: Vec<(Style, f32, String)>) {
        let leading = runs.iter().map(|(s, _, _)| s.leading).fold(0.0, f32::max);
        self.keep(leading);
        if !self.page_is_empty() {
            self.cursor -= self.pending_space;
        }
        self.pending_space = 0.0;
        // Three quarters down the line box leaves room for ascenders above and descenders
        // below at every leading used here.
        let baseline = self.cursor - leading * 0.75;
        self.cursor -= leading;
        let page = self.page();
        for (style, x, text) in runs {
            page.texts.push(Placed {
                face: style.face,
                size: style.size,
                ink: style.ink,
                x: MARGIN_LEFT + x,
                baseline,
                text,
            });
        }
    }

    /// The lines of one paragraph (all of one `leading`), placed so that neither its first nor
    /// its last line stands alone at the foot or head of a page.
    fn block(&mut self, leading: f32, lines: Vec<Vec<(Style, f32, String)>>) {
        let count = lines.len();
        for (index, runs) in lines.into_iter().enumerate() {
            if index == 0 {
                // Three lines cannot be split without leaving one alone.
                let together = if count == 3 { 3 } else { count.min(2) };
                self.keep(leading * together as f32);
            } else if index >= 2 && index + 2 == count {
                self.keep(leading * 2.0);
            }
            self.line(runs);
        }
    }

    /// A paragraph wrapped to the body width, starting `indent` from the left margin.
    fn paragraph(&mut self, style: Style, indent: f32, text: &str) {
        let lines = wrap(self.fonts, style, text, CONTENT_WIDTH - indent)
            .into_iter()
            .map(|line| vec![(style, indent, line)])
            .collect();
        self.block(style.leading, lines);
    }

    /// Every paragraph of a free text, with space between them.
    fn text(&mut self, text: &str) {
        for paragraph in paragraphs(text) {
            self.paragraph(BODY, 0.0, &paragraph);
            self.space(BODY.leading * 0.5);
        }
    }

    /// A section heading, kept on the same page as the first two lines that follow it.
    fn section(&mut self, title: &str) {
        self.space(BODY.leading);
        self.keep(SECTION.leading + 2.0 * BODY.leading);
        self.line(vec![(SECTION, 0.0, title.to_string())]);
        self.space(3.0);
    }

    /// A rule across the body width below the last line.
    fn rule(&mut self) {
        let y = self.cursor - 4.0;
        self.cursor -= 8.0;
        self.page().rules.push(Rule {
            x1: MARGIN_LEFT,
            x2: PAGE_WIDTH - MARGIN_RIGHT,
            y,
        });
    }

    /// Label–value rows: labels in bold in one column, values wrapped in the next.
    fn facts(&mut self, rows: &[(&str, String)]) {
        let column = rows
            .iter()
            .map(|(label, _)| self.fonts.width(LABEL, label))
            .fold(0.0, f32::max)
            + 4.0 * MM;
        for (label, value) in rows {
            let lines = wrap(self.fonts, BODY, value, CONTENT_WIDTH - column);
            self.block(BODY.leading, with_marker(LABEL, label, BODY, column, lines));
        }
    }

    /// A numbered list with a hanging indent; an item's further paragraphs stay indented.
    fn numbered(&mut self, items: &[String]) {
        for (index, item) in items.iter().enumerate() {
            let number = format!("{}.", index + 1);
            for (nth, paragraph) in paragraphs(item).iter().enumerate() {
                let lines = wrap(self.fonts, BODY, paragraph, CONTENT_WIDTH - LIST_INDENT);
                let marker = if nth == 0 { number.as_str() } else { "" };
                self.block(
                    BODY.leading,
                    with_marker(BODY, marker, BODY, LIST_INDENT, lines),
                );
                self.space(BODY.leading * 0.3);
            }
        }
    }
}

/// Lines of text at `indent`, the first one led by `marker` (a label or a list number) at the
/// margin; an empty marker is left out.
fn with_marker(
    marker_style: Style,
    marker: &str,
    style: Style,
    indent: f32,
    lines: Vec<String>,
) -> Vec<Vec<(Style, f32, String)>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let mut runs = Vec::with_capacity(2);
            if index == 0 && !marker.is_empty() {
                runs.push((marker_style, 0.0, marker.to_string()));
            }
            runs.push((style, indent, line));
            runs
        })
        .collect()
}

/// Lays the letter out on pages (without footers, which need the page count).
fn compose(letter: &DecisionLetter, fonts: &Fonts) -> Vec<Page> {
    let mut c = Composer::new(fonts);

    // Letterhead.
    c.paragraph(AUTHORITY, 0.0, &one_line(&letter.authority_name));
    for line in &letter.authority_address_lines {
        c.paragraph(LETTERHEAD, 0.0, &one_line(line));
    }
    c.rule();
    c.space(BODY.leading);

    // Date, references, addressee and property.
    let mut rows = vec![
        ("Dato", Locale::Da.date_long(letter.letter_date)),
        ("Sagsnummer", one_line(&letter.reference)),
    ];
    if let Some(esdh) = letter.esdh_number.as_deref().map(one_line) {
        if !esdh.is_empty() {
            rows.push(("ESDH-nummer", esdh));
        }
    }
    rows.push(("Ansøger", one_line(&letter.applicant_name)));
    rows.push(("Ejendom", one_line(&letter.property_address)));
    rows.push(("Matrikelnummer", one_line(&letter.cadastral_number)));
    c.facts(&rows);

    // The decision.
    c.space(BODY.leading * 1.5);
    c.paragraph(TITLE, 0.0, &one_line(&letter.heading));
    c.space(4.0);
    c.paragraph(
        OUTCOME,
        0.0,
        &format!("Afgørelse: {}", one_line(&letter.outcome_label)),
    );
    c.space(BODY.leading * 0.5);
    c.text(&letter.decision_text);

    if !letter.conditions.is_empty() {
        c.section("Vilkår");
        c.numbered(&letter.conditions);
    }
    c.section("Lovgrundlag");
    c.text(&letter.legal_basis);
    c.section("Klagevejledning");
    c.text(&letter.complaint_guidance);
    c.section("Kontakt");
    c.text(&letter.contact);
    c.section("Din digitale sagsmappe");
    c.paragraph(
        BODY,
        0.0,
        "Du kan følge sagen og finde dens dokumenter, også denne afgørelse, på:",
    );
    c.paragraph(BODY, 0.0, &one_line(&letter.case_folder_url));

    c.pages
}

/// Adds the footer: the authority and reference on the left (when there is room), "Side X af
/// Y" on the right.
fn footer(page: &mut Page, letter: &DecisionLetter, fonts: &Fonts, number: usize, count: usize) {
    let right_edge = PAGE_WIDTH - MARGIN_RIGHT;
    let page_label = format!("Side {number} af {count}");
    let page_width = fonts.width(FOOTER, &page_label);
    let room = CONTENT_WIDTH - page_width - 6.0 * MM;
    let reference = format!("Sagsnummer {}", one_line(&letter.reference));
    let full = format!("{} · {}", one_line(&letter.authority_name), reference);
    let left = [full, reference]
        .into_iter()
        .find(|text| fonts.width(FOOTER, text) <= room);

    page.rules.push(Rule {
        x1: MARGIN_LEFT,
        x2: right_edge,
        y: FOOTER_RULE,
    });
    let mut place = |x: f32, text: String| {
        page.texts.push(Placed {
            face: FOOTER.face,
            size: FOOTER.size,
            ink: FOOTER.ink,
            x,
            baseline: FOOTER_BASELINE,
            text,
        });
    };
    if let Some(left) = left {
        place(MARGIN_LEFT, left);
    }
    place(right_edge - page_width, page_label);
}

// ---------------------------------------------------------------------------------------------
// PDF operations

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

fn page_ops(page: &Page, ids: &FontIds) -> Vec<Op> {
    let mut ops = Vec::with_capacity(page.texts.len() * 2 + page.rules.len() + 8);
    if !page.rules.is_empty() {
        ops.push(Op::SetOutlineColor {
            col: Ink::Muted.color(),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        for rule in &page.rules {
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![point(rule.x1, rule.y), point(rule.x2, rule.y)],
                    is_closed: false,
                },
            });
        }
    }

    ops.push(Op::StartTextSection);
    let mut font: Option<(Face, f32)> = None;
    let mut ink: Option<Ink> = None;
    for text in &page.texts {
        if font != Some((text.face, text.size)) {
            let id = match text.face {
                Face::Regular => ids.regular.clone(),
                Face::Bold => ids.bold.clone(),
            };
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(text.size),
            });
            font = Some((text.face, text.size));
        }
        if ink != Some(text.ink) {
            ops.push(Op::SetFillColor {
                col: text.ink.color(),
            });
            ink = Some(text.ink);
        }
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(text.x), Pt(text.baseline)),
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.text.clone())],
        });
    }
    ops.push(Op::EndTextSection);
    ops
}

/// The letter date as the document's date. printpdf writes every date as UTC and the letter
/// has a day but no time, so noon UTC: the letter's own day in Denmark and almost everywhere.
fn pdf_date(date: NaiveDate) -> printpdf::OffsetDateTime {
    printpdf::OffsetDateTime::new_in_offset(
        printpdf::Date {
            year: date.year(),
            // Month 1..=12 and day 1..=31 always fit a u8.
            month: u8::try_from(date.month()).unwrap_or(1),
            day: u8::try_from(date.day()).unwrap_or(1),
        },
        printpdf::Time {
            hour: 12,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::io::ErrorKind;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn fonts() -> &'static Fonts {
        FONTS.as_ref().expect("the embedded fonts parse")
    }

    /// A realistic one-to-two page building permit.
    fn typical_letter() -> DecisionLetter {
        DecisionLetter {
            authority_name: "Aalborg Kommune".into(),
            authority_address_lines: vec![
                "Byggeri og Miljø, Stigsborg Brygge 5, 9400 Nørresundby".into(),
                "Telefon 99 31 31 31 · byggeri@aalborg.dk".into(),
            ],
            letter_date: date(2026, 11, 27),
            reference: "851-2026-000042-7".into(),
            esdh_number: Some("2026-004711".into()),
            applicant_name: "Łukasz Kowalski og Erdős Anna".into(),
            property_address: "Søndergade 12, 9000 Aalborg".into(),
            cadastral_number: "12a Vejgaard By, Aalborg Jorder".into(),
            heading: "Byggetilladelse til carport og udhus".into(),
            outcome_label: "Tilladelse med vilkår".into(),
            decision_text: "Aalborg Kommune giver hermed tilladelse til at opføre en carport \
                 på 38 m² og et udhus på 12 m² på ejendommen, som vist på de \
                 tegninger, der fulgte med ansøgningen.\n\nVi har vurderet projektet \
                 efter bygningsreglementet (BR18). Byggeriet overholder reglerne om \
                 afstand til skel, højde og bebyggelsesprocent.\nTilladelsen gælder i \
                 ét år.\n\nTest af tegn: æ ø å Æ Ø Å."
                .into(),
            conditions: vec![
                "Tagvand skal nedsives på egen grund.".into(),
                "Byggeriet skal færdigmeldes via Byg og Miljø, senest 14 dage efter at \
                 det er afsluttet."
                    .into(),
            ],
            legal_basis: "Byggeloven (lovbekendtgørelse nr. 1178 af 23. september 2016) \
                 og bygningsreglementet (BR18)."
                .into(),
            complaint_guidance: complaint_guidance(DecisionDomain::Building, date(2026, 11, 27)),
            contact: "Spørgsmål til afgørelsen kan rettes til sagsbehandler Søren Ågård, \
                 telefon 99 31 22 22."
                .into(),
            case_folder_url: "https://sagsspor.dk/sager/851-2026-000042-7".into(),
        }
    }

    /// A letter long enough for about twenty pages.
    fn long_letter() -> DecisionLetter {
        let paragraph = "Kommunen har gennemgået projektets placering, højde, afstand til \
            skel og bebyggelsesprocent og finder, at byggeriet holder sig inden for de \
            rammer, som lokalplanen og bygningsreglementet sætter. Naboerne er blevet \
            partshørt, og deres bemærkninger om skygge og indblik er indgået i vurderingen.";
        let mut letter = typical_letter();
        letter.decision_text = vec![paragraph; 170].join("\n\n");
        letter.conditions = (1..=25)
            .map(|n| format!("Vilkår nummer {n}: {paragraph}"))
            .collect();
        letter
    }

    /// A file in the temporary folder, removed when dropped.
    struct TempPdf(PathBuf);

    impl TempPdf {
        fn write(bytes: &[u8]) -> TempPdf {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "sagsspor-decision-{}-{}.pdf",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, bytes).unwrap();
            TempPdf(path)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempPdf {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// Runs one of the PDF tools. A missing tool fails the test: these checks are the point of
    /// the tests, and CI installs the tools.
    fn run(tool: &str, args: &[&str], pdf: &TempPdf) -> Output {
        match Command::new(tool).args(args).arg(pdf.path()).output() {
            Ok(output) => output,
            Err(error) if error.kind() == ErrorKind::NotFound => panic!(
                "`{tool}` is not installed; these tests need it \
                 (Debian: apt-get install -y poppler-utils qpdf)"
            ),
            Err(error) => panic!("could not run `{tool}`: {error}"),
        }
    }

    fn pdftotext(pdf: &TempPdf, options: &[&str]) -> String {
        let output = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .args(options)
            .arg(pdf.path())
            .arg("-")
            .output();
        let output = match output {
            Ok(output) => output,
            Err(error) if error.kind() == ErrorKind::NotFound => panic!(
                "`pdftotext` is not installed; these tests need it \
                 (Debian: apt-get install -y poppler-utils qpdf)"
            ),
            Err(error) => panic!("could not run `pdftotext`: {error}"),
        };
        assert!(
            output.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn assert_qpdf_check(pdf: &TempPdf) {
        let output = run("qpdf", &["--check"], pdf);
        assert!(
            output.status.success(),
            "qpdf --check failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `pdfinfo`'s value for a key, e.g. "Pages" or "Title".
    fn pdfinfo(pdf: &TempPdf, key: &str) -> String {
        let output = run("pdfinfo", &["-enc", "UTF-8"], pdf);
        assert!(output.status.success(), "pdfinfo failed");
        let text = String::from_utf8(output.stdout).unwrap();
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{key}:")))
            .map(|value| value.trim().to_string())
            .unwrap_or_else(|| panic!("pdfinfo printed no {key}:\n{text}"))
    }

    /// Whitespace collapsed, so a phrase wrapped over two lines is still found.
    fn flat(text: &str) -> String {
        one_line(text)
    }

    /// A one-page environmental permit.
    fn one_page_letter() -> DecisionLetter {
        DecisionLetter {
            heading: "Tilladelse til jordvarmeanlæg".into(),
            outcome_label: "Tilladelse".into(),
            decision_text: "Aalborg Kommune giver tilladelse til at etablere et vandret \
                 jordvarmeanlæg på ejendommen.\n\nTest af tegn: æ ø å Æ Ø Å."
                .into(),
            conditions: vec![
                "Anlægget skal være tæt og må kun indeholde godkendt frostvæske.".into(),
            ],
            legal_basis: "Miljøbeskyttelsesloven og jordvarmebekendtgørelsen.".into(),
            complaint_guidance: complaint_guidance(DecisionDomain::Environment, date(2026, 11, 27)),
            ..typical_letter()
        }
    }

    #[test]
    fn one_page_letter_extracts_as_text_and_passes_qpdf() {
        let pdf = TempPdf::write(&render(&one_page_letter()).unwrap());
        assert_qpdf_check(&pdf);

        let text = flat(&pdftotext(&pdf, &[]));
        for expected in [
            "851-2026-000042-7",
            "æ ø å Æ Ø Å",
            "Łukasz Kowalski og Erdős Anna",
            "Miljø- og Fødevareklagenævnet",
            "senest den 28. december 2026",
            "Side 1 af 1",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert_eq!(pdfinfo(&pdf, "Pages"), "1");
        assert_eq!(
            pdfinfo(&pdf, "Title"),
            "Tilladelse til jordvarmeanlæg – 851-2026-000042-7"
        );
    }

    #[test]
    fn metadata_names_the_letter_its_authority_date_and_language() {
        let pdf = TempPdf::write(&render(&one_page_letter()).unwrap());
        assert_eq!(pdfinfo(&pdf, "Author"), "Aalborg Kommune");
        assert_eq!(pdfinfo(&pdf, "Subject"), "Tilladelse");
        assert_eq!(pdfinfo(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");
        assert!(pdfinfo(&pdf, "CreationDate").contains("Nov 27"));
        // printpdf marks every document as PDF/X with an empty version; the letter is not.
        let info = run("pdfinfo", &[], &pdf);
        assert!(!String::from_utf8_lossy(&info.stdout).contains("PDF/X"));
        assert_eq!(pdfinfo(&pdf, "PDF version"), "1.4");

        // The catalogue says Danish; qpdf writes the objects out readable to check it.
        let expanded = TempPdf(pdf.path().with_extension("qdf.pdf"));
        let output = Command::new("qpdf")
            .args(["--qdf", "--object-streams=disable"])
            .arg(pdf.path())
            .arg(expanded.path())
            .output()
            .expect("qpdf is installed (apt-get install -y qpdf)");
        assert!(output.status.success(), "qpdf --qdf failed");
        let objects =
            String::from_utf8_lossy(&std::fs::read(expanded.path()).unwrap()).into_owned();
        assert!(
            objects.contains("/Lang (da)"),
            "no /Lang (da) in the catalogue"
        );
        assert!(!objects.contains("GTS_PDFXVersion"));
    }

    #[test]
    fn typical_letter_prints_every_part_in_order_over_two_pages() {
        let pdf = TempPdf::write(&render(&typical_letter()).unwrap());
        // The letter's whole text as laid out, so a change to any wording or line shows in
        // review.
        insta::assert_snapshot!("typical_letter_text", pdftotext(&pdf, &["-layout"]));
        assert_qpdf_check(&pdf);
        assert_eq!(pdfinfo(&pdf, "Pages"), "2");
        assert_eq!(
            pdfinfo(&pdf, "Title"),
            "Byggetilladelse til carport og udhus – 851-2026-000042-7"
        );

        // Reading order: pdftotext reads the label column of the facts as one block, so the
        // sections are checked in its default mode and the facts in layout mode.
        let text = flat(&pdftotext(&pdf, &[]));
        let mut position = 0;
        for expected in [
            "Aalborg Kommune",
            "Byggeri og Miljø, Stigsborg Brygge 5, 9400 Nørresundby",
            "Byggetilladelse til carport og udhus",
            "Afgørelse: Tilladelse med vilkår",
            "Test af tegn: æ ø å Æ Ø Å.",
            "Vilkår",
            "1. Tagvand skal nedsives på egen grund.",
            "2. Byggeriet skal færdigmeldes",
            "Lovgrundlag",
            "Klagevejledning",
            "Nævnenes Hus – Byggeklageenheden",
            "senest den 28. december 2026",
            "Side 1 af 2",
            "Kontakt",
            "Søren Ågård",
            "Din digitale sagsmappe",
            "https://sagsspor.dk/sager/851-2026-000042-7",
            "Side 2 af 2",
        ] {
            match text[position..].find(expected) {
                Some(at) => position += at + expected.len(),
                None => panic!("missing {expected:?} after byte {position} in:\n{text}"),
            }
        }

        let layout = flat(&pdftotext(&pdf, &["-layout"]));
        for expected in [
            "Dato 27. november 2026",
            "Sagsnummer 851-2026-000042-7",
            "ESDH-nummer 2026-004711",
            "Ansøger Łukasz Kowalski og Erdős Anna",
            "Ejendom Søndergade 12, 9000 Aalborg",
            "Matrikelnummer 12a Vejgaard By, Aalborg Jorder",
        ] {
            assert!(
                layout.contains(expected),
                "missing {expected:?} in:\n{layout}"
            );
        }
    }

    #[test]
    fn fonts_are_embedded_as_subsets_with_a_unicode_map() {
        let pdf = TempPdf::write(&render(&typical_letter()).unwrap());
        let output = run("pdffonts", &[], &pdf);
        assert!(output.status.success(), "pdffonts failed");
        let listing = String::from_utf8(output.stdout).unwrap();
        // name, type (two words), encoding, emb, sub, uni, object, generation.
        let fonts: Vec<Vec<&str>> = listing
            .lines()
            .skip(2)
            .map(|line| line.split_whitespace().collect())
            .collect();
        assert_eq!(fonts.len(), 2, "{listing}");
        for font in fonts {
            let n = font.len();
            assert!(font[0].contains("IBMPlexSans"), "{listing}");
            assert_eq!(&font[n - 5..n - 2], ["yes", "yes", "yes"], "{listing}");
        }
    }

    #[test]
    fn long_letter_flows_over_about_twenty_pages() {
        let letter = long_letter();
        let laid_out = compose(&letter, fonts()).len();
        assert!(
            (18..=24).contains(&laid_out),
            "expected about 20 pages, laid out {laid_out}"
        );

        let pdf = TempPdf::write(&render(&letter).unwrap());
        assert_qpdf_check(&pdf);
        assert_eq!(pdfinfo(&pdf, "Pages"), laid_out.to_string());

        // pdftotext ends every page with a form feed.
        let text = pdftotext(&pdf, &[]);
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert_eq!(pages.len(), laid_out);
        for (index, page) in pages.iter().enumerate() {
            let label = format!("Side {} af {laid_out}", index + 1);
            assert!(
                flat(page).contains(&label),
                "page {} lacks {label:?}",
                index + 1
            );
        }
        let text = flat(&text);
        assert!(text.contains("25. Vilkår nummer 25:"));
        assert!(text.contains("https://sagsspor.dk/sager/851-2026-000042-7"));
    }

    #[test]
    fn every_line_stays_inside_the_body() {
        let mut letter = long_letter();
        letter.case_folder_url = format!(
            "https://sagsspor.dk/sager/851-2026-000042-7?{}",
            "fane=dokumenter&vis=alle&".repeat(12)
        );
        letter.applicant_name = "Ejendomsselskabet ".repeat(12);
        for page in compose(&letter, fonts()) {
            assert!(!page.texts.is_empty());
            for text in &page.texts {
                let face = fonts().face(text.face);
                let right = text.x + face.width(&text.text, text.size);
                assert!(
                    right <= PAGE_WIDTH - MARGIN_RIGHT + 0.01,
                    "{:?} ends at {right}",
                    text.text
                );
                assert!(text.x >= MARGIN_LEFT);
                assert!(
                    text.baseline >= BODY_BOTTOM,
                    "{:?} below the body",
                    text.text
                );
                assert!(text.baseline + text.size <= PAGE_HEIGHT - MARGIN_TOP + 1.0);
            }
        }
    }

    /// How many runs of text each page holds.
    fn line_counts(c: &Composer<'_>) -> Vec<usize> {
        c.pages.iter().map(|page| page.texts.len()).collect()
    }

    #[test]
    fn a_paragraph_leaves_no_line_alone_at_a_page_break() {
        let body_lines = ((PAGE_HEIGHT - MARGIN_TOP - BODY_BOTTOM) / BODY.leading) as usize;
        let line = |text: &str| vec![(BODY, 0.0, text.to_string())];
        let fill = |c: &mut Composer<'_>, room_for: usize| {
            for _ in 0..body_lines - room_for {
                c.line(line("fyld"));
            }
        };

        // Room for one line: a four-line paragraph starts on the next page.
        let mut c = Composer::new(fonts());
        fill(&mut c, 1);
        c.block(BODY.leading, vec![line("afsnit"); 4]);
        assert_eq!(line_counts(&c), vec![body_lines - 1, 4]);

        // Room for three lines: two stay, two move, so the last line is not alone.
        let mut c = Composer::new(fonts());
        fill(&mut c, 3);
        c.block(BODY.leading, vec![line("afsnit"); 4]);
        assert_eq!(line_counts(&c), vec![body_lines - 1, 2]);

        // Room for two lines: a three-line paragraph cannot split well and moves whole.
        let mut c = Composer::new(fonts());
        fill(&mut c, 2);
        c.block(BODY.leading, vec![line("afsnit"); 3]);
        assert_eq!(line_counts(&c), vec![body_lines - 2, 3]);

        // Enough room: nothing moves.
        let mut c = Composer::new(fonts());
        fill(&mut c, 4);
        c.block(BODY.leading, vec![line("afsnit"); 4]);
        assert_eq!(line_counts(&c), vec![body_lines]);
    }

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let text = "Byggeriet skal færdigmeldes via Byg og Miljø, senest 14 dage efter at det \
                    er afsluttet, og dokumentationen skal følge med.";
        for width in [100.0, 150.0, 300.0, CONTENT_WIDTH] {
            let lines = wrap(fonts(), BODY, text, width);
            assert_eq!(lines.join(" "), one_line(text), "width {width}");
            for line in &lines {
                assert!(
                    fonts().width(BODY, line) <= width,
                    "{line:?} wider than {width}"
                );
            }
        }
        // A word wider than the line is broken, preferably after a slash, and nothing is lost.
        let url = "https://sagsspor.dk/sager/851-2026-000042-7/dokumenter/afgoerelse";
        let pieces = wrap(fonts(), BODY, url, 120.0);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), url);
        assert!(pieces[0].ends_with('/'), "{pieces:?}");
        for piece in &pieces {
            assert!(fonts().width(BODY, piece) <= 120.0);
        }
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_reflow_single_breaks() {
        assert_eq!(
            paragraphs("Første linje\nfortsætter her.\n \n\n  Andet   afsnit.\r\n"),
            vec!["Første linje fortsætter her.", "Andet afsnit."]
        );
        assert!(paragraphs(" \n\n").is_empty());
        assert_eq!(one_line("Søren\u{0}\u{7} \t Ågård \u{1b} "), "Søren Ågård");
    }

    #[test]
    fn fonts_cover_danish_and_latin_extended_a() {
        for face in [&fonts().regular, &fonts().bold] {
            for c in "æøåÆØÅéüöäŁłőŐűŰčšžĆćęąńśźż§–—“”„€·²".chars()
            {
                let glyph = face.parsed.lookup_glyph_index(u32::from(c));
                assert!(glyph.is_some_and(|g| g != 0), "no glyph for {c:?}");
            }
        }
    }

    #[test]
    fn complaint_deadline_is_four_weeks_after_notification() {
        // Hand-counted: 27 November + 28 days = 25 December, Christmas Day: closed until
        // Monday 28 December.
        assert_eq!(complaint_deadline(date(2026, 11, 27)), date(2026, 12, 28));
        // A Saturday moves to Monday: 7 November 2026 + 4 weeks = Saturday 5 December.
        assert_eq!(complaint_deadline(date(2026, 11, 7)), date(2026, 12, 7));
        // Over the new year: 15 December + 16 days = 31 December, + 12 = 12 January.
        assert_eq!(complaint_deadline(date(2026, 12, 15)), date(2027, 1, 12));
        // February has 28 days in 2026 and 29 in 2024.
        assert_eq!(complaint_deadline(date(2026, 2, 10)), date(2026, 3, 10));
        // 9 March 2024 is a Saturday: Monday 11 March.
        assert_eq!(complaint_deadline(date(2024, 2, 10)), date(2024, 3, 11));
        // Same weekday, four weeks on.
        assert_eq!(
            complaint_deadline(date(2026, 6, 3)).weekday(),
            date(2026, 6, 3).weekday()
        );
        // Total at the end of chrono's range.
        assert_eq!(complaint_deadline(NaiveDate::MAX), NaiveDate::MAX);
    }

    #[test]
    fn guidance_names_the_complaint_body_of_the_domain() {
        let notified = date(2026, 11, 27);
        let building = complaint_guidance(DecisionDomain::Building, notified);
        assert!(building.contains("Nævnenes Hus – Byggeklageenheden"));
        assert!(building.contains("byggelovens § 24"));
        assert!(building.contains("senest den 28. december 2026"));
        assert!(building.contains("byg@naevneneshus.dk"));
        assert!(!building.contains("Miljø- og Fødevareklagenævnet"));

        let environment = complaint_guidance(DecisionDomain::Environment, notified);
        assert!(environment.contains("Miljø- og Fødevareklagenævnet"));
        assert!(environment.contains("Klageportalen"));
        assert!(environment.contains("senest den 28. december 2026"));
        assert!(!environment.contains("Byggeklageenheden"));

        assert_eq!(paragraphs(&building).len(), 4);
        assert_eq!(paragraphs(&environment).len(), 3);

        assert_eq!(
            DecisionDomain::from_code("building"),
            Some(DecisionDomain::Building)
        );
        assert_eq!(
            DecisionDomain::from_code("environment"),
            Some(DecisionDomain::Environment)
        );
        assert_eq!(DecisionDomain::from_code("planning"), None);
    }

    #[test]
    fn letter_without_esdh_number_or_conditions_leaves_them_out() {
        let mut letter = typical_letter();
        letter.esdh_number = None;
        letter.conditions.clear();
        let pdf = TempPdf::write(&render(&letter).unwrap());
        assert_qpdf_check(&pdf);
        let text = flat(&pdftotext(&pdf, &[]));
        assert!(!text.contains("ESDH-nummer"));
        assert!(!text.contains("Vilkår"));
        assert!(text.contains("Side 1 af 1"));
    }

    /// Timing and size of a typical letter (and, for scale, a one-page and a 20-page one):
    /// `cargo test -p app --features ssr --release decision_pdf::tests::render_benchmark --
    /// --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn render_benchmark() {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        for (name, letter, runs) in [
            ("typical", typical_letter(), 1000),
            ("one-page", one_page_letter(), 1000),
            ("long", long_letter(), 50),
        ] {
            let bytes = render(&letter).unwrap();
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = std::time::Instant::now();
                let pdf = render(&letter).unwrap();
                times.push(start.elapsed());
                assert!(!pdf.is_empty());
            }
            times.sort();
            // Nearest rank: the median is the 50th percentile, p99 the 99th.
            let rank = |p: usize| times[(runs * p).div_ceil(100) - 1];
            println!(
                "{name} letter: {} pages, {} bytes; {runs} renders: median {:.2} ms, \
                 p99 {:.2} ms, max {:.2} ms",
                compose(&letter, fonts()).len(),
                bytes.len(),
                ms(rank(50)),
                ms(rank(99)),
                ms(times[runs - 1]),
            );
        }
    }
}
