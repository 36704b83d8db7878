//! Klassetrivselsundersøgelse (own class survey): a teacher or the trivselsperson asks a class
//! scale questions (1–5) and sociogram questions (positive choices of classmates, at most
//! [`DEFAULT_MAX_CHOICES`] per question unless the survey says otherwise). Pupils answer on their
//! own login or on a shared tablet with the survey's class code, each once; no pupil ever sees
//! another's answers. The results (`sociogram`) are for the staff with access to the class.

/// A question's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    /// An answer 1–5 ([`SCALE`]).
    Scale,
    /// Classmates chosen (positive choices only).
    Sociogram,
}

impl QuestionKind {
    pub fn id(self) -> &'static str {
        match self {
            Self::Scale => "skala",
            Self::Sociogram => "sociogram",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        match id {
            "skala" => Some(Self::Scale),
            "sociogram" => Some(Self::Sociogram),
            _ => None,
        }
    }

    pub fn navn(self) -> &'static str {
        match self {
            Self::Scale => "Skala 1–5",
            Self::Sociogram => "Vælg klassekammerater",
        }
    }
}

/// The answers of a scale question, 1 (worst) to 5 (best).
pub const SCALE: [&str; 5] = ["Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig"];

/// Classmates a pupil may choose per sociogram question, unless the survey sets another number.
pub const DEFAULT_MAX_CHOICES: usize = 3;
/// The most a survey may allow.
pub const MAX_CHOICES_LIMIT: usize = 10;
/// A survey has at most this many questions.
pub const MAX_QUESTIONS: usize = 12;

/// The questions a new survey starts with (the teacher may change them).
pub const DEFAULT_QUESTIONS: [(QuestionKind, &str); 4] = [
    (QuestionKind::Scale, "Jeg er glad for at gå i min klasse."),
    (QuestionKind::Scale, "Jeg føler mig tryg i frikvartererne."),
    (QuestionKind::Sociogram, "Hvem kan du fortælle en hemmelighed?"),
    (
        QuestionKind::Sociogram,
        "Hvem vil du gerne være sammen med i frikvarteret?",
    ),
];

/// Checks a pupil's choices for one sociogram question: classmates only, not oneself, each once,
/// at most `max`. Choosing nobody is allowed (the pupil used fewer choices).
pub fn check_choices(chooser: i64, chosen: &[i64], class: &[i64], max: usize) -> Result<(), String> {
    if chosen.len() > max {
        return Err(format!("vælg højst {max} klassekammerater"));
    }
    for (i, c) in chosen.iter().enumerate() {
        if *c == chooser {
            return Err("du kan ikke vælge dig selv".into());
        }
        if !class.contains(c) {
            return Err("vælg kun elever fra klassen".into());
        }
        if chosen[..i].contains(c) {
            return Err("vælg hver klassekammerat én gang".into());
        }
    }
    Ok(())
}

/// A class code for the shared tablet: `len` characters from an alphabet without look-alikes
/// (no 0/O, 1/I/L), picked by `pick(n)` returning a number below `n` (the caller's randomness).
pub fn class_code(len: usize, mut pick: impl FnMut(usize) -> usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..len).map(|_| ALPHABET[pick(ALPHABET.len())] as char).collect()
}

/// Normalises what a pupil typed as the class code (case and spaces do not matter).
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_classmates_once_and_at_most_max() {
        let class = [1, 2, 3, 4, 5];
        assert!(check_choices(1, &[2, 3, 4], &class, 3).is_ok());
        assert!(check_choices(1, &[], &class, 3).is_ok());
        assert!(check_choices(1, &[2, 3, 4, 5], &class, 3).is_err());
        assert!(check_choices(1, &[1], &class, 3).is_err());
        assert!(check_choices(1, &[9], &class, 3).is_err());
        assert!(check_choices(1, &[2, 2], &class, 3).is_err());
    }

    #[test]
    fn class_codes_avoid_look_alikes() {
        let mut n = 0;
        let code = class_code(6, |len| {
            n += 7;
            n % len
        });
        assert_eq!(code.len(), 6);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalise_code(" abc 234 "), "ABC234");
    }
}
