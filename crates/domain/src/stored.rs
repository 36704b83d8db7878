//! Enums stored by an ASCII id and shown by a Danish name ([`stored_enum!`]).

/// An enum stored by an ASCII id and shown by a Danish name: `ALL`, `id()`, `from_id()`,
/// `navn()`, like [`crate::model::InstitutionKind`].
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($id:literal, $navn:literal), )+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Stored value (ASCII).
            pub fn id(self) -> &'static str {
                match self {
                    $(Self::$variant => $id,)+
                }
            }

            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.id() == id)
            }

            /// Danish display name.
            pub fn navn(self) -> &'static str {
                match self {
                    $(Self::$variant => $navn,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.navn())
            }
        }
    };
}
pub(crate) use stored_enum;
