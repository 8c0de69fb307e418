//! The YAML 1.2 core schema: what an untagged plain scalar means (null, bool, int, float or string) once it becomes
//! JSON data.

use serde_json::{Number, Value};

/// Types a plain scalar by the YAML 1.2 core schema.
pub(crate) fn plain_scalar(text: Box<str>) -> Value {
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let number = if let Some(octal) = text.strip_prefix("0o").filter(|digits| all(digits, |c| c.is_digit(8))) {
        u64::from_str_radix(octal, 8).ok().map(Number::from)
    } else if let Some(hex) = text.strip_prefix("0x").filter(|digits| all(digits, |c| c.is_ascii_hexdigit())) {
        u64::from_str_radix(hex, 16).ok().map(Number::from)
    } else if is_decimal_int(&text) {
        let digits = text.strip_prefix('+').unwrap_or(&text);
        (digits.parse::<u64>().ok().map(Number::from))
            .or_else(|| digits.parse::<i64>().ok().map(Number::from))
            .or_else(|| digits.parse::<f64>().ok().and_then(Number::from_f64))
    } else if is_float(&text) {
        text.parse::<f64>().ok().and_then(Number::from_f64)
    } else {
        None
    };
    number.map_or_else(|| Value::String(text.into()), Value::Number)
}

fn all(text: &str, test: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && text.chars().all(test)
}

/// `[-+]?[0-9]+`
fn is_decimal_int(text: &str) -> bool {
    all(text.strip_prefix(['-', '+']).unwrap_or(text), |c| c.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (the infinities and NaN are left as text: JSON has none).
fn is_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() && all(fraction, |c| c.is_ascii_digit()))
                || (all(whole, |c| c.is_ascii_digit()) && fraction.chars().all(|c| c.is_ascii_digit()))
        }
        None => all(mantissa, |c| c.is_ascii_digit()),
    };
    mantissa_ok && exponent.is_none_or(is_decimal_int)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn typed(text: &str) -> Value {
        plain_scalar(text.into())
    }

    #[test]
    fn core_schema() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(typed(text), Value::Null, "{text:?}");
        }
        let booleans = [("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false)];
        for (text, expected) in booleans {
            assert_eq!(typed(text), Value::Bool(expected), "{text:?}");
        }
        let numbers = [("0", json!(0)), ("-7", json!(-7)), ("+7", json!(7)), ("012", json!(12)), ("0x1F", json!(31))];
        let more = [("0o17", json!(15)), ("18446744073709551615", json!(u64::MAX)), ("1e3", json!(1000.0))];
        let floats = [("1.5", json!(1.5)), ("-.5", json!(-0.5)), ("1.", json!(1.0)), ("2.5E-1", json!(0.25))];
        for (text, expected) in numbers.into_iter().chain(more).chain(floats) {
            assert_eq!(typed(text), expected, "{text:?}");
        }
        let big = typed("99999999999999999999");
        assert!(big.as_f64().is_some_and(|value| value > 9.9e19), "{big}");
        let strings = [".inf", "-.Inf", ".nan", "1e400", "yes", "on", "0x", "0xG", "1_000", "1.2.3", "e5", "1e", "-"];
        let placeholders = ["<< OS_NAME >>", "${NAME}", "{{ .Values.x }}", "0o8", "1.10.2", "true!"];
        for text in strings.into_iter().chain(placeholders) {
            assert_eq!(typed(text), Value::from(text), "{text:?}");
        }
    }
}
