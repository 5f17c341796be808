//! Reading objects tagged by `type` without copying them first.
//!
//! serde's derive for internally tagged enums (`#[serde(tag = "type")]`)
//! copies each object into an intermediate tree before it knows the variant,
//! then reads the variant from the copy: twice the work, errors that point
//! at the object instead of the field, and a second copy of every variant's
//! code in the npm package's `.wasm`. Tools write `type` first, so
//! [`tagged_enum!`] reads the tag, then the variant's fields straight from
//! the text. An object whose `type` comes later is still read: its members
//! are buffered and read again with `type` first, and its errors point at
//! the object, as serde's derive does.
//!
//! [`WithoutType`] is also how the JSON interface reads an event's fields
//! after a first pass found its `type`.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::{Deserialize, Deserializer};

/// Declares a program enum tagged by `type` in JSON: the enum as written
/// (its derives and serde attributes serve serialization and the JSON
/// Schema), an externally tagged twin that serde derives the reading of
/// each variant for (`remote`), and the enum's `Deserialize`, which reads
/// the tag first ([`tagged`]). The twin's fields keep their serde
/// attributes, so defaults are the enum's.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident reads as $twin:ident($remote:literal) {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({
                    $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$vmeta])* $variant $({ $( $(#[$fmeta])* $field: $fty ),* })? ),*
        }

        #[derive(::serde::Deserialize)]
        #[serde(remote = $remote, rename_all = "snake_case", deny_unknown_fields)]
        #[allow(dead_code)]
        enum $twin {
            $( $(#[$vmeta])* $variant $({ $( $(#[$fmeta])* $field: $fty ),* })? ),*
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::de::tagged(d)
            }
        }

        impl $crate::de::Tagged for $name {
            const NAME: &'static str = $remote;
            fn from_variant<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $twin::deserialize(d)
            }
        }
    };
}
pub(crate) use tagged_enum;

/// An enum read by [`tagged`]: see [`tagged_enum!`].
pub(crate) trait Tagged: DeserializeOwned {
    /// The enum's name, as serde's derive names it in "expected" messages.
    const NAME: &'static str;
    /// Reads the variant from a [`Variant`] (derived for the externally
    /// tagged twin: `deserialize_enum`, then the variant's fields).
    fn from_variant<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Reads a `type`-tagged object: straight from the input when `type` is
/// its first key, else through [`buffered`].
pub(crate) fn tagged<'de, T: Tagged, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internally tagged enum {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match map.next_key_seed(KeySeed)? {
            Some(Key::Type) => T::from_variant(Variant(WithoutType {
                map,
                seen_type: true,
            })),
            Some(Key::Other(first)) => buffered(first.into_owned(), map),
            None => Err(de::Error::missing_field("type")),
        }
    }
}

/// An object whose first key is not `type`: its members are kept as JSON
/// text ([`Text`]) and the object is read again from text that puts `type`
/// first. Only the order changes: duplicate keys, unknown fields and wrong
/// values are refused as they would be in place; the message keeps serde's
/// words and the input's position is the object's end.
fn buffered<'de, T: Tagged, A: MapAccess<'de>>(first: String, mut map: A) -> Result<T, A::Error> {
    let mut tag: Option<Text> = None;
    let mut rest = String::new();
    let mut key = Some(first);
    while let Some(k) = key {
        let value: Text = map.next_value()?;
        if k == "type" && tag.is_none() {
            tag = Some(value);
        } else {
            rest.push(',');
            push_string(&mut rest, &k);
            rest.push(':');
            rest.push_str(&value.0);
        }
        key = map.next_key()?;
    }
    let Some(Text(tag)) = tag else {
        return Err(de::Error::missing_field("type"));
    };
    from_str(&format!("{{\"type\":{tag}{rest}}}"))
        .map_err(|e| de::Error::custom(without_position(&e)))
}

/// Any value, written back as compact JSON text with its members in their
/// order and duplicate keys kept (a `serde_json::Value` would merge them).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    /// `Debug` writes the shortest text that reads back as the same `f64`
    /// (`1.5`, `1e300`, `1000.0`), so messages quote the same number.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(format!("{v:?}")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        let mut text = String::with_capacity(v.len() + 2);
        push_string(&mut text, v);
        Ok(Text(text))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text("null".to_owned()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        Text::deserialize(d)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Text, S::Error> {
        let mut text = String::from("[");
        while let Some(Text(item)) = seq.next_element()? {
            if text.len() > 1 {
                text.push(',');
            }
            text.push_str(&item);
        }
        text.push(']');
        Ok(Text(text))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Text, M::Error> {
        let mut text = String::from("{");
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if text.len() > 1 {
                text.push(',');
            }
            push_string(&mut text, &key);
            text.push(':');
            text.push_str(&map.next_value::<Text>()?.0);
        }
        text.push('}');
        Ok(Text(text))
    }
}

/// `s` as a JSON string.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// serde_json's message without its " at line L column C" suffix.
pub(crate) fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&suffix) {
        Some(m) if e.line() != 0 => m.to_owned(),
        _ => message,
    }
}

/// A key, borrowed from the input when it has no escapes.
enum Key<'de> {
    Type,
    Other(Cow<'de, str>),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_identifier(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(match v {
            "type" => Key::Type,
            _ => Key::Other(Cow::Borrowed(v)),
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(match v {
            "type" => Key::Type,
            _ => Key::Other(Cow::Owned(v.to_owned())),
        })
    }
}

/// The members of an object other than its `type`, which is refused if it
/// comes twice and otherwise skipped (its value was read already, or is
/// read by [`Variant`]).
pub(crate) struct WithoutType<A> {
    map: A,
    seen_type: bool,
}

impl<A> WithoutType<A> {
    /// All the members of `map` but its `type`.
    pub(crate) fn new(map: A) -> Self {
        WithoutType {
            map,
            seen_type: false,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutType<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            match self.map.next_key_seed(KeySeed)? {
                None => return Ok(None),
                Some(Key::Type) => {
                    if self.seen_type {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    self.seen_type = true;
                    self.map.next_value::<IgnoredAny>()?;
                }
                Some(Key::Other(key)) => {
                    return seed
                        .deserialize(StrDeserializer::<A::Error>::new(&key))
                        .map(Some)
                }
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// An object whose `type` key was just read, shown to the twin's derived
/// code as an externally tagged enum: the variant is the value of `type`,
/// its fields are the object's other members.
struct Variant<A>(WithoutType<A>);

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Variant<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        // The value of `type`, read by the twin's variant names: unknown
        // names are refused with serde's message, at the value's position.
        let variant = self.0.map.next_value_seed(seed)?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    /// A variant without fields takes no other member: unknown fields are
    /// errors here too, as the JSON Schema says.
    fn unit_variant(mut self) -> Result<(), A::Error> {
        self.0.next_key_seed(NoFields).map(|_| ())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        seed.deserialize(MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(Unexpected::Map, &visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

/// The key of a variant without fields: any is unknown.
struct NoFields;

impl<'de> DeserializeSeed<'de> for NoFields {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_identifier(NoFields)
    }
}

impl<'de> Visitor<'de> for NoFields {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no field")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        Err(E::unknown_field(v, &[]))
    }
}

/// A deserializer that reads structs from JSON objects only.
///
/// serde's derive lets every struct be read from an array too, its fields
/// by position (`[10, "free_coffee"]` for a reward's cost): a shape the
/// documents do not have, and a second reader of every struct in the npm
/// package's `.wasm`. `Objects` wraps a deserializer, and everything it
/// hands to a `Deserialize` (members, elements, optional and variant
/// values), so that a struct is always asked for as a map: an array there
/// is refused as any other non-object is, with "expected an object". The
/// compact account's positional arrays (lots, purchases...) are read by
/// their own code with `deserialize_seq` and `deserialize_tuple`, which
/// pass through unchanged.
pub(crate) struct Objects<D>(pub(crate) D);

/// A visitor whose nested deserializers are wrapped in [`Objects`].
struct Wrap<V>(V);

/// A struct's visitor, shown only objects (`deserialize_map`).
struct Struct<V>(V);

/// `expected struct X` (serde's derive) said without the Rust type's name;
/// a visitor's own words are kept.
fn expecting_object(inner: &dyn de::Expected, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let words = inner.to_string();
    if words.starts_with("struct ") {
        f.write_str("an object")
    } else {
        f.write_str(&words)
    }
}

macro_rules! forward_wrapped {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method(Wrap(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    forward_wrapped! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Struct(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Struct<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        expecting_object(&self.0, f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Wrap(map))
    }
}

macro_rules! forward_values {
    ($($method:ident($ty:ty))*) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.expecting(f)
    }

    forward_values! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char)
        visit_str(&str) visit_borrowed_str(&'de str) visit_string(String)
        visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Objects(d))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Wrap(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Wrap(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Wrap(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Objects(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Wrap(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Wrap<A> {
    type Error = A::Error;
    type Variant = Wrap<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Wrap<A::Variant>), A::Error> {
        self.0
            .variant_seed(Wrap(seed))
            .map(|(value, variant)| (value, Wrap(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.0.newtype_variant_seed(Wrap(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Struct(visitor))
    }
}

/// Reads a whole JSON text as a `T` through [`Objects`]: trailing bytes
/// are an error, as with `serde_json::from_str`.
pub(crate) fn from_str<'de, T: Deserialize<'de>>(json: &'de str) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = T::deserialize(Objects(&mut de))?;
    de.end()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use crate::program::{Benefit, Condition, Cost, Earn};

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn type_anywhere_reads_the_same() {
        let first: Condition = read(
            r#"{"type": "all", "of": [{"type": "contains", "matching": {"skus": ["a"]}},
                {"type": "not", "condition": {"type": "tier", "tiers": ["gold"]}}]}"#,
        )
        .unwrap();
        let later: Condition = read(
            r#"{"of": [{"matching": {"skus": ["a"]}, "type": "contains"},
                {"condition": {"tiers": ["gold"], "type": "tier"}, "type": "not"}], "type": "all"}"#,
        )
        .unwrap();
        assert_eq!(first, later);
        let earn: Earn = read(r#"{"rate": "1.5", "type": "points_per_amount"}"#).unwrap();
        assert_eq!(
            earn,
            read(r#"{"type": "points_per_amount", "rate": "1.5"}"#).unwrap()
        );
        let escaped: Earn = read(r#"{"reward": "a\"b\\c\n", "type": "issue_reward"}"#).unwrap();
        assert_eq!(
            escaped,
            Earn::IssueReward {
                reward: "a\"b\\c\n".to_owned()
            }
        );
    }

    #[test]
    fn strict_with_type_first_or_later() {
        for json in [
            r#"{"type": "points", "points": 1, "points": 2}"#,
            r#"{"points": 1, "type": "points", "points": 2}"#,
        ] {
            let err = read::<Cost>(json).unwrap_err();
            assert!(err.starts_with("duplicate field `points`"), "{err}");
        }
        // Duplicates inside a buffered member are still refused.
        let err =
            read::<Benefit>(r#"{"matching": {"skus": ["a"], "skus": ["b"]}, "type": "free_item"}"#)
                .unwrap_err();
        assert!(err.starts_with("duplicate field `skus`"), "{err}");
        for json in [
            r#"{"type": "voucher", "type": "voucher"}"#,
            r#"{"type": "points", "points": 1, "type": "points"}"#,
            r#"{"points": 1, "type": "points", "type": "points"}"#,
        ] {
            let err = read::<Cost>(json).unwrap_err();
            assert!(err.starts_with("duplicate field `type`"), "{json}: {err}");
        }
        for json in [r#"{}"#, r#"{"points": 1}"#] {
            let err = read::<Cost>(json).unwrap_err();
            assert!(err.starts_with("missing field `type`"), "{json}: {err}");
        }
        let err = read::<Cost>(r#"{"type": "coins"}"#).unwrap_err();
        assert!(
            err.starts_with("unknown variant `coins`, expected one of"),
            "{err}"
        );
        let err = read::<Earn>(r#"{"type": "points_per_amount", "rat": "1"}"#).unwrap_err();
        assert!(err.starts_with("unknown field `rat`"), "{err}");
    }

    /// Variants without fields take no other member, as the schema says
    /// (serde's derive let them through).
    #[test]
    fn variants_without_fields_refuse_members() {
        assert_eq!(read::<Cost>(r#"{"type": "voucher"}"#), Ok(Cost::Voucher));
        assert_eq!(read::<Cost>(r#"{"type": "wallet"}"#), Ok(Cost::Wallet));
        for json in [
            r#"{"type": "voucher", "points": 1}"#,
            r#"{"points": 1, "type": "voucher"}"#,
        ] {
            let err = read::<Cost>(json).unwrap_err();
            assert!(
                err.starts_with("unknown field `points`, there are no fields"),
                "{json}: {err}"
            );
        }
    }

    #[test]
    fn messages_lose_only_their_position() {
        let e = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        assert_eq!(
            super::without_position(&e),
            "invalid type: string \"x\", expected u32"
        );
    }
}
