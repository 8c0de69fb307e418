//! Reading an `entitle_evaluate` reply with a bound on its findings: the count is
//! checked while the array is parsed, so a flood of findings fails at the limit
//! instead of first costing memory for all of them.
//!
//! The shape is the SDK's [`entitle_sdk::EvaluationReply`] (`{"status":"ok","findings":[…]}`
//! or `{"status":"error","message":…}`, no other keys), read by hand because serde's
//! internally tagged enums buffer the whole document before choosing a variant.

use std::fmt;

use entitle_sdk::Finding;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A parsed evaluation reply.
#[derive(Debug)]
pub(crate) enum Reply {
    /// `{"status":"ok","findings":[…]}`.
    Ok(Vec<Finding>),
    /// `{"status":"error","message":…}`.
    Error(String),
}

/// Parses `bytes` as an evaluation reply holding at most `max_findings` findings.
pub(crate) fn parse(bytes: &[u8], max_findings: usize) -> Result<Reply, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let reply = ReplySeed { max_findings }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(reply)
}

struct ReplySeed {
    max_findings: usize,
}

impl<'de> DeserializeSeed<'de> for ReplySeed {
    type Value = Reply;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Reply, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReplySeed {
    type Value = Reply;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(r#"an object {"status": "ok", "findings": […]} or {"status": "error", "message": …}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Reply, A::Error> {
        let (mut status, mut findings, mut message) = (None::<String>, None, None::<String>);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "status" if status.is_none() => status = Some(map.next_value()?),
                "findings" if findings.is_none() => {
                    findings = Some(map.next_value_seed(FindingsSeed { max: self.max_findings })?)
                }
                "message" if message.is_none() => message = Some(map.next_value()?),
                "status" | "findings" | "message" => return Err(de::Error::custom(format!("duplicate field `{key}`"))),
                _ => {
                    let _: IgnoredAny = map.next_value()?;
                    return Err(de::Error::custom(format!("unknown field `{key}`")));
                }
            }
        }
        match (status.as_deref(), findings, message) {
            (Some("ok"), Some(findings), None) => Ok(Reply::Ok(findings)),
            (Some("error"), None, Some(message)) => Ok(Reply::Error(message)),
            (Some("ok"), None, _) => Err(de::Error::missing_field("findings")),
            (Some("error"), _, None) => Err(de::Error::missing_field("message")),
            (Some(status @ ("ok" | "error")), _, _) => {
                Err(de::Error::custom(format!("a reply with status `{status}` has `findings` or `message`, not both")))
            }
            (Some(other), _, _) => {
                Err(de::Error::custom(format!("unknown status `{other}`, expected `ok` or `error`")))
            }
            (None, _, _) => Err(de::Error::missing_field("status")),
        }
    }
}

/// The `findings` array, refused past `max` entries.
struct FindingsSeed {
    max: usize,
}

impl<'de> DeserializeSeed<'de> for FindingsSeed {
    type Value = Vec<Finding>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Finding>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FindingsSeed {
    type Value = Vec<Finding>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Finding>, A::Error> {
        let mut findings = Vec::new();
        while let Some(finding) = seq.next_element::<Finding>()? {
            if findings.len() == self.max {
                return Err(de::Error::custom(format!(
                    "more than {} findings in one evaluation, the limit (--policy-max-findings)",
                    self.max
                )));
            }
            findings.push(finding);
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::{Reply, parse};

    const FINDING: &str = r#"{"rule":"R","workload":"w","field":"os","message":"m"}"#;

    fn findings(n: usize) -> String {
        format!(r#"{{"status":"ok","findings":[{}]}}"#, vec![FINDING; n].join(","))
    }

    #[test]
    fn findings_up_to_the_limit_are_read() {
        let Ok(Reply::Ok(found)) = parse(findings(3).as_bytes(), 3) else { panic!("three findings fit a limit of 3") };
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].rule, "R");
    }

    #[test]
    fn one_finding_past_the_limit_is_refused() {
        let error = parse(findings(4).as_bytes(), 3).expect_err("four findings exceed a limit of 3");
        assert!(error.to_string().contains("more than 3 findings"), "{error}");
    }

    #[test]
    fn the_shapes_of_the_sdk_reply_and_nothing_else() {
        let ok = |text: &str| parse(text.as_bytes(), 10).map_err(|e| e.to_string());
        assert!(matches!(ok(r#"{"findings":[],"status":"ok"}"#), Ok(Reply::Ok(f)) if f.is_empty()));
        assert!(matches!(ok(r#"{"status":"error","message":"no"}"#), Ok(Reply::Error(m)) if m == "no"));
        for (bad, words) in [
            (r#"{"status":"ok"}"#, "missing field `findings`"),
            (r#"{"status":"error"}"#, "missing field `message`"),
            (r#"{"status":"maybe","findings":[]}"#, "unknown status `maybe`"),
            (r#"{"status":"ok","findings":[],"message":"x"}"#, "not both"),
            (r#"{"status":"ok","findings":[],"extra":1}"#, "unknown field `extra`"),
            (r#"{"status":"ok","status":"ok","findings":[]}"#, "duplicate field `status`"),
            (r#"{"findings":[]}"#, "missing field `status`"),
            (r#"{"status":"ok","findings":[]} trailing"#, "trailing characters"),
            (r#"[]"#, "invalid type"),
        ] {
            let error = ok(bad).expect_err(bad);
            assert!(error.contains(words), "{bad}: {error}");
        }
    }
}
