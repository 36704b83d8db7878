//! Anonym sparring (anonymous consultation): before the notes are saved, the text is checked
//! for CPR-like numbers and for the names of children enrolled at the institution; the user is
//! warned and must confirm or edit.

use crate::validate::cpr_like_numbers;

/// Something in the text that may identify a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityWarning {
    /// A number that looks like a CPR number, as written.
    Cpr(String),
    /// An enrolled child's full name (fornavn og efternavn), as the roster spells it.
    FullName(String),
    /// An enrolled child's given name as a whole word, as the roster spells it. The family name
    /// is not shown: the warning must not reveal more than the text.
    GivenName(String),
}

impl IdentityWarning {
    /// The Danish warning for the user.
    pub fn message(&self) -> String {
        match self {
            Self::Cpr(n) => format!("Teksten indeholder «{n}», som ligner et CPR-nummer. Fjern det."),
            Self::FullName(n) => format!(
                "Teksten nævner «{n}», et barn i institutionen. Fjern navnet, eller bekræft at teksten ikke \
                 handler om barnet."
            ),
            Self::GivenName(n) => format!(
                "Teksten indeholder fornavnet «{n}», som et barn i institutionen har. Fjern eller ændr \
                 navnet, eller bekræft at det ikke identificerer barnet."
            ),
        }
    }
}

/// Lower case, with the Danish letters folded so that «Åse», «åse», «Aase» and a decomposed
/// «å» (a + combining ring) compare equal; likewise «Ø»/«ø» and «Æ»/«æ».
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            // Combining ring above after «a»: the decomposed form of «å».
            '\u{30A}' if out.ends_with('a') => {
                out.pop();
                out.push('å');
            }
            // Combining long solidus overlay after «o»: a decomposed «ø».
            '\u{338}' if out.ends_with('o') => {
                out.pop();
                out.push('ø');
            }
            c => out.push(c),
        }
    }
    out.replace("aa", "å")
}

/// The words of a text or name, folded: runs of letters and digits (a combining mark stays
/// with its letter); everything else separates, so «Anne-Sofie» is two words.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || (!current.is_empty() && is_combining(c)) {
            current.push(c);
        } else if !current.is_empty() {
            words.push(fold(&std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() {
        words.push(fold(&current));
    }
    words
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// Whether `needle` occurs as consecutive whole words in `haystack`.
fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The warnings for `text`: CPR-like numbers first (in text order), then enrolled children's
/// names, case-insensitively as whole words. A full name match (given and family name in a
/// row) is reported as such; otherwise a given name on its own. Each name is reported once.
/// `enrolled` is (given name, family name) of the children enrolled at the institution.
pub fn identity_warnings(text: &str, enrolled: &[(String, String)]) -> Vec<IdentityWarning> {
    let mut warnings: Vec<IdentityWarning> = cpr_like_numbers(text)
        .into_iter()
        .map(|n| IdentityWarning::Cpr(n.to_string()))
        .collect();
    let text_words = words(text);
    let mut full_seen: Vec<Vec<String>> = Vec::new();
    let mut given_seen: Vec<Vec<String>> = Vec::new();
    let mut names = Vec::new();
    for (given, family) in enrolled {
        let given_words = words(given);
        let full_words: Vec<String> = given_words.iter().cloned().chain(words(family)).collect();
        if contains_words(&text_words, &full_words) {
            if !full_seen.contains(&full_words) {
                full_seen.push(full_words);
                names.push(IdentityWarning::FullName(format!("{} {}", given.trim(), family.trim())));
            }
        } else if contains_words(&text_words, &given_words) && !given_seen.contains(&given_words) {
            given_seen.push(given_words);
            names.push(IdentityWarning::GivenName(given.trim().to_string()));
        }
    }
    // A given name already covered by a full name is not repeated.
    names.retain(|w| match w {
        IdentityWarning::GivenName(g) => {
            let g = words(g);
            !full_seen.iter().any(|f| f.starts_with(&g))
        }
        _ => true,
    });
    warnings.extend(names);
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster(names: &[(&str, &str)]) -> Vec<(String, String)> {
        names.iter().map(|(g, f)| (g.to_string(), f.to_string())).collect()
    }

    #[test]
    fn finds_cpr_like_numbers() {
        let w = identity_warnings("Drengen (120315-1234) og 1203151234 kom ikke. Tlf. 12345678.", &[]);
        assert_eq!(
            w,
            vec![
                IdentityWarning::Cpr("120315-1234".into()),
                IdentityWarning::Cpr("1203151234".into())
            ]
        );
        assert!(w[0].message().contains("CPR-nummer"));
    }

    #[test]
    fn finds_full_and_given_names_case_insensitively() {
        let enrolled = roster(&[("Ida", "Hansen"), ("Søren", "Østergård"), ("Åse", "Berg"), ("Bo", "Li")]);
        assert!(identity_warnings("En pige i 3. klasse er ked af det.", &enrolled).is_empty());

        let w = identity_warnings("Vi talte om ida hansen og om SØREN.", &enrolled);
        assert_eq!(
            w,
            vec![
                IdentityWarning::FullName("Ida Hansen".into()),
                IdentityWarning::GivenName("Søren".into())
            ]
        );
        assert!(w[0].message().contains("«Ida Hansen»"));
        assert!(!w[1].message().contains("Østergård"), "the family name is not revealed");

        // Whole words only: «Idas» and «Bolig» are not «Ida» and «Bo».
        assert!(identity_warnings("Idas mor søger bolig.", &enrolled).is_empty());
        // Danish letters: upper case, the «aa» spelling and a decomposed «å».
        assert_eq!(
            identity_warnings("ÅSE græder", &enrolled),
            vec![IdentityWarning::GivenName("Åse".into())]
        );
        assert_eq!(
            identity_warnings("Aase græder", &enrolled),
            vec![IdentityWarning::GivenName("Åse".into())]
        );
        assert_eq!(
            identity_warnings("A\u{30A}se Berg græder", &enrolled),
            vec![IdentityWarning::FullName("Åse Berg".into())]
        );
        assert_eq!(
            identity_warnings("søren østergård", &enrolled),
            vec![IdentityWarning::FullName("Søren Østergård".into())]
        );
    }

    #[test]
    fn compound_names_and_duplicates() {
        let enrolled = roster(&[("Anne-Sofie", "Due Hansen"), ("Anne-Sofie", "Lund"), ("Ida", "Lund")]);
        let w = identity_warnings("Anne-Sofie Due Hansen og anne sofie igen, og Ida.", &enrolled);
        assert_eq!(
            w,
            vec![
                IdentityWarning::FullName("Anne-Sofie Due Hansen".into()),
                IdentityWarning::GivenName("Ida".into())
            ]
        );
        // A given name shared by two children is reported once.
        assert_eq!(
            identity_warnings("Anne-Sofie græd.", &enrolled),
            vec![IdentityWarning::GivenName("Anne-Sofie".into())]
        );
        // «Sofie» alone is not «Anne-Sofie».
        assert!(identity_warnings("Sofie græd.", &enrolled).is_empty());
    }
}
