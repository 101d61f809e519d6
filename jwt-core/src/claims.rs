//! The claims set of a decoded token.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Error, NumericDate};

/// A token's claims: every member of the payload, with typed access to the registered claims
/// (RFC 7519) and to the ones flask-jwt-extended writes (`type`, `fresh`, `csrf`).
///
/// After [`decode`](crate::decode) the registered claims have the types RFC 7519 requires (a
/// token with a string `exp` never gets here), so the typed accessors only say whether a claim
/// is present.
///
/// ```
/// use jwt_core::Claims;
/// let claims = Claims::from_value(serde_json::json!({"sub": "alice", "exp": 4102444800u64, "role": "admin"}))?;
/// assert_eq!(claims.sub(), Some("alice"));
/// assert_eq!(claims.exp().map(|d| d.secs()), Some(4_102_444_800));
/// assert_eq!(claims.get("role"), Some(&serde_json::json!("admin")));
/// assert_eq!(claims.token_type(), "access"); // flask-jwt-extended's default for a missing `type`
/// # Ok::<(), jwt_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Claims {
    repr: Repr,
}

/// How the members are held. A decoded token keeps its payload text and an index of its
/// members ([`Parsed`]); the `serde_json::Map` is only built if someone asks for it
/// ([`Claims::get`], [`Claims::members`], …), so verifying a token and reading its registered
/// claims, identity included, allocates twice in all.
#[derive(Clone)]
enum Repr {
    Map(Map<String, Value>),
    Parsed(Parsed),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Map(Map::new())
    }
}

/// A payload that strict parsing has accepted: its text (valid UTF-8, since the parser
/// accepted it), and its top-level members in document order, each name distinct.
#[derive(Clone)]
pub(crate) struct Parsed {
    json: String,
    members: Vec<Member>,
    /// Where each of [`KNOWN`] is in `members` ([`ABSENT`] when it is not there): the claims
    /// that validation and flask-jwt-extended read on every request are found without a scan.
    known: [u16; KNOWN.len()],
    /// Boxed: most tokens never build it, and a smaller `Claims` moves without a `memcpy` call.
    map: OnceLock<Box<Map<String, Value>>>,
}

/// The claims read on every request.
const KNOWN: [&str; 10] = [
    "iat", "nbf", "exp", "iss", "aud", "sub", "jti", "type", "fresh", "csrf",
];
const ABSENT: u16 = u16::MAX;

/// Positions in [`KNOWN`], for the typed accessors.
pub(crate) const IAT: usize = 0;
pub(crate) const NBF: usize = 1;
pub(crate) const EXP: usize = 2;
pub(crate) const ISS: usize = 3;
pub(crate) const AUD: usize = 4;
pub(crate) const SUB: usize = 5;
pub(crate) const JTI: usize = 6;
pub(crate) const TYPE: usize = 7;
pub(crate) const FRESH: usize = 8;
pub(crate) const CSRF: usize = 9;

/// The position of `name` in [`KNOWN`] (inlined: a literal name is looked up at compile time).
#[inline]
fn known_slot(name: &[u8]) -> Option<usize> {
    Some(match name {
        b"iat" => IAT,
        b"nbf" => NBF,
        b"exp" => EXP,
        b"iss" => ISS,
        b"aud" => AUD,
        b"sub" => SUB,
        b"jti" => JTI,
        b"type" => TYPE,
        b"csrf" => CSRF,
        b"fresh" => FRESH,
        _ => return None,
    })
}

#[derive(Clone)]
pub(crate) struct Member {
    pub(crate) name: Text,
    pub(crate) value: Slot,
}

/// A string: a range of the payload text when it has no escapes, else its own copy.
#[derive(Clone)]
pub(crate) enum Text {
    Span(Range<usize>),
    Owned(String),
}

/// A member value: a string as [`Text`], anything else as a `Value` (no allocation for
/// numbers, booleans and null).
#[derive(Clone)]
pub(crate) enum Slot {
    Str(Text),
    Other(Value),
}

/// One claim, looked up without building the map.
#[derive(Clone, Copy)]
pub(crate) enum ClaimRef<'a> {
    Str(&'a str),
    Other(&'a Value),
}

impl Text {
    fn resolve<'a>(&'a self, json: &'a str) -> &'a str {
        match self {
            // Spans are made by the parser at string boundaries of `json`.
            Text::Span(range) => json.get(range.clone()).unwrap_or_default(),
            Text::Owned(text) => text,
        }
    }
}

impl Parsed {
    pub(crate) fn new(json: String, members: Vec<Member>) -> Self {
        let mut known = [ABSENT; KNOWN.len()];
        for (i, member) in members.iter().enumerate() {
            let name = member.name.resolve(&json).as_bytes();
            if let (Some(slot), Ok(i)) = (known_slot(name), u16::try_from(i)) {
                if i != ABSENT {
                    known[slot] = i;
                }
            }
        }
        Parsed {
            json,
            members,
            known,
            map: OnceLock::new(),
        }
    }

    fn lookup(&self, name: &str) -> Option<ClaimRef<'_>> {
        match known_slot(name.as_bytes()) {
            Some(slot) => self.known(slot),
            None => self.scan(name).map(|member| self.claim(member)),
        }
    }

    /// Whether a claim of this name is there, without reading its value.
    #[inline]
    fn has(&self, name: &str) -> bool {
        match known_slot(name.as_bytes()) {
            Some(slot) => match self.known[slot] {
                ABSENT if self.members.len() < usize::from(ABSENT) => false,
                ABSENT => self.scan(KNOWN[slot]).is_some(),
                _ => true,
            },
            None => self.scan(name).is_some(),
        }
    }

    /// The claim at position `slot` of [`KNOWN`], without comparing names.
    #[inline]
    fn known(&self, slot: usize) -> Option<ClaimRef<'_>> {
        let member = match self.known[slot] {
            // Names are distinct, so a known name absent from `known` is absent, unless it
            // sits beyond the range of `u16` positions.
            ABSENT if self.members.len() < usize::from(ABSENT) => return None,
            ABSENT => self.scan(KNOWN[slot])?,
            i => self.members.get(usize::from(i))?,
        };
        Some(self.claim(member))
    }

    #[inline]
    fn claim<'a>(&'a self, member: &'a Member) -> ClaimRef<'a> {
        match &member.value {
            Slot::Str(text) => ClaimRef::Str(text.resolve(&self.json)),
            Slot::Other(value) => ClaimRef::Other(value),
        }
    }

    fn scan(&self, name: &str) -> Option<&Member> {
        let json = self.json.as_bytes();
        self.members.iter().find(|member| match &member.name {
            // Lengths first: most names differ there.
            Text::Span(range) => json
                .get(range.clone())
                .is_some_and(|text| same_bytes(text, name.as_bytes())),
            Text::Owned(text) => same_bytes(text.as_bytes(), name.as_bytes()),
        })
    }

    fn build(&self) -> Map<String, Value> {
        self.members
            .iter()
            .map(|member| {
                let value = match &member.value {
                    Slot::Str(text) => Value::String(text.resolve(&self.json).to_owned()),
                    Slot::Other(value) => value.clone(),
                };
                (member.name.resolve(&self.json).to_owned(), value)
            })
            .collect()
    }
}

/// One of 64 bits standing for a name, from its length, first and last byte: equal names have
/// equal bits, so a set of names written as an OR of bits tells when a new name cannot repeat
/// one of them (and the names need not be compared).
#[inline]
pub(crate) fn name_bit(name: &[u8]) -> u64 {
    let (first, last) = (name.first().copied(), name.last().copied());
    // Multipliers chosen so that the registered and flask-jwt-extended claim names (`fresh`,
    // `iat`, `jti`, `type`, `sub`, `nbf`, `csrf`, `exp`, `aud`, `iss`) and eight common others
    // (`identity`, `roles`, `scope`, `kid`, `name`, `email`, `id`, `user_claims`) get distinct
    // bits: a token's names then never need comparing.
    let mix = name
        .len()
        .wrapping_mul(63)
        .wrapping_add(usize::from(first.unwrap_or(0)) * 31)
        .wrapping_add(usize::from(last.unwrap_or(0)) * 26);
    1 << (mix % 64)
}

/// Byte equality without a call to `memcmp`, which costs more than it saves on claim names.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl ClaimRef<'_> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            ClaimRef::Str(s) => Some(s),
            ClaimRef::Other(_) => None,
        }
    }

    /// A JSON number as a NumericDate.
    pub(crate) fn numeric_date(&self) -> Option<NumericDate> {
        match self {
            ClaimRef::Str(_) => None,
            ClaimRef::Other(value) => NumericDate::from_value(value),
        }
    }
}

/// The `fresh` claim: a boolean, or a NumericDate until which the token counts as fresh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fresh {
    /// `true` or `false`.
    Bool(bool),
    /// Fresh while the current time is at or before this moment.
    Until(NumericDate),
}

/// The `aud` claim: one audience or several.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Audience<'a> {
    /// A single string.
    One(&'a str),
    /// An array (every element a string after validation).
    Many(&'a [Value]),
}

impl Claims {
    /// Wraps a JSON object; anything else is [`Error::PayloadNotObject`].
    pub fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Object(members) => Ok(Claims::from_members(members)),
            _ => Err(Error::PayloadNotObject),
        }
    }

    /// Wraps a map of members.
    pub fn from_members(members: Map<String, Value>) -> Self {
        Claims {
            repr: Repr::Map(members),
        }
    }

    pub(crate) fn from_parsed(parsed: Parsed) -> Self {
        Claims {
            repr: Repr::Parsed(parsed),
        }
    }

    /// One claim without building the map.
    pub(crate) fn lookup(&self, name: &str) -> Option<ClaimRef<'_>> {
        match &self.repr {
            Repr::Map(members) => members.get(name).map(|value| match value {
                Value::String(s) => ClaimRef::Str(s),
                other => ClaimRef::Other(other),
            }),
            Repr::Parsed(parsed) => parsed.lookup(name),
        }
    }

    /// One of [`KNOWN`] by position: what the typed accessors and the validation read.
    #[inline]
    pub(crate) fn known(&self, slot: usize) -> Option<ClaimRef<'_>> {
        match &self.repr {
            Repr::Map(_) => self.lookup(KNOWN[slot]),
            Repr::Parsed(parsed) => parsed.known(slot),
        }
    }

    fn map(&self) -> &Map<String, Value> {
        match &self.repr {
            Repr::Map(members) => members,
            Repr::Parsed(parsed) => parsed.map.get_or_init(|| Box::new(parsed.build())),
        }
    }

    /// Any claim by name.
    ///
    /// On decoded claims the first call builds the `serde_json::Map` behind [`members`]
    /// (once); the typed accessors ([`sub`](Self::sub), [`exp`](Self::exp), …) and
    /// [`get_cloned`](Self::get_cloned) do not need it.
    ///
    /// [`members`]: Self::members
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map().get(name)
    }

    /// An owned copy of one claim: `get(name).cloned()`, without building the map of a
    /// decoded token.
    pub fn get_cloned(&self, name: &str) -> Option<Value> {
        match &self.repr {
            Repr::Map(members) => members.get(name).cloned(),
            Repr::Parsed(parsed) => match parsed.lookup(name)? {
                ClaimRef::Str(s) => Some(Value::String(s.to_owned())),
                ClaimRef::Other(value) => Some(value.clone()),
            },
        }
    }

    /// Whether a claim is present.
    #[inline]
    pub fn contains(&self, name: &str) -> bool {
        match &self.repr {
            Repr::Map(members) => members.contains_key(name),
            Repr::Parsed(parsed) => parsed.has(name),
        }
    }

    /// All claims.
    pub fn members(&self) -> &Map<String, Value> {
        self.map()
    }

    /// All claims, by value.
    pub fn into_members(self) -> Map<String, Value> {
        match self.repr {
            Repr::Map(members) => members,
            Repr::Parsed(mut parsed) => match parsed.map.take() {
                Some(map) => *map,
                None => parsed.build(),
            },
        }
    }

    /// `exp` as a NumericDate, when it is a number.
    pub fn exp(&self) -> Option<NumericDate> {
        self.known(EXP)?.numeric_date()
    }

    /// `nbf` as a NumericDate, when it is a number.
    pub fn nbf(&self) -> Option<NumericDate> {
        self.known(NBF)?.numeric_date()
    }

    /// `iat` as a NumericDate, when it is a number.
    pub fn iat(&self) -> Option<NumericDate> {
        self.known(IAT)?.numeric_date()
    }

    /// `sub`, when it is a string.
    pub fn sub(&self) -> Option<&str> {
        self.known_string(SUB)
    }

    /// `iss`, when it is a string.
    pub fn iss(&self) -> Option<&str> {
        self.known_string(ISS)
    }

    /// `jti`, when it is a string.
    pub fn jti(&self) -> Option<&str> {
        self.known_string(JTI)
    }

    fn known_string(&self, slot: usize) -> Option<&str> {
        match self.known(slot)? {
            ClaimRef::Str(s) => Some(s),
            ClaimRef::Other(_) => None,
        }
    }

    /// `aud`, when it is a string or an array.
    pub fn aud(&self) -> Option<Audience<'_>> {
        match self.known(AUD)? {
            ClaimRef::Str(one) => Some(Audience::One(one)),
            ClaimRef::Other(Value::Array(many)) => Some(Audience::Many(many)),
            ClaimRef::Other(_) => None,
        }
    }

    /// flask-jwt-extended's `type` claim; `"access"` when absent or not a string, as
    /// flask-jwt-extended's decoded-token defaults say.
    pub fn token_type(&self) -> &str {
        self.known_string(TYPE).unwrap_or("access")
    }

    /// flask-jwt-extended's `fresh` claim: `false` when absent or of another JSON type.
    pub fn fresh(&self) -> Fresh {
        match self.known(FRESH) {
            Some(ClaimRef::Other(Value::Bool(b))) => Fresh::Bool(*b),
            Some(value) => value
                .numeric_date()
                .map(Fresh::Until)
                .unwrap_or(Fresh::Bool(false)),
            None => Fresh::Bool(false),
        }
    }

    /// flask-jwt-extended's `csrf` claim, when it is a string.
    pub fn csrf(&self) -> Option<&str> {
        self.known_string(CSRF)
    }

    /// Converts the claims into any type that implements `Deserialize`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(MapRef(self.map())).map_err(|e| Error::ClaimsType(e.to_string()))
    }
}

/// Claims are equal when their members are, however they are held.
impl PartialEq for Claims {
    fn eq(&self, other: &Self) -> bool {
        self.map() == other.map()
    }
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claims")
            .field("members", self.map())
            .finish()
    }
}

impl Fresh {
    /// Whether the token counts as fresh at `now` (seconds since the epoch).
    pub fn is_fresh_at(self, now: f64) -> bool {
        match self {
            Fresh::Bool(b) => b,
            Fresh::Until(until) => until.as_f64() >= now,
        }
    }
}

impl Serialize for Claims {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map().serialize(serializer)
    }
}

impl From<Claims> for Value {
    fn from(claims: Claims) -> Value {
        Value::Object(claims.into_members())
    }
}

/// Lets a `&Map` act as a deserializer without cloning it into a `Value`.
struct MapRef<'a>(&'a Map<String, Value>);

impl<'de> serde::Deserializer<'de> for MapRef<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        use serde::de::IntoDeserializer;
        let iter = self
            .0
            .iter()
            .map(|(k, v)| (k.as_str().into_deserializer(), v));
        let mut access = serde::de::value::MapDeserializer::new(iter);
        let value = visitor.visit_map(&mut access)?;
        access.end()?;
        Ok(value)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registered and flask-jwt-extended claim names, and eight common others, have
    /// distinct bits (the claim in `name_bit`'s comment).
    #[test]
    fn common_names_have_distinct_bits() {
        let names = [
            "fresh",
            "iat",
            "jti",
            "type",
            "sub",
            "nbf",
            "csrf",
            "exp",
            "aud",
            "iss",
            "identity",
            "roles",
            "scope",
            "kid",
            "name",
            "email",
            "id",
            "user_claims",
        ];
        let bits = names.iter().fold(0u64, |bits, name| {
            let bit = name_bit(name.as_bytes());
            assert_eq!(bits & bit, 0, "{name}");
            bits | bit
        });
        assert_eq!(bits.count_ones() as usize, names.len());
    }

    /// Every known name finds its own slot; near misses find none.
    #[test]
    fn known_slots() {
        for (i, name) in KNOWN.iter().enumerate() {
            assert_eq!(known_slot(name.as_bytes()), Some(i), "{name}");
        }
        for name in [
            "", "i", "ia", "iatt", "Iat", "iaT", "exq", "fresh ", "frest", "tyqe", "csrF", "subs",
            "identity",
        ] {
            assert_eq!(known_slot(name.as_bytes()), None, "{name}");
        }
    }

    fn parsed(json: &str) -> Claims {
        let parsed = crate::strict_json::parse_members(json.as_bytes().to_vec())
            .unwrap()
            .unwrap();
        Claims::from_parsed(parsed)
    }

    /// `contains` on decoded claims answers as the claims map does, for every known name and
    /// others, present or absent, spelled with escapes or not, and past `u16` positions.
    #[test]
    fn contains_agrees_with_the_map() {
        let many: String = (0..70_000).map(|i| format!("\"k{i}\":0,")).collect();
        let cases = [
            r#"{"sub":"a","exp":1,"fresh":false,"x":null}"#.to_owned(),
            r#"{"\u0073ub":"a","typ\u0065":"access","\u00e9":1}"#.to_owned(),
            r#"{}"#.to_owned(),
            format!(r#"{{{many}"jti":"late","other":1}}"#),
        ];
        let names = KNOWN
            .iter()
            .copied()
            .chain(["x", "é", "other", "k5", "k69999", "nope", ""]);
        for json in &cases {
            let claims = parsed(json);
            let map = claims.members().clone();
            for name in names.clone() {
                assert_eq!(
                    claims.contains(name),
                    map.contains_key(name),
                    "{name:?} in {:.60}",
                    json
                );
            }
        }
    }
}
