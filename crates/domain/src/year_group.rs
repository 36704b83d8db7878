//! Årgange (year groups) and the school's three levels of preventive work (seed 000: the
//! school, the year group, the class). A class belongs to the year group of the number its
//! name begins with («5.A», «5 B», «5c» are 5. årgang; «0.A» is børnehaveklassen, 0. årgang).
//! A year group has a coordinator (årgangskoordinator) who is responsible for its preventive
//! plans and annual-wheel activities unless someone else is named.

/// Highest grade (10. klasse).
pub const MAX_GRADE: u32 = 10;

/// The grade a class name begins with, if any.
pub fn grade_of(class_name: &str) -> Option<u32> {
    let digits: String = class_name.trim().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|g| *g <= MAX_GRADE)
}

/// «5. årgang».
pub fn year_group_name(grade: u32) -> String {
    format!("{grade}. årgang")
}

/// The grade of a year group's name («5. årgang», «5. Årgang», «5»), if it is one.
pub fn parse_year_group(name: &str) -> Option<u32> {
    let n = name.trim().to_lowercase();
    let rest = n.trim_end_matches("årgang").trim().trim_end_matches('.');
    rest.parse().ok().filter(|g| *g <= MAX_GRADE)
}

/// Who a preventive plan is for: the whole school or one year group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlanLevel {
    School,
    YearGroup(u32),
}

impl PlanLevel {
    /// «Hele skolen» or «5. årgang».
    pub fn navn(self) -> String {
        match self {
            PlanLevel::School => "Hele skolen".into(),
            PlanLevel::YearGroup(g) => year_group_name(g),
        }
    }

    /// The stored grade (`None` for the school).
    pub fn grade(self) -> Option<u32> {
        match self {
            PlanLevel::School => None,
            PlanLevel::YearGroup(g) => Some(g),
        }
    }

    pub fn from_grade(grade: Option<u32>) -> PlanLevel {
        grade.map_or(PlanLevel::School, PlanLevel::YearGroup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_belong_to_the_year_group_of_their_number() {
        assert_eq!(grade_of("5.A"), Some(5));
        assert_eq!(grade_of(" 5 B"), Some(5));
        assert_eq!(grade_of("10x"), Some(10));
        assert_eq!(grade_of("0.A"), Some(0));
        assert_eq!(grade_of("Lilleklassen"), None);
        assert_eq!(grade_of("12.A"), None);
        assert_eq!(year_group_name(5), "5. årgang");
        assert_eq!(parse_year_group("5. årgang"), Some(5));
        assert_eq!(parse_year_group("5. Årgang"), Some(5));
        assert_eq!(parse_year_group("1. og 6. årgang"), None);
        assert_eq!(PlanLevel::from_grade(None).navn(), "Hele skolen");
        assert_eq!(PlanLevel::YearGroup(3).grade(), Some(3));
    }
}
