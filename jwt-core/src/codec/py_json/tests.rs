//! The writer against Python's own outputs, and against serde_json's compact output with
//! Python's escapes applied to it (what `json.dumps(..., separators=(",", ":"))` is, floats
//! aside); repeated names, raw JSON and length hints.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;

use proptest::prelude::*;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::*;

fn json(value: &(impl Serialize + ?Sized)) -> String {
    let mut out = Vec::new();
    write(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}

fn refusal(value: &(impl Serialize + ?Sized)) -> String {
    write(&mut Vec::new(), value).unwrap_err().to_string()
}

/// Whether writing `value` is refused for a member name given twice in one object.
fn repeated(value: &(impl Serialize + ?Sized)) -> bool {
    write(&mut Vec::new(), value).is_err_and(|e| e.to_string().contains("written twice"))
}

/// Python's `json.dumps(x, separators=(",", ":"))` of a value without floats: serde_json's
/// compact output with every non-ASCII character and DEL as `\uXXXX` (serde_json escapes the
/// same control characters as Python, the same way).
fn python_of(value: &(impl Serialize + ?Sized)) -> String {
    let mut python = String::new();
    for ch in serde_json::to_string(value).unwrap().chars() {
        if ch.is_ascii() && ch != '\x7f' {
            python.push(ch);
        } else {
            for unit in ch.encode_utf16(&mut [0; 2]) {
                python.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    python
}

/// `repr(x)` and `json.dumps(x)` in Python 3 for each, the same text.
const PYTHON_FLOATS: &[(f64, &str)] = &[
    (0.0, "0.0"),
    (-0.0, "-0.0"),
    (5e-324, "5e-324"),
    (-5e-324, "-5e-324"),
    (2.225073858507201e-308, "2.225073858507201e-308"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (1e16, "1e+16"),
    (1e15, "1000000000000000.0"),
    (9999999999999998.0, "9999999999999998.0"),
    (9007199254740992.0, "9007199254740992.0"),
    (1e-5, "1e-05"),
    (1e-4, "0.0001"),
    (0.0001234, "0.0001234"),
    (0.1, "0.1"),
    (0.3, "0.3"),
    (1.5, "1.5"),
    (100.0, "100.0"),
    (123456789012345680.0, "1.2345678901234568e+17"),
    (1700000900.123456, "1700000900.123456"),
    (1e22, "1e+22"),
    (1e23, "1e+23"),
    (1e100, "1e+100"),
    (-2.5e-7, "-2.5e-07"),
    (12345.678e-10, "1.2345678e-06"),
];

#[test]
fn floats_are_written_as_python_writes_them() {
    for &(float, python) in PYTHON_FLOATS {
        assert_eq!(json(&float), python);
        assert_eq!(json(&Value::from(float)), python);
        assert_eq!(json(&[float]), format!("[{python}]"));
    }
    // As keys, quoted (Python: `json.dumps({1.5: 3})`).
    assert_eq!(
        json(&Pairs(vec![(1e16, 1), (1.5, 3)])),
        r#"{"1e+16":1,"1.5":3}"#
    );
    // f32 has no Python counterpart: written as the f64 it converts to.
    assert_eq!(json(&0.1f32), "0.10000000149011612");
    // Not Python's `Infinity`/`NaN` (not JSON): serde_json's `null`, as before.
    for float in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        assert_eq!(json(&float), "null");
        assert!(refusal(&Pairs(vec![(float, 1)])).contains("finite"));
    }
}

#[test]
fn strings_are_written_as_python_writes_them() {
    // Python 3: json.dumps(s, separators=(",", ":")) for this `s`.
    let text = "a\x7fb/~ é\u{2603}\u{1f600}\"\\\n\t\x01\x1f\x08\x0c\r\u{2028}\u{feff}\u{10ffff}";
    let python = r#""a\u007fb/~ \u00e9\u2603\ud83d\ude00\"\\\n\t\u0001\u001f\b\f\r\u2028\ufeff\udbff\udfff""#;
    assert_eq!(json(text), python);
    assert_eq!(json(&Value::from(text)), python);
    assert_eq!(json(&Shown(text)), python);
    let chars: String = text.chars().map(|c| json(&c)).collect();
    assert_eq!(chars.replace("\"\"", ""), python);
    // As a key.
    assert_eq!(json(&Pairs(vec![(text, 1)])), format!("{{{python}:1}}"));
    // Keys as Python writes them: json.dumps({1: 2}), json.dumps({True: 4}), ...
    assert_eq!(json(&Pairs(vec![(1, 2)])), r#"{"1":2}"#);
    assert_eq!(json(&Pairs(vec![(true, 4)])), r#"{"true":4}"#);
    let nested = r#"{"x":[1,{}],"y":{}}"#;
    assert_eq!(
        json(&serde_json::from_str::<Value>(nested).unwrap()),
        nested
    );
}

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => (0x20u8..0x7f).prop_map(char::from),
        1 => (0u8..0x20).prop_map(char::from),
        1 => Just('\x7f'),
        2 => any::<char>(),
    ]
}

fn any_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(any_char(), 0..24).prop_map(|v| v.into_iter().collect())
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        any::<u64>().prop_map(f64::from_bits),
        proptest::sample::select(PYTHON_FLOATS).prop_map(|(f, _)| f),
        (-1_000_000i64..1_000_000, 0u32..20).prop_map(|(n, e)| n as f64 / 10f64.powi(e as i32)),
    ]
}

/// A JSON value; with `floats` false, none of its numbers is a float.
fn any_value(floats: bool) -> impl Strategy<Value = Value> {
    let int = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
    ];
    let float = any_f64().prop_map(Value::from);
    let number = if floats {
        prop_oneof![int, float].boxed()
    } else {
        int.boxed()
    };
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number,
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn values_are_python_dumps(value in any_value(false)) {
        prop_assert_eq!(json(&value), python_of(&value));
    }

    /// The shortcut for strings writes what the formatter writes.
    #[test]
    fn write_str_is_write(text in any_string()) {
        let mut out = Vec::new();
        write_str(&mut out, &text);
        prop_assert_eq!(String::from_utf8(out).unwrap(), json(&text));
    }

    /// With floats: ASCII, and read back (by the decoder's parser) as the same value.
    #[test]
    fn values_read_back(value in any_value(true)) {
        let text = json(&value);
        prop_assert!(text.is_ascii());
        prop_assert_eq!(crate::strict_json::parse(text.as_bytes()).unwrap(), value);
    }

    /// Python's `repr`: reads back as the same float (sign of zero included); positional with
    /// a `.` when the decimal exponent is in -4..16, else `e` with a sign and two digits or more.
    #[test]
    fn floats_are_python_reprs(float in any_f64()) {
        let text = json(&float);
        if !float.is_finite() {
            prop_assert_eq!(text, "null");
            return Ok(());
        }
        let back: f64 = text.parse().unwrap();
        prop_assert_eq!(back.to_bits(), float.to_bits());
        let positional = float == 0.0 || (1e-4..1e16).contains(&float.abs());
        match text.split_once('e') {
            None => prop_assert!(positional && text.contains('.'), "{}", text),
            Some((_, exp)) => {
                prop_assert!(!positional, "{}", text);
                prop_assert!(exp.len() >= 3 && exp.starts_with(['+', '-']), "{}", text);
            }
        }
    }

    #[test]
    fn typed_values_are_python_dumps(
        text in any_string(),
        c in any_char(),
        ints in any::<(i64, u64)>(),
        value in any_value(false),
    ) {
        let everything = everything(text, c, ints, value);
        prop_assert_eq!(json(&everything), python_of(&everything));
    }
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

#[derive(Serialize)]
enum Kind {
    Unit,
    Newtype(i32),
    Tuple(u8, String),
    Struct {
        a: u8,
        b: Option<char>,
    },
    Empty {},
    EmptyTuple(),
    #[serde(rename = "ré\"named")]
    Renamed,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum KeyKind {
    First,
    #[serde(rename = "sé\u{1}cond")]
    Second,
}

#[derive(Serialize)]
struct UnitStruct;

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Newtype<T>(T);

#[derive(Serialize)]
struct TupleStruct(i8, (), Option<u8>);

#[derive(Serialize)]
struct EmptyStruct {}

/// A bit of everything serde can be asked to write, floats aside.
#[derive(Serialize)]
struct Everything {
    text: String,
    #[serde(rename = "ünï\"cödé")]
    renamed: char,
    ints: (i8, i16, i32, i64, i128),
    uints: (u8, u16, u32, u64, u128),
    none: Option<u8>,
    some: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    unit: (),
    unit_struct: UnitStruct,
    newtype: Newtype<String>,
    tuple_struct: TupleStruct,
    empty_struct: EmptyStruct,
    empty_array: [u8; 0],
    kinds: Vec<Kind>,
    int_keys: HashMap<i32, String>,
    bool_keys: BTreeMap<bool, i8>,
    char_keys: BTreeMap<char, u8>,
    wide_keys: BTreeMap<i128, u128>,
    enum_keys: BTreeMap<KeyKind, bool>,
    newtype_keys: BTreeMap<Newtype<u16>, ()>,
    option_keys: BTreeMap<Option<i8>, u8>,
    shown_keys: Pairs<Shown<String>, u8>,
    bytes: Bytes<'static>,
    shown: Shown<String>,
    value: Value,
    #[serde(flatten)]
    flattened: BTreeMap<String, Value>,
}

fn everything(text: String, c: char, ints: (i64, u64), value: Value) -> Everything {
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
        none: None,
        some: Some(text.clone()),
        skipped: None,
        unit: (),
        unit_struct: UnitStruct,
        newtype: Newtype(text.clone()),
        tuple_struct: TupleStruct(-1, (), Some(2)),
        empty_struct: EmptyStruct {},
        empty_array: [],
        kinds: vec![
            Kind::Unit,
            Kind::Newtype(ints.0 as i32),
            Kind::Tuple(7, text.clone()),
            Kind::Struct { a: 1, b: Some(c) },
            Kind::Struct { a: 0, b: None },
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
        shown_keys: Pairs(vec![(Shown(text.clone()), 1)]),
        bytes: Bytes(b"\x00\x01\x7f\xff"),
        shown: Shown(text.clone()),
        value,
        // "text" cannot be a flattened name: the struct has that field.
        flattened: [
            ("flat".to_owned(), Value::from(1)),
            (text.clone() + "!", Value::Null),
        ]
        .into(),
        text,
    }
}

/// A struct whose flattened map repeats one of its fields.
#[derive(Serialize)]
struct Flattened {
    id: u32,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

/// Two fields renamed alike.
#[derive(Serialize)]
struct Renamed {
    #[serde(rename = "sub")]
    user: u8,
    #[serde(rename = "sub")]
    subject: u8,
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

/// A hand-written impl giving the name `1` as an integer key and as a string key.
struct IntAndText;

impl Serialize for IntAndText {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(&1u8, &1)?;
        map.serialize_entry("1", &2)?;
        map.end()
    }
}

#[test]
fn a_member_name_given_twice_is_refused() {
    let flattened = Flattened {
        id: 1,
        extra: [("id".to_owned(), Value::from("admin"))].into(),
    };
    assert!(refusal(&flattened).contains("member \"id\" written twice"));
    assert!(repeated(&Renamed {
        user: 1,
        subject: 2
    }));
    assert!(repeated(&TwiceField));
    assert!(repeated(&IntAndText));
    // Spelled with escapes, at any depth, among many names, first or last.
    assert!(repeated(&Pairs(vec![("é", 1), ("é", 2)])));
    assert!(repeated(&Pairs(vec![("", 1), ("", 2)])));
    assert!(repeated(&vec![Pairs(vec![("\n", 1), ("x", 2), ("\n", 3)])]));
    assert!(repeated(&(
        1,
        [Pairs(vec![("ok", [Pairs(vec![("x", 1), ("x", 2)])])])]
    )));
    for repeat in ["k0", "k7", "k8", "k39"] {
        let mut pairs: Vec<(String, u32)> = (0..40).map(|i| (format!("k{i}"), i)).collect();
        pairs.push((repeat.to_owned(), 99));
        assert!(repeated(&Pairs(pairs)), "{repeat}");
    }
    // Distinct names; the same name in different objects, nested or siblings; a name of the
    // outer object after a nested one closed.
    let distinct = Flattened {
        id: 1,
        extra: [
            ("ID".to_owned(), Value::from(2)),
            ("\\u00e9".into(), Value::Null),
        ]
        .into(),
    };
    assert_eq!(json(&distinct), r#"{"id":1,"ID":2,"\\u00e9":null}"#);
    let nested = r#"{"a":{"a":1,"x":{"x":[{"x":2}]}},"b":{"x":3},"x":4}"#;
    assert_eq!(
        json(&serde_json::from_str::<Value>(nested).unwrap()),
        nested
    );
    assert_eq!(
        json(&Pairs(vec![("1", 0), ("01", 0), ("1.0", 0), ("true", 0)])),
        r#"{"1":0,"01":0,"1.0":0,"true":0}"#
    );
    let many: Vec<(String, u32)> = (0..40).map(|i| (format!("k{i}"), i)).collect();
    assert!(!repeated(&Pairs(many)));
    // What `encode` would have signed, and the decoder refuses.
    let key = crate::Key::new(crate::Algorithm::HS256, [7u8; 32]).unwrap();
    let header = crate::Header::new(crate::Algorithm::HS256);
    assert!(matches!(
        crate::encode(&header, &flattened, &key),
        Err(crate::Error::Serialize(m)) if m.contains("\"id\" written twice")
    ));
}

/// A `RawValue` is written as is once the strict parser accepts it (serde_json accepts one
/// that repeats a name inside itself).
#[test]
fn raw_values_are_written_as_is_unless_the_strict_parser_refuses_them() {
    let raw = |text: &str| RawValue::from_string(text.to_owned()).unwrap();
    assert_eq!(json(&raw("[1, {\"a\": \"é\"}]")), "[1, {\"a\": \"é\"}]");
    assert_eq!(
        json(&Pairs(vec![("a", raw("{\"a\":1}")), ("b", raw("2"))])),
        r#"{"a":{"a":1},"b":2}"#
    );
    for twice in [r#"{"a":1,"a":2}"#, r#"[{"b":{"a":1,"a":2}}]"#] {
        assert!(refusal(&raw(twice)).contains("duplicate"), "{twice}");
        assert!(refusal(&[raw(twice)]).contains("duplicate"), "{twice}");
    }
    // What serde_json would not hand over, refused all the same.
    let mut out = Vec::new();
    for text in ["1,\"a\":2", "", "{"] {
        assert!(PyFormatter::default()
            .write_raw_fragment(&mut out, text)
            .is_err());
    }
    // A number under `arbitrary_precision`: one JSON number, written as is.
    let mut formatter = PyFormatter::default();
    formatter.write_number_str(&mut out, "1.0e3").unwrap();
    assert_eq!(out, b"1.0e3");
    for text in ["\"1\"", "1 2", "[1]", "", "NaN"] {
        assert!(
            formatter.write_number_str(&mut out, text).is_err(),
            "{text}"
        );
    }
}

/// A `Serialize` that announces one length and delivers another.
enum Liar {
    Seq(Option<usize>, usize),
    Map(Option<usize>, usize),
    Struct(usize, usize),
}

impl Serialize for Liar {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
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
                for name in &["a", "b", "c"][..n] {
                    st.serialize_field(name, name)?;
                }
                st.end()
            }
        }
    }
}

/// A wrong length hint is harmless, but for a hint of 0 given members or elements: serde_json
/// writes them after a closed `{}` or `[]` (`[],0,1]`), which is not JSON; refused, at any
/// depth.
#[test]
fn members_past_a_length_hint_of_zero_are_refused() {
    for len in 0..3 {
        for n in 0..3 {
            let liars = [
                Liar::Seq(Some(len), n),
                Liar::Map(Some(len), n),
                Liar::Struct(len, n),
            ];
            for liar in liars {
                let nested = (1, Pairs(vec![("x", &liar)]));
                if len == 0 && n > 0 {
                    assert!(refusal(&liar).contains("length hint"));
                    assert!(refusal(&nested).contains("length hint"));
                } else {
                    assert_eq!(json(&liar), python_of(&liar));
                    assert_eq!(json(&nested), python_of(&nested));
                }
            }
            let unsized_liars = [Liar::Seq(None, n), Liar::Map(None, n)];
            for liar in unsized_liars {
                assert_eq!(json(&liar), python_of(&liar));
            }
        }
    }
}

/// Arrays of bytes, sequences built by hand, and maps built by hand, as serde_json.
#[test]
fn hand_built_sequences_and_maps() {
    struct Seq;
    impl Serialize for Seq {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(None)?;
            seq.serialize_element(&Bytes(b"\x00\xff"))?;
            seq.serialize_element(&Pairs(Vec::<(u8, u8)>::new()))?;
            seq.end()
        }
    }
    assert_eq!(json(&Seq), "[[0,255],{}]");
    assert_eq!(json(&Bytes(&[])), "[]");
}
