use wasm_bindgen::prelude::*;

/// A newtype that represents Serde errors as JavaScript exceptions.
#[derive(Debug)]
pub struct Error(JsValue);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = String)]
    fn to_string(value: &JsValue) -> String;
}

/// policy-consent's change (see PATCHED.md): where in the input the deserializer failed, as
/// `purposes[1].id`, kept on the JS error itself so that `Error` stays one word (a larger
/// `Error` makes every `Result` of the deserializer larger: +15 KB of Wasm).
const PATH: &str = "serdePath";

impl Error {
    fn path(&self) -> String {
        js_sys::Reflect::get(&self.0, &PATH.into())
            .ok()
            .and_then(|p| p.as_string())
            .unwrap_or_default()
    }

    fn set_path(&mut self, path: String) {
        let _ = js_sys::Reflect::set(&self.0, &PATH.into(), &path.into());
    }

    /// policy-consent's change: the error, inside the field `name` of an object.
    #[cold]
    #[inline(never)]
    pub(crate) fn in_field(&mut self, name: &str) {
        let path = self.path();
        self.set_path(match path.as_bytes().first() {
            None => name.to_owned(),
            Some(b'[') => format!("{}{}", name, path),
            Some(_) => format!("{}.{}", name, path),
        });
    }

    /// policy-consent's change: the error, inside the element `index` of an array.
    #[cold]
    #[inline(never)]
    pub(crate) fn in_element(&mut self, index: u32) {
        let path = self.path();
        self.set_path(match path.as_bytes().first() {
            None => format!("[{}]", index),
            Some(b'[') => format!("[{}]{}", index, path),
            Some(_) => format!("[{}].{}", index, path),
        });
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let path = self.path();
        // policy-consent's change: a JS error's message, not its `String` ("Error: ...").
        match self.0.dyn_ref::<js_sys::Error>() {
            Some(error) if path.is_empty() => String::from(error.message()).fmt(f),
            Some(error) => write!(f, "{}: {}", path, String::from(error.message())),
            None => to_string(&self.0).fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Creates a JavaScript `Error` with a given message.
    pub fn new<T: std::fmt::Display>(msg: T) -> Self {
        Error(JsError::new(&msg.to_string()).into())
    }
}

impl serde::ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new(msg)
    }
}

impl serde::de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new(msg)
    }

    // policy-consent's change (see PATCHED.md): serde's own messages, but written with
    // `Unexpected` below, which does not format floats in Rust.
    fn invalid_type(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        Error::new(format_args!(
            "invalid type: {}, expected {}",
            Unexpected(unexp),
            exp
        ))
    }

    fn invalid_value(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        Error::new(format_args!(
            "invalid value: {}, expected {}",
            Unexpected(unexp),
            exp
        ))
    }
}

/// serde's `Unexpected` as its `Display` writes it, but for a float, which JS's
/// `String(number)` writes: Rust's float formatting is about 17 KB of Wasm.
struct Unexpected<'a>(serde::de::Unexpected<'a>);

impl std::fmt::Display for Unexpected<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        use serde::de::Unexpected::*;
        match self.0 {
            Bool(b) => write!(f, "boolean `{}`", b),
            Unsigned(i) => write!(f, "integer `{}`", i),
            Signed(i) => write!(f, "integer `{}`", i),
            Float(v) => {
                let text = js_sys::Number::from(v)
                    .to_string_with_radix(10)
                    .map(String::from)
                    .unwrap_or_default();
                write!(f, "floating point `{}`", text)
            }
            Char(c) => write!(f, "character `{}`", c),
            Str(s) => write!(f, "string {:?}", s),
            Bytes(_) => f.write_str("byte array"),
            Unit => f.write_str("unit value"),
            Option => f.write_str("Option value"),
            NewtypeStruct => f.write_str("newtype struct"),
            Seq => f.write_str("sequence"),
            Map => f.write_str("map"),
            Enum => f.write_str("enum"),
            UnitVariant => f.write_str("unit variant"),
            NewtypeVariant => f.write_str("newtype variant"),
            TupleVariant => f.write_str("tuple variant"),
            StructVariant => f.write_str("struct variant"),
            Other(other) => f.write_str(other),
        }
    }
}

/// This conversion is needed for `?` to just work when using wasm-bindgen
/// imports that return JavaScript exceptions as `Result<T, JsValue>`.
impl From<JsValue> for Error {
    fn from(error: JsValue) -> Error {
        Error(error)
    }
}

// This conversion is needed for `?` to just work in wasm-bindgen exports
// that return `Result<T, JsValue>` to throw JavaScript exceptions.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        if error.path().is_empty() {
            error.0
        } else {
            JsError::new(&error.to_string()).into()
        }
    }
}
