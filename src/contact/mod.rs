//! The contact domain: which fields each flavour documents, the draft being typed,
//! the catalogs that picked fields choose from, and the validation every face shares.
//! Nothing here knows about terminals or HTTP.

pub mod catalog;
pub mod countries;
pub mod draft;
pub mod duplicates;
pub mod fields;
pub mod flavour;
pub mod input;
pub mod phone;
pub mod quickadd;
pub mod validate;
pub mod vcard;

pub use catalog::Catalog;
pub use draft::Draft;
pub use fields::{CatalogKind, FieldKind, FieldSpec, Section};
pub use flavour::{Flavour, Role};
