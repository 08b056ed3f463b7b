//! Types of the IR: named type definitions and references to types.

use serde_json::Value;

use super::Name;

/// Index of a named type in [`super::Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A use of a type: what a field, a parameter or a body holds.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `String`
    String,
    /// `chrono::NaiveDate`
    Date,
    /// `support::DateTime`: a `chrono` date-time that keeps its offset and reads times without one
    DateTime,
    /// `uuid::Uuid`
    Uuid,
    /// Base64 text on the wire, bytes in Rust (`format: byte`).
    Base64,
    /// Raw bytes (`format: binary`).
    Binary,
    /// Any JSON value.
    Any,
    /// A JSON object with any members.
    AnyObject,
    /// `Vec<T>`
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`
    Map(Box<TypeRef>),
    /// `Option<T>` in a position that is not a field (array items, map values).
    Nullable(Box<TypeRef>),
    /// A named type of the crate.
    Named(TypeId),
}

impl TypeRef {
    /// Named types this reference mentions.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => t.named(out),
            _ => {}
        }
    }
}

/// A named type definition.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Its id (its index in [`super::Api::types`]).
    pub id: TypeId,
    /// Rust name (PascalCase, unique in the crate).
    pub name: String,
    /// Where it comes from: a component name or a context (`createUser request body`).
    pub origin: String,
    /// Description from the spec.
    pub doc: Option<String>,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// Whether this is the request (write) shape of a type that has a separate response shape.
    pub shape: Shape,
    /// The spec's example, if any.
    pub example: Option<Value>,
    /// A secret (`format: password` or `x-sensitive: true` on a string component): a newtype
    /// whose `Debug` never shows the value, rather than an alias of `String`.
    pub secret: bool,
    /// The spec's overrides for it (`x-rust-type`, `x-rust-derives`).
    pub overrides: TypeOverrides,
    /// The cargo features of the operation groups that use it, when only some do: the type is
    /// compiled when any of them is on. Empty: always compiled.
    pub features: Vec<String>,
}

/// What a spec's `x-rust-*` extensions on a schema ask of its type (its name, `x-rust-name`,
/// is already [`TypeDef::name`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeOverrides {
    /// `x-rust-type`: an existing Rust type (a path such as `::rust_decimal::Decimal`) that the
    /// component stands for; the crate defines `pub type Name = <path>;` instead of a type.
    pub external: Option<String>,
    /// `x-rust-derives`: traits derived besides the ones the generator derives (paths).
    pub derives: Vec<String>,
}

/// Which side of the wire a type is shaped for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// The one shape used both ways (or the response shape, when there are two).
    Both,
    /// The request shape of a type whose readOnly/writeOnly fields make the two shapes differ.
    Request {
        /// The response shape it was derived from.
        of: TypeId,
    },
}

/// The kinds of named types.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// An object with known fields.
    Struct(Struct),
    /// A string enum; unknown values still deserialize.
    Enum(Vec<EnumValue>),
    /// An integer enum serialized as a number; unknown values still deserialize.
    IntEnum(Vec<IntValue>),
    /// `oneOf`/`anyOf`.
    Union(Union),
    /// Another name for a type (a component that is an array, a map, a primitive).
    Alias(TypeRef, Constraints),
}

/// An object type.
#[derive(Clone, Debug)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// What extra members the object may have.
    pub additional: Additional,
    /// `minProperties`: members that must be present.
    pub min_properties: Option<usize>,
    /// `maxProperties`: members that may be present.
    pub max_properties: Option<usize>,
}

/// `additionalProperties` of an object with fields.
#[derive(Clone, Debug, PartialEq)]
pub enum Additional {
    /// Not mentioned: extra members are ignored when reading.
    Ignored,
    /// `false`: extra members are rejected.
    Denied,
    /// `true` or a schema: extra members are kept in a map.
    Kept(TypeRef),
}

/// A field of a struct.
#[derive(Clone, Debug)]
pub struct Field {
    /// Rust and wire name.
    pub name: Name,
    /// Its type (without the `Option` that optional or nullable adds).
    pub ty: TypeRef,
    /// Whether it must be present.
    pub required: bool,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// Secret: redacted from `Debug`.
    pub secret: bool,
    /// Description.
    pub doc: Option<String>,
    /// A default value, for an optional field of a simple type.
    pub default: Option<Value>,
    /// Checks on the value (and on the items, for arrays).
    pub constraints: Constraints,
    /// Whether the type is boxed (the field is part of a cycle of structs).
    pub boxed: bool,
}

/// Constraints that `validate()` checks, and the `format` of a string, which it does not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// `minLength` (in characters).
    pub min_length: Option<usize>,
    /// `maxLength` (in characters).
    pub max_length: Option<usize>,
    /// `pattern`, already checked to compile as a Rust regex.
    pub pattern: Option<String>,
    /// `minimum` and whether it is exclusive.
    pub minimum: Option<(f64, bool)>,
    /// `maximum` and whether it is exclusive.
    pub maximum: Option<(f64, bool)>,
    /// `minItems`
    pub min_items: Option<usize>,
    /// `maxItems`
    pub max_items: Option<usize>,
    /// Constraints of the items of an array.
    pub items: Option<Box<Constraints>>,
    /// `format` of a string, as the spec writes it (`email`, `uri`, `date-time`...). Nothing
    /// checks it; it is kept so that two versions of a spec can be compared. The formats that
    /// choose a Rust type (`date`, `date-time`, `uuid`, `byte`, `binary`) show in the
    /// [`TypeRef`] as well.
    pub format: Option<String>,
}

impl Constraints {
    /// True when nothing is checked (a `format` alone is not checked).
    pub fn is_empty(&self) -> bool {
        let Constraints {
            min_length,
            max_length,
            pattern,
            minimum,
            maximum,
            min_items,
            max_items,
            items,
            format: _,
        } = self;
        min_length.is_none()
            && max_length.is_none()
            && pattern.is_none()
            && minimum.is_none()
            && maximum.is_none()
            && min_items.is_none()
            && max_items.is_none()
            && items.as_deref().is_none_or(Constraints::is_empty)
    }
}

/// A value of a string enum.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// Variant name and wire value.
    pub name: Name,
    /// Description of the value.
    pub doc: Option<String>,
}

/// A value of an integer enum.
#[derive(Clone, Debug)]
pub struct IntValue {
    /// Variant name.
    pub name: String,
    /// Wire value.
    pub value: i64,
    /// Description of the value.
    pub doc: Option<String>,
}

/// A `oneOf`/`anyOf` union.
#[derive(Clone, Debug)]
pub struct Union {
    /// The alternatives, in spec order.
    pub variants: Vec<UnionVariant>,
    /// The discriminator property, when the spec names one.
    pub discriminator: Option<String>,
}

/// One alternative of a union.
#[derive(Clone, Debug)]
pub struct UnionVariant {
    /// Variant name (Rust) and discriminator value (wire; the schema name when unmapped).
    pub name: Name,
    /// What it holds.
    pub ty: TypeRef,
    /// Whether it is boxed (the union is part of a cycle of types).
    pub boxed: bool,
    /// The JSON it reads, from which an untagged union chooses it.
    pub shape: JsonShape,
}

/// The JSON a union variant reads. An untagged union tries only the variants whose shape fits
/// the value, the ones that know most of an object's members first.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum JsonShape {
    /// Any value: free-form, or a union whose own variants decide.
    #[default]
    Any,
    /// `true` or `false`.
    Bool,
    /// A number without a fraction.
    Integer,
    /// Any number.
    Number,
    /// A string (dates, uuids, enums and base64 included).
    String,
    /// An array.
    Array,
    /// An object.
    Object {
        /// Wire names of the members it knows; empty when it takes any members (a map).
        known: Vec<String>,
        /// Wire names of the members it cannot do without.
        required: Vec<String>,
    },
}
