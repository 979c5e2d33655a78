//! The digital reference (*sagsnummer*): one identifier per case that no other case at any
//! authority will ever have, written `AAA-YYYY-NNNNNN-C`.
//!
//! - `AAA` is the authority's three-digit code (e.g. 101 København, 851 Aalborg);
//! - `YYYY` is the year the case was created;
//! - `NNNNNN` is a sequence per authority and year, zero-padded to at least six digits;
//! - `C` is a Damm check digit over all preceding digits.
//!
//! The Damm algorithm is used because it catches every single mistyped digit and every swap of
//! two adjacent digits — the two mistakes people make when they read a number off a letter and
//! type it into a phone or a search box — with one decimal digit and no letters.
//!
//! Parsing is forgiving about how the reference is written (spaces, missing or odd dashes,
//! surrounding text) because people paste it from mails and letters, and strict about the check
//! digit, because a reference that fails its check is a typo and must never silently find
//! another case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A case's digital reference, `AAA-YYYY-NNNNNN-C`; the check digit `C` is derived, not stored.
///
/// Ordering is by authority, then year, then sequence, which is also the order in which the
/// references of one authority were handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseReference {
    /// The authority's (*myndighed*) three-digit code, 100..=999.
    pub authority: u16,
    /// The year the case was created.
    pub year: u16,
    /// The sequence number within the authority and year.
    pub sequence: u32,
}

/// Smallest and largest year that [`CaseReference::parse`] accepts. Wider than any real case so
/// that old cases migrated from an ESDH system still parse, narrow enough that a run of digits
/// that merely happens to be 14 long (a phone number and a date, say) is usually rejected as
/// malformed instead of being taken for a reference.
const PARSE_YEARS: std::ops::RangeInclusive<u16> = 1900..=2999;

/// The number of digits of a reference with a six-digit sequence: 3 + 4 + 6 + 1.
const MIN_DIGITS: usize = 14;

/// A run with at least this many digits, but too few for a reference, is reported as malformed
/// rather than not found: it is long enough that the user most likely meant a reference and
/// dropped a digit, and "not found" would send them looking in the wrong place.
const MALFORMED_FROM_DIGITS: usize = 8;

/// The largest number of sequence digits a `u32` can hold.
const MAX_SEQUENCE_DIGITS: usize = 10;

impl CaseReference {
    /// Builds a reference from its parts.
    ///
    /// The caller (the code that allocates sequences inside the creating transaction) is
    /// responsible for an authority in 100..=999 and a four-digit year; both are only checked in
    /// debug builds because a violation is a programming error, not bad input.
    pub fn new(authority: u16, year: u16, sequence: u32) -> Self {
        debug_assert!(
            (100..=999).contains(&authority),
            "authority code must have three digits, got {authority}"
        );
        debug_assert!(
            (1000..=9999).contains(&year),
            "year must have four digits, got {year}"
        );
        Self {
            authority,
            year,
            sequence,
        }
    }

    /// The Damm check digit over the digits of `AAA`, `YYYY` and `NNNNNN` exactly as
    /// [`Display`](fmt::Display) writes them (the sequence zero-padded to at least six digits),
    /// so that the check digit a person sees always belongs to the digits beside it.
    pub fn check_digit(&self) -> u8 {
        damm_check_digit(&self.body_digits())
    }

    /// Finds and validates a reference in free text, as typed or pasted by a person.
    ///
    /// Accepted: surrounding text (`"Sag 101-2026-000123-8 om carport"`), spaces, en-dashes,
    /// slashes or dots instead of dashes, no separators at all (`"10120260001238"`), and any
    /// label in front (`"SAG"`, `"sag nr."`).
    ///
    /// The longest run of digits and separators holding at least 14 digits is taken as the
    /// reference: its first 3 digits are the authority, the next 4 the year, the last one the
    /// check digit, and the digits in between the sequence. A sequence longer than six digits
    /// must not start with 0, because that is not how the reference is ever written and accepting
    /// it would give one case two spellings.
    ///
    /// # Errors
    ///
    /// - [`ReferenceError::NotFound`] when there is no run of at least 8 digits;
    /// - [`ReferenceError::Malformed`] when the digits cannot be a reference (too few, a
    ///   non-canonical sequence, an authority starting with 0, a year outside 1900..=2999);
    /// - [`ReferenceError::CheckDigitMismatch`] when the shape is right but the check digit does
    ///   not match the other digits — most likely a mistyped digit.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let digits = best_run_digits(input);
        if digits.len() < MIN_DIGITS {
            return Err(if digits.len() >= MALFORMED_FROM_DIGITS {
                ReferenceError::Malformed
            } else {
                ReferenceError::NotFound
            });
        }

        let (body, check) = digits.split_at(digits.len() - 1);
        let (authority_digits, rest) = body.split_at(3);
        let (year_digits, sequence_digits) = rest.split_at(4);

        // Only the canonical spelling is accepted: six digits, or more without a leading zero.
        let canonical_sequence = sequence_digits.len() == 6
            || (sequence_digits.len() <= MAX_SEQUENCE_DIGITS
                && sequence_digits.first().is_some_and(|&d| d != 0));
        if !canonical_sequence {
            return Err(ReferenceError::Malformed);
        }

        // The check digit is tested before the ranges below: a mistyped digit in the year is far
        // more likely than a reference from the 1800s, and "is a digit mistyped?" is the message
        // that helps the person in front of the screen.
        if check.first().copied() != Some(damm_check_digit(body)) {
            return Err(ReferenceError::CheckDigitMismatch);
        }

        let authority =
            u16::try_from(digits_value(authority_digits)).map_err(|_| ReferenceError::Malformed)?;
        let year =
            u16::try_from(digits_value(year_digits)).map_err(|_| ReferenceError::Malformed)?;
        let sequence =
            u32::try_from(digits_value(sequence_digits)).map_err(|_| ReferenceError::Malformed)?;
        if !(100..=999).contains(&authority) || !PARSE_YEARS.contains(&year) {
            return Err(ReferenceError::Malformed);
        }

        Ok(Self {
            authority,
            year,
            sequence,
        })
    }

    /// The digits before the check digit, as they are written.
    fn body_digits(&self) -> Vec<u8> {
        format!("{:03}{:04}{:06}", self.authority, self.year, self.sequence)
            .bytes()
            .map(|b| b.wrapping_sub(b'0'))
            .collect()
    }
}

impl fmt::Display for CaseReference {
    /// Writes the canonical form, e.g. `101-2026-000123-8`; sequences beyond six digits are
    /// written in full.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:03}-{:04}-{:06}-{}",
            self.authority,
            self.year,
            self.sequence,
            self.check_digit()
        )
    }
}

impl FromStr for CaseReference {
    type Err = ReferenceError;

    /// The same as [`CaseReference::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Why a text could not be read as a case reference. Each variant has a stable
/// [`code`](ReferenceError::code) for translated messages; the `Display` text is the English one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Nothing that looks like a reference.
    #[error("no case reference found — a reference looks like 101-2026-000123-8")]
    NotFound,
    /// Right shape but wrong number of digits or invalid parts.
    #[error(
        "this does not look like a complete case reference — check the number of digits; \
         a reference looks like 101-2026-000123-8"
    )]
    Malformed,
    /// The check digit does not match the other digits: a digit is most likely mistyped or two
    /// digits are swapped.
    #[error("check digit does not match — is a digit mistyped?")]
    CheckDigitMismatch,
}

impl ReferenceError {
    /// A stable code for looking up the message in either language; never change an existing one.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "reference.not_found",
            Self::Malformed => "reference.malformed",
            Self::CheckDigitMismatch => "reference.check_digit",
        }
    }
}

/// The quasigroup of order 10 from Damm's thesis (the weakly totally anti-symmetric one that
/// Wikipedia prints). Its zero diagonal is what makes a valid number, check digit included,
/// reduce to 0.
const DAMM_TABLE: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The Damm check digit of a sequence of decimal digits (values 0..=9, most significant first).
///
/// Appending the result gives a sequence whose check digit is 0, which is how validation works.
/// A value above 9 is a caller's bug; it is reduced modulo 10 rather than panicking so that the
/// function stays total.
pub fn damm_check_digit(digits: &[u8]) -> u8 {
    debug_assert!(digits.iter().all(|&d| d <= 9), "digits must be 0..=9");
    digits.iter().fold(0u8, |interim, &digit| {
        DAMM_TABLE[usize::from(interim)][usize::from(digit % 10)]
    })
}

/// Characters that people put between the groups of a reference. Letters, colons, commas and
/// the like end a run, so the reference is found between them.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '–' | '—' | '‐' | '‑' | '−' | '/' | '.' | '_')
}

/// The digits of the run of digits and separators with the most digits (the first one on a
/// tie), as values 0..=9.
fn best_run_digits(input: &str) -> Vec<u8> {
    let mut best: Vec<u8> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for c in input.chars() {
        if c.is_ascii_digit() {
            // Only ASCII digits count: other scripts' digits never appear in a reference, and
            // taking them would let look-alike characters through.
            current.push(c as u8 - b'0');
        } else if !is_separator(c) {
            if current.len() > best.len() {
                best = std::mem::take(&mut current);
            } else {
                current.clear();
            }
        }
    }
    if current.len() > best.len() {
        best = current;
    }
    best
}

/// The number that a slice of decimal digits spells; saturates instead of overflowing, which the
/// callers then reject as out of range.
fn digits_value(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |value, &d| {
        value.saturating_mul(10).saturating_add(u64::from(d))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use proptest::prelude::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn damm_known_values() {
        // The worked example from Damm's thesis and Wikipedia: 572 → 4.
        assert_eq!(damm_check_digit(&digits("572")), 4);
        assert_eq!(damm_check_digit(&digits("5724")), 0, "5724 is valid");
        assert_eq!(damm_check_digit(&[]), 0);
        assert_eq!(damm_check_digit(&digits("0")), 0);
        assert_eq!(damm_check_digit(&digits("1")), 3);
    }

    #[test]
    fn damm_table_is_a_quasigroup_with_zero_diagonal() {
        for (i, row) in DAMM_TABLE.iter().enumerate() {
            assert_eq!(row[i], 0);
            let mut seen = [false; 10];
            for &v in row {
                seen[usize::from(v)] = true;
            }
            assert!(seen.iter().all(|&s| s), "row {i} is a permutation");
            let mut seen = [false; 10];
            for r in &DAMM_TABLE {
                seen[usize::from(r[i])] = true;
            }
            assert!(seen.iter().all(|&s| s), "column {i} is a permutation");
        }
    }

    #[test]
    fn known_reference() {
        // Worked by hand through the table: 1012026000123 → 8. (DESIGN.md's example ends in 7,
        // which this parser rightly reports as a mistyped digit.)
        assert_eq!(
            CaseReference::new(101, 2026, 123).to_string(),
            "101-2026-000123-8"
        );
        assert_eq!(
            CaseReference::parse("101-2026-000123-8"),
            Ok(CaseReference::new(101, 2026, 123))
        );
        assert_eq!(
            CaseReference::parse("101-2026-000123-7"),
            Err(ReferenceError::CheckDigitMismatch)
        );
    }

    #[test]
    fn formats_canonically() {
        let r = CaseReference::new(101, 2026, 123);
        let body = digits("1012026000123");
        let c = damm_check_digit(&body);
        assert_eq!(r.check_digit(), c);
        assert_eq!(r.to_string(), format!("101-2026-000123-{c}"));
        // More than six digits are written in full, and the check digit covers all of them.
        let big = CaseReference::new(851, 2027, 1_234_567);
        let c = damm_check_digit(&digits("85120271234567"));
        assert_eq!(big.to_string(), format!("851-2027-1234567-{c}"));
        assert_eq!(
            CaseReference::new(999, 2999, u32::MAX).to_string().len(),
            3 + 1 + 4 + 1 + 10 + 1 + 1
        );
    }

    #[test]
    fn parses_the_forgiving_forms() {
        let r = CaseReference::new(101, 2026, 123);
        let c = r.check_digit();
        for text in [
            format!("101-2026-000123-{c}"),
            format!("Sag 101-2026-000123-{c} om carport"),
            format!("SAG101-2026-000123-{c}"),
            format!("sag nr. 101 2026 000123 {c}."),
            format!("1012026000123{c}"),
            format!("101–2026–000123–{c}"),
            format!("  101 - 2026 - 000123 - {c}  "),
            format!("101/2026/000123/{c}"),
            format!("Vedr.: 101.2026.000123.{c}, tlf. 12 34 56 78"),
        ] {
            assert_eq!(CaseReference::parse(&text), Ok(r), "{text:?}");
            assert_eq!(text.parse::<CaseReference>(), Ok(r), "{text:?}");
        }
    }

    #[test]
    fn rejects_with_the_right_error() {
        let r = CaseReference::new(101, 2026, 123);
        let c = r.check_digit();
        let wrong = (c + 1) % 10;
        assert_eq!(
            CaseReference::parse(&format!("101-2026-000123-{wrong}")),
            Err(ReferenceError::CheckDigitMismatch)
        );
        assert_eq!(CaseReference::parse(""), Err(ReferenceError::NotFound));
        assert_eq!(
            CaseReference::parse("min carport"),
            Err(ReferenceError::NotFound)
        );
        assert_eq!(
            CaseReference::parse("ring 1234567"),
            Err(ReferenceError::NotFound)
        );
        // A dropped digit: long enough to be meant as a reference.
        assert_eq!(
            CaseReference::parse(&format!("101-2026-00123-{c}")),
            Err(ReferenceError::Malformed)
        );
        assert_eq!(
            CaseReference::parse("12345678"),
            Err(ReferenceError::Malformed)
        );
        // A seven-digit sequence with a leading zero is not how any reference is written.
        let seq7 = digits("10120260000123");
        let c7 = damm_check_digit(&seq7);
        assert_eq!(
            CaseReference::parse(&format!("101-2026-0000123-{c7}")),
            Err(ReferenceError::Malformed)
        );
        // Authority starting with 0, year out of range — with a correct check digit.
        for body in ["0512026000123", "1011899000123", "1013000000123"] {
            let c = damm_check_digit(&digits(body));
            assert_eq!(
                CaseReference::parse(&format!("{body}{c}")),
                Err(ReferenceError::Malformed),
                "{body}"
            );
        }
        // A sequence too large for u32.
        let body = "10120269999999999";
        let c = damm_check_digit(&digits(body));
        assert_eq!(
            CaseReference::parse(&format!("{body}{c}")),
            Err(ReferenceError::Malformed)
        );
    }

    #[test]
    fn messages_and_codes() {
        assert_eq!(
            ReferenceError::NotFound.to_string(),
            "no case reference found — a reference looks like 101-2026-000123-8"
        );
        assert_eq!(
            ReferenceError::CheckDigitMismatch.to_string(),
            "check digit does not match — is a digit mistyped?"
        );
        assert!(ReferenceError::Malformed
            .to_string()
            .contains("101-2026-000123-8"));
        assert_eq!(ReferenceError::NotFound.code(), "reference.not_found");
        assert_eq!(ReferenceError::Malformed.code(), "reference.malformed");
        assert_eq!(
            ReferenceError::CheckDigitMismatch.code(),
            "reference.check_digit"
        );
    }

    fn any_reference() -> impl Strategy<Value = CaseReference> {
        (
            100u16..=999,
            1900u16..=2999,
            prop_oneof![0u32..1_000_000, any::<u32>()],
        )
            .prop_map(|(a, y, s)| CaseReference::new(a, y, s))
    }

    proptest! {
        #[test]
        fn every_formatted_reference_parses_back(r in any_reference()) {
            let text = r.to_string();
            prop_assert_eq!(CaseReference::parse(&text), Ok(r));
            prop_assert_eq!(CaseReference::parse(&text.replace('-', " ")), Ok(r));
            prop_assert_eq!(CaseReference::parse(&text.replace('-', "")), Ok(r));
            prop_assert_eq!(CaseReference::parse(&text.replace('-', "–")), Ok(r));
            prop_assert_eq!(
                CaseReference::parse(&format!("Sag {text} om carport")),
                Ok(r)
            );
            prop_assert_eq!(
                CaseReference::parse(&format!("sag:{}.", text.replace('-', " "))),
                Ok(r)
            );
        }

        #[test]
        fn every_single_digit_substitution_is_rejected(r in any_reference()) {
            let text = r.to_string();
            for (i, c) in text.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
                for other in ('0'..='9').filter(|&o| o != c) {
                    let mut typo = text.clone();
                    typo.replace_range(i..=i, &other.to_string());
                    prop_assert!(
                        CaseReference::parse(&typo).is_err(),
                        "{} accepted as {:?}", typo, CaseReference::parse(&typo)
                    );
                }
            }
        }

        #[test]
        fn every_adjacent_digit_swap_is_rejected(r in any_reference()) {
            let text = r.to_string();
            let positions: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            for pair in positions.windows(2) {
                let (i, j) = (pair[0], pair[1]);
                let mut bytes = text.clone().into_bytes();
                if bytes[i] == bytes[j] {
                    continue;
                }
                bytes.swap(i, j);
                let swapped = String::from_utf8(bytes).unwrap();
                prop_assert!(
                    CaseReference::parse(&swapped).is_err(),
                    "{} accepted as {:?}", swapped, CaseReference::parse(&swapped)
                );
            }
        }

        #[test]
        fn parse_never_panics(text in ".{0,40}") {
            let _ = CaseReference::parse(&text);
        }
    }
}
