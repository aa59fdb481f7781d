//! The words of column headers: kinds of information (first name, phone, region...),
//! the English, Spanish and Portuguese names people give those columns, and the key each
//! kind has in each flavour. Headers are compared after [`norm`].

use crate::contact::{Flavour, Role};

/// A kind of information a column may hold, before the flavour names its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concept {
    /// Given name.
    First,
    /// Family name.
    Last,
    /// `name` / `nombre`: the first name, or a full name when no column holds the last.
    Name,
    /// First and last name in one cell.
    Full,
    /// A phone number.
    Phone,
    /// A WhatsApp number (Wipsy keeps it apart; `WhatsMark` only has the phone).
    WhatsApp,
    /// An email address.
    Email,
    /// Company or organisation.
    Company,
    /// City or town.
    City,
    /// State, province, department or region.
    Region,
    /// Street address.
    Address,
    /// Postal code.
    Zip,
    /// Notes or description.
    Notes,
    /// Tags (Wipsy) or groups (`WhatsMark`).
    Labels,
    /// Lead source.
    Source,
    /// Lead status.
    Status,
    /// Contact type (lead, customer, guest).
    Type,
    /// Country.
    Country,
    /// Pipeline stage.
    Stage,
    /// Profile picture URL.
    Picture,
    /// Staff member the contact is assigned to.
    Assigned,
    /// `estado`: region or status, decided by the other columns and the values.
    Estado,
}

use Concept as C;

/// Column names people use, normalised (see [`norm`]), by what they hold.
const NAMES: &[(Concept, &[&str])] = &[
    (C::Name, &["name", "nombre", "nome"]),
    (
        C::First,
        &[
            "first name",
            "firstname",
            "first",
            "given name",
            "forename",
            "nombres",
            "primer nombre",
            "nombre de pila",
            "primeiro nome",
        ],
    ),
    (
        C::Last,
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "apellido",
            "apellidos",
            "primer apellido",
            "sobrenome",
            "ultimo nome",
        ],
    ),
    (
        C::Full,
        &[
            "full name",
            "fullname",
            "display name",
            "contact name",
            "nombre completo",
            "nome completo",
        ],
    ),
    (
        C::Phone,
        &[
            "phone",
            "phone number",
            "telephone",
            "tel",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "telefono",
            "numero de telefono",
            "telefono movil",
            "celular",
            "cel",
            "movil",
            "numero",
            "telemovel",
            "fone",
        ],
    ),
    (
        C::WhatsApp,
        &[
            "whatsapp",
            "whatsapp number",
            "numero whatsapp",
            "numero de whatsapp",
            "whatsapp id",
        ],
    ),
    (
        C::Email,
        &[
            "email",
            "e mail",
            "mail",
            "email address",
            "correo",
            "correo electronico",
        ],
    ),
    (
        C::Company,
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "empresa",
            "compania",
            "organizacion",
            "negocio",
            "razon social",
        ],
    ),
    (
        C::City,
        &["city", "town", "ciudad", "cidade", "municipio", "localidad"],
    ),
    (
        C::Region,
        &[
            "state",
            "province",
            "region",
            "state province",
            "provincia",
            "departamento",
            "estado provincia",
        ],
    ),
    (C::Estado, &["estado"]),
    (
        C::Address,
        &[
            "address",
            "street",
            "street address",
            "direccion",
            "domicilio",
            "endereco",
        ],
    ),
    (
        C::Zip,
        &[
            "zip",
            "zip code",
            "zipcode",
            "postal code",
            "postcode",
            "codigo postal",
            "cp",
            "cep",
        ],
    ),
    (
        C::Notes,
        &[
            "notes",
            "note",
            "description",
            "comments",
            "notas",
            "nota",
            "descripcion",
            "observaciones",
            "comentarios",
            "observacoes",
            "descricao",
        ],
    ),
    (
        C::Labels,
        &[
            "tags",
            "tag",
            "labels",
            "groups",
            "group",
            "etiquetas",
            "etiqueta",
            "grupos",
            "grupo",
        ],
    ),
    (
        C::Source,
        &[
            "source",
            "lead source",
            "fuente",
            "origen",
            "canal",
            "origem",
            "fonte",
        ],
    ),
    (
        C::Status,
        &["status", "lead status", "estatus", "situacion"],
    ),
    (
        C::Type,
        &[
            "type",
            "contact type",
            "tipo",
            "tipo de contacto",
            "tipo de contato",
        ],
    ),
    (C::Country, &["country", "pais"]),
    (C::Stage, &["stage", "pipeline stage", "etapa", "fase"]),
    (C::Picture, &["picture", "photo", "foto", "avatar"]),
    (
        C::Assigned,
        &[
            "assigned to",
            "owner",
            "asignado",
            "asignado a",
            "responsable",
            "vendedor",
        ],
    ),
];

/// The concept a normalised column name is known for.
#[must_use]
pub fn named(n: &str) -> Option<Concept> {
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&n))
        .map(|(c, _)| *c)
}

impl Concept {
    /// The role a field holding this concept has (none for a full name, which spans
    /// two fields, and for `estado`, which is decided later).
    #[must_use]
    pub fn role(self) -> Option<Role> {
        Some(match self {
            C::First | C::Name => Role::FirstName,
            C::Last => Role::LastName,
            C::Phone => Role::Phone,
            C::WhatsApp => Role::WhatsApp,
            C::Email => Role::Email,
            C::Company => Role::Company,
            C::City => Role::City,
            C::Region => Role::Region,
            C::Address => Role::Address,
            C::Zip => Role::Zip,
            C::Notes => Role::Notes,
            C::Labels => Role::Labels,
            C::Source => Role::Source,
            C::Status => Role::Status,
            C::Type => Role::Type,
            C::Country => Role::Country,
            C::Stage => Role::Stage,
            C::Picture => Role::Picture,
            C::Assigned => Role::Assignee,
            C::Full | C::Estado => return None,
        })
    }

    /// The contract key holding this concept in a flavour, if it has one.
    #[must_use]
    pub fn key(self, flavour: Flavour) -> Option<&'static str> {
        flavour.key(self.role()?)
    }

    /// Words for a note about a column the flavour has no field for.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            C::Zip => "a postal code",
            C::Source => "a source",
            C::Status => "a status",
            C::Type => "a contact type",
            C::Country => "a country",
            C::Stage => "a pipeline stage",
            C::Picture => "a picture",
            C::Assigned => "an assignee",
            _ => "something",
        }
    }

    /// The concept a contract key of a flavour holds (to read the other flavour's keys).
    #[must_use]
    pub fn of_key(flavour: Flavour, key: &str) -> Option<Self> {
        let role = flavour.field(key)?.role;
        // Name and WhatsApp share their roles' keys with First and Phone, which come first.
        NAMES
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| *c != C::Name)
            .find(|c| c.role() == Some(role))
    }
}

/// A header as compared: lowercase, accents dropped, anything but letters and digits a
/// single space. `Teléfono móvil`, `TELEFONO_MOVIL` and `telefono-movil` are one name.
#[must_use]
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = fold(c);
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// The base letter of an accented Latin letter.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_accents_or_punctuation() {
        assert_eq!(norm("  TELÉFONO_móvil (2) "), "telefono movil 2");
        assert_eq!(named(&norm("Correo electrónico")), Some(C::Email));
        assert_eq!(named(&norm("Código Postal")), Some(C::Zip));
        assert_eq!(named("shoe size"), None);
    }

    #[test]
    fn each_flavour_key_reads_back_as_its_concept() {
        assert_eq!(Concept::of_key(Flavour::Wipsy, "name"), Some(C::First));
        assert_eq!(Concept::of_key(Flavour::Whatsmark, "phone"), Some(C::Phone));
        assert_eq!(
            Concept::of_key(Flavour::Whatsmark, "groups"),
            Some(C::Labels)
        );
        assert_eq!(C::Zip.key(Flavour::Wipsy), None);
        for (c, names) in NAMES {
            assert!(
                names.iter().all(|n| norm(n) == *n),
                "{c:?} names are normalised"
            );
        }
    }
}
