//! Differential tests against the previous serde_json-based writer, and Python's outputs.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde_json::Value;

use super::*;

fn py(value: f64) -> String {
    let mut out = Vec::new();
    write_py_float(&mut out, value);
    String::from_utf8(out).unwrap()
}

#[test]
fn floats_follow_python_repr() {
    assert_eq!(py(1.5), "1.5");
    assert_eq!(py(100.0), "100.0");
    assert_eq!(py(0.0), "0.0");
    assert_eq!(py(-0.0), "-0.0");
    assert_eq!(py(1e16), "1e+16");
    assert_eq!(py(1e15), "1000000000000000.0");
    assert_eq!(py(1.5e300), "1.5e+300");
    assert_eq!(py(0.0001), "0.0001");
    assert_eq!(py(0.00001), "1e-05");
    assert_eq!(py(1700000900.123456), "1700000900.123456");
    assert_eq!(py(-2.5e-7), "-2.5e-07");
    assert_eq!(py(123456789012345680.0), "1.2345678901234568e+17");
}

#[test]
fn strings_are_ascii_escaped() {
    let mut out = Vec::new();
    write(&mut out, "jürgen ☃ 😀 \"q\" \\ \n\t\u{1}").unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#""j\u00fcrgen \u2603 \ud83d\ude00 \"q\" \\ \n\t\u0001""#
    );
    // Python: json.dumps("a\x7fb/~") == '"a\\u007fb/~"' (DEL escaped, `/` not).
    let mut out = Vec::new();
    write(&mut out, "a\u{7f}b/~").unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), r#""a\u007fb/~""#);
}

/// The previous implementation, kept as the reference: serde_json's serializer with a
/// formatter for PyJWT's escapes and float repr.
mod reference {
    use std::io;

    use serde::Serialize;
    use serde_json::ser::{CharEscape, Formatter};

    pub(super) fn write<T: Serialize + ?Sized>(
        out: &mut Vec<u8>,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let mut ser = serde_json::Serializer::with_formatter(out, PyFormatter);
        value.serialize(&mut ser)
    }

    struct PyFormatter;

    impl Formatter for PyFormatter {
        fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, v: f64) -> io::Result<()> {
            write_py_float(w, v)
        }

        fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, v: f32) -> io::Result<()> {
            write_py_float(w, f64::from(v))
        }

        fn write_string_fragment<W: ?Sized + io::Write>(
            &mut self,
            writer: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            // Python escapes DEL too (serde_json's own formatter copies it).
            if fragment.is_ascii() && !fragment.contains('\x7f') {
                return writer.write_all(fragment.as_bytes());
            }
            let mut start = 0;
            for (i, ch) in fragment.char_indices() {
                if ch.is_ascii() && ch != '\x7f' {
                    continue;
                }
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + ch.len_utf8();
            }
            writer.write_all(&fragment.as_bytes()[start..])
        }

        fn write_char_escape<W: ?Sized + io::Write>(
            &mut self,
            writer: &mut W,
            escape: CharEscape,
        ) -> io::Result<()> {
            let s: &[u8] = match escape {
                CharEscape::Quote => b"\\\"",
                CharEscape::ReverseSolidus => b"\\\\",
                CharEscape::Solidus => b"/",
                CharEscape::Backspace => b"\\b",
                CharEscape::FormFeed => b"\\f",
                CharEscape::LineFeed => b"\\n",
                CharEscape::CarriageReturn => b"\\r",
                CharEscape::Tab => b"\\t",
                CharEscape::AsciiControl(byte) => {
                    return write!(writer, "\\u{byte:04x}");
                }
            };
            writer.write_all(s)
        }
    }

    fn write_py_float<W: ?Sized + io::Write>(writer: &mut W, value: f64) -> io::Result<()> {
        if !value.is_finite() {
            return writer.write_all(b"null");
        }
        let sci = format!("{value:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (sign, mantissa) = match mantissa.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", mantissa),
        };
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        let mut out = String::with_capacity(digits.len() + 8);
        out.push_str(sign);
        if (-4..16).contains(&exp) {
            if exp < 0 {
                out.push_str("0.");
                for _ in 0..(-exp - 1) {
                    out.push('0');
                }
                out.push_str(&digits);
            } else {
                let int_len = exp as usize + 1;
                if digits.len() <= int_len {
                    out.push_str(&digits);
                    for _ in digits.len()..int_len {
                        out.push('0');
                    }
                    out.push_str(".0");
                } else {
                    out.push_str(&digits[..int_len]);
                    out.push('.');
                    out.push_str(&digits[int_len..]);
                }
            }
        } else {
            out.push_str(&digits[..1]);
            if digits.len() > 1 {
                out.push('.');
                out.push_str(&digits[1..]);
            }
            out.push('e');
            out.push(if exp < 0 { '-' } else { '+' });
            let abs = exp.unsigned_abs();
            if abs < 10 {
                out.push('0');
            }
            out.push_str(&abs.to_string());
        }
        writer.write_all(out.as_bytes())
    }
}

/// Serializes `value` both ways after the same prefix: the same bytes (also when both
/// fail, up to the failure), and the same error message. Returns whether it failed.
///
/// One difference on purpose: an object given the same member name twice, which serde_json
/// writes, is refused (`names.rs`); then the reference's output must be one the strict parser
/// refuses for that repeat, and ours the same bytes up to the repeated name. That case counts
/// as written (`false`); [`repeated`] tells it.
fn same<T: Serialize + ?Sized>(value: &T) -> bool {
    let mut old = b"prefix ".to_vec();
    let mut new = old.clone();
    let old_result = reference::write(&mut old, value);
    let new_result = write(&mut new, value);
    if let Err(e) = &new_result {
        if e.to_string().contains("written twice") {
            assert!(old_result.is_ok(), "{old_result:?}");
            assert!(old.starts_with(&new), "{new:?} is not a prefix of {old:?}");
            let repeat = crate::strict_json::parse(&old[b"prefix ".len()..]).unwrap_err();
            assert!(repeat.to_string().contains("duplicate"), "{repeat}");
            return false;
        }
    }
    assert_eq!(
        String::from_utf8_lossy(&new),
        String::from_utf8_lossy(&old),
        "output differs"
    );
    assert_eq!(new, old);
    match (old_result, new_result) {
        (Ok(()), Ok(())) => {
            // No repeat slipped through: the strict parser finds none in what was written.
            if let Err(e) = crate::strict_json::parse(&new[b"prefix ".len()..]) {
                assert!(!e.to_string().contains("duplicate"), "{e}");
            }
            false
        }
        (Err(old), Err(new)) => {
            assert_eq!(new.to_string(), old.to_string());
            true
        }
        (old, new) => panic!("reference gave {old:?}, new gave {new:?}"),
    }
}

/// Whether writing `value` is refused for a member name given twice in one object.
fn repeated<T: Serialize + ?Sized>(value: &T) -> bool {
    write(&mut Vec::new(), value).is_err_and(|e| e.to_string().contains("written twice"))
}

fn json(value: &(impl Serialize + ?Sized)) -> String {
    let mut out = Vec::new();
    write(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}

const SPECIAL_CHARS: &[char] = &[
    '"',
    '\\',
    '/',
    '\u{7f}',
    '\u{80}',
    '\u{ff}',
    '\u{7ff}',
    '\u{800}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{fffd}',
    '\u{ffff}',
    '\u{10000}',
    '\u{1f600}',
    '\u{10ffff}',
    'é',
    '☃',
    '\u{0}',
    '\u{8}',
    '\u{c}',
    '\n',
    '\r',
    '\t',
    '\u{1f}',
    ' ',
    '~',
];

const SPECIAL_FLOATS: &[f64] = &[
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    2.225073858507201e-308,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    1e16,
    1e15,
    9999999999999998.0,
    1e-5,
    1e-4,
    0.0001234,
    0.1,
    1.5,
    100.0,
    123456789012345680.0,
    1700000900.123456,
    1e22,
    1e23,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => (0x20u8..0x7f).prop_map(char::from),
        1 => (0u8..0x20).prop_map(char::from),
        2 => proptest::sample::select(SPECIAL_CHARS),
        2 => any::<char>(),
    ]
}

/// Arbitrary text, or printable ASCII of any length with at most one other character
/// somewhere in it (the word-at-a-time check at every offset).
fn any_string() -> impl Strategy<Value = String> {
    let printable = proptest::collection::vec((0x20u8..0x7f).prop_map(char::from), 0..40);
    prop_oneof![
        proptest::collection::vec(any_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        printable.clone().prop_map(|v| v.into_iter().collect()),
        (printable, any::<proptest::sample::Index>(), any_char()).prop_map(|(mut v, at, c)| {
            v.insert(at.index(v.len() + 1), c);
            v.into_iter().collect()
        }),
    ]
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        any::<u64>().prop_map(f64::from_bits),
        proptest::sample::select(SPECIAL_FLOATS),
        (-1_000_000i64..1_000_000, 0u32..20).prop_map(|(n, e)| n as f64 / 10f64.powi(e as i32)),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let int = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        proptest::sample::select(&[i64::MIN, i64::MAX, -1, 0, 1][..]).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
    ];
    let float =
        any_f64().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number));
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        int,
        float,
        any_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((any_string(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Serialized through `serialize_bytes`.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// Serialized through `collect_str`.
struct Shown<T>(T);

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A map whose keys may be of any type (and repeat), in the given order.
struct Pairs<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Pairs<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Serialize, Clone)]
enum Kind {
    Unit,
    Newtype(i32),
    Tuple(u8, String),
    Struct {
        a: f64,
        b: Option<char>,
    },
    Empty {},
    EmptyTuple(),
    #[serde(rename = "ré\"named")]
    Renamed,
}

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyKind {
    First,
    #[serde(rename = "sé\u{1}cond")]
    Second,
}

#[derive(Serialize)]
struct UnitStruct;

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Newtype<T>(T);

#[derive(Serialize)]
struct TupleStruct(i8, f32, ());

#[derive(Serialize)]
struct EmptyStruct {}

#[derive(Serialize)]
struct EmptyTupleStruct();

/// A bit of everything serde can be asked to write.
#[derive(Serialize)]
struct Everything {
    text: String,
    #[serde(rename = "ünï\"cödé")]
    renamed: char,
    ints: (i8, i16, i32, i64, i128),
    uints: (u8, u16, u32, u64, u128),
    floats: (f32, f64),
    float: f64,
    none: Option<u8>,
    some: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    unit: (),
    unit_struct: UnitStruct,
    newtype: Newtype<String>,
    tuple_struct: TupleStruct,
    empty_struct: EmptyStruct,
    empty_tuple_struct: EmptyTupleStruct,
    empty_array: [u8; 0],
    kinds: Vec<Kind>,
    int_keys: HashMap<i32, String>,
    bool_keys: BTreeMap<bool, i8>,
    char_keys: BTreeMap<char, u8>,
    wide_keys: BTreeMap<i128, u128>,
    enum_keys: BTreeMap<KeyKind, bool>,
    newtype_keys: BTreeMap<Newtype<u16>, ()>,
    option_keys: BTreeMap<Option<i8>, u8>,
    float_keys: Pairs<f64, u8>,
    shown_keys: Pairs<Shown<String>, u8>,
    bytes: Bytes<'static>,
    byte_vec: Vec<u8>,
    shown: Shown<String>,
    value: Value,
    #[serde(flatten)]
    flattened: BTreeMap<String, Value>,
}

fn everything(text: String, c: char, float: f64, ints: (i64, u64), value: Value) -> Everything {
    Everything {
        renamed: c,
        ints: (
            ints.0 as i8,
            ints.0 as i16,
            ints.0 as i32,
            ints.0,
            i128::from(ints.0) << 64,
        ),
        uints: (
            ints.1 as u8,
            ints.1 as u16,
            ints.1 as u32,
            ints.1,
            u128::from(ints.1) << 64,
        ),
        floats: (float as f32, float),
        float: -float,
        none: None,
        some: Some(text.clone()),
        skipped: None,
        unit: (),
        unit_struct: UnitStruct,
        newtype: Newtype(text.clone()),
        tuple_struct: TupleStruct(-1, f32::NAN, ()),
        empty_struct: EmptyStruct {},
        empty_tuple_struct: EmptyTupleStruct(),
        empty_array: [],
        kinds: vec![
            Kind::Unit,
            Kind::Newtype(ints.0 as i32),
            Kind::Tuple(7, text.clone()),
            Kind::Struct {
                a: float,
                b: Some(c),
            },
            Kind::Struct { a: 0.5, b: None },
            Kind::Empty {},
            Kind::EmptyTuple(),
            Kind::Renamed,
        ],
        int_keys: [(ints.0 as i32, text.clone()), (-3, "x".into())].into(),
        bool_keys: [(true, 1), (false, -1)].into(),
        char_keys: [(c, 1), ('"', 2), ('😀', 3)].into(),
        wide_keys: [(i128::MIN, u128::MAX), (i128::from(ints.0), 0)].into(),
        enum_keys: [(KeyKind::First, true), (KeyKind::Second, false)].into(),
        newtype_keys: [(Newtype(ints.1 as u16), ())].into(),
        option_keys: [(Some(ints.0 as i8), 1)].into(),
        float_keys: Pairs(vec![
            (if float.is_finite() { float } else { 2.5 }, 1),
            (-0.0, 2),
            (1e16, 3),
            (1e-7, 4),
        ]),
        shown_keys: Pairs(vec![(Shown(text.clone()), 1)]),
        bytes: Bytes(b"\x00\x01\x7f\xff"),
        byte_vec: vec![0, 255],
        shown: Shown(text.clone()),
        value,
        flattened: [
            ("flat".to_owned(), Value::from(1)),
            (text.clone(), Value::Null),
        ]
        .into(),
        text,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn values_match_the_reference(value in any_value()) {
        prop_assert!(!same(&value));
    }

    #[test]
    fn strings_match_the_reference(text in any_string()) {
        prop_assert!(!same(&text));
        prop_assert!(!same(&Shown(&text)));
        prop_assert!(!same(&Pairs(vec![(&text, &text)])));
    }

    #[test]
    fn floats_match_the_reference(float in any_f64()) {
        prop_assert!(!same(&float));
        prop_assert!(!same(&(float as f32)));
        // As a key, a non-finite float is refused.
        prop_assert_eq!(same(&Pairs(vec![(float, 0)])), !float.is_finite());
        prop_assert_eq!(same(&Pairs(vec![(float as f32, 0)])), !(float as f32).is_finite());
    }

    #[test]
    fn typed_values_match_the_reference(
        text in any_string(),
        c in any_char(),
        float in any_f64(),
        ints in any::<(i64, u64)>(),
        value in any_value(),
    ) {
        prop_assert!(!same(&everything(text, c, float, ints, value)));
    }
}

/// The word-at-a-time check against the byte-at-a-time rule, for one odd byte at every
/// position of every length up to three words.
#[test]
fn plain_is_printable_ascii_without_quote_or_backslash() {
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
    for len in 0..=24 {
        assert!(is_plain(&vec![b'a'; len]));
        for at in 0..len {
            for byte in 0..=255u8 {
                let mut bytes = vec![b'~'; len];
                bytes[at] = byte;
                assert_eq!(is_plain(&bytes), plain(byte), "{bytes:?}");
                bytes.fill(b' ');
                bytes[at] = byte;
                assert_eq!(is_plain(&bytes), plain(byte), "{bytes:?}");
            }
        }
    }
}

#[test]
fn scalars_match_the_reference() {
    for &f in SPECIAL_FLOATS {
        assert!(!same(&f));
        assert!(!same(&(f as f32)));
        assert!(!same(&Value::from(f)));
    }
    for c in SPECIAL_CHARS
        .iter()
        .copied()
        .chain((0..0x80u8).map(char::from))
    {
        assert!(!same(&c));
        assert!(!same(&c.to_string()));
    }
    assert!(!same(&(
        i64::MIN,
        i64::MAX,
        u64::MAX,
        i128::MIN,
        i128::MAX,
        u128::MAX
    )));
    assert!(!same(&(
        i8::MIN,
        i16::MIN,
        i32::MIN,
        u8::MAX,
        u16::MAX,
        u32::MAX
    )));
    assert!(!same(&(true, false, (), None::<u8>, Some(()), UnitStruct)));
    assert!(!same(&Bytes(&[])));
    assert!(!same(&Bytes(&[1])));
    assert!(!same(&Vec::<u8>::new()));
    assert!(!same(&Vec::<Value>::new()));
    assert!(!same(&BTreeMap::<String, u8>::new()));
    assert!(!same(
        &serde_json::json!({"a": [], "b": {}, "c": [[]], "d": [{}]})
    ));
}

#[test]
fn map_keys_match_the_reference() {
    // A key given twice: serde_json writes both, this writer refuses the second.
    assert!(!same(&Pairs(vec![(1u8, 0), (2, 0), (2, 1)])));
    assert!(repeated(&Pairs(vec![(1u8, 0), (2, 0), (2, 1)])));
    // Accepted.
    assert!(!same(&Pairs(vec![(Newtype(Newtype(-5i64)), 0)])));
    assert!(!same(&Pairs(vec![(Some(Some('é')), 0)])));
    assert!(!same(&Pairs(vec![(KeyKind::Second, 0)])));
    assert!(!same(&Pairs(vec![(Kind::Unit, 0)])));
    assert!(!same(&Pairs(vec![(Shown(1.5), 0)])));
    assert!(!same(&Pairs(vec![
        (Value::from(true), 0),
        (Value::from("s"), 0)
    ])));
    // Accepted unless serde_json's `arbitrary_precision` is on (then both refuse them).
    same(&Pairs(vec![(Value::from(1), 0), (Value::from(-1.5), 0)]));
    assert!(!same(&Pairs(vec![(0.1f32, 0), (1e20f32, 0)])));
    // Refused, after what was written before them.
    let refused: Vec<Box<dyn Fn() -> bool>> = vec![
        Box::new(|| same(&Pairs(vec![((), 0)]))),
        Box::new(|| same(&Pairs(vec![(UnitStruct, 0)]))),
        Box::new(|| same(&Pairs(vec![(None::<u8>, 0)]))),
        Box::new(|| same(&Pairs(vec![(Kind::Newtype(1), 0)]))),
        Box::new(|| same(&Pairs(vec![(Kind::Tuple(1, "a".into()), 0)]))),
        Box::new(|| same(&Pairs(vec![(Kind::Empty {}, 0)]))),
        Box::new(|| same(&Pairs(vec![(Kind::EmptyTuple(), 0)]))),
        Box::new(|| same(&Pairs(vec![(vec![1], 0)]))),
        Box::new(|| same(&Pairs(vec![((1, 2), 0)]))),
        Box::new(|| same(&Pairs(vec![(TupleStruct(1, 1.0, ()), 0)]))),
        Box::new(|| same(&Pairs(vec![(EmptyStruct {}, 0)]))),
        Box::new(|| same(&Pairs(vec![(BTreeMap::<u8, u8>::new(), 0)]))),
        Box::new(|| same(&Pairs(vec![(Bytes(b"k"), 0)]))),
        Box::new(|| same(&Pairs(vec![(Value::Null, 0)]))),
        Box::new(|| same(&Pairs(vec![(serde_json::json!([1]), 0)]))),
        Box::new(|| same(&Pairs(vec![(serde_json::json!({}), 0)]))),
        Box::new(|| same(&Pairs(vec![(f64::NAN, 0)]))),
        Box::new(|| same(&Pairs(vec![(f32::NEG_INFINITY, 0)]))),
        Box::new(|| {
            same(&(
                1,
                [Pairs(vec![("ok", 1)]), Pairs(vec![("x", 2)])],
                Pairs(vec![(1.5, 2), (f64::INFINITY, 3)]),
            ))
        }),
    ];
    for (i, case) in refused.iter().enumerate() {
        assert!(case(), "case {i} was accepted");
    }
}

/// A `Serialize` that announces one length and delivers another.
enum Liar {
    Seq(Option<usize>, usize),
    Map(Option<usize>, usize),
    Struct(usize, usize),
    TupleVariant(usize, usize),
    StructVariant(usize, usize),
}

impl Serialize for Liar {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeStructVariant, SerializeTupleVariant};
        const NAMES: [&str; 3] = ["a", "b", "c"];
        match *self {
            Liar::Seq(len, n) => {
                let mut seq = s.serialize_seq(len)?;
                for i in 0..n {
                    seq.serialize_element(&i)?;
                }
                seq.end()
            }
            Liar::Map(len, n) => {
                let mut map = s.serialize_map(len)?;
                for i in 0..n {
                    map.serialize_entry(&i, &i)?;
                }
                map.end()
            }
            Liar::Struct(len, n) => {
                let mut st = s.serialize_struct("Liar", len)?;
                for name in &NAMES[..n] {
                    st.serialize_field(name, name)?;
                }
                st.end()
            }
            Liar::TupleVariant(len, n) => {
                let mut tv = s.serialize_tuple_variant("Liar", 0, "Tv", len)?;
                for i in 0..n {
                    tv.serialize_field(&i)?;
                }
                tv.end()
            }
            Liar::StructVariant(len, n) => {
                let mut sv = s.serialize_struct_variant("Liar", 0, "Sv", len)?;
                for name in &NAMES[..n] {
                    sv.serialize_field(name, &1)?;
                }
                sv.end()
            }
        }
    }
}

#[test]
fn length_hints_are_followed_as_serde_json_follows_them() {
    for len in 0..3 {
        for n in 0..3 {
            assert!(!same(&Liar::Seq(Some(len), n)));
            assert!(!same(&Liar::Seq(None, n)));
            assert!(!same(&Liar::Map(Some(len), n)));
            assert!(!same(&Liar::Map(None, n)));
            assert!(!same(&Liar::Struct(len, n)));
            assert!(!same(&Liar::TupleVariant(len, n)));
            assert!(!same(&Liar::StructVariant(len, n)));
        }
    }
    assert_eq!(json(&Liar::Seq(Some(0), 2)), "[],0,1]");
    // Members after a `{}` written for a hint of 0 are not JSON whatever their names: written as
    // serde_json writes them, not checked for repeats (`I` and `` share a name bit).
    struct ZeroHint([&'static str; 2]);
    impl Serialize for ZeroHint {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(0))?;
            for key in self.0 {
                map.serialize_entry(key, &1)?;
            }
            map.end()
        }
    }
    for keys in [["a", "a"], ["I", ""]] {
        assert!(!same(&ZeroHint(keys)));
    }
    assert_eq!(json(&ZeroHint(["I", ""])), r#"{},"I":1,"":1}"#);
}

/// serde_json's private `Number` (`arbitrary_precision`) and `RawValue` (`raw_value`)
/// structs are written as their inner text, as serde_json does when those features are on
/// (a build where another crate enables them).
#[test]
fn private_serde_json_structs_are_written_raw() {
    struct Private(&'static str, &'static str, &'static str);

    impl Serialize for Private {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct(self.0, 1)?;
            st.serialize_field(self.1, self.2)?;
            st.end()
        }
    }

    struct PrivateInt(&'static str);

    impl Serialize for PrivateInt {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct(self.0, 1)?;
            st.serialize_field(self.0, &1)?;
            st.end()
        }
    }

    let n = "$serde_json::private::Number";
    let r = "$serde_json::private::RawValue";
    assert_eq!(json(&Private(n, n, "1.0e3")), "1.0e3");
    assert_eq!(json(&[Private(r, r, "{\"a\": 1}")]), "[{\"a\": 1}]");
    assert_eq!(json(&Private("$other", "$other", "x")), r#"{"$other":"x"}"#);
    let message = |value: Result| value.unwrap_err().to_string();
    let mut out = Vec::new();
    assert_eq!(
        message(write(&mut out, &Private(n, "k", "1"))),
        "invalid number"
    );
    assert_eq!(
        message(write(&mut out, &Private(r, "k", "1"))),
        "expected value"
    );
    assert_eq!(message(write(&mut out, &PrivateInt(n))), "invalid number");
    assert_eq!(
        message(write(&mut out, &PrivateInt(r))),
        "expected RawValue"
    );
    // Raw text is written once the strict parser accepts it: one JSON value without a repeated
    // name (a `RawValue` may hold one), and a number for a `Number`.
    let refused = |value: &Private| write(&mut Vec::new(), value).is_err();
    assert!(refused(&Private(r, r, r#"{"a":1,"a":2}"#)));
    assert!(refused(&Private(r, r, r#"[{"b":{"a":1,"a":2}}]"#)));
    assert!(refused(&Private(r, r, r#"1,"a":2"#)));
    assert!(refused(&Private(r, r, "")));
    assert!(refused(&Private(n, n, "\"1\"")));
    assert!(refused(&Private(n, n, "1 2")));
    assert_eq!(
        json(&Private(r, r, " [1, {\"a\": \"b\"}] ")),
        " [1, {\"a\": \"b\"}] "
    );
}

/// A struct whose flattened map repeats one of its fields.
#[derive(Serialize)]
struct Flattened {
    id: u32,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

/// A hand-written impl giving one struct field twice.
struct TwiceField;

impl Serialize for TwiceField {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TwiceField", 2)?;
        s.serialize_field("a", &1)?;
        s.serialize_field("a", &2)?;
        s.end()
    }
}

#[test]
fn a_member_name_given_twice_is_refused() {
    let flattened = Flattened {
        id: 1,
        extra: [("id".to_owned(), Value::from("admin"))].into(),
    };
    assert!(repeated(&flattened));
    let message = write(&mut Vec::new(), &flattened).unwrap_err().to_string();
    assert!(message.contains("\"id\""), "{message}");
    assert!(repeated(&TwiceField));
    // Spelled with escapes, at any depth, past the names kept without an allocation.
    assert!(repeated(&Pairs(vec![("é", 1), ("é", 2)])));
    assert!(repeated(&vec![Pairs(vec![("\n", 1), ("x", 2), ("\n", 3)])]));
    for repeat in ["k0", "k7", "k8", "k19"] {
        let mut pairs: Vec<(String, u32)> = (0..20).map(|i| (format!("k{i}"), i)).collect();
        pairs.push((repeat.to_owned(), 99));
        assert!(repeated(&Pairs(pairs)), "{repeat}");
    }
    // Distinct names, and the same name in different objects, are written.
    let distinct = Flattened {
        id: 1,
        extra: [
            ("ID".to_owned(), Value::from(2)),
            ("\\u00e9".into(), Value::Null),
        ]
        .into(),
    };
    assert_eq!(json(&distinct), r#"{"id":1,"ID":2,"\\u00e9":null}"#);
    assert_eq!(
        json(&serde_json::json!({"a": {"a": 1, "x": 2}, "b": {"x": 3}})),
        r#"{"a":{"a":1,"x":2},"b":{"x":3}}"#
    );
    let many: Vec<(String, u32)> = (0..40).map(|i| (format!("k{i}"), i)).collect();
    assert!(!repeated(&Pairs(many)));
    // What `encode` would have signed, and the decoder refuses.
    let key = crate::Key::new(crate::Algorithm::HS256, [7u8; 32]).unwrap();
    let header = crate::Header::new(crate::Algorithm::HS256);
    assert!(matches!(
        crate::encode(&header, &flattened, &key),
        Err(crate::Error::Serialize(m)) if m.contains("written twice")
    ));
}
